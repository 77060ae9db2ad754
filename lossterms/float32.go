package lossterms

import "fmt"

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
	s := float32(2 * scale)
	for i, v := range w {
		dst[i] += float32(s * v)
	}
}
