package experiments

import (
	"github.com/lossexp/lossexp/experiments/optim"
	"github.com/lossexp/lossexp/lossterms"
)

// fuseL2 turns the fusion off for the tests that compare both ways.
var fuseL2 = true

// fusedL2 returns the index of the weight penalty whose gradient the
// optimizer adds in its own pass over the parameters (optim.StepperL2, in
// float32 optim.Stepper32L2), and the factor s = 2λ of that gradient
// s·w; -1 and 0 when there is none. It is the last penalty whose gradient
// is added to the step's (so the sum keeps its order), when that penalty
// is an L2 and the optimizer fuses one: the update then reads g + s·w as
// L2.AddGrad would have left it, bit for bit, and the pass of AddGrad
// over the weights is saved.
func (t *trainer) fusedL2() (int, float64) {
	if !fuseL2 {
		return -1, 0
	}
	last := -1
	for p := range t.pens {
		if pp := &t.pens[p]; pp.lambda != 0 && pp.pen != nil && pp.prox == nil {
			last = p
		}
	}
	if last < 0 || !isL2(t.pens[last].pen) {
		return -1, 0
	}
	var ok bool
	if t.f32 != nil {
		_, ok = t.f32.opt.(optim.Stepper32L2)
	} else {
		_, ok = t.opt.(optim.StepperL2)
	}
	if !ok {
		return -1, 0
	}
	return last, 2 * t.pens[last].lambda
}

// isL2 reports whether pen is the l2 penalty, whose AddGrad adds 2λ·w
// (AddGrad32: float32(2λ)·w).
func isL2(pen lossterms.WeightPenalty) bool {
	switch pen.(type) {
	case *lossterms.L2, lossterms.L2:
		return true
	}
	return false
}
