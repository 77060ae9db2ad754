package lossterms

import (
	"fmt"
	"math"
)

// NearZeroRel is the relative threshold of NearZero: a weight is near zero
// when |w| < NearZeroRel·max|w|.
const NearZeroRel = 1e-3

// Accuracy returns the fraction of the n rows whose predicted class equals
// the target y[i] (a class index stored as a float64). With k = 1 the output
// is a logit and the prediction is class 1 when the logit is > 0, class 0
// otherwise; with k > 1 it is the argmax of the row, ties going to the lowest
// index. It returns NaN when n = 0.
func Accuracy(out, y []float64, n, k int) float64 {
	if k <= 0 || n < 0 || len(out) != n*k || len(y) != n {
		panic(fmt.Sprintf("lossterms: accuracy: len(out) = %d, len(y) = %d, n = %d, k = %d", len(out), len(y), n, k))
	}
	if n == 0 {
		return math.NaN()
	}
	correct := 0
	for i := 0; i < n; i++ {
		var pred int
		if k == 1 {
			if out[i] > 0 {
				pred = 1
			}
		} else {
			row := out[i*k : (i+1)*k]
			for j, v := range row {
				if v > row[pred] {
					pred = j
				}
			}
		}
		if float64(pred) == y[i] { // exact: class labels are integers
			correct++
		}
	}
	return float64(correct) / float64(n)
}

// MSEMetric returns the mean squared error (1/n)·Σ(out_i − y_i)² of n
// single-output predictions, or NaN when n = 0.
func MSEMetric(out, y []float64, n int) float64 {
	checkPairs("mse", out, y, n)
	if n == 0 {
		return math.NaN()
	}
	var s float64
	for i, o := range out {
		r := o - y[i]
		s += r * r
	}
	return s / float64(n)
}

// R2 returns the coefficient of determination 1 − SS_res/SS_tot of n
// single-output predictions, with SS_res = Σ(y−out)² and SS_tot = Σ(y−ȳ)².
// It is 1 for a perfect fit, 0 for predicting the mean, and negative for
// worse. When the targets are constant (SS_tot = 0) it returns 1 if the
// predictions are exact and 0 otherwise (scikit-learn's convention), so that
// it stays finite. It returns NaN when n = 0.
func R2(out, y []float64, n int) float64 {
	checkPairs("r2", out, y, n)
	if n == 0 {
		return math.NaN()
	}
	var mean float64
	for _, v := range y {
		mean += v
	}
	mean /= float64(n)
	var ssRes, ssTot float64
	for i, v := range y {
		r := v - out[i]
		ssRes += r * r
		d := v - mean
		ssTot += d * d
	}
	if ssTot == 0 { // exact: only a constant target column has SS_tot = 0
		if ssRes == 0 {
			return 1
		}
		return 0
	}
	return 1 - ssRes/ssTot
}

func checkPairs(name string, out, y []float64, n int) {
	if n < 0 || len(out) != n || len(y) != n {
		panic(fmt.Sprintf("lossterms: %s: len(out) = %d, len(y) = %d, n = %d", name, len(out), len(y), n))
	}
}

// WeightL1 returns Σ|w|, the value of the l1 term.
func WeightL1(w []float64) float64 {
	var s float64
	for _, v := range w {
		s += math.Abs(v)
	}
	return s
}

// WeightL2 returns Σw², the value of the l2 term (the squared Euclidean
// norm, not the norm).
func WeightL2(w []float64) float64 {
	var s float64
	for _, v := range w {
		s += v * v
	}
	return s
}

// Sparsity returns the fraction of the weights that are exactly 0, or NaN
// when w is empty.
func Sparsity(w []float64) float64 {
	if len(w) == 0 {
		return math.NaN()
	}
	z := 0
	for _, v := range w {
		if v == 0 { // exact: the proximal step sets weights to exactly 0
			z++
		}
	}
	return float64(z) / float64(len(w))
}

// NearZero returns the fraction of the weights with |w| < NearZeroRel·max|w|
// (the weights that are zero for practical purposes, which the subgradient
// method leaves small but not exactly 0). When every weight is 0 it returns
// 1; when w is empty, NaN.
func NearZero(w []float64) float64 {
	if len(w) == 0 {
		return math.NaN()
	}
	var m float64
	for _, v := range w {
		if a := math.Abs(v); a > m {
			m = a
		}
	}
	if m == 0 {
		return 1
	}
	thr := NearZeroRel * m
	c := 0
	for _, v := range w {
		if math.Abs(v) < thr {
			c++
		}
	}
	return float64(c) / float64(len(w))
}
