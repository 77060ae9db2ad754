package sweep

import (
	"slices"

	"github.com/lossexp/lossexp/spec"
)

// WithLambdas returns a copy of s whose term i is swept over its values
// and add (ascending, without duplicates): the grid of a refinement round
// (sweep.refine; the values come from report.RefineLambdas). s is not
// modified. Runs the smaller grid trained keep their ids: an id is the
// run's λ tuple and repeat under the run base, which the weights do not
// enter.
func WithLambdas(s *spec.Spec, i int, add []float64) *spec.Spec {
	c := *s
	c.Loss.Terms = slices.Clone(s.Loss.Terms)
	w := &c.Loss.Terms[i].Weight
	vals := slices.Clone(w.Values)
	for _, v := range add {
		if !slices.Contains(vals, v) {
			vals = append(vals, v)
		}
	}
	slices.Sort(vals)
	w.Values, w.Swept = vals, true
	return &c
}
