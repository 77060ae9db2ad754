package optim

import (
	"math"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// TestAdam32Kernel_BitIdentical: the 8-wide kernel and adam32Generic give
// the same bits (bit identity is the point), tails included.
func TestAdam32Kernel_BitIdentical(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 17, 1000} {
		run := func(avx bool) (p, m, v []float32) {
			defer func(old bool) { useAVX = old }(useAVX)
			useAVX = avx
			o := NewAdam32(1e-3, 0.9, 0.999, 1e-8, n)
			p = gradcheck.Float32s(gradcheck.Random(1, n, -1, 1))
			copy(o.m, gradcheck.Float32s(gradcheck.Random(2, n, -0.1, 0.1)))
			copy(o.v, gradcheck.Float32s(gradcheck.Random(3, n, 0, 0.01)))
			g := gradcheck.Float32s(gradcheck.Random(4, n, -2, 2))
			for range 3 {
				o.Step32(p, g)
			}
			return p, o.m, o.v
		}
		p, m, v := run(useAVX)
		p2, m2, v2 := run(false)
		for i := range p {
			if math.Float32bits(p[i]) != math.Float32bits(p2[i]) || math.Float32bits(m[i]) != math.Float32bits(m2[i]) || math.Float32bits(v[i]) != math.Float32bits(v2[i]) {
				t.Fatalf("n=%d element %d: kernel (%v,%v,%v) != reference (%v,%v,%v)", n, i, p[i], m[i], v[i], p2[i], m2[i], v2[i])
			}
		}
	}
}

// TestAdam32_FollowsAdam: over 50 steps the float32 update stays within
// float32 rounding (relative 1e-5) of the float64 Adam from the same start.
func TestAdam32_FollowsAdam(t *testing.T) {
	const n = 37
	p64 := gradcheck.Random(1, n, -1, 1)
	for i := range p64 {
		p64[i] = float64(float32(p64[i]))
	}
	p32 := gradcheck.Float32s(p64)
	o64, o32 := NewAdam(1e-2, 0.9, 0.999, 1e-8, n), NewAdam32(1e-2, 0.9, 0.999, 1e-8, n)
	for s := range 50 {
		g64 := gradcheck.Random(uint64(10+s), n, -1, 1)
		for i := range g64 {
			g64[i] = float64(float32(g64[i]))
		}
		o64.Step(p64, g64)
		o32.Step32(p32, gradcheck.Float32s(g64))
	}
	for i := range p64 {
		if d := math.Abs(float64(p32[i]) - p64[i]); d > 1e-5*math.Max(1, math.Abs(p64[i])) {
			t.Fatalf("element %d: float32 %v, float64 %v", i, p32[i], p64[i])
		}
	}
}

func BenchmarkAdam32Step(b *testing.B) {
	const n = 17226 // the digits MLP 64-128-64-10
	o := NewAdam32(1e-3, 0.9, 0.999, 1e-8, n)
	p := gradcheck.Float32s(gradcheck.Random(1, n, -1, 1))
	g := gradcheck.Float32s(gradcheck.Random(2, n, -1, 1))
	b.ReportAllocs()
	for b.Loop() {
		o.Step32(p, g)
	}
}

// TestOptimizer32_FollowsFloat64: over 50 steps Momentum32 and AdamW32
// (decay on the first 20 of 37 parameters: the reference loop on them,
// the kernel on the rest) stay within float32 rounding (relative 1e-5)
// of their float64 twins from the same start.
func TestOptimizer32_FollowsFloat64(t *testing.T) {
	const n, nw = 37, 20
	for _, tc := range []struct {
		name string
		o64  Optimizer
		o32  Optimizer32
	}{
		{"momentum", NewMomentum(1e-2, 0.9, n), NewMomentum32(1e-2, 0.9, n)},
		{"adamw", NewAdamW(1e-2, 0.9, 0.999, 1e-8, 0.5, nw, n), NewAdamW32(1e-2, 0.9, 0.999, 1e-8, 0.5, nw, n)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p64 := gradcheck.Random(1, n, -1, 1)
			for i := range p64 {
				p64[i] = float64(float32(p64[i]))
			}
			p32 := gradcheck.Float32s(p64)
			for s := range 50 {
				g64 := gradcheck.Random(uint64(10+s), n, -1, 1)
				for i := range g64 {
					g64[i] = float64(float32(g64[i]))
				}
				tc.o64.Step(p64, g64)
				tc.o32.Step32(p32, gradcheck.Float32s(g64))
			}
			for i := range p64 {
				if d := math.Abs(float64(p32[i]) - p64[i]); d > 1e-5*math.Max(1, math.Abs(p64[i])) {
					t.Fatalf("element %d: float32 %v, float64 %v", i, p32[i], p64[i])
				}
			}
			if tc.o32.Name() != tc.o64.Name() {
				t.Errorf("name %q, want %q", tc.o32.Name(), tc.o64.Name())
			}
		})
	}
}
