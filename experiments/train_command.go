package experiments

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/spec"
)

// The run protocol of a spec with a trainer: section.
//
// For every attempt of a run, lossexp makes a fresh private folder
// ($LOSSEXP_RUN_DIR), writes the run's parameters to params.json in it
// ($LOSSEXP_PARAMS), and starts the command, with the spec's folder as
// working directory and the environment
//
//	LOSSEXP_RUN_ID, LOSSEXP_REPEAT, LOSSEXP_SEED, LOSSEXP_WORKER,
//	LOSSEXP_RUN_DIR, LOSSEXP_PARAMS, LOSSEXP_ATTEMPT,
//	LOSSEXP_LAMBDA_<NAME> per term, LOSSEXP_PARAM_<NAME> per trainer.params
//
// added to lossexp's own and trainer.env. The command reports by writing
// $LOSSEXP_RUN_DIR/metrics.jsonl (command.ParseMetrics). The outcome:
//
//   - ok: exit status 0, a final line, every trainer.metrics name in it
//     with a finite value, and finite loss.total and loss.task on every
//     epoch line;
//   - diverged: the same, except that a required metric or an epoch's
//     loss.total or loss.task is NaN or ±Inf (JSON null counts as NaN);
//   - failed: anything else (a non-zero exit, a signal, the timeout, no
//     metrics.jsonl, a malformed line, no final line, a missing metric),
//     tried again up to trainer.retries times.
//
// The attempt's folder is made in the scratch folder (WithScratch: a
// sweep's <results>/runs/tmp/<owner>/, never $TMPDIR) and removed
// afterwards; its command line (attempt-<k>.cmd.json), stdout, stderr (the
// last command.DefaultLogCap bytes of each) and metrics.jsonl are kept in
// the run's log folder, staged in the scratch folder too (or under
// WithLogRoot); attempt numbers continue across sweeps (attempts.go).

// Context keys.
type (
	workerKey  struct{}
	logRootKey struct{}
	scratchKey struct{}
	attemptKey struct{}
)

// AttemptFunc is told of every attempt of a training command that ended
// (not one stopped by ctx): the run's id, its status and its reason ("" when
// ok). It is called from the worker that ran the attempt, so from several
// goroutines at once.
type AttemptFunc func(id, status, reason string)

// WithAttempts returns ctx carrying f, which hears of every attempt of the
// training commands run under ctx (a sweep's fail-fast rule,
// trainer.max_failures, counts them). It never changes a result.
func WithAttempts(ctx context.Context, f AttemptFunc) context.Context {
	return context.WithValue(ctx, attemptKey{}, f)
}

// WithScratch returns ctx carrying the folder in which a training
// command's attempts make their run folders ($LOSSEXP_RUN_DIR,
// <run-id>-a<k>-<random>) and its runs stage their logs
// (<run-id>-logs-<random>, unless WithLogRoot): a sweep's is in its
// results folder (runs/tmp/), `lossexp run`'s a temporary folder it
// removes. Without it they are made in the system's temporary folder.
// The folder's path never enters a result: only the command sees it.
func WithScratch(ctx context.Context, dir string) context.Context {
	return context.WithValue(ctx, scratchKey{}, dir)
}

// scratchDir returns the folder WithScratch stored, "" for the system's
// temporary folder.
func scratchDir(ctx context.Context) string {
	d, _ := ctx.Value(scratchKey{}).(string)
	return d
}

// tempPrefix returns where a run or log folder is made (the scratch
// folder, or "" for the system's temporary folder) and the start of its
// name: "" in the scratch folder, "lossexp-" in the system's.
func tempPrefix(ctx context.Context) (string, string) {
	if d := scratchDir(ctx); d != "" {
		return d, ""
	}
	return "", "lossexp-"
}

// WithWorker returns ctx carrying the index (0 … workers−1) of the pool
// worker that trains the runs under it: a training command sees it as
// {worker} and LOSSEXP_WORKER (e.g. to choose a GPU). It never changes a
// result.
func WithWorker(ctx context.Context, worker int) context.Context {
	return context.WithValue(ctx, workerKey{}, worker)
}

// WorkerFrom returns the worker index WithWorker stored, 0 when none.
func WorkerFrom(ctx context.Context) int {
	if w, ok := ctx.Value(workerKey{}).(int); ok {
		return w
	}
	return 0
}

// WithLogRoot returns ctx carrying the folder under which a training
// command's runs write their logs: <root>/<run-id>/attempt-<k>.cmd.json,
// .stdout, .stderr and .metrics.jsonl (attempts.go). Without it each run
// writes them to a fresh folder in the scratch folder (WithScratch);
// either way Result.LogDir names the folder, and a sweep's store moves
// it beside the run's record (runs/logs/<run-id>).
func WithLogRoot(ctx context.Context, root string) context.Context {
	return context.WithValue(ctx, logRootKey{}, root)
}

// logDir returns the log folder for run id under ctx (WithLogRoot), a
// fresh one without it.
func logDir(ctx context.Context, id string) (string, error) {
	root, _ := ctx.Value(logRootKey{}).(string)
	if root == "" {
		dir, prefix := tempPrefix(ctx)
		return os.MkdirTemp(dir, prefix+id+"-logs-")
	}
	dir := filepath.Join(root, id) // earlier attempts' logs stay: numbers continue (firstAttempt)
	return dir, os.MkdirAll(dir, 0o755)
}

// CommandSeed returns the seed a training command gets for repeat r: the
// same at every λ (runs stay paired), below 2³¹ so that any library
// accepts it (numpy wants < 2³²).
func CommandSeed(seed uint64, repeat int) uint64 {
	return RepeatSeed(seed, repeat) >> 33
}

// metricsOptions are the options metrics.jsonl is read with for spec s:
// the losses whose non-finite values make a run diverged, and the curves kept.
func metricsOptions(s *spec.Spec) command.Options {
	return command.Options{Watch: watchedLosses, Curve: CurveNames(s)}
}

// metricsFile is the file a command writes in its run folder.
const metricsFile = "metrics.jsonl"

// maxMetricsCopy bounds the copy of metrics.jsonl kept in the log folder.
const maxMetricsCopy = 16 << 20

// attempt is the outcome of one attempt.
type attempt struct {
	status, reason string
	final          map[string]float64
	curves         [][]float64
	epochs         int
	// added is the epochs the attempt trained by its epoch lines (last
	// epoch − first + 1; 0 without epoch lines).
	added   int
	seconds float64
}

// trainCommand trains one run with the spec's training command. A run
// that failed comes back as a Result with Status failed and a nil error;
// an error means the run could not be tried (its inputs vanished) or ctx
// was cancelled (the command's process group is stopped first), and no
// result is recorded.
func trainCommand(ctx context.Context, run *Run) (Result, error) {
	s := run.Spec
	names := MetricNames(s, nil)
	res := newResult(run, len(names)) // Fold is 0: a trainer: spec has no dataset.split.cv
	sum, err := s.InputsSum(ctx)
	if err != nil {
		return res, err
	}
	key := spec.RunID(s.RunBase(sum), run.Lambdas, run.Repeat) // the (λ, repeat) of its checkpoint folder
	res.RunID = key
	logs, err := logDir(ctx, res.RunID)
	if err != nil {
		return res, fmt.Errorf("log folder of run %s: %w", res.RunID, err)
	}
	ckpt, tempCkpt, err := openCheckpoint(ctx, run, key)
	if err != nil {
		return res, err
	}
	tries := 1 + s.Trainer.Retries
	a, err := tryAttempts(ctx, run, res.RunID, logs, ckpt, tries)
	if err != nil {
		if _, set := ctx.Value(logRootKey{}).(string); !set {
			os.RemoveAll(logs) // an interrupted run leaves no temporary folder
		}
		if tempCkpt {
			os.RemoveAll(ckpt)
		}
		return res, err // interrupted: a sweep's checkpoint folder stays for the resumed run
	}
	res.Status, res.Seconds, res.LogDir = a.status, a.seconds, logs
	res.EpochsTrained = a.added
	if a.added == 0 {
		res.EpochsTrained = run.EpochBudget() // no epoch lines: the budget it was given
	}
	closeCheckpoint(run, ckpt, tempCkpt, a.status)
	switch a.status {
	case StatusFailed:
		res.Reason = a.reason
		if tries > 1 {
			res.Reason = fmt.Sprintf("%s (%d attempts)", a.reason, tries)
		}
		return res, nil
	case StatusDiverged:
		res.Reason = a.reason
	default:
		for i, n := range names {
			if v, ok := a.final[n]; ok {
				res.Metrics[i] = v
			}
		}
		res.ExtraNames, res.Extra = extraMetrics(a.final, names)
	}
	res.Curves = a.curves
	if i := slices.Index(names, lossterms.EpochsRun); i >= 0 {
		res.Metrics[i] = epochsRun(&a)
	}
	return res, nil
}

// tryAttempts runs attempts of run id until one does not fail, at most
// tries; each is told to WithAttempts's function. The error is one that
// stopped an attempt (ctx cancelled): no result.
func tryAttempts(ctx context.Context, run *Run, id, logs, ckpt string, tries int) (a attempt, err error) {
	first := firstAttempt(ctx, id, logs) // numbers continue across sweeps
	for k := first; k < first+tries; k++ {
		if a, err = runAttempt(ctx, run, id, k, logs, ckpt); err != nil {
			return a, err
		}
		if f, ok := ctx.Value(attemptKey{}).(AttemptFunc); ok {
			f(id, a.status, a.reason)
		}
		if a.status != StatusFailed {
			break
		}
	}
	return a, nil
}

// epochsRun is the value of the epochs_run row of the metric table for
// attempt a: the epochs the command reported (a whole number ≤ 2⁵³, the
// parser checked), else the epoch lines it wrote plus the epochs before
// its first (an attempt that continued from its checkpoint at epoch k+1
// had trained k).
func epochsRun(a *attempt) float64 {
	n := a.epochs
	if v, ok := a.final[lossterms.EpochsRun]; ok {
		n = int(v)
	}
	row, _ := lossterms.LookupMetric(lossterms.EpochsRun)
	v, _ := row.Value(&lossterms.MetricEval{Epochs: n}, nil, nil)
	return v
}

// runAttempt runs attempt k of run id and keeps its logs in logDir.
//
// The run folder's path never enters the outcome: where the reason
// quotes it (the command's stderr, an error opening metrics.jsonl) it
// reads $LOSSEXP_RUN_DIR, so that runs.csv is the same whichever folder
// the attempt ran in.
func runAttempt(ctx context.Context, run *Run, id string, k int, logDir, ckpt string) (a attempt, err error) {
	s := run.Spec
	t := s.Trainer
	ctx, release, err := acquireDevices(ctx, s) // held until the attempt ends, however it ends
	if err != nil {
		return attempt{}, err
	}
	defer release()
	scratch, tmp := tempPrefix(ctx)
	dir, err := os.MkdirTemp(scratch, fmt.Sprintf("%s%s-a%d-", tmp, id, k))
	if err != nil {
		return attempt{}, fmt.Errorf("create run folder: %w", err)
	}
	defer os.RemoveAll(dir)
	defer hideFolders(&a, dir, ckpt)
	argv, env, err := commandLine(ctx, run, id, k, dir, ckpt)
	if err != nil {
		return attempt{}, err
	}
	prefix := filepath.Join(logDir, fmt.Sprintf("attempt-%d", k))
	if err := writeCmdLog(prefix+".cmd.json", k, argv, s.SpecDir(), env, t.Env, attemptDevices(ctx)); err != nil {
		return attempt{}, fmt.Errorf("keep the logs of run %s: %w", id, err)
	}
	liveAttempt(ctx, k, filepath.Join(dir, metricsFile)) // lossexp status
	o, err := command.Run(ctx, command.Attempt{
		Argv: argv, Dir: s.SpecDir(), Env: env, Timeout: t.Timeout, Grace: t.Grace,
	})
	logErr := keepAttemptLogs(prefix, dir, &o)
	if err != nil {
		return attempt{}, err // cancelled: not a result
	}
	if logErr != nil {
		return attempt{}, fmt.Errorf("keep the logs of run %s: %w", id, logErr)
	}
	a = attempt{status: StatusFailed, seconds: o.Duration.Seconds()}
	if a.reason = exitReason(&o, argv[0], t.Timeout); a.reason != "" {
		return a, nil
	}
	f, err := openMetrics(filepath.Join(dir, metricsFile))
	if errors.Is(err, os.ErrNotExist) {
		a.reason = "no " + metricsFile + " written to $LOSSEXP_RUN_DIR"
		return a, nil
	}
	if err != nil {
		a.reason = err.Error()
		return a, nil
	}
	rep, err := command.ParseMetricsWith(f, metricsOptions(s))
	f.Close() // read-only
	if err != nil {
		a.reason = metricsFile + ": " + err.Error()
		return a, nil
	}
	if rep.Thinned() {
		if err := appendLog(prefix+".stderr", thinNote(rep)); err != nil {
			return attempt{}, fmt.Errorf("keep the logs of run %s: %w", id, err)
		}
	}
	judge(s, rep, &a)
	return a, nil
}

// hideFolders names the run folder dir and the checkpoint folder ckpt in
// a's reason by their variables, so that runs.csv is the same whichever
// folders the attempt ran with.
func hideFolders(a *attempt, dir, ckpt string) {
	a.reason = strings.ReplaceAll(a.reason, dir, "$"+command.EnvRunDir)
	if ckpt != "" {
		a.reason = strings.ReplaceAll(a.reason, ckpt, "$"+command.EnvCheckpointDir)
	}
}

// epochsAdded is the number of epochs an attempt's epoch lines cover:
// the last epoch − the first + 1 (a trainer that continued from its
// checkpoint starts above 1), 0 without epoch lines.
func epochsAdded(rep *command.Report) int {
	if len(rep.Epochs) == 0 {
		return 0
	}
	first := rep.Epochs[0].Values["epoch"]
	last := rep.Epochs[len(rep.Epochs)-1].Values["epoch"]
	return int(last-first) + 1
}

// watchedLosses are the epoch-line values of which a non-finite one makes
// a run diverged.
var watchedLosses = []string{"loss.total", "loss.task"}

// keepAttemptLogs writes the attempt's stdout and stderr logs (with a
// note on processes left running) and its metrics.jsonl beside prefix.
func keepAttemptLogs(prefix, dir string, o *command.Outcome) error {
	var note []byte // what the stderr log says of processes left running
	for _, p := range o.Escaped {
		note = fmt.Appendf(note, "[lossexp: process %d (%s) left the run's session (setsid) and was left running]\n", p.Pid, p.Cmdline)
	}
	return errors.Join(
		writeLog(prefix+".stdout", o.Stdout, o.StdoutBytes),
		writeLog(prefix+".stderr", append(o.Stderr, note...), o.StderrBytes+int64(len(note))),
		copyMetrics(filepath.Join(dir, metricsFile), prefix+".metrics.jsonl"),
	)
}

// exitReason is why the command (program argv0, limit timeout) failed
// by how it ended, or "" when it exited 0.
func exitReason(o *command.Outcome, argv0 string, timeout time.Duration) string {
	switch {
	case o.StartErr != nil:
		return fmt.Sprintf("cannot start %s: %v", argv0, unwrapExec(o.StartErr))
	case o.TimedOut:
		return "timeout after " + ShortDuration(timeout) + stderrTail(o.Stderr)
	case o.Signal != "":
		return "ended by signal " + o.Signal + stderrTail(o.Stderr)
	case o.Exit != 0:
		return fmt.Sprintf("exit status %d%s", o.Exit, stderrTail(o.Stderr))
	}
	return ""
}

// thinNote is what the stderr log of an attempt says of a thinned curve.
func thinNote(rep *command.Report) string {
	return fmt.Sprintf("[lossexp: %s has %d epoch lines; the training curves keep %d of them (at most %d): one line in %d from the first, and the last]\n",
		metricsFile, rep.EpochLines, len(rep.Epochs), command.MaxEpochs, rep.Stride)
}

// appendLog adds text to the end of a log file.
func appendLog(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(text)
	return errors.Join(err, f.Close())
}

// judge sets a's status, reason, final metrics, curves and epochs added from a report of
// a command that exited with status 0.
func judge(s *spec.Spec, rep *command.Report, a *attempt) {
	a.added = epochsAdded(rep)
	if rep.Final == nil {
		a.reason = metricsFile + `: no line with "final": true`
		return
	}
	var missing []string
	for _, m := range s.Trainer.Metrics {
		if _, ok := rep.Final.Values[m.Name]; !ok {
			missing = append(missing, m.Name)
		}
	}
	if len(missing) > 0 {
		a.reason = missingReason(missing, rep.Final)
		return
	}
	a.final = rep.Final.Values
	a.epochs = rep.EpochLines
	if len(rep.Epochs) > 0 { // a continued attempt starts above 1: count what its checkpoint held
		a.epochs += int(rep.Epochs[0].Values["epoch"]) - 1
	}
	curves := CurveNames(s)
	a.curves = make([][]float64, len(rep.Epochs))
	for e, ln := range rep.Epochs {
		row := make([]float64, len(curves))
		for i, n := range curves {
			v, ok := ln.Values[n]
			if !ok {
				v = math.NaN()
			}
			row[i] = v
		}
		a.curves[e] = row
	}
	a.status = StatusOK
	if ln := rep.NonFinite; ln != nil {
		for _, n := range watchedLosses {
			if v, ok := ln.Values[n]; ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
				a.status = StatusDiverged
				a.reason = fmt.Sprintf("%s is %s at epoch %s (%s line %d)", n, fmtFloat(v), fmtFloat(ln.Values["epoch"]), metricsFile, ln.No)
				return
			}
		}
	}
	for _, m := range s.Trainer.Metrics {
		if v := a.final[m.Name]; math.IsNaN(v) || math.IsInf(v, 0) {
			a.status = StatusDiverged
			a.reason = fmt.Sprintf("metric %s is %s (%s line %d)", m.Name, fmtFloat(v), metricsFile, rep.Final.No)
			return
		}
	}
}

// commandLine returns the argv and the environment of attempt k, and
// writes params.json into the run folder dir.
func commandLine(ctx context.Context, run *Run, id string, k int, dir, ckpt string) ([]string, []string, error) {
	inv := newInvocation(ctx, run, id, k, dir)
	inv.ckpt = ckpt
	argv, err := inv.argv()
	if err != nil {
		return nil, nil, err
	}
	env, err := inv.env()
	if err != nil {
		return nil, nil, err
	}
	if err := inv.writeParams(); err != nil {
		return nil, nil, err
	}
	return argv, env, nil
}

// invocation is one attempt of a training command: what its placeholders,
// environment and params.json say.
type invocation struct {
	run     *Run
	s       *spec.Spec
	id, dir string
	k       int
	seed    uint64
	worker  int
	lambdas map[string]float64 // by term name
	// devices is the attempt's device slot comma-joined ({devices}),
	// haveDevices whether it holds one; deviceEnv sets CUDA_VISIBLE_DEVICES
	// unless trainer.env does (devices.go).
	devices     string
	haveDevices bool
	deviceEnv   []string
	ckpt        string // the run's checkpoint folder ({checkpoint_dir})
}

func newInvocation(ctx context.Context, run *Run, id string, k int, dir string) *invocation {
	s := run.Spec
	inv := &invocation{run: run, s: s, id: id, dir: dir, k: k,
		seed: CommandSeed(s.Seed, run.Repeat), worker: WorkerFrom(ctx),
		lambdas: make(map[string]float64, len(s.Loss.Terms))}
	for i, term := range s.Loss.Terms {
		inv.lambdas[term.Name] = run.Lambdas[i]
	}
	inv.devices, inv.haveDevices = devicesValue(ctx)
	inv.deviceEnv = deviceEnv(ctx, s.Trainer.Env)
	return inv
}

// lookup is the value of the placeholder name.
func (inv *invocation) lookup(name string) (string, bool) {
	switch name {
	case command.PlaceholderSeed:
		return strconv.FormatUint(inv.seed, 10), true
	case command.PlaceholderRepeat:
		return strconv.Itoa(inv.run.Repeat), true
	case command.PlaceholderRunID:
		return inv.id, true
	case command.PlaceholderRunDir:
		return inv.dir, true
	case command.PlaceholderWorker:
		return strconv.Itoa(inv.worker), true
	case command.PlaceholderDevices:
		return inv.devices, inv.haveDevices
	case command.PlaceholderCheckpointDir:
		return inv.ckpt, true
	case command.PlaceholderEpochs:
		n := inv.run.EpochBudget()
		return strconv.Itoa(n), n > 0
	}
	if n, ok := strings.CutPrefix(name, command.PlaceholderLambda); ok {
		if l, ok := inv.lambdas[n]; ok {
			return fmtFloat(l), true
		}
	}
	if n, ok := strings.CutPrefix(name, command.PlaceholderParam); ok {
		if p, ok := inv.s.Trainer.Params[n]; ok {
			return fmtFloat(p), true
		}
	}
	return "", false
}

// expand fills the placeholders of v, the spec's field.
func (inv *invocation) expand(field, v string) (string, error) {
	tpl, err := command.ParseTemplate(v)
	if err == nil {
		v, err = tpl.Expand(inv.lookup)
	}
	if err != nil {
		return "", inv.s.Errorf(field, "%v", err)
	}
	return v, nil
}

// argv is trainer.command expanded, a relative program path resolved
// against the spec's folder.
func (inv *invocation) argv() ([]string, error) {
	t := inv.s.Trainer
	argv := make([]string, len(t.Command))
	for i, a := range t.Command {
		v, err := inv.expand(spec.IndexField("trainer.command", i), a)
		if err != nil {
			return nil, err
		}
		argv[i] = v
	}
	if p := argv[0]; strings.ContainsRune(p, '/') && !filepath.IsAbs(p) {
		argv[0] = filepath.Join(inv.s.SpecDir(), p)
	}
	return argv, nil
}

// paramsPath is params.json in the run folder.
func (inv *invocation) paramsPath() string { return filepath.Join(inv.dir, "params.json") }

// env is lossexp's environment, then trainer.env expanded, then the
// protocol's variables.
func (inv *invocation) env() ([]string, error) {
	t := inv.s.Trainer
	env := os.Environ()
	for _, key := range slices.Sorted(maps.Keys(t.Env)) {
		v, err := inv.expand("trainer.env."+key, t.Env[key])
		if err != nil {
			return nil, err
		}
		env = append(env, key+"="+v)
	}
	env = append(env, inv.deviceEnv...)
	env = append(env,
		command.EnvRunID+"="+inv.id,
		command.EnvRepeat+"="+strconv.Itoa(inv.run.Repeat),
		command.EnvSeed+"="+strconv.FormatUint(inv.seed, 10),
		command.EnvWorker+"="+strconv.Itoa(inv.worker),
		command.EnvRunDir+"="+inv.dir,
		command.EnvParams+"="+inv.paramsPath(),
		command.EnvAttempt+"="+strconv.Itoa(inv.k),
		command.EnvCheckpointDir+"="+inv.ckpt,
	)
	if n := inv.run.EpochBudget(); n > 0 {
		env = append(env, command.EnvEpochs+"="+strconv.Itoa(n))
	}
	for _, term := range inv.s.Loss.Terms {
		env = append(env, command.EnvLambda+EnvName(term.Name)+"="+fmtFloat(inv.lambdas[term.Name]))
	}
	for _, n := range slices.Sorted(maps.Keys(t.Params)) {
		env = append(env, command.EnvParam+EnvName(n)+"="+fmtFloat(t.Params[n]))
	}
	return env, nil
}

// writeParams writes params.json into the run folder.
func (inv *invocation) writeParams() error {
	s, t := inv.s, inv.s.Trainer
	var required []string
	for _, m := range t.Metrics {
		required = append(required, m.Name)
	}
	specPath := s.File
	if specPath != "" {
		if abs, err := filepath.Abs(specPath); err == nil {
			specPath = abs
		}
	}
	p := struct {
		RunID   string             `json:"run_id"`
		Repeat  int                `json:"repeat"`
		Seed    uint64             `json:"seed"`
		Worker  int                `json:"worker"`
		Attempt int                `json:"attempt"`
		RunDir  string             `json:"run_dir"`
		Metrics string             `json:"metrics_file"`
		Lambda  map[string]float64 `json:"lambda"`
		Params  map[string]float64 `json:"params"`
		Axes    map[string]float64 `json:"axes"`
		Spec    string             `json:"spec"`
		Report  []string           `json:"required_metrics"`
		Epochs  int                `json:"epochs,omitempty"` // the budget ({epochs}), absent without one
		Ckpt    string             `json:"checkpoint_dir"`
	}{inv.id, inv.run.Repeat, inv.seed, inv.worker, inv.k, inv.dir, filepath.Join(inv.dir, metricsFile), inv.lambdas, t.Params, s.AxisValues(), specPath, required, inv.run.EpochBudget(), inv.ckpt}
	if p.Params == nil {
		p.Params = map[string]float64{}
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("run %s: params.json: %w", inv.id, err)
	}
	if err := os.WriteFile(inv.paramsPath(), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("run %s: %w", inv.id, err)
	}
	return nil
}

// EnvName turns a term or parameter name into the tail of an environment
// variable: upper-cased, every character other than A-Z, 0-9 and _
// replaced by _.
func EnvName(name string) string {
	b := []byte(strings.ToUpper(name))
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// fmtFloat formats a value as the shortest decimal that parses back to
// it (what a command receives for λ and parameters).
func fmtFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// ShortDuration formats a duration as a spec writes it: 30m0s as 30m,
// 2h0m0s as 2h.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// stderrTail returns "; stderr: " and the last three non-empty lines of
// stderr joined by " | " (at most 300 bytes, the end kept), or "".
func stderrTail(stderr []byte) string {
	var lines []string
	for _, l := range bytes.Split(stderr, []byte("\n")) {
		if c := strings.TrimSpace(cleanLine(string(l))); c != "" {
			lines = append(lines, c)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	lines = lines[max(0, len(lines)-3):]
	s := strings.Join(lines, " | ")
	if len(s) > 300 {
		s = "…" + strings.ToValidUTF8(s[len(s)-300:], "")
	}
	return "; stderr: " + s
}

func unwrapExec(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// writeLog writes the kept tail of a stream, noting how much was dropped.
// Logs are not results: they are written directly, without a sync.
func writeLog(path string, tail []byte, total int64) error {
	var head []byte
	if dropped := total - int64(len(tail)); dropped > 0 {
		head = fmt.Appendf(nil, "[lossexp: the first %d of %d bytes were dropped; the last %d follow]\n", dropped, total, len(tail))
	}
	return os.WriteFile(path, append(head, tail...), 0o644)
}

// copyMetrics keeps the attempt's metrics.jsonl (its first
// maxMetricsCopy bytes); an absent file is not an error.
func copyMetrics(src, dst string) error {
	f, err := openMetrics(src)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, errNotRegular) {
		return nil // the attempt fails, saying why (runAttempt)
	}
	if err != nil {
		return err
	}
	defer f.Close() // read-only
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, io.LimitReader(f, maxMetricsCopy))
	return errors.Join(err, out.Close())
}

// errNotRegular marks a metrics.jsonl that is not a regular file.
var errNotRegular = errors.New("not a regular file")

// openMetrics opens a metrics.jsonl the command wrote, if it is a regular
// file (a link to one is followed). Anything else fails the attempt
// rather than the sweep: a named pipe would block the read forever (the
// open does not wait for a writer: O_NONBLOCK), a device such as
// /dev/zero would never end, a directory cannot be read.
func openMetrics(path string) (*os.File, error) {
	f, err := saferead.Open(path)
	var nr *saferead.NotRegularError
	if errors.As(err, &nr) {
		// Named by its base name: the run folder's path is temporary, and
		// the reason goes into runs.csv, which is the same every time.
		return nil, fmt.Errorf("%s is %s, %w", metricsFile, saferead.Kind(nr.Mode), errNotRegular)
	}
	return f, err
}
