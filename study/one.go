package study

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/spec"
	"github.com/lossexp/lossexp/sweep"
)

// RunRequest is the one run `lossexp run` trains, as its flags give it.
type RunRequest struct {
	Name   string   // how messages name the spec (the path given, "-" for standard input)
	Set    []string // NAME=VALUE: λ of a term (a swept term not set takes 0, a fixed one keeps its value)
	Repeat int
	Fold   int      // the cross-validation fold (specs with dataset.split.cv)
	Axis   []string // FIELD=VALUE, VALUE as runs.csv writes it (specs with sweep.axes)
}

// OneRun is one run of a spec planned by the sweep's own planner: the
// spec narrowed to the requested λ tuple, axis point and repeats is
// planned like any study (Plan's checks, data, ids) and its run at the
// requested repeat and fold is trained by the sweep's own worker, so the
// run is the one a sweep trains there: same data split, initialization,
// batch order, id and metrics.
type OneRun struct {
	Spec       *Spec     // the spec as given
	Lambdas    []float64 // λ of every term, in the spec's order
	Repeat     int
	Fold       int
	Folds      int      // cross-validation folds (0 without dataset.split.cv)
	AxisNames  []string // the axes' fields (nil without sweep.axes)
	AxisValues []string // the axis point, as runs.csv writes it (nil without sweep.axes)
	Metrics    []string // the names of Result.Metrics, in order

	st   *Study // the study of the narrowed spec
	plan sweep.Plan
}

// PlanRun plans the run req asks of spec s; dirs and lim are the
// command's settings. A bad request is an input error.
func PlanRun(ctx context.Context, s *Spec, req RunRequest, dirs Folders, lim Limits) (*OneRun, error) {
	lam, err := runLambdas(s, req)
	if err != nil {
		return nil, input(err)
	}
	pt, err := runAxisPoint(s, req.Name, req.Axis)
	if err != nil {
		return nil, input(err)
	}
	folds := s.Dataset.Split.CV
	switch {
	case folds == 0 && req.Fold != 0:
		return nil, inputf("--fold %d: %s has no cross-validation (dataset.split.cv)", req.Fold, req.Name)
	case folds > 0 && req.Fold >= folds:
		return nil, inputf("--fold %d: %s has %d folds (0 to %d)", req.Fold, req.Name, folds, folds-1)
	}
	st := &Study{SpecPath: req.Name, Dirs: dirs, limits: lim}
	if err := st.plan(ctx, narrowSpec(s, lam, pt, req.Repeat)); err != nil {
		return nil, err
	}
	one := &OneRun{Spec: s, Lambdas: lam, Repeat: req.Repeat, Fold: req.Fold, Folds: folds, Metrics: st.Layout.Metrics, st: st,
		plan: st.Plans.At(req.Repeat*max(folds, 1) + req.Fold)} // point 0: the static λ tuple
	if pt != nil {
		one.AxisNames, one.AxisValues = s.AxisNames(), one.plan.AxisValues
	}
	return one, nil
}

// NeedsScratch says the run is a training command's, whose run folder
// and logs go to the scratch folder Train is given.
func (o *OneRun) NeedsScratch() bool { return o.Spec.Trainer != nil }

// Train trains the run; scratch holds a training command's run folder
// and logs (nil when NeedsScratch is false). A failed or diverged run is
// a result, not an error.
func (o *OneRun) Train(ctx context.Context, scratch *Scratch) (Result, error) {
	var res Result
	save := func(r *experiments.Result) error { res = *r; return nil }
	_, err := sweep.Run(withScratch(ctx, scratch), o.st.Spec, o.st.Data, sweep.PlanSlice{o.plan}, sweep.Options{Workers: 1, Save: save})
	return res, err
}

// narrowSpec returns s with one grid point (every term's λ as lam), the
// axis point pt (nil: s has no axes) and repeats 0 to repeat: a study of
// it holds, at point 0, the run a sweep of s trains at lam, pt, repeat.
func narrowSpec(s *Spec, lam []float64, pt []spec.AxisValue, repeat int) *Spec {
	c := *s
	c.Repeats = repeat + 1
	c.Sweep.Mode = ""
	c.Loss.Terms = slices.Clone(s.Loss.Terms)
	for i := range c.Loss.Terms {
		w := &c.Loss.Terms[i].Weight
		w.Values, w.Simplex = []float64{lam[i]}, false
	}
	c.Sweep.Axes = nil
	for k, ax := range s.Sweep.Axes {
		c.Sweep.Axes = append(c.Sweep.Axes, spec.Axis{Field: ax.Field, Values: pt[k : k+1]})
	}
	return &c
}

// runLambdas is the λ tuple of req: a fixed term's own value, a swept
// term's 0, unless --set NAME=VALUE gives it.
func runLambdas(s *Spec, req RunRequest) ([]float64, error) {
	lam := make([]float64, len(s.Loss.Terms))
	var names []string
	for i, t := range s.Loss.Terms {
		names = append(names, t.Name)
		if !t.Weight.Swept && len(t.Weight.Values) == 1 {
			lam[i] = t.Weight.Values[0]
		}
	}
	for _, kv := range req.Set {
		name, val, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("--set %q: want NAME=VALUE, e.g. l2=0.001", kv)
		}
		idx := slices.Index(names, name)
		if idx < 0 {
			return nil, fmt.Errorf("--set %s: no term named %q in %s (terms: %s)", kv, name, req.Name, strings.Join(names, ", "))
		}
		w, err := spec.ParseWeightString(val)
		if err != nil || len(w.Values) != 1 {
			return nil, fmt.Errorf("--set %s: λ must be one number ≥ 0: %v", kv, err)
		}
		lam[idx] = w.Values[0]
	}
	return lam, nil
}

// runAxisPoint is the axis point of a run: for a spec with sweep axes,
// each axis at the value --axis FIELD=VALUE gives (VALUE as runs.csv
// writes it, and one of the axis' values, so that the run is one the
// sweep trains), else at its first value; nil for a spec without axes.
func runAxisPoint(s *Spec, specFile string, given []string) ([]spec.AxisValue, error) {
	if len(s.Sweep.Axes) == 0 {
		if len(given) > 0 {
			return nil, fmt.Errorf("--axis %s: %s has no sweep axes", given[0], specFile)
		}
		return nil, nil
	}
	pt := make([]spec.AxisValue, len(s.Sweep.Axes))
	for k, ax := range s.Sweep.Axes {
		pt[k] = ax.Values[0]
	}
	names := s.AxisNames()
	for _, kv := range given {
		field, val, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("--axis %q: want FIELD=VALUE, e.g. %s=%s", kv, names[0], s.Sweep.Axes[0].Values[0])
		}
		k := slices.Index(names, field)
		if k < 0 {
			return nil, fmt.Errorf("--axis %s: %s is not an axis of %s (axes: %s)", kv, field, specFile, strings.Join(names, ", "))
		}
		v, err := axisValue(s.Sweep.Axes[k], val)
		if err != nil {
			return nil, fmt.Errorf("--axis %s: %w", kv, err)
		}
		pt[k] = v
	}
	return pt, nil
}

// axisValue is the value of ax written val (as runs.csv writes it; a
// number in any spelling: 0.010 names the value 0.01).
func axisValue(ax spec.Axis, val string) (spec.AxisValue, error) {
	var vals []string
	x, xerr := strconv.ParseFloat(val, 64)
	for _, v := range ax.Values {
		vals = append(vals, v.String())
		if v.String() == val || (v.List == nil && xerr == nil && x == v.Num) {
			return v, nil
		}
	}
	return spec.AxisValue{}, fmt.Errorf("%s is not a value of axis %s (values: %s)", val, ax.Field, strings.Join(vals, ", "))
}
