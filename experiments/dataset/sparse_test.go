package dataset

import (
	"math"
	"testing"
)

// fitLogisticL1 fits a logistic regression (one logit, mean log-loss plus
// lambda·Σ|w| over the weights, not the bias) by proximal gradient descent
// with a fixed step and iteration count, so the result is deterministic.
func fitLogisticL1(ds *Dataset, lambda float64, iters int) (w []float64, b float64) {
	n, d := ds.N, ds.D
	w = make([]float64, d)
	grad := make([]float64, d)
	// Step 1/L with L = max row norm² / 4 bounds the log-loss curvature.
	l := 0.0
	for i := range n {
		s := 0.0
		for _, v := range ds.X[i*d : (i+1)*d] {
			s += v * v
		}
		l = math.Max(l, s/4)
	}
	step := 1 / l
	for range iters {
		clear(grad)
		gb := 0.0
		for i := range n {
			row := ds.X[i*d : (i+1)*d]
			z := b
			for j, v := range row {
				z += w[j] * v
			}
			r := 1/(1+math.Exp(-z)) - ds.Y[i]
			for j, v := range row {
				grad[j] += r * v
			}
			gb += r
		}
		for j := range w {
			v := w[j] - step*grad[j]/float64(n)
			// Soft threshold: the prox of step·lambda·|w|.
			w[j] = math.Copysign(math.Max(math.Abs(v)-step*lambda, 0), v)
		}
		b -= step * gb / float64(n)
	}
	return w, b
}

func accuracy(ds *Dataset, w []float64, b float64) float64 {
	ok := 0
	for i := range ds.N {
		z := b
		for j, v := range ds.X[i*ds.D : (i+1)*ds.D] {
			z += w[j] * v
		}
		if (z > 0) == (ds.Y[i] == 1) {
			ok++
		}
	}
	return float64(ok) / float64(ds.N)
}

// TestBuiltin_SparseL1Helps checks the property the L1 study relies on: on
// the default sparse data an L1-penalized logistic regression clearly
// beats the unpenalized one on test accuracy, averaged over repeats.
func TestBuiltin_SparseL1Helps(t *testing.T) {
	if testing.Short() {
		t.Skip("fits logistic regressions")
	}
	lambdas := []float64{0, 0.003, 0.01, 0.03, 0.05, 0.1}
	acc := make([]float64, len(lambdas))
	const repeats = 5
	for r := range repeats {
		tab, err := Builtin("sparse", nil, uint64(r+1))
		if err != nil {
			t.Fatal(err)
		}
		s, err := Prepare(tab, PrepareOptions{Test: 0.25, Stratify: true, Standardize: true}, uint64(r))
		if err != nil {
			t.Fatal(err)
		}
		for k, lam := range lambdas {
			w, b := fitLogisticL1(s.Train, lam, 1000)
			acc[k] += accuracy(s.Test, w, b) / repeats
		}
	}
	best := 0.0
	for k, lam := range lambdas {
		t.Logf("lambda %v: test accuracy %.3f", lam, acc[k])
		best = math.Max(best, acc[k])
	}
	// The study needs a visible gain (here about 0.75 → 0.89) and a best
	// accuracy in the intended band.
	if best < 0.85 || best > 0.97 {
		t.Errorf("best test accuracy %.3f, want within [0.85, 0.97]", best)
	}
	if best-acc[0] < 0.08 {
		t.Errorf("L1 gains %.3f test accuracy over lambda 0, want at least 0.08", best-acc[0])
	}
}
