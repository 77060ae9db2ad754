package lossterms

import (
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

func TestDecorrelation_Gradient(t *testing.T) {
	for _, layer := range []float64{-1, 0} {
		d := newTerm(t, "decorrelation", map[string]any{"layer": layer}).(*Decorrelation)
		if err := d.Setup(Shape{Task: TaskRegression, K: 1, Targets: 1, Hidden: []int{5, 4}, MaxBatch: 16}); err != nil {
			t.Fatal(err)
		}
		w := []int{5, 4}[d.Needs().Layer]
		n := 9
		b := &Batch{N: n, K: 1, Out: make([]float64, n), Y: make([]float64, n), Hidden: gradcheck.Random(3, n*w, -1, 2), H: w}
		checkBatchGrad(t, d, b, 1.3)
	}
}

// TestDecorrelation_HandValue: rows (0, 0) and (2, 4): means (1, 2),
// C01 = ((−1)(−2) + (1)(2))/2 = 2, value C01² = 4 (½·(C01² + C10²)).
func TestDecorrelation_HandValue(t *testing.T) {
	d := newTerm(t, "decorrelation", nil).(*Decorrelation)
	if err := d.Setup(Shape{Task: TaskRegression, K: 1, Hidden: []int{2}, MaxBatch: 4}); err != nil {
		t.Fatal(err)
	}
	b := &Batch{N: 2, K: 1, Out: []float64{0, 0}, Hidden: []float64{0, 0, 2, 4}, H: 2}
	if v := d.Value(b); v != 4 { // exact: small integers
		t.Errorf("value %v, want 4", v)
	}
	if err := d.Setup(Shape{Task: TaskRegression, K: 1}); err == nil || !strings.Contains(err.Error(), "decorrelation") || !strings.Contains(err.Error(), "linear") {
		t.Errorf("Setup on a linear model: %v", err)
	}
}

// Units over three rows: u0 = (1, 2, 3), u1 = 2·u0 (corr 1), u2 = (3, 1, 2)
// (corr −1/2 with u0 and u1: covariance −1/3, variances 2/3), u3
// constant (left out).
var (
	corrH = []float64{
		1, 2, 3, 5,
		2, 4, 1, 5,
		3, 6, 2, 5,
	}
	corrF = []float64{ // factor 0 = u0, factor 1 = u2, factor 2 constant
		1, 3, 7,
		2, 1, 7,
		3, 2, 7,
	}
)

func TestMeanAbsCorr_HandValue(t *testing.T) {
	// Pairs (u0,u1) 1, (u0,u2) 0.5, (u1,u2) 0.5: mean 2/3.
	if v := MeanAbsCorr(corrH, 3, 4); math.Abs(v-2.0/3) > 1e-12 {
		t.Errorf("mean_abs_corr = %v, want 2/3", v)
	}
	if v := MeanAbsCorr([]float64{1, 5, 2, 5}, 2, 2); !math.IsNaN(v) {
		t.Errorf("one varying unit: %v, want NaN", v)
	}
}

func TestGapScore_HandValue(t *testing.T) {
	// Factor 0: |corr| 1 (u0), 1 (u1), 0.5, 0 (dead): gap 0. Factor 1:
	// 0.5, 0.5, 1, 0: gap 0.5. Factor 2 is constant: left out. Mean 0.25.
	if v := GapScore(corrH, 3, 4, corrF, 3); math.Abs(v-0.25) > 1e-12 {
		t.Errorf("gap_score = %v, want 0.25", v)
	}
	// One unit: the gap is its correlation.
	if v := GapScore([]float64{3, 1, 2}, 3, 1, []float64{1, 2, 3}, 1); math.Abs(v-0.5) > 1e-12 {
		t.Errorf("gap_score with one unit = %v, want 0.5", v)
	}
}
