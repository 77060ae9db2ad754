package lossterms

import (
	"fmt"
	"math"
	"strings"
)

// Compile-time checks that the task losses satisfy TaskLoss.
var (
	_ TaskLoss = CrossEntropy{}
	_ TaskLoss = MSE{}
	_ TaskLoss = Huber{}
)

// NewTaskLoss returns the task loss called name (see TaskLosses).
// huberDelta is the Huber threshold δ; it is used only by "huber", where 0
// means the default δ = 1 and a negative or non-finite value is an error.
func NewTaskLoss(name string, huberDelta float64) (TaskLoss, error) {
	switch name {
	case "cross_entropy":
		return CrossEntropy{}, nil
	case "mse":
		return MSE{}, nil
	case "huber":
		if huberDelta < 0 || math.IsNaN(huberDelta) || math.IsInf(huberDelta, 0) {
			return nil, fmt.Errorf("huber_delta must be a positive finite number (got %v)", huberDelta)
		}
		return Huber{Delta: huberDelta}, nil
	}
	names := make([]string, 0, 3)
	for _, t := range TaskLosses() {
		names = append(names, t.Name)
	}
	return nil, fmt.Errorf("unknown task loss %q (valid: %s)", name, strings.Join(names, ", "))
}

// checkShapes panics unless out holds n rows of k values and y holds
// yPerRow values per row.
func checkShapes(name string, dout, out, y []float64, n, k, yPerRow int) {
	if n <= 0 || k <= 0 {
		panic(fmt.Sprintf("lossterms: %s: need n > 0 and k > 0 (got n=%d, k=%d)", name, n, k))
	}
	if len(out) != n*k {
		panic(fmt.Sprintf("lossterms: %s: len(out) = %d, want n*k = %d", name, len(out), n*k))
	}
	if len(y) != n*yPerRow {
		panic(fmt.Sprintf("lossterms: %s: len(y) = %d, want %d", name, len(y), n*yPerRow))
	}
	if dout != nil && len(dout) != n*k {
		panic(fmt.Sprintf("lossterms: %s: len(dout) = %d, want n*k = %d", name, len(dout), n*k))
	}
}

// CrossEntropy is the mean negative log-likelihood of the targets.
//
// With one output per row (k = 1) the output is a logit z, the model is
// p = σ(z), and the loss of a row with target y ∈ [0, 1] (normally the class
// 0 or 1) is the binary cross-entropy −y·log σ(z) − (1−y)·log(1−σ(z)),
// computed as softplus(z) − y·z with softplus(z) = max(z, 0) +
// log1p(exp(−|z|)), which is finite for every finite z. Its gradient is
// σ(z) − y.
//
// With k > 1 outputs the row is a vector of logits, y is the class index
// c ∈ {0, …, k−1} stored as a float64, and the loss is
// logsumexp(z) − z_c, computed with the maximum subtracted. Its gradient is
// softmax(z) − onehot(c).
type CrossEntropy struct{}

// Name returns "cross_entropy".
func (CrossEntropy) Name() string { return "cross_entropy" }

// Loss returns the mean cross-entropy over the n rows.
func (c CrossEntropy) Loss(out, y []float64, n, k int) float64 {
	return crossEntropy(nil, out, y, n, k)
}

// LossGrad returns the mean cross-entropy and overwrites dout with its
// gradient with respect to out.
func (c CrossEntropy) LossGrad(dout, out, y []float64, n, k int) float64 {
	if dout == nil {
		panic("lossterms: cross_entropy: nil dout")
	}
	return crossEntropy(dout, out, y, n, k)
}

// crossEntropy is the single code path of Loss and LossGrad (dout == nil:
// value only), so that both return bit-identical values.
func crossEntropy(dout, out, y []float64, n, k int) float64 {
	checkShapes("cross_entropy", dout, out, y, n, k, 1)
	invN := 1 / float64(n)
	var sum float64
	if k == 1 {
		for i, z := range out {
			t := y[i]
			if !(t >= 0 && t <= 1) {
				panic(fmt.Sprintf("lossterms: cross_entropy: target %v of row %d is not in [0, 1]", t, i))
			}
			sum += softplus(z) - t*z
			if dout != nil {
				dout[i] = (sigmoid(z) - t) * invN
			}
		}
		return sum * invN
	}
	for i := 0; i < n; i++ {
		row := out[i*k : (i+1)*k]
		c := classIndex(y[i], i, k)
		m := row[0]
		for _, z := range row[1:] {
			if z > m {
				m = z
			}
		}
		var s float64
		if dout != nil {
			drow := dout[i*k : (i+1)*k]
			for j, z := range row {
				e := math.Exp(z - m)
				drow[j] = e
				s += e
			}
			scale := invN / s
			for j := range drow {
				drow[j] *= scale
			}
			drow[c] -= invN
		} else {
			for _, z := range row {
				s += math.Exp(z - m)
			}
		}
		sum += (m + math.Log(s)) - row[c]
	}
	return sum * invN
}

// classIndex converts the float64 class label v of row i to an index in
// [0, k), panicking when it is not one.
func classIndex(v float64, i, k int) int {
	c := int(v)
	if float64(c) != v || c < 0 || c >= k { // exact: a class label is an integer
		panic(fmt.Sprintf("lossterms: cross_entropy: target %v of row %d is not a class index in [0, %d)", v, i, k))
	}
	return c
}

// softplus returns log(1 + exp(z)) without overflow.
func softplus(z float64) float64 {
	return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}

// sigmoid returns 1 / (1 + exp(−z)) without overflow.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// MSE is the mean over rows of the squared error summed over the row's
// outputs: (1/n)·Σ_i Σ_j (out_ij − y_ij)². y holds one target per output
// (one per row when k = 1, the usual regression case). The gradient is
// 2(out − y)/n.
type MSE struct{}

// Name returns "mse".
func (MSE) Name() string { return "mse" }

// Loss returns the mean squared error over the n rows.
func (MSE) Loss(out, y []float64, n, k int) float64 { return mse(nil, out, y, n, k) }

// LossGrad returns the mean squared error and overwrites dout with its
// gradient with respect to out.
func (MSE) LossGrad(dout, out, y []float64, n, k int) float64 {
	if dout == nil {
		panic("lossterms: mse: nil dout")
	}
	return mse(dout, out, y, n, k)
}

func mse(dout, out, y []float64, n, k int) float64 {
	checkShapes("mse", dout, out, y, n, k, k)
	invN := 1 / float64(n)
	var sum float64
	for i, o := range out {
		r := o - y[i]
		sum += r * r
		if dout != nil {
			dout[i] = 2 * r * invN
		}
	}
	return sum * invN
}

// Huber is the mean over rows of the Huber loss of the residuals r = out − y
// summed over the row's outputs: ½r² where |r| ≤ δ, δ(|r| − ½δ) beyond. It
// is quadratic near 0 and linear in the tails, so outliers pull less than
// under MSE. The gradient is r where |r| ≤ δ and δ·sign(r) beyond, over n.
// y holds one target per output, as for MSE.
type Huber struct {
	// Delta is the threshold δ > 0 between the quadratic and the linear
	// part; the zero value means δ = 1.
	Delta float64
}

// Name returns "huber".
func (Huber) Name() string { return "huber" }

// Loss returns the mean Huber loss over the n rows.
func (h Huber) Loss(out, y []float64, n, k int) float64 { return h.huber(nil, out, y, n, k) }

// LossGrad returns the mean Huber loss and overwrites dout with its
// gradient with respect to out.
func (h Huber) LossGrad(dout, out, y []float64, n, k int) float64 {
	if dout == nil {
		panic("lossterms: huber: nil dout")
	}
	return h.huber(dout, out, y, n, k)
}

func (h Huber) huber(dout, out, y []float64, n, k int) float64 {
	checkShapes("huber", dout, out, y, n, k, k)
	d := h.Delta
	if d == 0 {
		d = 1
	}
	if !(d > 0) || math.IsInf(d, 1) {
		panic(fmt.Sprintf("lossterms: huber: delta %v is not a positive finite number", d))
	}
	invN := 1 / float64(n)
	var sum float64
	for i, o := range out {
		r := o - y[i]
		a := math.Abs(r)
		var g float64
		if a <= d {
			sum += 0.5 * r * r
			g = r
		} else {
			sum += d * (a - 0.5*d)
			g = math.Copysign(d, r)
		}
		if dout != nil {
			dout[i] = g * invN
		}
	}
	return sum * invN
}
