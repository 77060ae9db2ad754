package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/sweep"
)

// SweepOptions configure Sweep.
type SweepOptions struct {
	Out     string // the results folder
	Workers int
	Fresh   bool // retrain every run: remove lossexp's run records first
	Force   bool // replace another spec's results (only what lossexp wrote)
	Log     io.Writer
	// Start is called before each training pass; it returns the
	// progress callback and a function called when the pass ends.
	Start func(p *Pass) (progress func(done, total int, r *experiments.Result), finish func())
	Tool  string // tool version for records and the manifest
	BLAS  string // BLAS backend for the manifest
}

// SweepOutcome is what a sweep did.
type SweepOutcome struct {
	Study       *Study // the study of the last refinement round (or the spec's)
	Out         string
	Manifest    Manifest
	Interrupted bool  // ctx was cancelled: the tables hold what finished
	RunErr      error // the failure that stopped training, or ctx's error
	ReportErr   error // a figure or analysis that could not be written for a partial sweep
	// Rendered says the report (summary.csv, the analysis tables, the
	// figures and report.html) was drawn whole; false when no run
	// finished or Ctrl-C stopped the drawing (lossexp report DIR draws it).
	Rendered bool
	// Halving is how far a halving sweep got (nil without sweep.halving).
	Halving *HalvingProgress
}

// Sweep trains the study into opt.Out and writes its tables, report and
// manifest: lock the folder, claim it (refusing another spec's results or
// a folder of the user's files), train the runs the store lacks (with
// refinement rounds when the spec asks), write the tables from the store
// in index order, render the report, write the manifest. Interrupted, it
// still writes the tables and the manifest of what finished, and returns
// the outcome with Interrupted set and ctx's error.
func Sweep(ctx context.Context, st *Study, opt SweepOptions) (*SweepOutcome, error) {
	started := time.Now()
	defer boundHeap(st.Memory.Sweep, processBytes+reportBytes)() // the runs and every repeat's splits, now
	out := opt.Out
	f, err := openSweepFolder(st, opt)
	if err != nil {
		return nil, err
	}
	defer f.close()
	ctx = withScratch(ctx, f.scratch)
	ctx, closeLive := openLive(ctx, out, "sweep "+st.Spec.Name, st)
	defer closeLive()
	store, prevFiles := f.store, f.prevFiles
	orig := st
	log := opt.Log
	if log == nil {
		log = io.Discard
	}

	// sweep.refine, sweep.halving: the rounds or rungs before the last.
	st, pre, mine, err := st.earlierRounds(ctx, store, opt, log)
	if err != nil {
		return nil, err
	}

	st.logPlan(log, opt.Workers, out)
	stats, runErr := st.trainSweep(ctx, store, opt, log, pre.Trained, mine)

	// Whatever happened, the tables come from the store in index order:
	// the same bytes whether the sweep ran in one go or was resumed.
	reportFrom := time.Now()
	defer atomicfile.DeferDirSync(out)() // tables, report, manifest: out synced once
	finished, counts, err := st.WriteTables(out, store)
	if err != nil {
		return nil, errors.Join(runErr, err)
	}
	oc := &SweepOutcome{Study: st, Out: out, RunErr: runErr}
	oc.Interrupted = runErr != nil && errors.Is(runErr, context.Canceled) && ctx.Err() != nil
	renderStart := time.Now().Add(-time.Second) // file times may be coarse
	if finished > 0 {
		if err := st.renderSweep(ctx, oc); err != nil {
			return nil, err
		}
		runErr = oc.RunErr
		st.noteUnreported(opt.Log, oc)
	}
	reportSeconds := time.Since(reportFrom).Seconds()
	m := orig.newManifest(st.SpecPath, opt.Tool, opt.BLAS, started)
	st.fillManifest(&m, opt.Workers, started, finished, counts, stats, pre)
	m.ReportSeconds = reportSeconds
	if oc.Halving, err = st.fillHalving(&m, store); err != nil {
		return nil, errors.Join(runErr, err)
	}
	m.Files = outputFiles(out, renderStart, prevFiles)
	if err := writeManifest(out, &m); err != nil {
		return nil, errors.Join(runErr, err)
	}
	oc.Manifest = m
	return oc, st.sweepError(oc, finished, counts, store.Dir())
}

// earlierRounds trains what comes before a sweep's last pass: with
// sweep.refine the grid and all rounds but the last (it returns the last
// round's study), with sweep.halving the rungs below the full budget (it
// returns the full budget's runs as mine; nil: every run). pre is what
// they trained.
func (st *Study) earlierRounds(ctx context.Context, store *sweep.Store, opt SweepOptions, log io.Writer) (last *Study, pre TrainStats, mine sweep.Bitset, err error) {
	switch {
	case st.Spec.Sweep.Refine != nil:
		last, pre, err = st.refineRounds(ctx, store, opt, log)
		return last, pre, nil, err
	case st.Spec.Sweep.Halving != nil:
		pre, mine, err = st.halvingRungs(ctx, store, opt, log)
		return st, pre, mine, err
	}
	return st, pre, nil, nil
}

// sweepFolder is a sweep's hold on its results folder: the lock, the
// runs' scratch, the run store, and the files the folder's manifest
// listed before.
type sweepFolder struct {
	out     string
	lock    *Lock
	scratch *Scratch
	// scratchSwept: runs/tmp was swept of stale scratch (openRunScratch),
	// so close removes it when empty.
	scratchSwept bool
	store        *sweep.Store
	prevFiles    []string
}

// openSweepFolder locks and claims opt.Out for st, opens the runs'
// scratch and the run store (emptied with opt.Fresh) and copies the spec
// in. On error nothing stays held.
func openSweepFolder(st *Study, opt SweepOptions) (*sweepFolder, error) {
	out := opt.Out
	claim := ClaimOptions{Force: opt.Force}
	lock, err := LockAccepted(out, "lossexp sweep "+st.Spec.Name, true, func() error { return CheckClaim(out, st, claim) })
	if err != nil {
		return nil, err
	}
	f := &sweepFolder{out: out, lock: lock}
	held := false // f is handed over: the caller closes it
	defer func() {
		if !held {
			f.close()
		}
	}()
	if err := Claim(out, st, claim); err != nil {
		return nil, err
	}
	f.prevFiles = previousFiles(out)
	atomicfile.RemoveTemps(out)
	if f.scratch, err = openRunScratch(out, st, true, opt.Log); err != nil {
		return nil, err
	}
	f.scratchSwept = true
	if opt.Fresh {
		if err := ClearRecords(out); err != nil {
			return nil, err
		}
	}
	if f.store, err = sweep.OpenStore(filepath.Join(out, sweep.StoreDir)); err != nil {
		return nil, input(err)
	}
	if err := atomicfile.WriteBytes(filepath.Join(out, SpecFile), st.SpecText); err != nil {
		return nil, inputf("output folder %s: %w", out, err)
	}
	held = true
	return f, nil
}

// close releases what openSweepFolder took, in the reverse order.
func (f *sweepFolder) close() {
	if f.store != nil {
		f.store.Close()
	}
	if f.scratch != nil || f.scratchSwept {
		// runs/tmp goes when empty, also for a built-in sweep that had no
		// scratch of its own but held the live state there (live.go).
		closeRunScratch(f.out, f.scratch, true)
	}
	f.lock.Unlock()
}

// fillManifest fills what the sweep of st did into its manifest m:
// finished runs (counts: their tables' counts), what this pass trained
// (stats) and what the earlier refinement rounds did (pre).
func (st *Study) fillManifest(m *Manifest, workers int, started time.Time, finished int, counts Counts, stats, pre TrainStats) {
	ended := time.Now()
	m.GridPoints, m.Runs = len(st.Grid), st.Plans.Len()
	m.RunBase = st.Base
	m.Dataset, m.DataSHA256 = st.DatasetLabel(), st.Data.Checksum()
	m.Complete, m.Finished = finished == st.Plans.Len() && counts.Failed == 0, finished
	m.Trained, m.Reused = stats.Trained+pre.Trained, stats.Reused-pre.Trained
	if st.Spec.Sweep.Halving != nil {
		m.Reused = stats.Reused // the lower rungs' runs are not the full budget's
	}
	m.Diverged, m.Failed, m.Pruned, m.Workers = counts.Diverged, counts.Failed, counts.Pruned, st.limits.workersOr(workers)
	m.Ended, m.Seconds = ended.UTC(), ended.Sub(started).Seconds()
	m.TrainSeconds = stats.Seconds + pre.Seconds
}

// logPlan tells what the sweep will train, and with how much memory.
func (st *Study) logPlan(log io.Writer, workers int, out string) {
	s := st.Spec
	folds := ""
	if s.Dataset.Split.CV > 0 {
		folds = fmt.Sprintf(" × %d folds", s.Dataset.Split.CV)
	}
	if m := s.BalanceRuns(); m > 0 {
		fmt.Fprintf(log, "sweep %s: %d grid points × %d repeats%s + %d balancing-method runs = %d runs on %s → %s\n",
			s.Name, len(st.Grid), s.Repeats, folds, m, st.Plans.Len(), workersLabel(st.limits.workersOr(workers)), out)
	} else {
		fmt.Fprintf(log, "sweep %s: %d grid points × %d repeats%s = %d runs on %s → %s\n",
			s.Name, len(st.Grid), s.Repeats, folds, st.Plans.Len(), workersLabel(st.limits.workersOr(workers)), out)
	}
	if m := st.Memory; m.Sweep > 0 && st.limits.MaxMemory > 0 {
		fmt.Fprintf(log, "sweep %s: memory about %s at the peak (judged before loading the data; --max-memory %s)\n", s.Name, humanBytes(m.Sweep), humanBytes(float64(st.limits.MaxMemory)))
	}
}

// trainSweep trains the runs the store lacks, telling what it reuses
// (preTrained: the runs of earlier refinement rounds) and reporting
// progress through opt.Start.
func (st *Study) trainSweep(ctx context.Context, store *sweep.Store, opt SweepOptions, log io.Writer, preTrained int, mine sweep.Bitset) (TrainStats, error) {
	s := st.Spec
	var finish func()
	stats, runErr := st.TrainMissing(ctx, store, mine, TrainOptions{
		Workers: opt.Workers, Log: log, Tool: opt.Tool,
		Start: func(pass *Pass) func(int, int, *experiments.Result) {
			reused, toTrain := pass.Reused, pass.ToTrain
			switch {
			case preTrained > 0 && s.Sweep.Halving != nil:
				fmt.Fprintf(log, "sweep %s: halving: %d runs trained in the lower rungs, %d of the full budget's reused, %d to train\n",
					s.Name, preTrained, reused, toTrain)
			case preTrained > 0:
				fmt.Fprintf(log, "sweep %s: refinement: %d runs trained in the earlier rounds, %d reused, %d to train\n",
					s.Name, preTrained, reused-preTrained, toTrain)
			case reused > 0:
				fmt.Fprintf(log, "sweep %s: resuming: %d of %d runs already in %s, %d to train\n",
					s.Name, reused, st.Plans.Len(), store.Dir(), toTrain)
			}
			if opt.Start == nil {
				return nil
			}
			var progress func(int, int, *experiments.Result)
			progress, finish = opt.Start(pass)
			return progress
		},
	})
	if finish != nil {
		finish()
	}
	return stats, runErr
}

// renderSweep draws the report of what finished into oc.Out. A sweep
// interrupted while training still draws it (quick, and what the user
// asked for by stopping); Ctrl-C that arrives while a complete sweep
// draws stops it (oc.Interrupted, oc.RunErr set). An error is returned
// only when a complete sweep's report cannot be drawn.
func (st *Study) renderSweep(ctx context.Context, oc *SweepOutcome) error {
	rctx := ctx
	if oc.Interrupted {
		rctx = context.WithoutCancel(ctx)
	}
	err := st.Render(rctx, oc.Out)
	oc.Rendered = err == nil
	switch {
	case err == nil:
	case rctx.Err() != nil: // Ctrl-C while drawing: the tables are written, resume redraws
		oc.RunErr, oc.Interrupted = ctx.Err(), true
		oc.ReportErr = err
	case oc.RunErr == nil:
		return fmt.Errorf("render report: %w", err)
	default:
		oc.ReportErr = err // too few runs for some figure: the tables are what matters
	}
	return nil
}

// sweepError is the error Sweep returns with its outcome: what stopped
// training (with where the finished runs are kept), an interruption, or
// the runs that failed; nil for a sweep whose every run finished.
func (st *Study) sweepError(oc *SweepOutcome, finished int, counts Counts, storeDir string) error {
	runErr := oc.RunErr
	if runErr != nil && !oc.Interrupted {
		again := "; run the same command again to resume"
		if ff := (*FailFastError)(nil); errors.As(runErr, &ff) {
			again = "" // the cure is in the message: fix the command first
		}
		return fmt.Errorf("%w (%s%s)", runErr, finishedKept(finished, storeDir), again)
	}
	if oc.Interrupted {
		return fmt.Errorf("sweep %s interrupted after %s: %w", st.Spec.Name, oc.Halving.Finished(finished, st.Plans.Len()), runErr)
	}
	if counts.Failed > 0 {
		return &FailedRunsError{Failed: counts.Failed, Runs: st.Plans.Len(), IDs: counts.FailedIDs, Store: storeDir}
	}
	return nil
}

// previousFiles are the files the folder's manifest lists (none without
// one): what an earlier sweep or merge wrote there.
func previousFiles(out string) []string {
	if m, err := ReadManifest(out); err == nil {
		return m.Files
	}
	return []string{}
}

func (l Limits) workersOr(w int) int {
	if w > 0 {
		return w
	}
	return l.workers()
}

func workersLabel(n int) string {
	if n == 1 {
		return "1 worker"
	}
	return fmt.Sprintf("%d workers", n)
}
