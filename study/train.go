package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

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
}

// Pass is one training pass of TrainMissing, as its Start hook sees it.
type Pass struct {
	Label   string // what trains: the spec's name, with the shard
	Reused  int    // runs taken from the store
	ToTrain int    // runs to train
	// Plans are the pass's runs numbered from 0 (the Index progress
	// callbacks see in a Result), Stored those that will not be trained,
	// and Cost the relative cost of a run (sweep.PlanCost).
	Plans  []sweep.Plan
	Stored func(sweep.Plan) bool
	Cost   sweep.CostFunc
}

// TrainStats count what TrainMissing did.
type TrainStats struct {
	Runs     int // plans considered
	Reused   int // found in the store
	Trained  int // trained and saved now
	Diverged int // of the reused and trained runs, how many diverged
	Failed   int // of the trained runs, how many failed (a training command that did not report)
}

// TrainMissing trains the runs of plans that store lacks (or holds in a
// form this study cannot use), saving each as soon as it finishes, and
// returns what it did. It is the one training loop of a sweep, of each
// refinement round and of each shard. The error is the first failure, or
// ctx's error when interrupted; the runs saved before it are kept.
func (st *Study) TrainMissing(ctx context.Context, store *sweep.Store, plans []sweep.Plan, opt TrainOptions) (TrainStats, error) {
	stats := TrainStats{Runs: len(plans)}
	stored := make([]bool, len(plans))
	notes := 0
	for i, p := range plans {
		rec, err := store.Load(p.ID)
		switch {
		case errors.Is(err, sweep.ErrNoRecord):
		case err != nil:
			if opt.Log != nil && notes < 5 {
				fmt.Fprintf(opt.Log, "note: retraining run %s: %v\n", p.ID, err)
			}
			notes++
		case rec.Fits(p.Base, st.Layout.Metrics, st.Layout.Curves):
			stored[i] = true
			stats.Reused++
			if rec.Status == experiments.StatusDiverged {
				stats.Diverged++
			}
		}
	}
	if notes > 5 && opt.Log != nil {
		fmt.Fprintf(opt.Log, "note: %d more stored runs retrained\n", notes-5)
	}
	// sweep.Run numbers the runs it is given; plans may be a shard's
	// subset, so the index into plans is the result's Index.
	local := make([]sweep.Plan, len(plans))
	for i, p := range plans {
		local[i] = p
		local[i].Index = i
	}
	var progress func(done, total int, r *experiments.Result)
	if opt.Start != nil {
		progress = opt.Start(&Pass{
			Label: st.Spec.Name, Reused: stats.Reused, ToTrain: len(plans) - stats.Reused,
			Plans: local, Stored: func(p sweep.Plan) bool { return stored[p.Index] }, Cost: sweep.PlanCost(st.Spec),
		})
	}
	specHash := st.Spec.ResultHash()
	n, err := sweep.Run(ctx, st.Spec, st.Data, local, sweep.Options{
		Workers: opt.Workers,
		Skip:    func(p sweep.Plan) bool { return stored[p.Index] },
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
			p := local[r.Index]
			rec := sweep.NewRecord(r, st.Layout.Terms, st.Layout.Metrics, st.Layout.Curves, p.Base, specHash, opt.Tool)
			rec.LambdaEff = p.Effective
			return store.Save(rec)
		},
	})
	stats.Trained = n
	return stats, err
}

// WriteTables writes runs.csv, curves.csv and timings.csv of dir from the
// run store, one stored run at a time in index order (runs not stored are
// left out), and returns how many runs it wrote and how many of them
// diverged or failed. Memory does not grow with the number of runs.
func (st *Study) WriteTables(dir string, store *sweep.Store) (n int, c Counts, err error) {
	w, err := report.NewWriter(dir, st.Layout)
	if err != nil {
		return 0, c, input(err)
	}
	for _, p := range st.Plans {
		rec, err := store.Load(p.ID)
		if errors.Is(err, sweep.ErrNoRecord) {
			continue
		}
		if err != nil {
			w.Abort()
			return 0, c, err
		}
		if err := w.AddRun(rec.Result(p), st.extra(p, rec)); err != nil {
			w.Abort()
			return 0, c, err
		}
		n++
		switch rec.Status {
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
func (st *Study) extra(p sweep.Plan, rec *sweep.Record) report.Extra {
	x := report.Extra{Axes: p.AxisValues}
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

// storedRuns reads the stored runs of the study into the form runs.csv
// reads back as (report.Runs), in index order, without writing a file.
func (st *Study) storedRuns(store *sweep.Store) (*report.Runs, error) {
	runs := &report.Runs{Terms: st.Layout.Terms, Axes: st.Layout.Axes, Metrics: st.Layout.Metrics, Folds: st.Layout.Folds}
	for _, p := range st.Plans {
		rec, err := store.Load(p.ID)
		if errors.Is(err, sweep.ErrNoRecord) {
			continue
		}
		if err != nil {
			return nil, err
		}
		runs.Runs = append(runs.Runs, report.Run{
			RunID: rec.RunID, Repeat: p.Repeat, Fold: p.Fold, Status: rec.Status, Lambdas: p.Lambdas,
			Axes: p.AxisValues, Metrics: rec.Metrics, Reason: rec.Reason,
		})
	}
	return runs, nil
}

// Render writes summary.csv, the analysis tables, the figures and
// report.html of dir from its runs.csv.
func (st *Study) Render(ctx context.Context, dir string) error {
	s := st.Spec
	return report.RenderContext(ctx, dir, report.PlotOptions{X: s.Report.X, Metrics: s.Report.Metrics, Title: s.Name, Description: s.Description,
		Workers: st.limits.workers()}) // figures in parallel, the same bytes as one at a time
}
