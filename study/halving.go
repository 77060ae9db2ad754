package study

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/report/table"
	"github.com/lossexp/lossexp/sweep"
)

// Successive halving (sweep.halving) over the λ grid: rung k trains every
// surviving static grid point, every repeat (and fold), to the rung's
// budget (spec.Spec.Rungs); after the rung the planner keeps the points
// keepAfterRung names; the last rung is the full budget, whose runs are
// the plain sweep's run for run (same ids, same bits). The adaptive
// balancing methods' points (sweep.balance) are never pruned: they train
// at the full budget only.
//
// Every decision is a function of the stored runs alone: halvingRungs
// replays the rungs from the store, training what it lacks, so a resumed
// or repeated sweep makes the same decisions.

// halvingState is what sweep.halving decided from the stored runs.
type halvingState struct {
	rungs []int // budgets, the full budget last
	// alive[k] are the static points rung k trains (in point order); one
	// entry per rung reached: alive[k+1] was decided after rung k, whose
	// every run was stored.
	alive [][]int
	// refs are the λ = 0 reference points: never pruned, they train at
	// the full budget only (their lower rungs would decide nothing).
	refs []int
}

// rungStudy is st with the plans of the rung that trains to budget.
func (st *Study) rungStudy(budget int) *Study {
	c := *st
	c.Plans = st.Plans.WithBudget(budget)
	return &c
}

// pointRuns returns the runs of the given points as a Bitset of st.Plans.
func (st *Study) pointRuns(points []int) sweep.Bitset {
	b := sweep.NewBitset(st.Plans.Len())
	for _, i := range st.runIndices(points) {
		b.Set(i)
	}
	return b
}

// runIndices returns the indices of the runs of the given points, in order.
func (st *Study) runIndices(points []int) []int {
	per := st.Plans.PerPoint()
	var idx []int
	for _, pt := range points {
		for i := pt * per; i < (pt+1)*per; i++ {
			idx = append(idx, i)
		}
	}
	return idx
}

// halvingReplay walks the rungs: for each rung below the full budget it
// calls train (nil: nothing is trained) with the rung's study and runs,
// then, when every run of the rung is stored, decides the next rung's
// points. It stops at the first rung not stored whole.
func (st *Study) halvingReplay(store *sweep.Store, train func(rs *Study, mine sweep.Bitset) error) (*halvingState, error) {
	rungs := st.Spec.Rungs()
	hs := &halvingState{rungs: rungs}
	var alive []int
	for pt := range st.Plans.Static() {
		if allZero(st.Plans.At(pt * st.Plans.PerPoint()).Lambdas) {
			hs.refs = append(hs.refs, pt)
		} else {
			alive = append(alive, pt)
		}
	}
	for k, b := range rungs {
		hs.alive = append(hs.alive, alive)
		if k == len(rungs)-1 {
			break // the full budget: the sweep trains it with the methods' points
		}
		rs := st.rungStudy(b)
		if train != nil {
			if err := train(rs, st.pointRuns(alive)); err != nil {
				return hs, err
			}
		}
		pts, complete, err := rs.rungResults(store, alive)
		if err != nil || !complete {
			return hs, err
		}
		h := st.Spec.Sweep.Halving
		alive = keepAfterRung(pts, st.gridReference(), h.Eta, h.KeepSE, max(1, 2-len(hs.refs)), insures(k, rungs, h.Eta))
	}
	return hs, nil
}

// HalvingWarning says why st's runs retrain every rung of sweep.halving
// from scratch and what a point kept to the end costs then, "" when they
// continue (experiments.HalvingWarning).
func (st *Study) HalvingWarning() string { return experiments.HalvingWarning(st.Spec) }

// insures says whether the decision after rung k of rungs (the full
// budget last) keeps the next λ above the 1-SE band: when the next rung,
// k+1, is below the full budget, or when the full budget adds at most
// 1/eta of itself to rung k (rungs 4, 12, 36, 40: the decision after 36),
// where the insurance point costs no more than a step of the lower rungs
// would and the rung's ranking may still change (see keepAfterRung).
func insures(k int, rungs []int, eta int) bool {
	full := rungs[len(rungs)-1]
	return k+2 < len(rungs) || (full-rungs[k])*eta <= full
}

// fullRuns are the runs the full budget's rung trains: its static points
// and every adaptive method's point; none before the rungs below it are
// decided.
func (st *Study) fullRuns(hs *halvingState) sweep.Bitset {
	if len(hs.alive) < len(hs.rungs) {
		return sweep.NewBitset(st.Plans.Len())
	}
	return st.pointRuns(hs.fullPoints(st))
}

// prunedAt returns, for a static point dropped after a rung, that rung's
// budget; 0 for a point that is not (yet) pruned.
func (hs *halvingState) prunedAt(point int) int {
	for k := 0; k+1 < len(hs.alive); k++ {
		if slices.Contains(hs.alive[k], point) && !slices.Contains(hs.alive[k+1], point) {
			return hs.rungs[k]
		}
	}
	return 0
}

// halvingEpochs returns the epochs the stored attempts of the rungs
// trained and the full grid's (every run at the full budget). A run that
// continued from its checkpoint (a training command's, or the built-in
// trainer's from the previous rung) counts the epochs it added, its
// record's EpochsTrained; any other its budget. A run continued from a
// run of a rung the study does not have counts that one too
// (chainEpochs).
func (st *Study) halvingEpochs(store *sweep.Store, hs *halvingState) (budgeted, full int, err error) {
	full = st.Plans.Len() * hs.rungs[len(hs.rungs)-1]
	for k, pts := range hs.alive {
		ps := st.Plans.WithBudget(hs.rungs[k])
		if k == len(hs.rungs)-1 {
			pts = hs.fullPoints(st)
		}
		for _, i := range st.runIndices(pts) {
			id := ps.At(i).ID
			if !store.Has(id) {
				continue
			}
			rec, err := store.Load(id)
			if err != nil {
				return 0, 0, err
			}
			prev := 0
			if k > 0 {
				prev = hs.rungs[k-1]
			}
			added, err := st.chainEpochs(store, i, hs.rungs[k], prev, rec.EpochsTrained)
			if err != nil {
				return 0, 0, err
			}
			budgeted += added
		}
	}
	return budgeted, full, nil
}

// addedEpochs is what a stored run of a rung of budget epochs trained:
// the epochs its record says it added (trained, a continued run's
// EpochsTrained), else the whole budget.
func addedEpochs(trained, budget int) int {
	if trained > 0 {
		return trained
	}
	return budget
}

// removePruned removes the checkpoint folders (checkpoints/p003-r01/) of
// every run of the points pruned so far: they never train again. A spec
// with trainer.keep_checkpoints keeps them (experiments.RemoveCheckpoint).
func (st *Study) removePruned(store *sweep.Store, hs *halvingState) error {
	root := filepath.Join(filepath.Dir(store.Dir()), CheckpointsDir)
	for pt := range st.Plans.Static() {
		if hs.prunedAt(pt) == 0 {
			continue
		}
		for _, i := range st.runIndices([]int{pt}) {
			p := st.Plans.At(i)
			run := &experiments.Run{Index: i, Point: p.Point, Repeat: p.Repeat, Fold: p.Fold, Lambdas: p.Lambdas, Spec: cmp.Or(p.Spec, st.Spec)}
			if err := experiments.RemoveCheckpoint(root, run); err != nil {
				return err
			}
		}
	}
	return nil
}

// fullPoints are the points the full budget's rung trains: the last
// rung's survivors, the λ = 0 reference and the adaptive balancing
// methods' points (sweep.balance), in point order.
func (hs *halvingState) fullPoints(st *Study) []int {
	pts := append(slices.Clone(hs.alive[len(hs.alive)-1]), hs.refs...)
	for p := st.Plans.Static(); p < st.Plans.Points(); p++ {
		pts = append(pts, p)
	}
	slices.Sort(pts)
	return pts
}

// rungResults reads the stored runs of the given points at st's rung and
// returns each point's task-metric mean and SE (the task metric, its
// direction and split as the balance points choose them); complete is
// false when a run of the rung is not stored yet.
func (st *Study) rungResults(store *sweep.Store, points []int) (pts []rungPoint, complete bool, err error) {
	runs := &table.Runs{Terms: st.Layout.Terms, Metrics: st.Layout.Metrics, Folds: st.Layout.Folds}
	for _, i := range st.runIndices(points) {
		p := st.Plans.At(i)
		if !store.Columns(p.ID, p.Base, st.Layout.Metrics, st.Layout.Curves) {
			return nil, false, nil
		}
		rec, err := store.Load(p.ID)
		if err != nil {
			return nil, false, err
		}
		runs.Runs = append(runs.Runs, table.Run{RunID: rec.RunID, Repeat: p.Repeat, Fold: p.Fold, Status: rec.Status,
			Lambdas: p.Lambdas, Metrics: rec.Metrics, Reason: rec.Reason})
	}
	if runs.Folds {
		runs = table.PoolFolds(runs)
	}
	sum := table.Summarize(runs)
	if len(sum.Points) != len(points) {
		return nil, false, fmt.Errorf("study: halving: %d points summarized of %d", len(sum.Points), len(points))
	}
	task := table.ChooseTaskMetric(sum, st.Spec)
	for k, sp := range sum.Points {
		rp := rungPoint{point: points[k], lambdas: sp.Lambdas, mean: math.NaN(), se: math.NaN(), ref: allZero(sp.Lambdas)}
		if task.Index >= 0 && sp.Diverged == 0 {
			s := sp.Stats[task.Index]
			rp.mean, rp.se = s.Mean, s.StdErr()
			rp.reps = repeatValues(runs, sp.Lambdas, task)
			if !task.Higher {
				rp.mean = -rp.mean
			}
		}
		pts = append(pts, rp)
	}
	return pts, true, nil
}

// repeatValues returns the task metric of each repeat's ok run at the
// grid point of the given λ, oriented so that larger is better (NaN: no
// value), indexed by repeat.
func repeatValues(runs *table.Runs, lambdas []float64, task table.MetricChoice) []float64 {
	sign := 1.0
	if !task.Higher {
		sign = -1
	}
	var v []float64
	for _, r := range runs.Runs {
		if !slices.Equal(r.Lambdas, lambdas) {
			continue
		}
		for len(v) <= r.Repeat {
			v = append(v, math.NaN())
		}
		if r.Status == experiments.StatusOK {
			v[r.Repeat] = sign * r.Metrics[task.Index]
		}
	}
	return v
}

func allZero(l []float64) bool {
	for _, v := range l {
		if v != 0 {
			return false
		}
	}
	return true
}

// halvingRungs trains the rungs of sweep.halving below the full budget,
// deciding after each which points go on, and returns what it trained and
// the runs of the full budget's rung (the caller trains them as any
// sweep's). Interrupted, it returns no run to train: the caller's sweep
// then stops at once and writes what is stored.
func (st *Study) halvingRungs(ctx context.Context, store *sweep.Store, opt SweepOptions, log io.Writer) (TrainStats, sweep.Bitset, error) {
	var trained TrainStats
	s := st.Spec
	k := 0
	live := livePubFrom(ctx)
	hs, err := st.halvingReplay(store, func(rs *Study, mine sweep.Bitset) error {
		st.liveRung(live, k+1) // lossexp status
		var finish func()
		stats, err := rs.TrainMissing(ctx, store, mine, TrainOptions{
			Workers: opt.Workers, Log: log, Tool: opt.Tool, Start: passStart(opt.Start, &finish),
		})
		if finish != nil {
			finish()
		}
		trained.Trained += stats.Trained
		trained.Seconds += stats.Seconds
		if err == nil {
			fmt.Fprintf(log, "sweep %s: halving rung %d of %d: %d grid points at %d epochs\n", s.Name, k+1, len(s.Rungs()), stats.Runs/st.Plans.PerPoint(), rs.Plans.At(0).Budget)
		}
		k++
		return err
	})
	if hs != nil {
		if rerr := st.removePruned(store, hs); err == nil {
			err = rerr
		}
	}
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return trained, sweep.NewBitset(st.Plans.Len()), nil
		}
		return trained, nil, err
	}
	st.liveRung(live, len(hs.rungs))
	last := len(hs.alive[len(hs.alive)-1]) + len(hs.refs)
	fmt.Fprintf(log, "sweep %s: halving: %d of %d grid points reach the full budget (%d epochs)\n", s.Name, last, st.Plans.Static(), hs.rungs[len(hs.rungs)-1])
	return trained, st.fullRuns(hs), nil
}

// passStart adapts a sweep's Start hook to a training pass's: finish
// receives the pass's end callback, which the caller calls when the pass
// ends.
func passStart(start func(p *Pass) (func(int, int, *experiments.Result), func()), finish *func()) func(*Pass) func(int, int, *experiments.Result) {
	return func(pass *Pass) func(int, int, *experiments.Result) {
		if start == nil || pass.ToTrain == 0 {
			return nil
		}
		progress, end := start(pass)
		*finish = end
		return progress
	}
}

// tableRow returns the plan whose stored run is p's row of runs.csv, its
// budget and its status: p itself at the full budget, or the
// run of p's point and repeat at the rung after which the point was
// dropped, with status pruned ("": the stored run's own). hs nil (no
// halving): p, 0, "".
func (hs *halvingState) tableRow(st *Study, p sweep.Plan) (sweep.Plan, int, string) {
	if hs == nil {
		return p, 0, ""
	}
	if p.Point < st.Plans.Static() {
		if b := hs.prunedAt(p.Point); b > 0 {
			return st.Plans.WithBudget(b).At(p.Index), b, experiments.StatusPruned
		}
	}
	return p, hs.rungs[len(hs.rungs)-1], ""
}

// tablesHalving is the halving state the tables of st are written with:
// nil without sweep.halving.
func (st *Study) tablesHalving(store *sweep.Store) (*halvingState, error) {
	if st.Spec.Sweep.Halving == nil {
		return nil, nil
	}
	return st.halvingReplay(store, nil)
}

// fillHalving puts what sweep.halving spent into the manifest: the epochs
// of the stored attempts and of the full grid; and returns how far the
// rungs got (nil without sweep.halving).
func (st *Study) fillHalving(m *Manifest, store *sweep.Store) (*HalvingProgress, error) {
	hs, err := st.tablesHalving(store)
	if hs == nil || err != nil {
		return nil, err
	}
	m.EpochsBudgeted, m.EpochsFullGrid, err = st.halvingEpochs(store, hs)
	return st.halvingProgress(store, hs), err
}
