package study

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/report"
	"github.com/lossexp/lossexp/sweep"
)

// TrainOptions configure TrainMissing.
type TrainOptions struct {
	Workers int
	// Log receives notes (a stored record that cannot be used, and why).
	Log io.Writer
	// Start, when non-nil, is called once the store has been read, with
	// the training pass about to run; it returns the progress callback
	// (nil for none).
	Start func(p *Pass) func(done, total int, r *experiments.Result)
	// Tool is the tool version written into each record.
	Tool string
	// Fresh retrains every run, stored or not (a shard's --fresh: the
	// new records supersede the old ones, which other shards' segments
	// may hold beside them).
	Fresh bool
}

// Pass is one training pass of TrainMissing, as its Start hook sees it.
type Pass struct {
	Label   string // what trains: the spec's name, with the shard
	Reused  int    // runs taken from the store
	ToTrain int    // runs to train
	// Plans are the sweep's runs (a Result's Index is the position of
	// its run there), Stored those this pass will not train (another
	// shard's, or reused from the store), and Cost the relative cost of a
	// run (sweep.PlanCost).
	Plans  sweep.Source
	Stored func(sweep.Plan) bool
	Cost   sweep.CostFunc
}

// Costs are the relative costs of the pass's runs for a progress
// display's ETA, by a Result's Index: at least 1 for a run this pass
// trains, 0 for one it does not (stored, another shard's).
func (p *Pass) Costs() []int64 {
	n := 0
	for i := range p.Plans.Len() {
		n = max(n, p.Plans.At(i).Index+1)
	}
	costs := make([]int64, n)
	for i := range p.Plans.Len() {
		pl := p.Plans.At(i)
		if pl.Index < 0 || (p.Stored != nil && p.Stored(pl)) {
			continue
		}
		costs[pl.Index] = max(p.Cost(pl), 1)
	}
	return costs
}

// TrainStats count what TrainMissing did.
type TrainStats struct {
	Runs     int // plans considered
	Reused   int // found in the store
	Trained  int // trained and saved now
	Diverged int // of the reused and trained runs, how many diverged
	Failed   int // of the trained runs, how many failed (a training command that did not report)
	// Seconds is the wall time of the training itself: from the first run
	// handed to a worker to the last one saved (0 when nothing was trained).
	Seconds float64
}

// TrainMissing trains the runs of the study that store lacks (or holds in
// a form this study cannot use), saving each as soon as it finishes, and
// returns what it did. mine selects the runs (a shard's; nil: all of
// them). It is the one training loop of a sweep, of each refinement round
// and of each shard. The error is the first failure, or ctx's error when
// interrupted; the runs saved before it are kept. Memory: one bit a run.
func (st *Study) TrainMissing(ctx context.Context, store *sweep.Store, mine sweep.Bitset, opt TrainOptions) (TrainStats, error) {
	plans := st.Plans
	stats, reuse := st.surveyStore(store, mine, opt)
	// Runs not to train: another shard's, or reused from the store.
	skip := func(p sweep.Plan) bool { return (mine != nil && !mine.Has(p.Index)) || reuse.Has(p.Index) }
	var progress func(done, total int, r *experiments.Result)
	if opt.Start != nil {
		progress = opt.Start(&Pass{
			Label: st.Spec.Name, Reused: stats.Reused, ToTrain: stats.Runs - stats.Reused,
			Plans: plans, Stored: skip, Cost: sweep.PlanCost(st.Spec),
		})
	}
	progress = livePubFrom(ctx).watch(plans, stats, progress) // lossexp status
	specHash := st.Spec.ResultHash()
	trainStart := time.Now()
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	if st.Spec.Trainer != nil {
		ff := &failFast{limit: st.Spec.Trainer.FailFast(), stop: stop, spec: st.SpecPath, store: store.Dir()}
		ctx = experiments.WithAttempts(ctx, ff.attempt)
		ctx = experiments.WithCheckpoints(withDevicePool(ctx, st.Spec), filepath.Join(filepath.Dir(store.Dir()), CheckpointsDir))
	} else if st.Spec.Sweep.Halving != nil { // the built-in trainer continues across the rungs
		ctx = experiments.WithCheckpoints(ctx, filepath.Join(filepath.Dir(store.Dir()), CheckpointsDir))
	}
	n, err := sweep.Run(ctx, st.Spec, st.Data, plans, sweep.Options{
		Workers: st.limits.workersOr(opt.Workers),
		Skip:    skip,
		Progress: func(done, total int, r *experiments.Result) {
			switch r.Status {
			case experiments.StatusFailed:
				stats.Failed++
			case experiments.StatusDiverged:
				stats.Diverged++
			}
			if progress != nil {
				progress(done, total, r)
			}
		},
		Save: func(r *experiments.Result) error {
			p := plans.At(r.Index)
			rec := sweep.NewRecord(r, st.Layout.Terms, st.Layout.Metrics, st.Layout.Curves, p.Base, specHash, opt.Tool)
			rec.LambdaEff = p.Effective
			return store.Save(rec)
		},
	})
	stats.Trained = n
	if ff := (*FailFastError)(nil); errors.As(context.Cause(ctx), &ff) {
		for p := range plans.All() {
			if p.ID == ff.RunID {
				ff.Try = st.runCommand(p)
				break
			}
		}
		err = ff // not an interruption: the runs saved are kept, the tables written
	}
	if serr := store.Sync(); err == nil && serr != nil {
		err = serr
	}
	if n > 0 {
		stats.Seconds = time.Since(trainStart).Seconds()
	}
	return stats, err
}

// surveyStore counts the runs to train (mine: nil for every run) and
// returns those the store holds usable (reused unless opt.Fresh), noting
// on opt.Log the damaged, conflicting and unusable records.
func (st *Study) surveyStore(store *sweep.Store, mine sweep.Bitset, opt TrainOptions) (TrainStats, sweep.Bitset) {
	var stats TrainStats
	plans := st.Plans
	reuse := sweep.NewBitset(plans.Len())
	notes := 0
	if n := store.Ignored(); n > 0 && opt.Log != nil {
		what := "record"
		if n > 1 {
			what = "records"
		}
		fmt.Fprintf(opt.Log, "note: %d damaged %s in the run store ignored (cut short or edited after it was written: the checksum fails; or still being written by another process); this study's runs among them are retrained\n", n, what)
	}
	if opt.Log != nil {
		sweep.NoteConflicts(opt.Log, store)
	}
	for p := range plans.All() {
		if mine != nil && !mine.Has(p.Index) {
			continue
		}
		stats.Runs++
		if opt.Fresh || !store.Has(p.ID) {
			continue
		}
		// The index knows the run base, the columns and the status of a
		// record: a reused run is not read here (the tables read it).
		if store.Usable(p.ID, p.Base, st.Layout.Metrics, st.Layout.Curves) {
			reuse.Set(p.Index)
			stats.Reused++
			if store.Diverged(p.ID) {
				stats.Diverged++
			}
			continue
		}
		if _, err := store.Load(p.ID); err != nil { // else another study's or tool version's record: retrained
			if opt.Log != nil && notes < 5 {
				fmt.Fprintf(opt.Log, "note: retraining run %s: %v\n", p.ID, err)
			}
			notes++
		}
	}
	if notes > 5 && opt.Log != nil {
		fmt.Fprintf(opt.Log, "note: %d more stored runs retrained\n", notes-5)
	}
	return stats, reuse
}

// failFast is trainer.max_failures: it stops a training pass whose first
// limit attempts, in the order they end, all failed with the same first
// line of reason, numbers (PIDs, sizes, exit statuses) and the run's id
// aside; an attempt that ends otherwise turns it off for the rest of the
// pass, so a command that fails on some runs only is never stopped.
// Attempts end on several workers at once, hence the mutex; with one
// worker the decision is a function of the attempts' order alone.
type failFast struct {
	limit       int
	stop        context.CancelCauseFunc
	spec, store string

	mu     sync.Mutex
	n      int    // failed attempts so far, all alike; -1: off
	key    string // their reason, normalised
	first  string // the first one's reason, as it was
	firstR string // and its run id
}

var digitsRE = regexp.MustCompile(`[0-9]+`)

func (f *failFast) attempt(id, status, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	// Off, or stopped already (the attempts in flight end as cancelled).
	if f.limit <= 0 || f.n < 0 || f.n >= f.limit {
		return
	}
	line, _, _ := strings.Cut(reason, "\n")
	key := digitsRE.ReplaceAllString(strings.ReplaceAll(line, id, "{run_id}"), "#")
	if status != experiments.StatusFailed || (f.n > 0 && key != f.key) {
		f.n = -1
		return
	}
	if f.n == 0 {
		f.key, f.first, f.firstR = key, line, id
	}
	f.n++
	if f.n == f.limit {
		f.stop(&FailFastError{Attempts: f.n, Reason: f.first, RunID: f.firstR, Try: "lossexp run " + f.spec, Store: f.store})
	}
}

// FailFastError stops a sweep whose first attempts all failed the same way
// (trainer.max_failures): the runs saved before it are kept.
type FailFastError struct {
	Attempts int
	Reason   string // the first line of the first attempt's reason
	RunID    string // the run of the first attempt
	Try      string // the command that trains that run alone (lossexp run)
	Store    string // the run store, whose logs/<run-id>/ hold the attempts' output
}

func (e *FailFastError) Error() string {
	return fmt.Sprintf("sweep stopped: the first %d attempts all failed with: %s (output in %s/logs/%s/); fix the training command (try one run by hand: %s) and run the sweep again; trainer.max_failures: 0 tries every run however many fail",
		e.Attempts, e.Reason, e.Store, e.RunID, e.Try)
}

// runCommand is the `lossexp run` command line that trains plan p alone.
func (st *Study) runCommand(p sweep.Plan) string {
	spec := st.SpecPath
	if strings.HasPrefix(spec, "-") {
		spec = "./" + spec // not an option (ShellPath)
	}
	args := []string{"lossexp", "run", spec}
	for i, name := range st.Layout.Terms {
		if i < len(p.Lambdas) {
			args = append(args, "--set", name+"="+strconv.FormatFloat(p.Lambdas[i], 'g', -1, 64))
		}
	}
	if p.Repeat != 0 {
		args = append(args, "--repeat", strconv.Itoa(p.Repeat))
	}
	for i, name := range st.Layout.Axes {
		if i < len(p.AxisValues) {
			args = append(args, "--axis", name+"="+p.AxisValues[i])
		}
	}
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"$`\\*?;&|<>()[]{}~#!") {
			args[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(args, " ")
}

// WriteTables writes runs.csv, curves.csv and timings.csv of dir from the
// run store, one stored run at a time in index order (runs not stored are
// left out), and returns how many runs it wrote and how many of them
// diverged or failed. Memory does not grow with the number of runs: the
// metrics a training command reported beyond the spec's (runs.csv's last
// metric columns) are found by a first pass over the store.
func (st *Study) WriteTables(dir string, store *sweep.Store) (n int, c Counts, err error) {
	layout := st.Layout
	hs, herr := st.tablesHalving(store) // sweep.halving: the pruned points' rows
	if layout.Extras, err = st.extraColumns(store); err != nil || herr != nil {
		return 0, c, errors.Join(err, herr)
	}
	extraCol := map[string]int{}
	for i, name := range layout.Extras {
		extraCol[name] = i
	}
	w, err := table.NewWriter(dir, layout)
	if err != nil {
		return 0, c, input(err)
	}
	for p := range st.Plans.All() {
		p, budget, status := hs.tableRow(st, p)
		rec, err := store.Load(p.ID)
		if errors.Is(err, sweep.ErrNoRecord) {
			continue
		}
		if err != nil {
			w.Abort()
			return 0, c, err
		}
		if !rec.Columns(p.Base, st.Layout.Metrics, st.Layout.Curves) {
			continue // another study's record under this id: never in the tables (a failed run's is: its row says why)
		}
		res := rec.Result(p)
		if rec.Seed == nil { // stored before seeds were kept: the plan's, the same by construction
			sp := p.Spec
			if sp == nil {
				sp = st.Spec
			}
			res.Seed = experiments.RunSeed(sp, p.Repeat)
		}
		res.Status = cmp.Or(status, res.Status)
		x := st.extra(p, rec)
		x.Metrics, x.Budget = extraValues(rec, layout.Extras, extraCol), budget
		if err := w.AddRun(res, x); err != nil {
			w.Abort()
			return 0, c, err
		}
		n++
		switch res.Status { // runs.csv's: a pruned run's rung may have diverged or failed
		case experiments.StatusPruned:
			c.Pruned++
		case experiments.StatusDiverged:
			c.Diverged++
		case experiments.StatusFailed:
			c.Failed++
			if len(c.FailedIDs) < 5 {
				c.FailedIDs = append(c.FailedIDs, p.ID)
			}
		}
	}
	if err := w.Close(); err != nil {
		return 0, c, err
	}
	return n, c, nil
}

// Counts are the runs of the tables that did not end ok.
type Counts struct {
	Diverged  int
	Failed    int
	Pruned    int      // sweep.halving's runs of the points dropped after their rung
	FailedIDs []string // the first few failed runs' ids
}

// FailedRunsError reports runs of a training command that failed: the
// tables were written (their rows say why), and running the same command
// again retrains only those runs.
type FailedRunsError struct {
	Failed, Runs int
	IDs          []string // the first few
	Store        string   // the run store, whose logs/<run-id>/ hold each attempt's output
}

func (e *FailedRunsError) Error() string {
	return fmt.Sprintf("%d of %d runs failed (runs.csv, column reason; the output of each attempt is in %s/logs/<run-id>/, e.g. %s); run the same command again to retry only them",
		e.Failed, e.Runs, e.Store, e.IDs[0])
}

// extra returns the optional columns of a stored run: its axis values
// (from its plan) and the effective λ of the scaled terms (from its
// record).
func (st *Study) extra(p sweep.Plan, rec *sweep.Record) table.Extra {
	x := table.Extra{Axes: p.AxisValues}
	for _, name := range st.Layout.Scaled {
		i := slices.Index(st.Layout.Terms, name)
		v := math.NaN() // a record written without it: an empty cell
		if i >= 0 && i < len(rec.LambdaEff) {
			v = rec.LambdaEff[i]
		}
		x.LambdaEff = append(x.LambdaEff, v)
	}
	return x
}

// storedSummary summarizes the stored runs of the study as summary.csv
// would (table.Summarizer), in index order, without writing a file and
// holding one grid point at a time; a cross-validated study's runs are
// read whole and their folds pooled first (table.PoolFolds).
func (st *Study) storedSummary(store *sweep.Store) (*table.Summary, error) {
	if st.Layout.Folds {
		runs, err := st.storedRuns(store)
		if err != nil {
			return nil, err
		}
		return table.Summarize(table.PoolFolds(runs)), nil
	}
	z := table.NewSummarizer(st.Layout.Terms, st.Layout.Axes, st.Layout.Metrics)
	for p := range st.Plans.All() {
		rec, err := store.Load(p.ID)
		if errors.Is(err, sweep.ErrNoRecord) {
			continue
		}
		if err != nil {
			return nil, err
		}
		z.Add(&table.Run{
			RunID: rec.RunID, Repeat: p.Repeat, Status: rec.Status, Lambdas: p.Lambdas,
			Axes: p.AxisValues, Metrics: rec.Metrics, Reason: rec.Reason,
		})
	}
	s, ok := z.Summary()
	if !ok { // index order is point-major: cannot happen
		return nil, errors.New("study: stored runs not in point order")
	}
	return s, nil
}

// storedRuns reads the stored runs of the study into the form runs.csv
// reads back as (table.Runs), in index order, without writing a file.
func (st *Study) storedRuns(store *sweep.Store) (*table.Runs, error) {
	runs := &table.Runs{Terms: st.Layout.Terms, Axes: st.Layout.Axes, Metrics: st.Layout.Metrics, Folds: st.Layout.Folds}
	for p := range st.Plans.All() {
		rec, err := store.Load(p.ID)
		if errors.Is(err, sweep.ErrNoRecord) {
			continue
		}
		if err != nil {
			return nil, err
		}
		runs.Runs = append(runs.Runs, table.Run{
			RunID: rec.RunID, Repeat: p.Repeat, Fold: p.Fold, Status: rec.Status, Lambdas: p.Lambdas,
			Axes: p.AxisValues, Metrics: rec.Metrics, Reason: rec.Reason,
		})
	}
	return runs, nil
}

// Render writes summary.csv, the analysis tables, the figures and
// report.html of dir from its runs.csv.
func (st *Study) Render(ctx context.Context, dir string) error {
	// Figures in parallel, the same bytes as one at a time.
	return report.RenderContext(ctx, dir, plotOptions(st.Spec, ReportOptions{Workers: st.limits.workers()}))
}
