package lossterms

import "fmt"

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

// multiLabelCE is the single code path of Loss and LossGrad.
func multiLabelCE(dout, out, y []float64, n, k int) float64 {
	checkShapes("multi-label cross_entropy", dout, out, y, n, k, k)
	inv := 1 / float64(n*k)
	var sum float64
	for i, z := range out {
		t := y[i]
		if !(t >= 0 && t <= 1) {
			panic(fmt.Sprintf("lossterms: multi-label cross_entropy: target %v of entry %d is not in [0, 1]", t, i))
		}
		sum += softplus(z) - t*z
		if dout != nil {
			dout[i] = (sigmoid(z) - t) * inv
		}
	}
	return sum * inv
}
