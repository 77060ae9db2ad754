package lossterms

import (
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

func newTemporal(t *testing.T, params map[string]any, s Shape) *Temporal {
	t.Helper()
	tm := newTerm(t, "temporal", params).(*Temporal)
	if err := tm.Setup(s); err != nil {
		t.Fatal(err)
	}
	return tm
}

// TestTemporal_Gradients checks ∂L/∂Out across frames, through σ and the
// softmax, for every norm, with several sequences in one batch and with
// one sequence (seq nil).
func TestTemporal_Gradients(t *testing.T) {
	seq := []int{0, 0, 0, 1, 1, 2, 2, 2, 2, 3} // 3 is a one-frame sequence
	for _, tc := range []struct {
		name string
		task string
		k    int
		on   string
	}{
		{"binary_probabilities", TaskClassification, 1, OnProbabilities},
		{"softmax_probabilities", TaskClassification, 3, OnProbabilities},
		{"segmentation_probabilities", TaskSegmentation, 4, OnProbabilities},
		{"softmax_outputs", TaskClassification, 3, OnOutputs},
		{"regression_outputs", TaskRegression, 2, OnOutputs},
	} {
		for _, norm := range []string{NormL1, NormL2, NormL2Squared} {
			for _, withSeq := range []bool{true, false} {
				name := tc.name + "/" + norm
				if !withSeq {
					name += "/one_sequence"
				}
				t.Run(name, func(t *testing.T) {
					tm := newTemporal(t, map[string]any{"norm": norm, "on": tc.on},
						Shape{Task: tc.task, K: tc.k, Classes: max(tc.k, 2), Targets: 1, MaxBatch: 16})
					n := len(seq)
					// Random outputs: no two frames equal, so every |d_j| > 0.
					b := &Batch{N: n, K: tc.k, Out: gradcheck.Random(7, n*tc.k, -2, 2), Y: make([]float64, n)}
					if withSeq {
						tm.SetSequence(seq)
					} else {
						tm.SetSequence(nil)
					}
					checkBatchGrad(t, tm, b, 0.8)
				})
			}
		}
	}
}

// TestTemporal_HandValues: values computed by hand.
func TestTemporal_HandValues(t *testing.T) {
	l3 := math.Log(3)
	for _, tc := range []struct {
		name   string
		params map[string]any
		shape  Shape
		out    []float64
		seq    []int
		want   float64
	}{
		// Pairs (0,1): 1, (1,2): 2, (3,4): 2; rows 2 and 3 are in
		// different sequences. Mean 5/3.
		{"outputs_l1", map[string]any{"on": "outputs"}, Shape{Task: TaskRegression, K: 1, MaxBatch: 8},
			[]float64{0, 1, 3, 10, 12}, []int{0, 0, 0, 1, 1}, 5.0 / 3},
		// Regression defaults to outputs; l2 of a scalar is |d|.
		{"regression_default_l2", map[string]any{"norm": "l2"}, Shape{Task: TaskRegression, K: 1, MaxBatch: 8},
			[]float64{0, 1, 3, 10, 12}, []int{0, 0, 0, 1, 1}, 5.0 / 3},
		// Squared: (1 + 4 + 4)/3 = 3.
		{"outputs_l2_squared", map[string]any{"norm": "l2_squared"}, Shape{Task: TaskRegression, K: 1, MaxBatch: 8},
			[]float64{0, 1, 3, 10, 12}, []int{0, 0, 0, 1, 1}, 3},
		// Two rows of 2 outputs: d = (3, −4): l1 7, l2 5, squared 25.
		{"vector_l1", map[string]any{"on": "outputs"}, Shape{Task: TaskRegression, K: 2, MaxBatch: 4},
			[]float64{1, 5, 4, 1}, nil, 7},
		{"vector_l2", map[string]any{"on": "outputs", "norm": "l2"}, Shape{Task: TaskRegression, K: 2, MaxBatch: 4},
			[]float64{1, 5, 4, 1}, nil, 5},
		{"vector_l2_squared", map[string]any{"on": "outputs", "norm": "l2_squared"}, Shape{Task: TaskRegression, K: 2, MaxBatch: 4},
			[]float64{1, 5, 4, 1}, nil, 25},
		// One logit: σ(0) = 0.5, σ(ln 3) = 0.75, σ(−ln 3) = 0.25: pairs
		// 0.25 and 0.5, mean 0.375.
		{"sigmoid_l1", nil, Shape{Task: TaskClassification, K: 1, Classes: 2, MaxBatch: 4},
			[]float64{0, l3, -l3}, nil, 0.375},
		// Softmax of (0, 0) and (ln 3, 0): (½, ½) and (¾, ¼): d = (¼, −¼):
		// l1 ½, l2 √⅛, squared ⅛.
		{"softmax_l1", nil, Shape{Task: TaskClassification, K: 2, Classes: 2, MaxBatch: 4},
			[]float64{0, 0, l3, 0}, nil, 0.5},
		{"softmax_l2", map[string]any{"norm": "l2"}, Shape{Task: TaskClassification, K: 2, Classes: 2, MaxBatch: 4},
			[]float64{0, 0, l3, 0}, nil, math.Sqrt(0.125)},
		{"softmax_l2_squared", map[string]any{"norm": "l2_squared"}, Shape{Task: TaskClassification, K: 2, Classes: 2, MaxBatch: 4},
			[]float64{0, 0, l3, 0}, nil, 0.125},
		// No frame pair: every row its own sequence.
		{"no_pairs", nil, Shape{Task: TaskClassification, K: 1, Classes: 2, MaxBatch: 4},
			[]float64{0, 1, 2}, []int{0, 1, 2}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := newTemporal(t, tc.params, tc.shape)
			tm.SetSequence(tc.seq)
			n := len(tc.out) / tc.shape.K
			b := &Batch{N: n, K: tc.shape.K, Out: tc.out, Y: make([]float64, n)}
			if v := tm.Value(b); math.Abs(v-tc.want) > 1e-15 {
				t.Errorf("value %.17g, want %.17g", v, tc.want)
			}
		})
	}
}

// TestTemporal_HandGradient: outputs, l1, one sequence of three scalar
// frames 0, 1, 3: L = (|1−0| + |3−1|)/2, so ∂L/∂z = (−½, ½−½, ½) =
// (−0.5, 0, 0.5).
func TestTemporal_HandGradient(t *testing.T) {
	tm := newTemporal(t, map[string]any{"on": "outputs"}, Shape{Task: TaskRegression, K: 1, MaxBatch: 4})
	b := &Batch{N: 3, K: 1, Out: []float64{0, 1, 3}, Y: make([]float64, 3)}
	d := []float64{1, 1, 1}
	tm.AddGrad(d, nil, b, 2) // adds 2·∂L/∂z
	for i, want := range []float64{0, 1, 2} {
		if d[i] != want { // exact: sums of ±1 times 2·½
			t.Errorf("dout[%d] = %v, want %v", i, d[i], want)
		}
	}
}

func TestTemporal_SetupRefuses(t *testing.T) {
	tm := newTerm(t, "temporal", map[string]any{"on": "probabilities"}).(*Temporal)
	err := tm.Setup(Shape{Task: TaskRegression, K: 1, MaxBatch: 4})
	if err == nil || !strings.Contains(err.Error(), "temporal") || !strings.Contains(err.Error(), "on: outputs") {
		t.Errorf("err = %v, want it to name temporal and suggest on: outputs", err)
	}
	for _, p := range []map[string]any{{"norm": "l3"}, {"on": "logits"}, {"window": 3.0}} {
		info, _ := Lookup("temporal")
		if _, err := info.New(p); err == nil {
			t.Errorf("New(%v) accepted", p)
		}
	}
}

func TestTemporal_NoAlloc(t *testing.T) {
	tm := newTemporal(t, map[string]any{"norm": "l2"}, Shape{Task: TaskClassification, K: 3, Classes: 3, MaxBatch: 32})
	n := 32
	seq := make([]int, n)
	for i := range seq {
		seq[i] = i / 8
	}
	b := &Batch{N: n, K: 3, Out: gradcheck.Random(3, n*3, -2, 2), Y: make([]float64, n)}
	d := make([]float64, n*3)
	if a := testing.AllocsPerRun(20, func() {
		tm.SetSequence(seq)
		tm.Value(b)
		tm.AddGrad(d, nil, b, 0.5)
	}); a != 0 {
		t.Errorf("%v allocations per Value+AddGrad, want 0", a)
	}
}

// TestFlicker_HandValues: labels over two sequences (rows 0–4 and 5–7);
// the pair (4, 5) crosses sequences and does not count.
func TestFlicker_HandValues(t *testing.T) {
	seq := []int{0, 0, 0, 0, 0, 1, 1, 1}
	pred := []int{0, 0, 1, 1, 1, 2, 2, 0}  // changes 0→1 and 2→0: 2 of 6 pairs
	truth := []int{0, 0, 0, 1, 1, 2, 2, 2} // one change: 1 of 6
	if v := Flicker(pred, seq); math.Abs(v-1.0/3) > 1e-15 {
		t.Errorf("flicker = %v, want 1/3", v)
	}
	if v := FlickerExcess(pred, truth, seq); math.Abs(v-1.0/6) > 1e-15 {
		t.Errorf("flicker_excess = %v, want 1/6", v)
	}
	// One sequence: pred changes at 1→2, 4→5 (1→2), 6→7: 3 of 7.
	if v := Flicker(pred, nil); math.Abs(v-3.0/7) > 1e-15 {
		t.Errorf("flicker without seq = %v, want 3/7", v)
	}
	// Lagging predictions that skip a change flicker less than the truth.
	if v := FlickerExcess([]int{0, 0, 0, 0}, []int{0, 1, 1, 1}, nil); math.Abs(v+1.0/3) > 1e-15 {
		t.Errorf("flicker_excess of a constant prediction = %v, want −1/3", v)
	}
	if v := Flicker([]int{1, 2}, []int{0, 1}); !math.IsNaN(v) {
		t.Errorf("flicker without pairs = %v, want NaN", v)
	}
	if v := Flicker(nil, nil); !math.IsNaN(v) {
		t.Errorf("flicker of nothing = %v, want NaN", v)
	}
}

func TestPredictedLabels(t *testing.T) {
	dst := make([]int, 3)
	PredictedLabels(dst, []float64{0.5, 0, -1}, 3, 1)
	if dst[0] != 1 || dst[1] != 0 || dst[2] != 0 {
		t.Errorf("k=1 labels %v, want [1 0 0]", dst)
	}
	PredictedLabels(dst[:2], []float64{1, 3, 3, 5, 5, 2}, 2, 3)
	if dst[0] != 1 || dst[1] != 0 {
		t.Errorf("k=3 labels %v, want [1 0] (ties to the lowest index)", dst[:2])
	}
}
