package optim

import (
	"math"
	"testing"
)

// TestOptimizer32_StepsByHand: SGD, Momentum32 and Adam32 / AdamW32 in
// float32 against updates computed by hand. SGD and momentum use values
// exact in binary (so the float32 result is exact: compared with ==, bit
// identity being the point); Adam's are the float64 formulas of
// TestAdam_TwoSteps and TestAdamW_DecoupledDecay, to float32 rounding.
// The vectors are 19 long (two 8-wide blocks of the AVX kernel and a
// tail of 3), the pattern repeating, so kernel and loop are both held to
// the hand values.
func TestOptimizer32_StepsByHand(t *testing.T) {
	const n = 19
	rep := func(a, b float32) []float32 { // a, b, a, b, …
		v := make([]float32, n)
		for i := range v {
			v[i] = a
			if i%2 == 1 {
				v[i] = b
			}
		}
		return v
	}
	exact := func(what string, got []float32, a, b float32) {
		t.Helper()
		for i, v := range got {
			w := a
			if i%2 == 1 {
				w = b
			}
			if v != w { // exact: dyadic values
				t.Errorf("%s[%d] = %v, want %v", what, i, v, w)
			}
		}
	}
	near32 := func(what string, got []float32, want func(i int) float64) {
		t.Helper()
		for i, v := range got {
			if w := want(i); math.Abs(float64(v)-w) > 1e-6*math.Max(1, math.Abs(w)) || math.IsNaN(float64(v)) {
				t.Errorf("%s[%d] = %.9g, want %.9g", what, i, v, w)
			}
		}
	}

	// SGD, lr 0.25: p = (1, 2) − 0.25·(0.5, −1) = (0.875, 2.25).
	p := rep(1, 2)
	NewSGD(0.25).Step32(p, rep(0.5, -1))
	exact("sgd", p, 0.875, 2.25)

	// Momentum, lr 0.5, μ 0.5. Step 1, g = (1, −2): v = g, p = (1, 2) −
	// 0.5·v = (0.5, 3). Step 2, g = (0.5, 0.5): v = 0.5·(1, −2) + g =
	// (1, −0.5), p = (0.5 − 0.5, 3 + 0.25) = (0, 3.25).
	p = rep(1, 2)
	m := NewMomentum32(0.5, 0.5, n)
	m.Step32(p, rep(1, -2))
	exact("momentum step 1", p, 0.5, 3)
	m.Step32(p, rep(0.5, 0.5))
	exact("momentum step 2", p, 0, 3.25)

	// Adam, lr 0.1, β 0.9 / 0.999, ε 1e-8 (TestAdam_TwoSteps): step 1 with
	// g = (2, −0.5) takes lr·m̂/(√v̂ + ε) = 0.1·2/(2 + ε), 0.1·0.5/(0.5 + ε);
	// step 2 with g = (1, 0.5): m = (0.28, 0.005), v = (0.004996,
	// 0.00049975), m̂ = m/0.19, v̂ = v/0.001999.
	const eps = 1e-8
	p1 := [2]float64{1 - 0.1*2/(2+eps), -1 + 0.1*0.5/(0.5+eps)}
	p2 := [2]float64{p1[0] - 0.1*(0.28/0.19)/(math.Sqrt(0.004996/0.001999)+eps), p1[1] - 0.1*(0.005/0.19)/(0.5+eps)}
	p = rep(1, -1)
	a := NewAdam32(0.1, 0.9, 0.999, eps, n)
	a.Step32(p, rep(2, -0.5))
	near32("adam step 1", p, func(i int) float64 { return p1[i%2] })
	a.Step32(p, rep(1, 0.5))
	near32("adam step 2", p, func(i int) float64 { return p2[i%2] })

	// AdamW, lr 0.1, wd 0.1, the first 11 parameters weights
	// (TestAdamW_DecoupledDecay): from p = 2 with g = 0.5 a weight goes to
	// 2 − 0.1·(0.5/(0.5+ε) + 0.1·2) ≈ 1.88, a bias to 2 − 0.1·0.5/(0.5+ε) ≈ 1.9.
	const nw = 11
	p = rep(2, 2)
	NewAdamW32(0.1, 0.9, 0.999, eps, 0.1, nw, n).Step32(p, rep(0.5, 0.5))
	near32("adamw", p, func(i int) float64 {
		if i < nw {
			return 2 - 0.1*(0.5/(0.5+eps)+0.1*2)
		}
		return 2 - 0.1*0.5/(0.5+eps)
	})
	// With zero gradient AdamW is pure decay, p ← (1 − lr·wd)·p on the
	// weights (lr 0.5, wd 0.2: ×0.9), the biases fixed (exactly).
	p = rep(3, -4)
	NewAdamW32(0.5, 0.9, 0.999, eps, 0.2, nw, n).Step32(p, make([]float32, n))
	near32("adamw pure decay", p, func(i int) float64 {
		w := [2]float64{3, -4}[i%2]
		if i < nw {
			return 0.9 * w
		}
		return w
	})
	for i := nw; i < n; i++ {
		if w := [2]float32{3, -4}[i%2]; p[i] != w {
			t.Errorf("adamw pure decay: bias %d = %v, want %v unchanged", i, p[i], w)
		}
	}
}
