package sweep

import (
	"github.com/lossexp/lossexp/spec"
)

// expandBalance adds the balancing methods of s to the points Expand made
// of its λ grid (the static points).
//
// With sweep.balance, every adaptive method is one more point per axis
// point, placed after every static point (axis-major, then the methods in
// the list's order), with repeats innermost as everywhere, so the static
// runs keep their indices and ids. A method point's effective spec is the
// axis point's spec with loss.balance set to the method
// (Spec.WithBalance): its run base, and so its run ids, cover the method
// and its parameters, while its data, initialization and batch order are
// those of the static runs of the same repeat (they depend on the seed
// and the repeat alone). Its λ are the fixed terms' λ, NaN for the terms
// the method weighs.
//
// With an adaptive loss.balance, the balanced terms' λ are NaN in every
// plan (Expand). Specs without either are left alone, so their plans and
// ids are what they were.
func (ps *Plans) expandBalance(s *spec.Spec, axes [][]spec.AxisValue) error {
	var methods []spec.BalanceSpec
	for _, b := range s.Sweep.Balance {
		if b.Adaptive() {
			methods = append(methods, b)
		}
	}
	if len(methods) == 0 || ps.Len() == 0 {
		return nil
	}
	if ps.folds > 1 {
		return s.Errorf("sweep.balance", "adaptive balancing methods cannot be swept with dataset.split.cv")
	}
	lam := s.AdaptiveLambdas(ps.points[0].lambdas)
	for a, av := range axes {
		base := s
		var vals []string
		if len(av) > 0 {
			base = s.WithAxes(av)
			for _, v := range av {
				vals = append(vals, v.String())
			}
		}
		for _, m := range methods {
			ps.groups = append(ps.groups, groupPlan{axis: a, values: vals, spec: base.WithBalance(m), first: len(ps.points), n: 1})
			ps.points = append(ps.points, pointPlan{lambdas: lam, group: len(ps.groups) - 1})
		}
	}
	return nil
}
