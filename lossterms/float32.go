package lossterms

import (
	"fmt"

	"github.com/lossexp/lossexp/internal/kernel"
)

// WeightPenalty32 is a WeightPenalty whose gradient float32 training
// (train.precision: float32) can add: AddGrad32 adds scale·∇R(w) to dst
// in float32. Terms without it are refused in float32 by the spec's
// validation, which names them.
type WeightPenalty32 interface {
	WeightPenalty
	AddGrad32(dst, w []float32, scale float64)
}

var _ WeightPenalty32 = (*L2)(nil)

// Float32Kinds returns the kinds of the terms float32 training supports,
// in registry order.
func Float32Kinds() []string {
	var out []string
	for _, k := range Kinds() {
		info, _ := Lookup(k)
		if t, err := info.New(nil); err == nil {
			if _, ok := t.(WeightPenalty32); ok {
				out = append(out, k)
			}
		}
	}
	return out
}

// AddGrad32 adds scale·2w to dst in float32: 2·scale rounded to float32,
// then a multiply and an add, each rounded.
func (L2) AddGrad32(dst, w []float32, scale float64) {
	if len(dst) != len(w) {
		panic(fmt.Sprintf("lossterms: l2: len(dst) = %d, len(w) = %d", len(dst), len(w)))
	}
	kernel.AddScaled32(dst, w, float32(2*scale))
}

// Proximal32 is Proximal for float32 training: Prox32 is Prox on float32
// weights, the threshold t rounded to float32 once.
type Proximal32 interface {
	Proximal
	Prox32(w []float32, t float64)
}

var (
	_ WeightPenalty32 = (*L1)(nil)
	_ Proximal32      = (*L1)(nil)
)

// AddGrad32 adds scale·sign(w) to dst in float32 (scale rounded to
// float32 once), with the subgradient 0 at w = 0.
func (L1) AddGrad32(dst, w []float32, scale float64) {
	if len(dst) != len(w) {
		panic(fmt.Sprintf("lossterms: l1: len(dst) = %d, len(w) = %d", len(dst), len(w)))
	}
	addSign(dst, w, scale)
}

// Prox32 overwrites w with the soft-threshold sign(w)·max(|w|−t, 0) in
// float32 (see Prox). t must be ≥ 0.
func (L1) Prox32(w []float32, t float64) { softThreshold(w, t) }
