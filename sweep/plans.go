package sweep

import (
	"context"
	"fmt"
	"iter"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/spec"
)

// Plans is a sweep's runs in index order, computed on demand: nothing
// here grows with the number of runs, only with the number of grid points
// (and, for a spec with a scaled term, groups × repeats). At(i) builds
// run i's Plan, id included, from its index: index = (point·repeats +
// repeat)·folds + fold, with folds = 1 without dataset.split.cv.
//
// The points are the static ones first, axis-major (point = axis·(λ
// points) + λ point), then, with sweep.balance, one point per axis point
// and adaptive method (balance.go). The points that share an effective
// spec (an axis point's static points; one method point) form a group,
// whose runs are contiguous.
type Plans struct {
	spec    *spec.Spec
	grid    [][]float64 // the static points' λ tuples, as Expand returns them
	points  []pointPlan
	groups  []groupPlan
	repeats int
	folds   int  // cross-validation folds (1 without dataset.split.cv)
	folded  bool // dataset.split.cv: the fold is in the run id
	// factors[g·repeats+r] are the scale factors of group g at repeat r
	// (nil without a scaled term).
	factors [][]float64
	ids     bool
	// budget is the epochs of a rung of sweep.halving (WithBudget): every
	// plan's Budget, and part of its id; 0 = the full budget.
	budget int
}

// pointPlan is one grid point.
type pointPlan struct {
	lambdas []float64 // as the runs train with them (NaN for terms an adaptive method weighs)
	group   int
}

// groupPlan is what the runs of consecutive points with one effective
// spec share.
type groupPlan struct {
	axis   int
	values []string   // axis values as runs.csv writes them (nil without axes)
	spec   *spec.Spec // the effective spec (nil: the sweep's own)
	data   *experiments.DataSource
	base   string
	first  int // first point
	n      int // points
}

// Expand returns the sweep's runs (axis points outermost, then the λ
// points of Spec.Grid, repeats innermost; then the adaptive methods of
// sweep.balance) and its grid, one λ tuple per static point (the λ grid
// once per axis point).
func Expand(s *spec.Spec) (*Plans, [][]float64, error) {
	lgrid, err := s.Grid()
	if err != nil {
		return nil, nil, err
	}
	ps := &Plans{spec: s, repeats: s.Repeats, folds: s.Folds(), folded: s.Dataset.Split.CV > 0}
	adaptive := s.Loss.Balance.Adaptive()
	axes := s.AxisPoints()
	for a, av := range axes {
		g := groupPlan{axis: a, first: len(ps.points), n: len(lgrid)}
		if len(av) > 0 {
			g.spec = s.WithAxes(av)
			for _, v := range av {
				g.values = append(g.values, v.String())
			}
		}
		for _, lam := range lgrid {
			ps.grid = append(ps.grid, lam)
			l := lam
			if adaptive {
				l = s.AdaptiveLambdas(lam)
			}
			ps.points = append(ps.points, pointPlan{lambdas: l, group: len(ps.groups)})
		}
		ps.groups = append(ps.groups, g)
	}
	if err := ps.expandBalance(s, axes); err != nil {
		return nil, nil, err
	}
	return ps, ps.grid, nil
}

// Len returns the number of runs.
func (ps *Plans) Len() int { return len(ps.points) * ps.per() }

// per returns the runs of one point: repeats × folds.
func (ps *Plans) per() int { return ps.repeats * ps.folds }

// At returns run i (0 ≤ i < Len()).
func (ps *Plans) At(i int) Plan {
	if i < 0 || i >= ps.Len() {
		panic(fmt.Sprintf("sweep: run %d of %d", i, ps.Len()))
	}
	point, k := i/ps.per(), i%ps.per()
	r, f := k/ps.folds, k%ps.folds
	pt := &ps.points[point]
	g := &ps.groups[pt.group]
	p := Plan{Index: i, Point: point, Repeat: r, Fold: f, Folded: ps.folded, Lambdas: pt.lambdas, Axis: g.axis,
		AxisValues: g.values, Spec: g.spec, Data: g.data, Base: g.base}
	if ps.ids {
		if p.Folded {
			p.ID = spec.RunIDFold(p.Base, p.Lambdas, r, f)
		} else {
			p.ID = spec.RunID(p.Base, p.Lambdas, r)
		}
	}
	if ps.budget > 0 {
		p.Budget = ps.budget
		if p.ID != "" {
			p.ID = spec.BudgetRunID(p.ID, ps.budget)
		}
	}
	if ps.factors != nil {
		f := ps.factors[pt.group*ps.repeats+r]
		p.Effective = make([]float64, len(p.Lambdas))
		for j, l := range p.Lambdas {
			p.Effective[j] = experiments.EffectiveLambda(l, f[j])
		}
	}
	return p
}

// WithBudget returns the plans of a rung of sweep.halving that trains to
// budget epochs: the same runs, each with Budget set and the budget in its
// id (spec.BudgetRunID). A budget of 0 or the spec's full budget returns
// ps itself: the full budget's runs are the plain sweep's, id for id.
func (ps *Plans) WithBudget(budget int) *Plans {
	if budget <= 0 || budget == ps.spec.FullEpochs() {
		return ps
	}
	c := *ps
	c.budget = budget
	return &c
}

// Points returns the number of grid points (static and adaptive methods'),
// Static the number of static ones (the first Static points), and PerPoint
// the runs of one point (repeats × folds), contiguous in index order.
func (ps *Plans) Points() int { return len(ps.points) }

// Static returns the number of static grid points (see Points).
func (ps *Plans) Static() int { return len(ps.grid) }

// PerPoint returns the runs of one point (see Points).
func (ps *Plans) PerPoint() int { return ps.per() }

// All yields every run in index order.
func (ps *Plans) All() iter.Seq[Plan] {
	return func(yield func(Plan) bool) {
		for i := range ps.Len() {
			if !yield(ps.At(i)) {
				return
			}
		}
	}
}

// Collect returns every run as a slice (tests and small sweeps).
func (ps *Plans) Collect() []Plan {
	out := make([]Plan, 0, ps.Len())
	for p := range ps.All() {
		out = append(out, p)
	}
	return out
}

// AttachData opens the data of every effective spec once; dirs are
// where CSV files are looked for after the spec's folder
// (experiments.OpenData). Call it before AssignIDs: a run id covers the
// data's checksum, which an axis such as dataset.params.samples changes.
//
// ctx cancels the load of the data (experiments.OpenDataContext).
func (ps *Plans) AttachData(ctx context.Context, dirs experiments.Folders) error {
	for k := range ps.groups {
		g := &ps.groups[k]
		if g.spec == nil {
			continue
		}
		d, err := experiments.OpenDataContext(ctx, g.spec, dirs)
		if err != nil {
			return err
		}
		g.data = d
	}
	return nil
}

// AssignIDs gives every run its id and base: the runs of an effective
// spec take its run base with its data (AttachData must have run), the
// others base (Spec.RunBase of the sweep's spec).
func (ps *Plans) AssignIDs(base string) error {
	for k := range ps.groups {
		g := &ps.groups[k]
		g.base = base
		if g.spec != nil {
			if g.data == nil {
				return fmt.Errorf("sweep: axis point %d has no data attached: call AttachData before AssignIDs", g.axis)
			}
			g.base = g.spec.RunBase(g.data.Checksum())
		}
	}
	ps.ids = true
	return nil
}

// Scale measures the scale factors of a spec with a scaled term
// (experiments/scale.go) once per effective spec and repeat, so that
// Plan.Effective is set; data is the sweep's data. A spec without scale
// is left alone.
func (ps *Plans) Scale(data *experiments.DataSource) error {
	s := ps.spec
	if !s.HasScale() {
		return nil
	}
	factors := make([][]float64, len(ps.groups)*ps.repeats)
	for k := range ps.groups {
		g := &ps.groups[k]
		rs, rd := s, data
		if g.spec != nil {
			rs, rd = g.spec, g.data
		}
		for r := 0; r < ps.repeats; r++ {
			if rd == nil {
				return fmt.Errorf("scale axis point %d: its data is not open", g.axis)
			}
			sp, err := rd.Prepare(r)
			if err != nil {
				return err
			}
			p := ps.At(g.first*ps.per() + r*ps.folds) // the group's first point, fold 0
			f, err := experiments.InitialScales(&experiments.Run{Index: p.Index, Point: p.Point, Repeat: r, Lambdas: p.Lambdas, Spec: rs, Data: sp})
			if err != nil {
				return fmt.Errorf("scale repeat %d: %w", r, err)
			}
			factors[k*ps.repeats+r] = f
		}
	}
	ps.factors = factors
	return nil
}
