package optim

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func checkVec(t *testing.T, what string, got, want []float64) {
	t.Helper()
	for i := range want {
		if !near(got[i], want[i], 1e-14) {
			t.Errorf("%s[%d] = %.17g, want %.17g", what, i, got[i], want[i])
		}
	}
}

func TestSGD_Step(t *testing.T) {
	p := []float64{1, 2}
	o := NewSGD(0.1)
	o.Step(p, []float64{0.5, -1})
	checkVec(t, "p", p, []float64{0.95, 2.1})
}

func TestMomentum_Step(t *testing.T) {
	// lr 0.1, μ 0.9. Step 1: v = g = (1, −2), p = (1, 2) − 0.1v = (0.9, 2.2).
	// Step 2: g = (0.5, 0.5), v = 0.9·(1, −2) + g = (1.4, −1.3),
	// p = (0.9 − 0.14, 2.2 + 0.13) = (0.76, 2.33).
	p := []float64{1, 2}
	o := NewMomentum(0.1, 0.9, 2)
	o.Step(p, []float64{1, -2})
	checkVec(t, "p1", p, []float64{0.9, 2.2})
	o.Step(p, []float64{0.5, 0.5})
	checkVec(t, "p2", p, []float64{0.76, 2.33})
}

func TestAdam_TwoSteps(t *testing.T) {
	// lr 0.1, β1 0.9, β2 0.999, ε 1e-8, p = (1, −1).
	// Step 1, g = (2, −0.5): m = (0.2, −0.05), v = (0.004, 0.00025);
	// m̂ = m/0.1 = (2, −0.5), v̂ = v/0.001 = (4, 0.25);
	// p = p − 0.1·m̂/(√v̂ + ε) = (1 − 0.2/(2+ε), −1 + 0.05/(0.5+ε)) ≈ (0.9, −0.9).
	// Step 2, g = (1, 0.5): m = (0.18+0.1, −0.045+0.05) = (0.28, 0.005),
	// v = (0.0039960+0.001, 0.00024975+0.00025) = (0.004996, 0.00049975);
	// m̂ = m/(1−0.81) = m/0.19, v̂ = v/(1−0.998001) = v/0.001999
	// = (2.49924962…, 0.25).
	const eps = 1e-8
	p := []float64{1, -1}
	o := NewAdam(0.1, 0.9, 0.999, eps, 2)
	o.Step(p, []float64{2, -0.5})
	p1 := []float64{1 - 0.1*2/(2+eps), -1 + 0.1*0.5/(0.5+eps)}
	checkVec(t, "p1", p, p1)
	o.Step(p, []float64{1, 0.5})
	p2 := []float64{
		p1[0] - 0.1*(0.28/0.19)/(math.Sqrt(0.004996/0.001999)+eps),
		p1[1] - 0.1*(0.005/0.19)/(0.5+eps),
	}
	checkVec(t, "p2", p, p2)
	// p2 ≈ (0.9 − 0.0932…, −0.9 − 0.00526…).
	if !near(p[0], 0.80678, 1e-4) || !near(p[1], -0.90526, 1e-4) {
		t.Errorf("p2 = %v, want ≈ (0.80678, −0.90526)", p)
	}
}

func TestAdamW_DecoupledDecay(t *testing.T) {
	// One weight and one bias, p = (2, 2), g = (0.5, 0.5), lr 0.1, wd 0.1.
	// AdamW, step 1: the Adam part is m̂/(√v̂+ε) = 0.5/(0.5+ε) ≈ 1 for both;
	// the weight also decays by lr·wd·p = 0.02: p = (2 − 0.1 − 0.02, 2 − 0.1)
	// = (1.88, 1.9).
	const eps = 1e-8
	p := []float64{2, 2}
	w := NewAdamW(0.1, 0.9, 0.999, eps, 0.1, 1, 2)
	w.Step(p, []float64{0.5, 0.5})
	checkVec(t, "adamw", p, []float64{2 - 0.1*(0.5/(0.5+eps)+0.1*2), 2 - 0.1*0.5/(0.5+eps)})

	// Adam with the coupled penalty ½·wd·w² in the gradient: g_w = 0.5 + 0.1·2
	// = 0.7, and the first Adam step normalises it away: 0.7/(0.7+ε) ≈ 1, so
	// p_w = 1.9. The decay vanished into the adaptive denominator; AdamW's
	// 1.88 kept it.
	q := []float64{2, 2}
	a := NewAdam(0.1, 0.9, 0.999, eps, 2)
	a.Step(q, []float64{0.5 + 0.1*2, 0.5})
	checkVec(t, "adam+l2", q, []float64{2 - 0.1*0.7/(0.7+eps), 2 - 0.1*0.5/(0.5+eps)})
	if math.Abs(p[0]-q[0]) < 0.019 {
		t.Errorf("AdamW weight %v and Adam+L2 weight %v should differ by ≈ 0.02", p[0], q[0])
	}
	if !near(p[1], q[1], 1e-15) {
		t.Errorf("bias: AdamW %v, Adam %v: the bias must not decay", p[1], q[1])
	}

	// With zero gradient the Adam part is 0 (m = 0), so AdamW is pure decay
	// on the weights: p_w ← (1 − lr·wd)·p_w, biases fixed.
	r := []float64{3, -4, 5}
	z := NewAdamW(0.5, 0.9, 0.999, eps, 0.2, 2, 3)
	z.Step(r, []float64{0, 0, 0})
	checkVec(t, "pure decay", r, []float64{3 * 0.9, -4 * 0.9, 5})
}

// quadratic is f(x) = ½Σ a_i (x_i − c_i)², minimised at c.
var (
	quadA = []float64{1, 10}
	quadC = []float64{3, -2}
)

func quadGrad(g, x []float64) {
	for i := range x {
		g[i] = quadA[i] * (x[i] - quadC[i])
	}
}

func TestOptimizers_MinimiseQuadratic(t *testing.T) {
	cases := []struct {
		opt   Optimizer
		steps int
		tol   float64
	}{
		{NewSGD(0.05), 1000, 1e-9},
		{NewMomentum(0.02, 0.9, 2), 1000, 1e-9},
		// Adam with a constant learning rate hovers within ~lr of the
		// minimum on a deterministic problem before settling; 1e-4 is
		// reached well within the budget.
		{NewAdam(0.01, 0.9, 0.999, 1e-8, 2), 5000, 1e-4},
		{NewAdamW(0.01, 0.9, 0.999, 1e-8, 0, 2, 2), 5000, 1e-4},
	}
	for _, c := range cases {
		t.Run(c.opt.Name(), func(t *testing.T) {
			x := []float64{0, 0}
			g := make([]float64, 2)
			for range c.steps {
				quadGrad(g, x)
				c.opt.Step(x, g)
			}
			for i := range x {
				if math.Abs(x[i]-quadC[i]) > c.tol {
					t.Errorf("x = %v, want %v within %g", x, quadC, c.tol)
				}
			}
		})
	}
}

func TestOptimizers_NoAllocs(t *testing.T) {
	const n = 64
	p := make([]float64, n)
	g := make([]float64, n)
	for i := range g {
		g[i] = float64(i%7) - 3
	}
	for _, o := range []Optimizer{
		NewSGD(0.1), NewMomentum(0.1, 0.9, n), NewAdam(1e-3, 0.9, 0.999, 1e-8, n),
		NewAdamW(1e-3, 0.9, 0.999, 1e-8, 0.01, n/2, n),
	} {
		if a := testing.AllocsPerRun(100, func() { o.Step(p, g) }); a != 0 {
			t.Errorf("%s: %v allocs per Step", o.Name(), a)
		}
	}
}

func TestOptimizers_Panics(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"sgd lr 0", func() { NewSGD(0) }},
		{"momentum mu 1", func() { NewMomentum(0.1, 1, 2) }},
		{"adam beta2 NaN", func() { NewAdam(0.1, 0.9, math.NaN(), 1e-8, 2) }},
		{"adamw nWeights > n", func() { NewAdamW(0.1, 0.9, 0.999, 1e-8, 0.01, 3, 2) }},
		{"adam wrong length", func() { NewAdam(0.1, 0.9, 0.999, 1e-8, 2).Step(make([]float64, 3), make([]float64, 3)) }},
		{"sgd length mismatch", func() { NewSGD(0.1).Step(make([]float64, 3), make([]float64, 2)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Fatal("no panic")
				}
			}()
			c.f()
		})
	}
}
