package lossterms

import (
	"fmt"
	"math"
)

var _ TaskLoss = MultiLabelCrossEntropy{}

// MultiLabelCrossEntropy is the task loss of a segmentation task: each of
// a row's k outputs is the logit z of an independent binary label (one
// per position of a mask) with target y ∈ [0, 1], and the loss is the
// mean over the n·k entries of the binary cross-entropy
// softplus(z) − y·z, the k = 1 path of CrossEntropy applied position by
// position. It is a mean over positions too (not a sum, unlike MSE), so
// its scale does not grow with the mask length and a λ on an auxiliary
// term means the same at every length. y holds k targets per row. The
// gradient is (σ(z) − y)/(n·k).
//
// A row whose mask is missing (its targets NaN: semi-supervised data, such
// as the edges builtin with labeled < 1, whose unlabeled rows carry only
// auxiliary targets) is skipped: the loss is the mean over the n_l·k
// entries of the labeled rows, the gradient (σ(z) − y)/(n_l·k) on them and
// 0 on the missing rows. A batch with no labeled row has loss 0 and a zero
// gradient. With every row labeled it is the plain mean above.
type MultiLabelCrossEntropy struct{}

// Name returns "cross_entropy": a spec asks for cross_entropy, and the
// trainer uses this form on a segmentation task.
func (MultiLabelCrossEntropy) Name() string { return "cross_entropy" }

// Loss returns the mean binary cross-entropy over the n×k entries.
func (MultiLabelCrossEntropy) Loss(out, y []float64, n, k int) float64 {
	return multiLabelCE(nil, out, y, n, k)
}

// LossGrad returns the mean binary cross-entropy and overwrites dout with
// its gradient with respect to out.
func (MultiLabelCrossEntropy) LossGrad(dout, out, y []float64, n, k int) float64 {
	if dout == nil {
		panic("lossterms: multi-label cross_entropy: nil dout")
	}
	return multiLabelCE(dout, out, y, n, k)
}

// MaskMissing reports whether a segmentation row's mask is missing: its
// targets are NaN (the first is tested; a labeled row's are all in [0, 1]).
func MaskMissing(row []float64) bool { return len(row) > 0 && math.IsNaN(row[0]) }

// LabeledRows returns the number of the n rows of y (k targets each) whose
// mask is not missing.
func LabeledRows(y []float64, n, k int) int {
	m := 0
	for i := range n {
		if !MaskMissing(y[i*k : (i+1)*k]) {
			m++
		}
	}
	return m
}

// multiLabelCE is the single code path of Loss and LossGrad.
func multiLabelCE(dout, out, y []float64, n, k int) float64 {
	checkShapes("multi-label cross_entropy", dout, out, y, n, k, k)
	var inv float64 // 0 when no row is labeled: loss 0, gradient 0
	if nl := LabeledRows(y, n, k); nl > 0 {
		inv = 1 / float64(nl*k)
	}
	var sum float64
	for r := range n {
		yr := y[r*k : (r+1)*k]
		if MaskMissing(yr) {
			for i := r * k; i < (r+1)*k; i++ {
				if !math.IsNaN(y[i]) {
					panic(fmt.Sprintf("lossterms: multi-label cross_entropy: row %d is partly missing (target %v at entry %d)", r, y[i], i))
				}
			}
			if dout != nil {
				clear(dout[r*k : (r+1)*k])
			}
			continue
		}
		for i := r * k; i < (r+1)*k; i++ {
			z, t := out[i], y[i]
			if !(t >= 0 && t <= 1) {
				panic(fmt.Sprintf("lossterms: multi-label cross_entropy: target %v of entry %d is not in [0, 1]", t, i))
			}
			sum += softplus(z) - t*z
			if dout != nil {
				dout[i] = (sigmoid(z) - t) * inv
			}
		}
	}
	return sum * inv
}
