package model

import (
	"math"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

var f32s = gradcheck.Float32s

// forReLUCases runs f on every gradCases case that float32 supports (ReLU
// hidden layers, linear models), with setupCase's draws.
func forReLUCases(t *testing.T, f func(t *testing.T, m *MLP, n int, params, x, c []float64)) {
	for i, tc := range gradCases() {
		if tc.act != ReLU {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			m := New(tc.sizes, tc.act)
			params, x, c := setupCase(t, m, tc.n, uint64(10*i))
			f(t, m, tc.n, params, x, c)
		})
	}
}

// step32 is the central-difference step of the float32 gradient checks,
// 2^-12 ≈ 2.4e-4: a power of two, so x ± h is exact for the weights here
// (|x| < 1: their float32 ulp is at most 2^-24), and small enough that no
// perturbation crosses a ReLU kink (setupCase keeps every pre-activation
// 1e-3 away; |∂z/∂θ| ≤ 1 for these inputs).
const step32 = 1.0 / 4096

// tol32 is the float32 gradient checks' tolerance. f = Σ c·out is computed
// in float32: each output carries a rounding error of a few ε32 ≈ 6e-8
// times the sizes of its terms (≈ 1e-6 here), and the central difference
// divides the difference of two such values by 2h ≈ 4.9e-4, which leaves
// an error of order 1e-3 in the numeric gradient. 1e-2 is above it, and a
// wrong factor, sign or index still errs by O(1).
const tol32 = 1e-2

// TestBackward32_Gradcheck checks Backward32 against central differences
// of Forward32 at the float32 step and tolerance, on the ReLU and linear
// networks that float32 supports.
func TestBackward32_Gradcheck(t *testing.T) {
	forReLUCases(t, func(t *testing.T, m *MLP, n int, params, x, c []float64) {
		for j := range params {
			params[j] = float64(float32(params[j]))
		}
		ws := m.NewWorkspace32(n + 2)
		x32, c32 := f32s(x), f32s(c)
		f := func(p []float64) float64 {
			out := m.Forward32(ws, f32s(p), x32, n)
			var s float32
			for j, v := range out {
				s += c32[j] * v
			}
			return float64(s)
		}
		grad := func(dst, p []float64) {
			p32, g32 := f32s(p), make([]float32, len(p))
			m.Forward32(ws, p32, x32, n)
			m.Backward32(ws, p32, x32, c32, n, g32)
			for j, v := range g32 {
				dst[j] = float64(v)
			}
		}
		gradcheck.CheckStep(t, f, grad, params, step32, tol32)
	})
}

// TestBackward32_MatchesFloat64: at the same (float32) parameters, inputs
// and dout, Forward32 and Backward32 agree with the float64 pass within
// float32 rounding: relative 1e-5 of the largest magnitude (chains of at
// most 7 products here, each adding an error of ε32 ≈ 6e-8).
func TestBackward32_MatchesFloat64(t *testing.T) {
	forReLUCases(t, func(t *testing.T, m *MLP, n int, params, x, c []float64) {
		p32, x32, c32 := f32s(params), f32s(x), f32s(c)
		for _, v := range []struct {
			d []float64
			s []float32
		}{{params, p32}, {x, x32}, {c, c32}} {
			for j := range v.d {
				v.d[j] = float64(v.s[j])
			}
		}
		ws, ws32 := m.NewWorkspace(n), m.NewWorkspace32(n)
		out := m.Forward(ws, params, x, n)
		out32 := m.Forward32(ws32, p32, x32, n)
		g, g32 := make([]float64, len(params)), make([]float32, len(params))
		m.Backward(ws, params, x, c, n, g)
		m.Backward32(ws32, p32, x32, c32, n, g32)
		near := func(what string, a []float64, b []float32) {
			scale := 1.0
			for _, v := range a {
				scale = math.Max(scale, math.Abs(v))
			}
			for j := range a {
				if d := math.Abs(a[j] - float64(b[j])); d > 1e-5*scale {
					t.Fatalf("%s[%d]: float64 %v, float32 %v", what, j, a[j], b[j])
				}
			}
		}
		near("out", out, out32)
		near("grad", g, g32)
	})
}

// TestBackward32_NoAlloc: the training loop calls both at every step.
func TestBackward32_NoAlloc(t *testing.T) {
	m := New([]int{64, 128, 64, 10}, ReLU)
	ws := m.NewWorkspace32(32)
	p := make([]float32, m.NumParams())
	x, d, g := f32s(gradcheck.Random(1, 32*64, -1, 1)), f32s(gradcheck.Random(2, 320, -1, 1)), make([]float32, m.NumParams())
	if n := testing.AllocsPerRun(10, func() {
		m.Forward32(ws, p, x, 32)
		m.Backward32(ws, p, x, d, 32, g)
	}); n != 0 {
		t.Fatalf("%v allocations per forward and backward", n)
	}
}
