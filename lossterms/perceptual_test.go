package lossterms

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// frozen returns a FrozenMLP with parameters drawn from a fixed stream
// (non-zero biases, so that ReLU units are not all on or off together).
func frozen(t *testing.T, sizes []int, act string) *FrozenMLP {
	t.Helper()
	net, err := newRowMLP(sizes, act)
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, net.nParams)
	net.initGlorot(p, rand.New(rand.NewPCG(5, 6)))
	for i := range p {
		p[i] += 0.2 * math.Cos(float64(i))
	}
	f, err := NewFrozenMLP(sizes, act, p)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func newPerceptual(t *testing.T, params map[string]any, phi *FrozenMLP) *Perceptual {
	t.Helper()
	p := newTerm(t, "perceptual", params).(*Perceptual)
	p.SetExtractor(phi)
	k := phi.In()
	if err := p.Setup(Shape{Task: TaskRegression, K: k, Targets: k, MaxBatch: 16}); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPerceptual_Gradients checks ∂L/∂ŷ through φ for each activation
// and for hidden layers and the logits.
func TestPerceptual_Gradients(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int
		act   string
		layer float64
		want  int // resolved layer
	}{
		{"tanh_last_hidden", []int{6, 5, 4, 3}, "tanh", -1, 1},
		{"tanh_first_hidden", []int{6, 5, 4, 3}, "tanh", 0, 0},
		{"sigmoid_logits", []int{6, 5, 3}, "sigmoid", 1, 1},
		{"relu_last_hidden", []int{6, 7, 3}, "relu", -1, 0},
		{"linear_classifier", []int{6, 3}, "relu", -1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPerceptual(t, map[string]any{"layer": tc.layer}, frozen(t, tc.sizes, tc.act))
			if p.FeatureLayer() != tc.want {
				t.Fatalf("layer %d, want %d", p.FeatureLayer(), tc.want)
			}
			n, k := 9, tc.sizes[0]
			b := &Batch{N: n, K: k, Out: gradcheck.Random(31, n*k, -1, 1), Y: gradcheck.Random(32, n*k, 0, 1)}
			checkBatchGrad(t, p, b, 1.3)
		})
	}
}

// TestPerceptual_HandValues: φ = ReLU of the identity layer, so
// φ(v) = max(v, 0) coordinate-wise.
func TestPerceptual_HandValues(t *testing.T) {
	// sizes [2, 2, 1]: W_0 = I, W_1 = (1, 1)ᵀ, then b_0 = (0, 0), b_1 = 0.
	phi, err := NewFrozenMLP([]int{2, 2, 1}, "relu", []float64{1, 0, 0, 1, 1, 1, 0, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	p := newPerceptual(t, nil, phi) // layer −1: the hidden layer
	// Row 0: φ(1, −1) = (1, 0), φ(2, 3) = (2, 3): 1 + 9 = 10.
	// Row 1: φ(½, ½) = (½, ½), φ(½, −2) = (½, 0): ¼. Mean 5.125.
	b := &Batch{N: 2, K: 2, Out: []float64{1, -1, 0.5, 0.5}, Y: []float64{2, 3, 0.5, -2}}
	if v := p.Value(b); v != 5.125 { // exact: dyadic rationals
		t.Errorf("value %v, want 5.125", v)
	}
	// ∂L/∂ŷ = (2/n)·(φ(ŷ) − φ(y))·relu'(ŷ): row 0 (−1, −3)·(1, 0) = (−1, 0);
	// row 1 (0, ½)·(1, 1) = (0, ½).
	d := make([]float64, 4)
	p.AddGrad(d, nil, b, 1)
	for i, w := range []float64{-1, 0, 0, 0.5} {
		if d[i] != w { // exact: dyadic rationals
			t.Errorf("dout[%d] = %v, want %v", i, d[i], w)
		}
	}
	// On the logits (layer 1): φ = relu(ŷ_0) + relu(ŷ_1): rows (1 − 5)² and
	// (1 − ½)²: mean (16 + ¼)/2.
	p = newPerceptual(t, map[string]any{"layer": 1.0}, phi)
	if v := p.Value(b); v != 8.125 { // exact
		t.Errorf("value on the logits %v, want 8.125", v)
	}
}

func TestPerceptual_SetupRefuses(t *testing.T) {
	phi := frozen(t, []int{4, 3, 2}, "tanh")
	for _, tc := range []struct {
		name   string
		params map[string]any
		phi    *FrozenMLP
		shape  Shape
		want   string
	}{
		{"no extractor", nil, nil, Shape{Task: TaskRegression, K: 4, Targets: 4}, "SetExtractor"},
		{"classification", nil, phi, Shape{Task: TaskClassification, K: 4, Classes: 4, Targets: 1}, "image-restoration"},
		{"width", nil, phi, Shape{Task: TaskRegression, K: 3, Targets: 3}, "classifier 4 inputs"},
		{"layer", map[string]any{"layer": 2.0}, phi, Shape{Task: TaskRegression, K: 4, Targets: 4}, "layer 2 does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newTerm(t, "perceptual", tc.params).(*Perceptual)
			if tc.phi != nil {
				p.SetExtractor(tc.phi)
			}
			err := p.Setup(tc.shape)
			if err == nil || !strings.Contains(err.Error(), "perceptual") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to name perceptual and %q", err, tc.want)
			}
		})
	}
	if _, err := NewFrozenMLP([]int{2, 1}, "relu", []float64{1, 2}); err == nil {
		t.Error("NewFrozenMLP accepted 2 parameters for 3")
	}
	if _, err := NewFrozenMLP([]int{2, 1}, "gelu", []float64{1, 2, 3}); err == nil {
		t.Error("NewFrozenMLP accepted activation gelu")
	}
	if _, err := NewFrozenMLP([]int{2, 1}, "relu", []float64{1, math.NaN(), 3}); err == nil {
		t.Error("NewFrozenMLP accepted NaN")
	}
	info, _ := Lookup("perceptual")
	p, err := info.New(map[string]any{"hidden": []any{16.0, 8.0}, "activation": "tanh", "epochs": 5.0, "learning_rate": 0.01, "layer": 0.0})
	if err != nil {
		t.Fatal(err)
	}
	if pp := p.(*Perceptual); len(pp.Hidden) != 2 || pp.Activation != "tanh" || pp.Epochs != 5 || pp.LearningRate != 0.01 || pp.Layer != 0 {
		t.Errorf("parsed %+v", pp)
	}
	if _, err := info.New(map[string]any{"activation": "gelu"}); err == nil {
		t.Error("New accepted activation gelu")
	}
}

func TestPerceptual_NoAlloc(t *testing.T) {
	p := newPerceptual(t, nil, frozen(t, []int{16, 12, 8, 4}, "relu"))
	n := 16
	b := &Batch{N: n, K: 16, Out: gradcheck.Random(1, n*16, 0, 1), Y: gradcheck.Random(2, n*16, 0, 1)}
	d := make([]float64, n*16)
	if a := testing.AllocsPerRun(10, func() {
		p.Value(b)
		p.AddGrad(d, nil, b, 0.5)
	}); a != 0 {
		t.Errorf("%v allocations per Value+AddGrad, want 0", a)
	}
}

// TestRecognizability_HandValues: classifiers without a hidden layer whose
// logits are the inputs themselves.
func TestRecognizability_HandValues(t *testing.T) {
	// Two classes by argmax: W = I, b = 0. Rows (1, 0), (0, 1), (3, 2),
	// labels 0, 0, 0: the second is wrong: 2/3.
	c, err := NewFrozenMLP([]int{2, 2}, "relu", []float64{1, 0, 0, 1, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	if a := Recognizability(c, []float64{1, 0, 0, 1, 3, 2}, []float64{0, 0, 0}, 3); math.Abs(a-2.0/3) > 1e-15 {
		t.Errorf("recognizability %v, want 2/3", a)
	}
	// One logit x0 − x1 + 0.5: rows (1, 0) → 1, (0, 1) → 0, (0, 0.5) → 0
	// (a logit of 0 is class 0), (2, 3) → 0; labels 1, 1, 0, 0: 3 of 4.
	c, err = NewFrozenMLP([]int{2, 1}, "relu", []float64{1, -1, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if a := Recognizability(c, []float64{1, 0, 0, 1, 0, 0.5, 2, 3}, []float64{1, 1, 0, 0}, 4); a != 0.75 { // exact: 3/4
		t.Errorf("recognizability %v, want 0.75", a)
	}
	if a := Recognizability(c, nil, nil, 0); !math.IsNaN(a) {
		t.Errorf("recognizability of nothing %v, want NaN", a)
	}
}
