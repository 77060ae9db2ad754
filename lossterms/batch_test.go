package lossterms

import (
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// newTerm builds a registered term from its inline parameters.
func newTerm(t *testing.T, kind string, params map[string]any) Term {
	t.Helper()
	info, err := Lookup(kind)
	if err != nil {
		t.Fatal(err)
	}
	term, err := info.New(params)
	if err != nil {
		t.Fatal(err)
	}
	return term
}

// checkBatchGrad checks AddGrad of a BatchTerm against central differences
// of Value, with respect to the outputs and (when the term reads one) the
// hidden layer, and that AddGrad returns Value bit for bit and adds to
// what its destinations hold.
func checkBatchGrad(t *testing.T, term BatchTerm, b *Batch, scale float64) {
	t.Helper()
	nd := term.Needs()
	want := term.Value(b)
	if nd.Outputs {
		out0 := append([]float64(nil), b.Out...)
		f := func(x []float64) float64 { bb := *b; bb.Out = x; return scale * term.Value(&bb) }
		g := func(dst, x []float64) {
			clear(dst)
			bb := *b
			bb.Out = x
			var dh []float64
			if nd.Layer >= 0 {
				dh = make([]float64, len(b.Hidden))
			}
			if v := term.AddGrad(dst, dh, &bb, scale); math.Float64bits(v) != math.Float64bits(want) { // bit identity is the contract
				t.Errorf("AddGrad returned %v, Value %v", v, want)
			}
		}
		gradcheck.Check(t, f, g, out0, gradcheck.Tol)
	}
	if nd.Layer >= 0 {
		h0 := append([]float64(nil), b.Hidden...)
		f := func(x []float64) float64 { bb := *b; bb.Hidden = x; return scale * term.Value(&bb) }
		g := func(dst, x []float64) {
			clear(dst)
			bb := *b
			bb.Hidden = x
			var dout []float64
			if nd.Outputs {
				dout = make([]float64, len(b.Out))
			}
			term.AddGrad(dout, dst, &bb, scale)
		}
		gradcheck.Check(t, f, g, h0, gradcheck.Tol)
	}
	// AddGrad accumulates.
	if nd.Outputs {
		d1 := make([]float64, len(b.Out))
		term.AddGrad(d1, hiddenBuf(b, nd), b, scale)
		d2 := make([]float64, len(b.Out))
		for i := range d2 {
			d2[i] = 1
		}
		term.AddGrad(d2, hiddenBuf(b, nd), b, scale)
		for i := range d1 {
			if math.Abs(d2[i]-1-d1[i]) > 1e-12 {
				t.Fatalf("AddGrad overwrote dout[%d] instead of adding: %v vs %v", i, d2[i]-1, d1[i])
			}
		}
	}
}

func hiddenBuf(b *Batch, nd Needs) []float64 {
	if nd.Layer < 0 {
		return nil
	}
	return make([]float64, len(b.Hidden))
}

// groupBatch is a binary-classification batch of n rows: random logits,
// labels and groups (every group present, each with both labels).
func groupBatch(n, groups int) *Batch {
	z := gradcheck.Random(11, n, -2, 2)
	y := make([]float64, n)
	g := make([]int, n)
	for i := range n {
		g[i] = i % groups
		y[i] = float64((i / groups) % 2)
	}
	return &Batch{N: n, K: 1, Out: z, Y: y, Group: g}
}

func TestFairness_Gradients(t *testing.T) {
	for _, m := range []string{DemographicParity, EqualizedOdds, AccuracyParity} {
		for _, groups := range []int{2, 3, 5} {
			t.Run(m, func(t *testing.T) {
				f := newTerm(t, "fairness", map[string]any{"metric": m}).(*Fairness)
				if err := f.Setup(Shape{Task: TaskClassification, K: 1, Classes: 2, Targets: 1, Groups: groups + 1, MaxBatch: 40}); err != nil {
					t.Fatal(err)
				}
				// Group `groups` is absent from the batch: it must not count.
				checkBatchGrad(t, f, groupBatch(24, groups), 0.7)
			})
		}
	}
}

// TestFairness_HandValues: p = σ(z) of 0.5, 0.75 and 0.25 come from
// z = 0, ln 3 and −ln 3.
func TestFairness_HandValues(t *testing.T) {
	l3 := math.Log(3)
	shape := Shape{Task: TaskClassification, K: 1, Classes: 2, Targets: 1, Groups: 4, MaxBatch: 8}
	mk := func(m string) *Fairness {
		f := newTerm(t, "fairness", map[string]any{"metric": m}).(*Fairness)
		if err := f.Setup(shape); err != nil {
			t.Fatal(err)
		}
		return f
	}
	// Two groups: m0 = 0.5, m1 = (0.5 + 0.75)/2 = 0.625: gap 0.125,
	// squared 0.015625.
	b := &Batch{N: 3, K: 1, Out: []float64{0, 0, l3}, Y: []float64{0, 1, 1}, Group: []int{0, 1, 1}}
	if v := mk(DemographicParity).Value(b); math.Abs(v-0.015625) > 1e-15 {
		t.Errorf("dp two groups = %v, want 0.015625", v)
	}
	// Three groups (one with a single member): means 0.5, 0.625, 0.25;
	// pair gaps 0.125, 0.25, 0.375: mean square (1+4+9)/64/3 = 14/192.
	b = &Batch{N: 4, K: 1, Out: []float64{0, 0, l3, -l3}, Y: []float64{0, 1, 1, 0}, Group: []int{0, 1, 1, 2}}
	if v := mk(DemographicParity).Value(b); math.Abs(v-14.0/192) > 1e-15 {
		t.Errorf("dp three groups = %v, want 14/192", v)
	}
	// Equalized odds on the same batch: label 0 has groups 0 (0.5) and 2
	// (0.25): gap 0.25, squared 0.0625; label 1 has only group 1: no
	// pair, 0. Sum 0.0625.
	if v := mk(EqualizedOdds).Value(b); math.Abs(v-0.0625) > 1e-15 {
		t.Errorf("eo = %v, want 0.0625", v)
	}
	// Accuracy parity: group losses log 2 (z=0, y=0), then (log 2 +
	// log(4/3))/2 for group 1 (z=0,y=1: log 2; z=ln3,y=1: log(4/3)), and
	// log(4/3) for group 2 (z=−ln3, y=0).
	a, bb, c := math.Log(2), (math.Log(2)+math.Log(4.0/3))/2, math.Log(4.0/3)
	want := ((a-bb)*(a-bb) + (a-c)*(a-c) + (bb-c)*(bb-c)) / 3
	if v := mk(AccuracyParity).Value(b); math.Abs(v-want) > 1e-14 {
		t.Errorf("accuracy parity = %v, want %v", v, want)
	}
	// One group only: nothing to compare.
	b = &Batch{N: 2, K: 1, Out: []float64{1, -1}, Y: []float64{0, 1}, Group: []int{3, 3}}
	if v := mk(DemographicParity).Value(b); v != 0 { // exact: defined as 0
		t.Errorf("one group = %v, want 0", v)
	}
}

func TestFairness_SetupRefuses(t *testing.T) {
	f := newTerm(t, "fairness", nil).(*Fairness)
	for _, tt := range []struct {
		name  string
		shape Shape
		want  string
	}{
		{"no groups", Shape{Task: TaskClassification, K: 1, Classes: 2}, "dataset.group"},
		{"multiclass", Shape{Task: TaskClassification, K: 3, Classes: 3, Groups: 2}, "binary classification"},
		{"regression", Shape{Task: TaskRegression, K: 1, Groups: 2}, "binary classification"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := f.Setup(tt.shape)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "fairness") {
				t.Errorf("err = %v, want it to name fairness and %q", err, tt.want)
			}
		})
	}
}

// TestGroupMetrics_HandValues: three groups plus an empty fourth. Rows
// (logit, label): group 0: (2, 1), (−1, 0), (0.5, 0); group 1 (one
// member): (−3, 1); group 2 (no positives): (1, 0), (−2, 0).
func TestGroupMetrics_HandValues(t *testing.T) {
	out := []float64{2, -1, 0.5, -3, 1, -2}
	y := []float64{1, 0, 0, 1, 0, 0}
	g := []int{0, 0, 0, 1, 2, 2}
	const groups = 4
	// Predicted-positive rates: 2/3, 0, 1/2 (group 3 empty): spread 2/3.
	if v := DPDiff(out, g, 6, groups); math.Abs(v-2.0/3) > 1e-15 {
		t.Errorf("dp_diff = %v, want 2/3", v)
	}
	// TPR: group 0 1, group 1 0, group 2 none: spread 1. FPR: group 0
	// 1/2, group 1 none, group 2 1/2: spread 0. eo_diff = max = 1.
	if v := EODiff(out, y, g, 6, groups); v != 1 { // exact: 1 − 0
		t.Errorf("eo_diff = %v, want 1", v)
	}
	acc := make([]float64, groups)
	GroupAccuracy(acc, out, y, g, 6, 1)
	for i, want := range []float64{2.0 / 3, 0, 0.5} {
		if math.Abs(acc[i]-want) > 1e-15 {
			t.Errorf("accuracy of group %d = %v, want %v", i, acc[i], want)
		}
	}
	if !math.IsNaN(acc[3]) {
		t.Errorf("accuracy of the empty group = %v, want NaN", acc[3])
	}
	if v := Spread(acc); math.Abs(v-2.0/3) > 1e-15 {
		t.Errorf("accuracy_diff = %v, want 2/3", v)
	}
	// One group present: no spread.
	if v := DPDiff([]float64{1, -1}, []int{1, 1}, 2, 2); !math.IsNaN(v) {
		t.Errorf("dp_diff over one group = %v, want NaN", v)
	}
	// Softmax classifier accuracy per group (k = 3).
	out3 := []float64{1, 0, 0, 0, 2, 1, 0, 0, 3}
	GroupAccuracy(acc[:2], out3, []float64{0, 2, 2}, []int{0, 0, 1}, 3, 3)
	if acc[0] != 0.5 || acc[1] != 1 { // exact: 1/2 and 1/1
		t.Errorf("k=3 group accuracy = %v, want [0.5 1]", acc[:2])
	}
}
