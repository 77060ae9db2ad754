// Package study owns one study's results folder: it plans the study (the
// spec, its axes and λ grid, the run ids, the data, the resource limits),
// keeps the folder contract (what lossexp wrote there, the manifest, the
// lock), trains the runs the run store lacks, writes the tables and the
// report from the store, refines the grid, and runs shards and merges
// them. It draws a folder's report again (Report), stores a folder as a
// baseline (Baseline) and compares a folder with one (Check); it trains
// the one run `lossexp run` asks for as a one-run plan of the sweep's own
// planner (PlanRun). Every command that runs, rebuilds or reads a study
// goes through it, so there is one copy of each of these rules; what the
// commands read of the spec, the results and the catalogues comes
// through it too (catalogue.go), so cmd imports no training package.
//
// # Layers
//
//	cmd      flags and settings, one call into study, errors → exit codes
//	study    plan → folder (lock, claim) → TrainMissing → tables → report
//	sweep    plan expansion, the worker pool, the run store
//	report   tables, statistics, figures from the store's records
//
// # Errors
//
// Errors that are the user's input (a spec, a CSV, a flag, a folder that
// may not be written) are *InputError, or *LockedError when another
// lossexp holds the folder; cmd maps both to exit status 2 (IsInput
// counts a spec's FieldError and a dataset's CSVError too). A merge with
// runs missing is *IncompleteError (exit 1). Anything else is a failure
// (exit 1), and a cancelled context an interruption.
//
// # The folder contract
//
// A results folder holds what lossexp wrote there: the files manifest.json
// lists, spec.yaml, manifest.json, the run store (runs/seg-*.jsonl, and
// runs/<run-id>.json of older versions, runs/logs/<run-id>/), the
// shard manifests (shards/), the lock file (.lossexp.lock) and the
// temporary files of a write in progress (.<name>.tmp-*), and the
// scratch of a training command's attempts (runs/tmp/, all lossexp's, see
// ScratchDir). --force and --fresh remove only those; a folder with other
// files is refused, never emptied. While a sweep, merge or report writes a folder it holds an
// exclusive lock on .lossexp.lock (shards of one sweep share it); the
// operating system drops the lock when its process dies, so a killed
// sweep never blocks the next one.
package study
