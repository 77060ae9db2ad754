package lossterms

import (
	"fmt"
	"math"
)

var (
	_ WeightPenalty = (*L1)(nil)
	_ Proximal      = (*L1)(nil)
)

// L1 methods: how the trainer minimises the non-smooth |w|.
const (
	L1Auto        = "auto"        // proximal with sgd and momentum, subgradient otherwise
	L1Proximal    = "proximal"    // soft-threshold after every optimizer step
	L1Subgradient = "subgradient" // add λ·sign(w) to the gradient
)

func init() {
	register(Info{
		Kind:    "l1",
		Family:  "regularization",
		Summary: "sum of absolute weights Σ|w| (lasso): drives weights to exactly zero, biases untouched",
		Params: []ParamInfo{{
			Name:    "method",
			Default: L1Auto,
			Meaning: "auto (proximal soft-threshold step with sgd and momentum, subgradient otherwise) | proximal | subgradient",
		}},
		Metrics: []MetricDef{weightL1, sparsity, nearZero},
		New: func(params map[string]any) (Term, error) {
			if err := checkParamNames("l1", params, "method"); err != nil {
				return nil, err
			}
			m, err := stringParam(params, "method", L1Auto, L1Auto, L1Proximal, L1Subgradient)
			if err != nil {
				return nil, err
			}
			return &L1{Method: m}, nil
		},
	})
}

// L1 is the penalty Σ|w| over the weight matrices.
type L1 struct {
	// Method is L1Auto (also the meaning of ""), L1Proximal or
	// L1Subgradient; see UsesProx.
	Method string
}

// Kind returns "l1".
func (L1) Kind() string { return "l1" }

// Value returns Σ|w|.
func (L1) Value(w []float64) float64 { return WeightL1(w) }

// AddGrad adds scale·sign(w) to dst, with the subgradient 0 at w = 0.
func (L1) AddGrad(dst, w []float64, scale float64) {
	checkSameLen("l1", dst, w)
	addSign(dst, w, scale)
}

// addSign is AddGrad in the precision of w, scale rounded to it once.
func addSign[T float32 | float64](dst, w []T, scale float64) {
	s := T(scale)
	for i, v := range w {
		switch {
		case v > 0:
			dst[i] += s
		case v < 0:
			dst[i] -= s
		}
	}
}

// Prox overwrites w with the soft-threshold sign(w)·max(|w|−t, 0), the
// argmin over z of ½‖z−w‖² + t·Σ|z|. After a gradient step of size η on the
// other terms, Prox(w, η·λ) is the proximal-gradient step for λ·L1. t must
// be ≥ 0.
func (L1) Prox(w []float64, t float64) {
	softThreshold(w, t)
}

// softThreshold is Prox in the precision of w, t rounded to it once.
func softThreshold[T float32 | float64](w []T, t float64) {
	if !(t >= 0) {
		panic(fmt.Sprintf("lossterms: l1: prox threshold %v is not ≥ 0", t))
	}
	tt := T(t)
	for i, v := range w {
		a := T(math.Abs(float64(v))) - tt
		if a > 0 {
			w[i] = T(math.Copysign(float64(a), float64(v)))
		} else {
			w[i] = 0
		}
	}
}

// UsesProx reports whether the trainer should minimise the term with Prox
// after each step of the named optimizer (true) or through AddGrad's
// subgradient (false). With L1Auto the proximal step is used for "sgd" and
// "momentum", whose step size is a plain learning rate; adaptive optimizers
// and L-BFGS use the subgradient.
func (l L1) UsesProx(optimizer string) bool {
	switch l.Method {
	case L1Proximal:
		return true
	case L1Subgradient:
		return false
	case L1Auto, "":
		return optimizer == "sgd" || optimizer == "momentum"
	}
	panic(fmt.Sprintf("lossterms: l1: unknown method %q", l.Method))
}

func checkSameLen(kind string, dst, w []float64) {
	if len(dst) != len(w) {
		panic(fmt.Sprintf("lossterms: %s: len(dst) = %d, len(w) = %d", kind, len(dst), len(w)))
	}
}
