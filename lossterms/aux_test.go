package lossterms

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// auxBatch is a batch of n rows with a hidden layer of width h and a
// auxiliary targets: binary for bce, one-hot for ce, real for mse.
func auxBatch(n, h, a int, loss string) *Batch {
	y := make([]float64, n*a)
	switch loss {
	case AuxBCE:
		for i := range y {
			y[i] = float64((i*7 + i/3) % 2)
		}
	case AuxCE:
		for i := range n {
			y[i*a+(i*5)%a] = 1
		}
	default:
		y = gradcheck.Random(5, n*a, -1, 1)
	}
	return &Batch{
		N: n, K: 1, Out: gradcheck.Random(3, n, -1, 1), Y: make([]float64, n),
		Hidden: gradcheck.Random(4, n*h, 0, 2), H: h, Aux: y, A: a,
	}
}

// TestAux_Gradients checks ∂L_aux/∂Hidden (what reaches the shared layers)
// and ∂L_aux/∂Own (the head's training) by finite differences, for each
// loss, with a linear head and a head with its own tanh layer.
func TestAux_Gradients(t *testing.T) {
	for _, loss := range []string{AuxBCE, AuxCE, AuxMSE} {
		for _, hidden := range []float64{0, 4} {
			t.Run(loss+map[bool]string{true: "_linear", false: "_hidden"}[hidden == 0], func(t *testing.T) {
				x := newTerm(t, "aux", map[string]any{"loss": loss, "hidden": hidden, "layer": 1.0}).(*Aux)
				if err := x.Setup(Shape{Task: TaskSegmentation, K: 6, Targets: 6, Hidden: []int{3, 5}, Aux: 4, MaxBatch: 16}); err != nil {
					t.Fatal(err)
				}
				if nd := x.Needs(); nd.Layer != 1 || !nd.Aux || nd.Outputs {
					t.Fatalf("needs %+v", nd)
				}
				b := auxBatch(7, 5, 4, loss)
				own := make([]float64, x.NumOwn())
				x.InitOwn(own, rand.New(rand.NewPCG(1, 2)))
				for i := range own {
					own[i] += 0.2 * math.Sin(float64(3*i)) // non-zero biases too
				}
				b.Own = own
				checkBatchGrad(t, x, b, 0.7)
				f := func(p []float64) float64 { bb := *b; bb.Own = p; return x.Value(&bb) }
				g := func(dst, p []float64) {
					bb := *b
					bb.Own = p
					if j := x.OwnGrad(dst, &bb); math.Float64bits(j) != math.Float64bits(x.Value(&bb)) { // bit identity is the contract
						t.Errorf("OwnGrad returned %v, Value %v", j, x.Value(&bb))
					}
				}
				gradcheck.Check(t, f, g, own, gradcheck.Tol)
				// Predict and RowsLoss agree with Value.
				pred := make([]float64, b.N*b.A)
				x.Predict(pred, b.Hidden, own, b.N)
				if v, w := x.RowsLoss(pred, b.Aux, b.N), x.Value(b); math.Abs(v-w) > 1e-14 {
					t.Errorf("RowsLoss of Predict %v, Value %v", v, w)
				}
			})
		}
	}
}

// TestAux_HandValues: a linear head with all parameters 0 outputs z = 0,
// so bce is log 2 per target, ce is log A per row (one-hot targets) and
// mse is Σ y².
func TestAux_HandValues(t *testing.T) {
	for _, tc := range []struct {
		loss string
		want float64
	}{
		{AuxBCE, math.Log(2)},
		{AuxCE, math.Log(4)},
		{AuxMSE, (0.25 + 1 + 0 + 4 + 1 + 0 + 0.25 + 0) / 2},
	} {
		t.Run(tc.loss, func(t *testing.T) {
			x := newTerm(t, "aux", map[string]any{"loss": tc.loss}).(*Aux)
			if err := x.Setup(Shape{Hidden: []int{3}, Aux: 4}); err != nil {
				t.Fatal(err)
			}
			b := &Batch{N: 2, K: 1, Out: []float64{0, 0}, Hidden: []float64{1, 2, 3, 4, 5, 6}, H: 3, A: 4, Own: make([]float64, 16)}
			switch tc.loss {
			case AuxBCE:
				b.Aux = []float64{1, 0, 0, 1, 1, 1, 0, 0}
			case AuxCE:
				b.Aux = []float64{0, 1, 0, 0, 0, 0, 0, 1}
			default:
				b.Aux = []float64{0.5, -1, 0, 2, 1, 0, -0.5, 0}
			}
			if v := x.Value(b); math.Abs(v-tc.want) > 1e-15 {
				t.Errorf("value %v, want %v", v, tc.want)
			}
		})
	}
}

// TestAux_HandAccuracy: multi-label accuracy counts targets, softmax
// accuracy counts rows.
func TestAux_HandAccuracy(t *testing.T) {
	out := []float64{2, -1, 0.5, -3, 0, 4}
	y := []float64{1, 0, 0, 0, 1, 1}
	// Labels predicted 1 0 1 / 0 0 1 (0 is not > 0) against 1 0 0 / 0 1 1:
	// 4 of 6.
	if a := MultiLabelAccuracy(out, y, 2, 3); math.Abs(a-4.0/6) > 1e-15 {
		t.Errorf("multi-label accuracy %v, want 4/6", a)
	}
	// Argmax 0 vs 0, 2 vs 1 (first of the tied targets): 1 of 2.
	if a := SoftArgmaxAccuracy(out, y, 2, 3); a != 0.5 { // exact: 1/2
		t.Errorf("softmax accuracy %v, want 0.5", a)
	}
}

// TestAux_SetupRefuses: no auxiliary targets, no hidden layer, a layer out
// of range.
func TestAux_SetupRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		layer float64
		s     Shape
		want  string
	}{
		{"no aux targets", -1, Shape{Hidden: []int{4}}, "dataset.aux_targets"},
		{"linear model", -1, Shape{Aux: 3}, "hidden layer"},
		{"layer out of range", 2, Shape{Hidden: []int{4, 4}, Aux: 3}, "layer 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := newTerm(t, "aux", map[string]any{"layer": tc.layer})
			err := x.(BatchTerm).Setup(tc.s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestMultiLabelCrossEntropy_Gradient(t *testing.T) {
	n, k := 5, 4
	y := make([]float64, n*k)
	for i := range y {
		y[i] = float64(i%3) / 2 // soft targets 0, ½, 1
	}
	z0 := gradcheck.Random(9, n*k, -3, 3)
	var ce MultiLabelCrossEntropy
	f := func(z []float64) float64 { return ce.Loss(z, y, n, k) }
	g := func(dst, z []float64) {
		if v := ce.LossGrad(dst, z, y, n, k); math.Float64bits(v) != math.Float64bits(ce.Loss(z, y, n, k)) { // bit identity is the contract
			t.Errorf("LossGrad returned %v, Loss %v", v, ce.Loss(z, y, n, k))
		}
	}
	gradcheck.Check(t, f, g, z0, gradcheck.Tol)
	// Hand value: z = 0 everywhere gives log 2 whatever the targets.
	if v := ce.Loss(make([]float64, n*k), y, n, k); math.Abs(v-math.Ln2) > 1e-15 {
		t.Errorf("loss at z = 0: %v, want log 2", v)
	}
	// It equals CrossEntropy's k = 1 path on the flattened entries.
	if a, b := ce.Loss(z0, y, n, k), (CrossEntropy{}).Loss(z0, y, n*k, 1); math.Abs(a-b) > 1e-15 {
		t.Errorf("multi-label %v, binary on the flattened entries %v", a, b)
	}
}

// TestSegmentationMetrics_HandValues checks accuracy, IoU and boundary F1
// on masks worked out by hand.
func TestSegmentationMetrics_HandValues(t *testing.T) {
	// Two rows of 6 positions. Logits > 0 are foreground.
	out := []float64{
		-1, 1, 1, 1, -1, -1, // pred 0 1 1 1 0 0: boundaries after 0 and 3
		-1, -1, -1, -1, 2, 2, // pred 0 0 0 0 1 1: boundary after 3
	}
	y := []float64{
		0, 0, 1, 1, 0, 0, // true 0 0 1 1 0 0: boundaries after 1 and 3
		1, 1, 0, 0, 0, 0, // true 1 1 0 0 0 0: boundary after 1
	}
	// Accuracy: row 1 wrong at position 1; row 2 wrong at 0, 1, 4, 5 → 7/12.
	if a := PositionAccuracy(out, y, 2, 6); math.Abs(a-7.0/12) > 1e-15 {
		t.Errorf("accuracy %v, want 7/12", a)
	}
	// IoU: intersections 2 + 0, unions 3 + 4 → 2/7.
	if v := IoU(out, y, 2, 6); math.Abs(v-2.0/7) > 1e-15 {
		t.Errorf("iou %v, want 2/7", v)
	}
	// Boundaries with tolerance 1. Predicted: row 1 {0, 3}, row 2 {3};
	// true: row 1 {1, 3}, row 2 {1}. Predicted hits: 0 (near 1), 3 (at
	// 3); row 2's 3 is 2 from 1: a miss → P = 2/3. True found: 1 (near 0),
	// 3; row 2's 1 is missed → R = 2/3. F1 = 2/3.
	if f := BoundaryF1(out, y, 2, 6); math.Abs(f-2.0/3) > 1e-15 {
		t.Errorf("boundary f1 %v, want 2/3", f)
	}
	// Empty masks on both sides: IoU and boundary F1 are 1; a true
	// boundary with no predicted one gives F1 0.
	none := []float64{-1, -1, -1}
	if v := IoU(none, []float64{0, 0, 0}, 1, 3); v != 1 { // exact: defined as 1
		t.Errorf("iou of empty masks %v, want 1", v)
	}
	if f := BoundaryF1(none, []float64{0, 0, 0}, 1, 3); f != 1 { // exact
		t.Errorf("boundary f1 without boundaries %v, want 1", f)
	}
	if f := BoundaryF1(none, []float64{0, 1, 1}, 1, 3); f != 0 { // exact
		t.Errorf("boundary f1 with only a true boundary %v, want 0", f)
	}
	if !math.IsNaN(IoU(nil, nil, 0, 3)) || !math.IsNaN(BoundaryF1(nil, nil, 0, 3)) || !math.IsNaN(PositionAccuracy(nil, nil, 0, 3)) {
		t.Error("metrics of no rows should be NaN")
	}
}

// TestAux_RowMLP: a head with a hidden layer is a rowMLP: its parameters
// laid out as rowMLP's (the weight matrices, then the biases), drawn by
// Glorot layer after layer with zero biases, and its mse by hand:
// z = tanh(b1 + h·W1)·W2 + b2 (3 inputs, 2 hidden units, 1 target).
func TestAux_RowMLP(t *testing.T) {
	x := newTerm(t, "aux", map[string]any{"loss": AuxMSE, "hidden": 2.0}).(*Aux)
	if err := x.Setup(Shape{Hidden: []int{3}, Aux: 1}); err != nil {
		t.Fatal(err)
	}
	// W1 (3×2), W2 (2×1), b1 (2), b2 (1).
	if n := x.NumOwn(); n != 6+2+2+1 {
		t.Fatalf("NumOwn = %d, want 11", n)
	}
	own := make([]float64, x.NumOwn())
	x.InitOwn(own, rand.New(rand.NewPCG(5, 6)))
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 8 {
		lim := math.Sqrt(6.0 / 5)
		if i >= 6 {
			lim = math.Sqrt(6.0 / 3)
		}
		if want := lim * (2*rng.Float64() - 1); own[i] != want {
			t.Errorf("own[%d] = %v, want the Glorot draw %v", i, own[i], want)
		}
	}
	if !slices.Equal(own[8:], []float64{0, 0, 0}) {
		t.Errorf("biases %v, want 0", own[8:])
	}
	for i := range own {
		own[i] = 0.4 - 0.1*float64(i)
	}
	b := &Batch{N: 2, K: 1, Out: []float64{0, 0}, Hidden: []float64{1, 2, 3, -1, 0.5, 0}, H: 3, Aux: []float64{0.3, -0.2}, A: 1, Own: own}
	w1, w2, b1, b2 := own[:6], own[6:8], own[8:10], own[10]
	var sum float64
	for i := range 2 {
		h := b.Hidden[i*3 : i*3+3]
		z := b2
		for u := range 2 {
			z += math.Tanh(b1[u]+h[0]*w1[u]+h[1]*w1[2+u]+h[2]*w1[4+u]) * w2[u]
		}
		sum += (z - b.Aux[i]) * (z - b.Aux[i])
	}
	if v := x.Value(b); math.Abs(v-sum/2) > 1e-14 {
		t.Errorf("value %.17g, want %.17g by hand", v, sum/2)
	}
}
