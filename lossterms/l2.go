package lossterms

import "github.com/lossexp/lossexp/internal/kernel"

var _ WeightPenalty = (*L2)(nil)

func init() {
	register(Info{
		Kind:    "l2",
		Family:  "regularization",
		Summary: "sum of squared weights Σw² (weight decay): shrinks large weights, biases untouched",
		Metrics: []MetricDef{weightL2},
		New: func(params map[string]any) (Term, error) {
			if err := checkParamNames("l2", params); err != nil {
				return nil, err
			}
			return &L2{}, nil
		},
	})
}

// L2 is the penalty Σw² over the weight matrices (no ½: its gradient is 2w).
type L2 struct{}

// Kind returns "l2".
func (L2) Kind() string { return "l2" }

// Value returns Σw².
func (L2) Value(w []float64) float64 { return WeightL2(w) }

// AddGrad adds scale·2w to dst.
func (L2) AddGrad(dst, w []float64, scale float64) {
	checkSameLen("l2", dst, w)
	kernel.AddScaled(dst, w, 2*scale)
}
