package sweep

import (
	"github.com/lossexp/lossexp/experiments"
)

// expandBalance adds the balancing methods of s to the plans Expand made
// of its λ grid (points of them, static).
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
// plan. Specs without either are left alone, so their plans and ids are
// what they were.
func expandBalance(s *experiments.Spec, plans []Plan, points int) []Plan {
	if s.Loss.Balance.Adaptive() {
		for i := range plans {
			plans[i].Lambdas = s.AdaptiveLambdas(plans[i].Lambdas)
		}
	}
	var methods []experiments.BalanceSpec
	for _, b := range s.Sweep.Balance {
		if b.Adaptive() {
			methods = append(methods, b)
		}
	}
	if len(methods) == 0 || len(plans) == 0 {
		return plans
	}
	lam := s.AdaptiveLambdas(plans[0].Lambdas)
	for a, av := range s.AxisPoints() {
		base := s
		var vals []string
		if len(av) > 0 {
			base = s.WithAxes(av)
			for _, v := range av {
				vals = append(vals, v.String())
			}
		}
		for _, m := range methods {
			eff := base.WithBalance(m)
			for r := 0; r < s.Repeats; r++ {
				plans = append(plans, Plan{Index: len(plans), Point: points, Repeat: r, Lambdas: lam,
					Axis: a, AxisValues: vals, Spec: eff})
			}
			points++
		}
	}
	return plans
}
