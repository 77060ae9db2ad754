package lossterms

import (
	"math"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// maskedTargets returns n rows of k soft targets in which the rows listed
// in missing are NaN (a missing mask).
func maskedTargets(n, k int, missing ...int) []float64 {
	y := make([]float64, n*k)
	for i := range y {
		y[i] = float64(i%3) / 2
	}
	for _, r := range missing {
		for j := range k {
			y[r*k+j] = math.NaN()
		}
	}
	return y
}

// TestMultiLabelCrossEntropy_MissingRowsGradient: with some rows' masks
// missing, the gradient matches central differences (it is 0 on the
// missing rows) and LossGrad's value is Loss's, bit for bit.
func TestMultiLabelCrossEntropy_MissingRowsGradient(t *testing.T) {
	n, k := 6, 4
	y := maskedTargets(n, k, 1, 4, 5)
	z0 := gradcheck.Random(11, n*k, -3, 3)
	var ce MultiLabelCrossEntropy
	f := func(z []float64) float64 { return ce.Loss(z, y, n, k) }
	g := func(dst, z []float64) {
		if v := ce.LossGrad(dst, z, y, n, k); math.Float64bits(v) != math.Float64bits(ce.Loss(z, y, n, k)) { // bit identity is the contract
			t.Errorf("LossGrad returned %v, Loss %v", v, ce.Loss(z, y, n, k))
		}
	}
	gradcheck.Check(t, f, g, z0, gradcheck.Tol)
	dst := make([]float64, n*k)
	for i := range dst {
		dst[i] = math.NaN()
	}
	ce.LossGrad(dst, z0, y, n, k)
	for _, r := range []int{1, 4, 5} {
		for j := range k {
			if dst[r*k+j] != 0 { // exact: a missing row has no gradient
				t.Errorf("row %d (missing), entry %d: gradient %v, want 0", r, j, dst[r*k+j])
			}
		}
	}
	// The loss is the mean over the labeled rows only: the same as the
	// loss of the labeled rows alone.
	var zl, yl []float64
	for _, r := range []int{0, 2, 3} {
		zl = append(zl, z0[r*k:(r+1)*k]...)
		yl = append(yl, y[r*k:(r+1)*k]...)
	}
	if a, b := ce.Loss(z0, y, n, k), ce.Loss(zl, yl, 3, k); math.Abs(a-b) > 1e-15 {
		t.Errorf("loss with missing rows %v, on the labeled rows alone %v", a, b)
	}
}

// TestMultiLabelCrossEntropy_MissingRowsHandValue: two rows of two
// positions, the second missing. Row 0 has logits (0, ln 3) and targets
// (1, 0): softplus(0) − 0 = ln 2 and softplus(ln 3) = ln 4, so the loss
// is (ln 2 + ln 4)/2 = 1.5·ln 2 (mean over 1·2 entries, not 2·2), and the
// gradient is ((½ − 1)/2, (¾ − 0)/2) = (−¼, ⅜) on row 0 and 0 on row 1.
// A batch with no labeled row has loss 0 and a zero gradient.
func TestMultiLabelCrossEntropy_MissingRowsHandValue(t *testing.T) {
	nan := math.NaN()
	z := []float64{0, math.Log(3), 5, -7}
	y := []float64{1, 0, nan, nan}
	d := []float64{9, 9, 9, 9}
	v := MultiLabelCrossEntropy{}.LossGrad(d, z, y, 2, 2)
	if want := 1.5 * math.Ln2; math.Abs(v-want) > 1e-15 {
		t.Errorf("loss %v, want 1.5·ln 2 = %v", v, want)
	}
	for i, want := range []float64{-0.25, 0.375, 0, 0} {
		if math.Abs(d[i]-want) > 1e-15 {
			t.Errorf("gradient %d: %v, want %v", i, d[i], want)
		}
	}
	d = []float64{9, 9, 9, 9}
	if v := (MultiLabelCrossEntropy{}).LossGrad(d, z, []float64{nan, nan, nan, nan}, 2, 2); v != 0 { // exact
		t.Errorf("loss of a batch with no labeled row: %v, want 0", v)
	}
	for i, g := range d {
		if g != 0 { // exact
			t.Errorf("gradient %d of a batch with no labeled row: %v, want 0", i, g)
		}
	}
	// With every row labeled, LabeledRows counts them all.
	if m := LabeledRows([]float64{0, 1, 1, 0}, 2, 2); m != 2 {
		t.Errorf("LabeledRows = %d, want 2", m)
	}
}

// TestMultiLabelCrossEntropy_PartlyMissingPanics: a row is missing whole
// or not at all.
func TestMultiLabelCrossEntropy_PartlyMissingPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a partly missing row was accepted")
		}
	}()
	MultiLabelCrossEntropy{}.Loss([]float64{0, 0}, []float64{math.NaN(), 1}, 1, 2)
}

// TestSegmentationMetrics_SkipMissingRows: rows whose mask is missing do
// not count in accuracy, IoU or boundary F1; with none labeled the
// metrics are NaN.
func TestSegmentationMetrics_SkipMissingRows(t *testing.T) {
	nan := math.NaN()
	out := []float64{
		-1, 1, 1, -1, // pred 0 1 1 0
		1, 1, 1, 1, // any prediction: the row is missing
	}
	y := []float64{
		0, 1, 0, 0,
		nan, nan, nan, nan,
	}
	if a := PositionAccuracy(out, y, 2, 4); math.Abs(a-0.75) > 1e-15 {
		t.Errorf("accuracy %v, want 3/4 (row 0 only)", a)
	}
	if v := IoU(out, y, 2, 4); math.Abs(v-0.5) > 1e-15 {
		t.Errorf("IoU %v, want 1/2 (row 0 only)", v)
	}
	if a, b := BoundaryF1(out, y, 2, 4), BoundaryF1(out[:4], y[:4], 1, 4); a != b { // exact: the same sums
		t.Errorf("boundary F1 %v, on row 0 alone %v", a, b)
	}
	all := []float64{nan, nan, nan, nan}
	for name, v := range map[string]float64{
		"accuracy": PositionAccuracy(out[4:], all, 1, 4), "iou": IoU(out[4:], all, 1, 4), "boundary_f1": BoundaryF1(out[4:], all, 1, 4),
	} {
		if !math.IsNaN(v) {
			t.Errorf("%s with no labeled row: %v, want NaN", name, v)
		}
	}
}
