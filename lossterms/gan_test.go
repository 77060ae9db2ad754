package lossterms

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// newGAN builds and sets up an adversarial term with d conditioning
// features (0: unconditional) and k outputs.
func newGAN(t *testing.T, params map[string]any, d, k, maxBatch int) *GAN {
	t.Helper()
	g := newTerm(t, "adversarial", params).(*GAN)
	if d > 0 {
		g.SetInputDim(d)
	}
	if err := g.Setup(Shape{Task: TaskRegression, K: k, Targets: k, MaxBatch: maxBatch}); err != nil {
		t.Fatal(err)
	}
	return g
}

// ganBatch is a batch of n rows with d features, k outputs and targets,
// and own parameters of g drawn from a fixed stream (biases non-zero).
func ganBatch(g *GAN, n, d, k int) *Batch {
	own := make([]float64, g.NumOwn())
	g.InitOwn(own, rand.New(rand.NewPCG(3, 4)))
	for i := range own {
		own[i] += 0.3 * math.Sin(float64(i)+0.5)
	}
	if d > 0 {
		g.SetInputs(gradcheck.Random(21, n*d, -1.5, 1.5))
	}
	return &Batch{N: n, K: k, Out: gradcheck.Random(22, n*k, -2, 2), Y: gradcheck.Random(23, n*k, -2, 2), Own: own}
}

func TestGAN_Gradients(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params map[string]any
		d, k   int
	}{
		{"conditional_one_hidden", map[string]any{"hidden": 5.0}, 2, 1},
		{"conditional_two_hidden", map[string]any{"hidden": []any{4.0, 3.0}}, 3, 2},
		{"conditional_linear", map[string]any{"hidden": []any{}}, 2, 2},
		{"unconditional", map[string]any{"conditional": false, "hidden": 6.0}, 0, 3},
		{"default_size", nil, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGAN(t, tc.params, tc.d, tc.k, 16)
			b := ganBatch(g, 12, tc.d, tc.k)
			// Through the discriminator's input: ∂L/∂ŷ.
			checkBatchGrad(t, g, b, 0.7)
			// The discriminator's own parameters: ∂J/∂θ.
			scratch := make([]float64, g.NumOwn())
			f := func(x []float64) float64 { bb := *b; bb.Own = x; return g.OwnGrad(scratch, &bb) }
			grad := func(dst, x []float64) { bb := *b; bb.Own = x; g.OwnGrad(dst, &bb) }
			gradcheck.Check(t, f, grad, b.Own, gradcheck.Tol)
		})
	}
}

// TestGAN_HandValues uses a logistic-regression discriminator on y alone,
// θ = (w, b) = (1, 0), so that s = y.
func TestGAN_HandValues(t *testing.T) {
	g := newGAN(t, map[string]any{"hidden": 0.0, "conditional": false}, 0, 1, 8)
	if g.NumOwn() != 2 {
		t.Fatalf("NumOwn = %d, want 2", g.NumOwn())
	}
	l3 := math.Log(3)
	b := &Batch{N: 2, K: 1, Out: []float64{0, l3}, Y: []float64{1, -1}, Own: []float64{1, 0}}
	// L = (softplus(0) + softplus(−ln 3))/2 = (ln 2 + ln(4/3))/2.
	want := (math.Log(2) + math.Log(4.0/3)) / 2
	if v := g.Value(b); math.Abs(v-want) > 1e-15 {
		t.Errorf("value %v, want %v", v, want)
	}
	// ∂L/∂ŷ_i = w·(σ(ŷ_i) − 1)/n: (0.5 − 1)/2 and (0.75 − 1)/2.
	d := make([]float64, 2)
	g.AddGrad(d, nil, b, 1)
	for i, w := range []float64{-0.25, -0.125} {
		if math.Abs(d[i]-w) > 1e-15 {
			t.Errorf("dout[%d] = %v, want %v", i, d[i], w)
		}
	}
	// J = (softplus(−1) + softplus(1))/2 + (softplus(0) + softplus(ln 3))/2
	// = (1 + ln 2 + ln 4)/2 — softplus(1) − softplus(−1) = 1.
	wantJ := (softplus(-1) + softplus(1) + math.Log(2) + math.Log(4)) / 2
	if j := g.OwnGrad(make([]float64, 2), b); math.Abs(j-wantJ) > 1e-15 {
		t.Errorf("J = %v, want %v", j, wantJ)
	}
	// All-zero θ: D = ½ everywhere, L = ln 2 and J = 2 ln 2.
	b.Own = []float64{0, 0}
	if v := g.Value(b); math.Abs(v-math.Log(2)) > 1e-15 {
		t.Errorf("value at θ = 0: %v, want ln 2", v)
	}
	if j := g.OwnGrad(make([]float64, 2), b); math.Abs(j-2*math.Log(2)) > 1e-15 {
		t.Errorf("J at θ = 0: %v, want 2 ln 2", j)
	}
}

func TestGAN_DiscriminatorAccuracy(t *testing.T) {
	// s = y: real y (1, 2, −1) judged real twice; generated ŷ (−1, 0.5, −3)
	// judged generated twice (s ≤ 0): 4 of 6.
	g := newGAN(t, map[string]any{"hidden": 0.0, "conditional": false}, 0, 1, 8)
	b := &Batch{N: 3, K: 1, Out: []float64{-1, 0.5, -3}, Y: []float64{1, 2, -1}, Own: []float64{1, 0}}
	if a := g.DiscriminatorAccuracy(b); math.Abs(a-2.0/3) > 1e-15 {
		t.Errorf("accuracy %v, want 2/3", a)
	}
	// Conditional, input (x, y), θ = (w_x, w_y, b) = (2, 0, −1): s = 2x − 1
	// ignores y, so each real row and its generated twin get the same
	// verdict: accuracy exactly ½ (this also checks that x comes first).
	g = newGAN(t, map[string]any{"hidden": 0.0}, 1, 1, 8)
	g.SetInputs([]float64{1, 0, 0.4})
	b.Own = []float64{2, 0, -1}
	if a := g.DiscriminatorAccuracy(b); a != 0.5 { // exact: 3/6
		t.Errorf("accuracy of a discriminator blind to y: %v, want 0.5", a)
	}
	// θ = (0, 1, 0): s = y, as in the unconditional case.
	b.Own = []float64{0, 1, 0}
	if a := g.DiscriminatorAccuracy(b); math.Abs(a-2.0/3) > 1e-15 {
		t.Errorf("accuracy %v, want 2/3", a)
	}
}

func TestGAN_SetupRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		dim   int
		shape Shape
		want  string
	}{
		{"classification", 2, Shape{Task: TaskClassification, K: 1, Targets: 1, Classes: 2}, "regression"},
		{"targets", 2, Shape{Task: TaskRegression, K: 2, Targets: 1}, "targets"},
		{"no input dim", 0, Shape{Task: TaskRegression, K: 1, Targets: 1}, "SetInputDim"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newTerm(t, "adversarial", nil).(*GAN)
			if tc.dim > 0 {
				g.SetInputDim(tc.dim)
			}
			err := g.Setup(tc.shape)
			if err == nil || !strings.Contains(err.Error(), "adversarial") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to name adversarial and %q", err, tc.want)
			}
		})
	}
	info, _ := Lookup("adversarial")
	for _, p := range []map[string]any{{"hidden": 2.5}, {"hidden": []any{4.0, "x"}}, {"conditional": 1.0}, {"steps": 0.0}, {"critic": 1.0}} {
		if _, err := info.New(p); err == nil {
			t.Errorf("New(%v) accepted", p)
		}
	}
	g, err := info.New(map[string]any{"hidden": []any{8.0, 4.0}, "conditional": "false", "optimizer": "adam", "learning_rate": 0.002, "steps": 3.0})
	if err != nil {
		t.Fatal(err)
	}
	gg := g.(*GAN)
	if len(gg.Hidden) != 2 || gg.Hidden[0] != 8 || gg.Conditional || gg.OwnTraining() != (OwnTraining{"adam", 0.002, 3}) {
		t.Errorf("parsed %+v", gg)
	}
}

func TestGAN_NoAlloc(t *testing.T) {
	g := newGAN(t, map[string]any{"hidden": []any{8.0, 4.0}}, 3, 2, 32)
	b := ganBatch(g, 32, 3, 2)
	d := make([]float64, 64)
	dst := make([]float64, g.NumOwn())
	if a := testing.AllocsPerRun(10, func() {
		g.Value(b)
		g.AddGrad(d, nil, b, 0.5)
		g.OwnGrad(dst, b)
		g.DiscriminatorAccuracy(b)
	}); a != 0 {
		t.Errorf("%v allocations per step, want 0", a)
	}
}

// TestEnergyDistance_HandValues: small samples whose pairwise distances
// are easy to add up.
func TestEnergyDistance_HandValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []float64
		d    int
		v, u float64 // V- and U-statistic
	}{
		// One point each, distance 1: V = 2·1 − 0 − 0; U undefined.
		{"points", []float64{0}, []float64{1}, 1, 2, math.NaN()},
		// 2-D, distance 5 (3-4-5).
		{"points_2d", []float64{0, 0}, []float64{3, 4}, 2, 10, math.NaN()},
		// a = {0, 2}, b = {1}: cross mean (1 + 1)/2 = 1; within a
		// (0 + 2 + 2 + 0)/4 = 1: V = 2 − 1 − 0 = 1.
		{"two_one", []float64{0, 2}, []float64{1}, 1, 1, math.NaN()},
		// a = {0, 2}, b = {1, 3}: cross (1 + 3 + 1 + 1)/4 = 1.5; within
		// V: 4/4 = 1 each, U: 4/2 = 2 each. V = 3 − 2 = 1; U = 3 − 4 = −1.
		{"two_two", []float64{0, 2}, []float64{1, 3}, 1, 1, -1},
		// Identical samples: V: cross (0+2+2+0)/4 = 1,
		// within 1 each: 0. U: within 2 each: 2 − 4 = −2.
		{"same", []float64{0, 2}, []float64{0, 2}, 1, 0, -2},
		// a = {(0,0), (0,2)}, b = {(0,0), (2,0)} in 2-D: cross distances 0,
		// 2, 2, √8: mean (4 + 2√2)/4; within (0+2+2+0)/4 = 1 each (V), 4/2 = 2
		// each (U): V = 2 + √2 − 2 = √2, U = √2 − 2.
		{"square", []float64{0, 0, 0, 2}, []float64{0, 0, 2, 0}, 2, math.Sqrt2, math.Sqrt2 - 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if v := EnergyDistance(tc.a, tc.b, tc.d); math.Abs(v-tc.v) > 1e-15 {
				t.Errorf("V = %.17g, want %.17g", v, tc.v)
			}
			u := EnergyDistanceU(tc.a, tc.b, tc.d)
			if math.IsNaN(tc.u) != math.IsNaN(u) || (!math.IsNaN(u) && math.Abs(u-tc.u) > 1e-15) {
				t.Errorf("U = %.17g, want %.17g", u, tc.u)
			}
		})
	}
	if v := EnergyDistance(nil, []float64{1}, 1); !math.IsNaN(v) {
		t.Errorf("empty sample: %v, want NaN", v)
	}
	if a := testing.AllocsPerRun(5, func() { EnergyDistance([]float64{0, 1, 2}, []float64{3, 4}, 1) }); a != 0 {
		t.Errorf("EnergyDistance allocates %v times", a)
	}
}

// TestRealism_HandValues: x is shared between the real and generated
// joints, so it shifts no distance unless it varies.
func TestRealism_HandValues(t *testing.T) {
	// dx = 0: the marginal of y, as the "two_two" case above.
	if v := Realism(nil, 0, []float64{0, 2}, []float64{1, 3}, 1); math.Abs(v-1) > 1e-15 {
		t.Errorf("realism of y alone = %v, want 1", v)
	}
	// Real rows (0, 0), (0, 2); generated (0, 1), (0, 3): the same
	// distances as the 1-D case since x is constant.
	if v := Realism([]float64{0, 0}, 1, []float64{0, 2}, []float64{1, 3}, 1); math.Abs(v-1) > 1e-15 {
		t.Errorf("realism with constant x = %v, want 1", v)
	}
	// Exact predictions are perfectly realistic.
	if v := Realism([]float64{1, 2}, 1, []float64{0, 2}, []float64{0, 2}, 1); v != 0 { // exact: all distances cancel
		t.Errorf("realism of ŷ = y: %v, want 0", v)
	}
	// The mean of y = ±1 at every x (ŷ = 0) against the two modes, x = 0:
	// real {1, −1}, generated {0, 0}: cross 1, within real (0+2+2+0)/4 = 1,
	// within generated 0: 2 − 1 = 1.
	if v := Realism([]float64{0, 0}, 1, []float64{1, -1}, []float64{0, 0}, 1); math.Abs(v-1) > 1e-15 {
		t.Errorf("realism of the mean prediction = %v, want 1", v)
	}
}
