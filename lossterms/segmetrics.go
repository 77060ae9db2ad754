package lossterms

import (
	"fmt"
	"math"
)

// Segmentation metrics. A segmentation row is a binary mask of t
// positions; the model's output for a position is a logit, predicted
// foreground when > 0. A target position is foreground when > 0.5. Rows
// whose mask is missing (MaskMissing: NaN targets) are left out of every
// metric; a metric over rows none of which is labeled is NaN.

// BoundaryTolerance is the distance, in positions, within which a
// predicted boundary matches a true one in BoundaryF1.
const BoundaryTolerance = 1

func checkMasks(name string, out, y []float64, n, t int) {
	if n < 0 || t <= 0 || len(out) != n*t || len(y) != n*t {
		panic(fmt.Sprintf("lossterms: %s: len(out) = %d, len(y) = %d, want n×t = %d×%d", name, len(out), len(y), n, t))
	}
}

// PositionAccuracy returns the fraction of the n·t positions whose
// predicted label (logit > 0) equals the target's (> 0.5), or NaN when
// n = 0.
func PositionAccuracy(out, y []float64, n, t int) float64 {
	checkMasks("position accuracy", out, y, n, t)
	c, m := 0, 0
	for r := range n {
		g := y[r*t : (r+1)*t]
		if MaskMissing(g) {
			continue
		}
		m++
		for j, z := range out[r*t : (r+1)*t] {
			if (z > 0) == (g[j] > 0.5) {
				c++
			}
		}
	}
	if m == 0 {
		return math.NaN()
	}
	return float64(c) / float64(m*t)
}

// IoU returns the intersection over union of the predicted and the true
// foreground, pooled over the n rows (Σ|P∩Y| / Σ|P∪Y|, the dataset-level
// Jaccard index of the foreground class). It is 1 when neither the
// predictions nor the targets have any foreground, NaN when n = 0.
func IoU(out, y []float64, n, t int) float64 {
	checkMasks("iou", out, y, n, t)
	inter, union, m := 0, 0, 0
	for r := range n {
		gr := y[r*t : (r+1)*t]
		if MaskMissing(gr) {
			continue
		}
		m++
		for j, z := range out[r*t : (r+1)*t] {
			p, g := z > 0, gr[j] > 0.5
			if p && g {
				inter++
			}
			if p || g {
				union++
			}
		}
	}
	if m == 0 {
		return math.NaN()
	}
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// BoundaryF1 returns the F1 score of the predicted mask boundaries
// against the true ones, pooled over the n rows. A boundary of a row is a
// position j in [0, t−1) where the label changes between j and j+1. A
// predicted boundary is correct when a true boundary of the same row lies
// within BoundaryTolerance positions, and a true boundary is found when a
// predicted one does; precision and recall are those fractions over all
// rows and F1 = 2PR/(P+R). It is 1 when neither side has a boundary, 0
// when only one side has any, NaN when n = 0. It allocates nothing.
func BoundaryF1(out, y []float64, n, t int) float64 {
	checkMasks("boundary f1", out, y, n, t)
	if LabeledRows(y, n, t) == 0 {
		return math.NaN()
	}
	pb := func(row []float64, j int) bool { return (row[j] > 0) != (row[j+1] > 0) }
	tb := func(row []float64, j int) bool { return (row[j] > 0.5) != (row[j+1] > 0.5) }
	near := func(row []float64, j int, is func([]float64, int) bool) bool {
		for d := max(0, j-BoundaryTolerance); d <= min(t-2, j+BoundaryTolerance); d++ {
			if is(row, d) {
				return true
			}
		}
		return false
	}
	var np, nt, hitP, hitT int
	for i := range n {
		o, g := out[i*t:(i+1)*t], y[i*t:(i+1)*t]
		if MaskMissing(g) {
			continue
		}
		for j := 0; j+1 < t; j++ {
			if pb(o, j) {
				np++
				if near(g, j, tb) {
					hitP++
				}
			}
			if tb(g, j) {
				nt++
				if near(o, j, pb) {
					hitT++
				}
			}
		}
	}
	switch {
	case np == 0 && nt == 0:
		return 1
	case np == 0 || nt == 0:
		return 0
	}
	p, r := float64(hitP)/float64(np), float64(hitT)/float64(nt)
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// MultiLabelAccuracy returns the fraction of the n·a entries whose
// predicted label (logit > 0) equals the target's (> 0.5): the accuracy
// of a multi-label head. NaN when n = 0.
func MultiLabelAccuracy(out, y []float64, n, a int) float64 {
	return PositionAccuracy(out, y, n, a)
}

// SoftArgmaxAccuracy returns the fraction of the n rows whose largest
// output (ties to the lowest index) is the position of the largest
// target: the accuracy of a softmax head with one-hot targets. NaN when
// n = 0.
func SoftArgmaxAccuracy(out, y []float64, n, a int) float64 {
	checkMasks("softmax accuracy", out, y, n, a)
	if n == 0 {
		return math.NaN()
	}
	c := 0
	for i := range n {
		o, g := out[i*a:(i+1)*a], y[i*a:(i+1)*a]
		po, pg := 0, 0
		for j := range a {
			if o[j] > o[po] {
				po = j
			}
			if g[j] > g[pg] {
				pg = j
			}
		}
		if po == pg {
			c++
		}
	}
	return float64(c) / float64(n)
}
