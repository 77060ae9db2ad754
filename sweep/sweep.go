package sweep

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/spec"
)

// Plan is one run of a sweep before its data is attached.
type Plan struct {
	Index  int
	Point  int
	Repeat int
	// Fold is the cross-validation fold (0..Spec.Folds()-1; 0 without
	// cross-validation).
	Fold    int
	Lambdas []float64
	// ID is the run's stable id (spec.RunID), set by AssignIDs;
	// "" leaves the trainer's own id in the result.
	ID string

	// Axis is the plan's axis point (spec.Spec.AxisPoints) and
	// AxisValues its values as runs.csv writes them; Spec is the
	// effective spec of that point (nil without axes: the sweep's spec)
	// and Data its data (nil: the sweep's data; see AttachData).
	Axis       int
	AxisValues []string
	Spec       *spec.Spec
	Data       *experiments.DataSource
	// Base is the run base the ID was derived from (set by AssignIDs).
	Base string
	// Folded marks a run of a spec with dataset.split.cv: its id covers
	// the fold (spec.RunIDFold).
	Folded bool
	// Effective is the λ tuple the trainer uses when a term has a scale
	// (experiments/scale.go; set by Scale, nil otherwise). Train applies
	// the scale itself: this is what runs.csv records.
	Effective []float64
	// Budget is the epochs of a rung of sweep.halving (Plans.WithBudget);
	// 0 = the full budget.
	Budget int
}

// Source is the runs a sweep trains: *Plans, or a PlanSlice.
type Source interface {
	Len() int
	At(i int) Plan
}

// PlanSlice is a Source of plans held in a slice (tests, small sweeps).
type PlanSlice []Plan

// Len returns the number of plans.
func (ps PlanSlice) Len() int { return len(ps) }

// At returns plan i.
func (ps PlanSlice) At(i int) Plan { return ps[i] }

// Options configure a sweep.
type Options struct {
	// Workers is the pool size; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Progress, when non-nil, is called from the collector goroutine after
	// each run finishes (in completion order) with the number done so far.
	Progress func(done, total int, r *experiments.Result)
	// Skip, when non-nil, reports runs that need no training (already
	// stored); they are not trained.
	Skip func(p Plan) bool
	// Save is called by the worker that trained a run as soon as it
	// finishes, so a crash loses only the runs in flight. It is called
	// from several goroutines at once; an error stops the sweep like a
	// failed run.
	Save func(r *experiments.Result) error
}

// Run trains every plan that opt.Skip does not skip, saving each result
// with opt.Save, and returns how many it trained and saved. Skip is
// called twice per plan (to count, then to dispatch) and must answer the
// same both times. A result's Index is the plan's position in plans.
func Run(ctx context.Context, s *spec.Spec, data *experiments.DataSource, plans Source, opt Options) (int, error) {
	if opt.Save == nil {
		panic("sweep: Run without Options.Save")
	}
	total := 0
	for i := range plans.Len() {
		if !skipped(opt, plans, i) {
			total++
		}
	}
	if total == 0 {
		return 0, ctx.Err()
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, total)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	splits := newSplitCache(s.Repeats * s.Folds())
	todo := make(chan int)
	results := make(chan done)

	wg := startWorkers(ctx, workers, todo, results, func(wctx context.Context, idx int) done {
		return trainOne(wctx, s, data, plans.At(idx), idx, splits, opt.Save)
	})
	go feed(ctx, todo, plans, opt)

	finished := 0
	var firstErr error
	for finished < total && firstErr == nil {
		select {
		case d := <-results:
			if d.err != nil {
				firstErr = d.err
				break
			}
			finished++
			if opt.Progress != nil {
				opt.Progress(finished, total, &d.res)
			}
		case <-ctx.Done():
			firstErr = ctx.Err()
		}
	}
	cancel()
	wg.Wait()
	return finished, firstErr
}

// startWorkers starts workers goroutines that train the runs of todo
// and send each outcome to results; they stop when todo is closed or ctx
// is done.
func startWorkers(ctx context.Context, workers int, todo <-chan int, results chan<- done, train func(ctx context.Context, idx int) done) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		wctx := experiments.WithWorker(ctx, w) // {worker} and LOSSEXP_WORKER of a training command
		go func() {
			defer wg.Done()
			for idx := range todo {
				d := train(wctx, idx)
				select {
				case results <- d:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	return &wg
}

// skipped reports whether run i of plans is left out (Options.Skip).
func skipped(opt Options, plans Source, i int) bool {
	return opt.Skip != nil && opt.Skip(plans.At(i))
}

// feed sends the index of every run not skipped to todo, in order, and
// closes it; it stops when ctx is done.
func feed(ctx context.Context, todo chan<- int, plans Source, opt Options) {
	defer close(todo)
	for idx := range plans.Len() {
		if skipped(opt, plans, idx) {
			continue
		}
		select {
		case todo <- idx:
		case <-ctx.Done():
			return
		}
	}
}

// done is a worker's report of one run.
type done struct {
	res experiments.Result
	err error
}

// trainOne trains plan p (run index idx) and saves its result.
func trainOne(ctx context.Context, s *spec.Spec, data *experiments.DataSource, p Plan, idx int, splits *splitCache, save func(*experiments.Result) error) (d done) {
	rs, rd := s, data
	if p.Spec != nil {
		rs, rd = p.Spec, p.Data
	}
	sp, err := splits.get(rs, rd, p.Repeat, p.Fold)
	if err != nil {
		d.err = err
		return d
	}
	run := &experiments.Run{Index: idx, Point: p.Point, Repeat: p.Repeat, Fold: p.Fold, Lambdas: p.Lambdas, Spec: rs, Data: sp, Budget: p.Budget, Key: p.ID}
	if p.Budget > 0 && p.ID != "" && !p.Folded {
		run.Key = spec.RunID(p.Base, p.Lambdas, p.Repeat) // the full budget's id, the same at every rung
	}
	d.res, d.err = experiments.Train(ctx, run)
	id := run.ID()
	if p.ID != "" {
		id, d.res.RunID = p.ID, p.ID
	}
	if d.err != nil {
		if ctx.Err() == nil {
			d.err = fmt.Errorf("train run %s (%s): %w", id, s.LambdaLabel(p.Lambdas), d.err)
		}
		return d
	}
	if err := save(&d.res); err != nil {
		d.err = fmt.Errorf("store run %s (%s): %w", id, s.LambdaLabel(p.Lambdas), err)
	}
	return d
}

// splitCache prepares each (repeat, fold)'s data once per data source
// (one per axis point that has its own) and shares it between the runs of
// that repeat and fold (read-only).
type splitCache struct {
	repeats int // repeats × folds slots
	mu      sync.Mutex
	sources map[*experiments.DataSource]*repeatSplits
	byspec  map[*spec.Spec]*experiments.DataSource
}

type repeatSplits struct {
	once []sync.Once
	sp   []*dataset.Splits
	errs []error
}

func newSplitCache(repeats int) *splitCache {
	return &splitCache{repeats: repeats, sources: map[*experiments.DataSource]*repeatSplits{}}
}

// get returns the splits of repeat r and fold f of d, opening d from s
// first when it is nil (an axis point whose data AttachData did not
// open).
func (c *splitCache) get(s *spec.Spec, d *experiments.DataSource, r, f int) (*dataset.Splits, error) {
	c.mu.Lock()
	if d == nil {
		d = c.opened(s)
	}
	rs, ok := c.sources[d]
	if !ok {
		rs = &repeatSplits{once: make([]sync.Once, c.repeats), sp: make([]*dataset.Splits, c.repeats), errs: make([]error, c.repeats)}
		c.sources[d] = rs
	}
	c.mu.Unlock()
	if d == nil {
		return nil, fmt.Errorf("open the data of %s: no data source", s.Name)
	}
	k := r*s.Folds() + f
	rs.once[k].Do(func() { rs.sp[k], rs.errs[k] = d.PrepareFold(r, f) })
	return rs.sp[k], rs.errs[k]
}

// opened opens (once) the data of an effective spec; c.mu is held.
func (c *splitCache) opened(s *spec.Spec) *experiments.DataSource {
	if c.byspec == nil {
		c.byspec = map[*spec.Spec]*experiments.DataSource{}
	}
	if d, ok := c.byspec[s]; ok {
		return d
	}
	d, err := experiments.OpenData(s, experiments.Folders{})
	if err != nil {
		d = nil
	}
	c.byspec[s] = d
	return d
}
