// Package command runs one attempt of a user's training command, the
// trainer of a spec with a trainer: section, and reads what it reports.
//
// It has three parts, each usable alone:
//
//   - Template (template.go): one argv element or environment value with
//     {name} placeholders; {{ and }} are literal braces. Parsing finds
//     every placeholder with its byte offset, so a spec can refuse an
//     unknown one at its line and column before anything runs.
//   - Run (exec.go): starts the program without a shell, keeps the tail of
//     its stdout and stderr (bounded memory whatever it prints), and stops
//     what it started on timeout or when ctx is cancelled: SIGTERM, a grace
//     period, then SIGKILL. When the program exits, whatever it left running
//     is stopped the same way. On Linux the attempt supervisor
//     (supervise_linux.go, internal/supervise) starts the program in a
//     session of its own, adopts its orphans, and kills every session if
//     lossexp dies, so no process outlives its attempt or lossexp except
//     one that made a session of its own (Outcome.Escaped names it).
//     Elsewhere the program leads a process group, stopped the same way.
//   - CheckProgram (program.go): why exec would refuse a program, told
//     without running it (validate's check of trainer.command[0]).
//   - ParseMetrics (metrics.go): the metrics.jsonl protocol, one JSON
//     object per line; lines with "epoch" are curve points, the line with
//     "final": true holds the run's metrics. Strict: their keys are metric
//     names (CheckMetricName, names.go), their values JSON numbers
//     (Python's NaN, Infinity and -Infinity tokens are accepted), epochs
//     whole and increasing, no key twice; problems name their line. At
//     most MaxEpochs epoch lines are held (thinned evenly beyond).
//
// The package knows nothing of specs, run ids or result tables:
// experiments/train_command.go builds the attempts from a spec and turns
// their outcome into a run's result.
package command
