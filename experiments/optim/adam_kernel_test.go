package optim

import (
	"math"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// TestAdamKernel_BitIdentical checks that the vector kernel and the
// reference loop give the same bits (bit identity is the point: results
// must not depend on the CPU), for lengths that exercise the tail.
func TestAdamKernel_BitIdentical(t *testing.T) {
	for _, n := range []int{0, 1, 3, 4, 5, 17, 1000} {
		k := adamConsts{b1: 0.9, a1: 0.1, b2: 0.999, a2: 1 - 0.999, c1: 1 / (1 - 0.9*0.9), c2: 1 / (1 - 0.999*0.999), eps: 1e-8, lr: 1e-3, wd: 0.01}
		p := gradcheck.Random(1, n, -1, 1)
		m := gradcheck.Random(2, n, -0.1, 0.1)
		v := gradcheck.Random(3, n, 0, 0.01)
		g := gradcheck.Random(4, n, -2, 2)
		p2, m2, v2 := append([]float64(nil), p...), append([]float64(nil), m...), append([]float64(nil), v...)
		for step := 0; step < 3; step++ {
			adamGeneric(p2, m2, v2, g, &k)
			adamUpdate(p, m, v, g, &k)
		}
		for i := range p {
			if math.Float64bits(p[i]) != math.Float64bits(p2[i]) || math.Float64bits(m[i]) != math.Float64bits(m2[i]) || math.Float64bits(v[i]) != math.Float64bits(v2[i]) {
				t.Fatalf("n=%d element %d: kernel (%v,%v,%v) != reference (%v,%v,%v)", n, i, p[i], m[i], v[i], p2[i], m2[i], v2[i])
			}
		}
	}
}

// TestAdamKernel_BitIdenticalNoZMM: the AVX kernels without the AVX-512
// ones (a CPU without AVX-512F), float64 and float32, give the reference
// bits too.
func TestAdamKernel_BitIdenticalNoZMM(t *testing.T) {
	defer func(old bool) { useAVX512 = old }(useAVX512)
	useAVX512 = false
	TestAdamKernel_BitIdentical(t)
	TestAdam32Kernel_BitIdentical(t)
}

func BenchmarkAdamStep(b *testing.B) {
	const n = 17226 // the digits MLP 64-128-64-10
	o := NewAdam(1e-3, 0.9, 0.999, 1e-8, n)
	p := gradcheck.Random(1, n, -1, 1)
	g := gradcheck.Random(2, n, -1, 1)
	b.ReportAllocs()
	for b.Loop() {
		o.Step(p, g)
	}
}

func BenchmarkAdamStepGeneric(b *testing.B) {
	defer func(old bool) { useAVX = old }(useAVX)
	useAVX = false
	BenchmarkAdamStep(b)
}
