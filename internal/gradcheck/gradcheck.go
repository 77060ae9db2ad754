package gradcheck

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Step is the central-difference step. With float64 and smooth functions of
// order-one inputs, the truncation error O(h²)≈1e-12 and the rounding error
// O(ε/h)≈1e-10 balance near h = 1e-6... 1e-5.
const Step = 1e-6

// Tol is the default relative tolerance: |a−n| / max(1, |a|, |n|) for
// each coordinate. Central differences at Step reach ~1e-9 on the smooth
// functions here, so 1e-6 leaves room without hiding a wrong factor.
const Tol = 1e-6

// Check compares grad(dst, x), which must overwrite dst with ∇f(x), with
// central differences of f at x. It also checks that grad overwrites a
// garbage-filled dst and leaves x unchanged. Callers keep x away from
// non-differentiable points (ReLU kinks, |w| at 0).
func Check(t testing.TB, f func(x []float64) float64, grad func(dst, x []float64), x []float64, tol float64) {
	t.Helper()
	CheckStep(t, f, grad, x, Step, tol)
}

// CheckStep is Check with central differences of step h instead of Step,
// for functions computed in a lower precision (float32), whose rounding
// error needs a larger step.
func CheckStep(t testing.TB, f func(x []float64) float64, grad func(dst, x []float64), x []float64, h, tol float64) {
	t.Helper()
	Step := h
	if tol == 0 {
		tol = Tol
	}
	orig := append([]float64(nil), x...)
	dst := make([]float64, len(x))
	for i := range dst {
		dst[i] = math.NaN() // garbage: grad must overwrite every element
	}
	grad(dst, x)
	for i := range x {
		if math.Float64bits(x[i]) != math.Float64bits(orig[i]) { // bit identity is the point
			t.Fatalf("gradient modified its input at %d: %v -> %v", i, orig[i], x[i])
		}
	}
	xp := append([]float64(nil), x...)
	worst, worstAt := 0.0, -1
	for i := range x {
		xp[i] = x[i] + Step
		fp := f(xp)
		xp[i] = x[i] - Step
		fm := f(xp)
		xp[i] = x[i]
		num := (fp - fm) / (2 * Step)
		den := math.Max(1, math.Max(math.Abs(num), math.Abs(dst[i])))
		rel := math.Abs(num-dst[i]) / den
		if math.IsNaN(dst[i]) || rel > worst {
			worst, worstAt = rel, i
			if math.IsNaN(dst[i]) {
				worst = math.Inf(1)
			}
		}
	}
	if worst > tol {
		xp[worstAt] = x[worstAt] + Step
		fp := f(xp)
		xp[worstAt] = x[worstAt] - Step
		fm := f(xp)
		t.Errorf("gradient mismatch at %d of %d: analytic %.12g, numeric %.12g (rel err %.3g > %.3g)",
			worstAt, len(x), dst[worstAt], (fp-fm)/(2*Step), worst, tol)
	}
}

// Random returns n values drawn uniformly from [lo, hi) with a fixed seed.
func Random(seed uint64, n int, lo, hi float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	v := make([]float64, n)
	for i := range v {
		v[i] = lo + (hi-lo)*r.Float64()
	}
	return v
}

// Float32s returns x rounded to float32, for the float32 code's tests.
func Float32s(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}
