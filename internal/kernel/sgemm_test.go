package kernel

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// fma32Exact is x·y + z rounded once to float32, computed exactly with
// math/big: the definition fma32 must meet.
func fma32Exact(x, y, z float32) float32 {
	p := new(big.Float).SetPrec(0).SetMode(big.ToNearestEven)
	p.SetPrec(200).Mul(big.NewFloat(float64(x)).SetPrec(200), big.NewFloat(float64(y)).SetPrec(200))
	p.Add(p, big.NewFloat(float64(z)).SetPrec(200))
	if p.Sign() == 0 {
		// An exact zero sum is +0 unless both addends are -0 (round to
		// nearest), as in IEEE arithmetic.
		return float32(float64(x)*float64(y) + float64(z))
	}
	f, _ := p.SetPrec(24).SetMode(big.ToNearestEven).Float32()
	return f
}

// TestFMA32 compares fma32 with the exactly rounded result on random
// operands of every scale and on sums that cancel, where a float64 sum
// rounded twice would be wrong.
func TestFMA32(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	f := func() float32 {
		return float32((2*r.Float64() - 1) * math.Ldexp(1, r.IntN(40)-20))
	}
	for i := range 50000 {
		x, y, z := f(), f(), f()
		if i%3 == 0 {
			z = -float32(float64(x) * float64(y)) // near-cancellation
		}
		if i%5 == 0 {
			// z a half-ulp away from x·y's neighbours: double-rounding cases.
			z = math.Float32frombits(math.Float32bits(z) | 1)
		}
		if got, want := fma32(x, y, z), fma32Exact(x, y, z); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("fma32(%v, %v, %v) = %v, want %v", x, y, z, got, want)
		}
	}
	// x·y = 1 + 2^-11 + 2^-24 lies exactly halfway between two float32
	// values; a z far below float64's precision decides the rounding,
	// which a float64 sum rounded to nearest would lose (and round the
	// tie to even).
	x := float32(1 + math.Ldexp(1, -12))
	for _, c := range []struct{ z, want float64 }{
		{math.Ldexp(1, -70), 1 + math.Ldexp(1, -11) + math.Ldexp(1, -23)},
		{-math.Ldexp(1, -70), 1 + math.Ldexp(1, -11)},
	} {
		if got := fma32(x, x, float32(c.z)); float64(got) != c.want {
			t.Errorf("fma32(x, x, %g) = %v, want %v (the exact value is just past a tie)", c.z, got, c.want)
		}
	}
	// Special values pass through as the instruction passes them.
	inf := float32(math.Inf(1))
	if v := fma32(inf, 1, 1); !math.IsInf(float64(v), 1) {
		t.Errorf("fma32(+Inf, 1, 1) = %v", v)
	}
	if v := fma32(float32(math.NaN()), 1, 1); !math.IsNaN(float64(v)) {
		t.Errorf("fma32(NaN, 1, 1) = %v", v)
	}
	if v := fma32(1e38, 10, 0); !math.IsInf(float64(v), 1) {
		t.Errorf("fma32(1e38, 10, 0) = %v, want +Inf (overflow)", v)
	}
}

// snaive is the float32 definition: c = fma32(A(i,p), B(p,j), c) over
// p = 0..k-1 from +0, one element at a time.
func snaive(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int) []float32 {
	c := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				ai, bj := elem32(ta, a, lda, i, p), elem32(tb, b, ldb, p, j)
				s = fma32(ai, bj, s) // checked against fma32Exact by TestFMA32
			}
			c[i*n+j] = s
		}
	}
	return c
}

// elem32 is op(x)(r, c) for a row-major x with stride ld.
func elem32(t bool, x []float32, ld, r, c int) float32 {
	if t {
		return x[c*ld+r]
	}
	return x[r*ld+c]
}

func random32(seed uint64, n int) []float32 {
	return gradcheck.Float32s(random(seed, n))
}

// sshapes add to shapes the float32 kernel's 64-column zmm blocks, its 24-
// and 16-column blocks
// (32 columns: two of 16), its masked tails of 1-15 columns and (AVX-512)
// the masked tails of 1-63 columns after the zmm blocks, 32 at a time.
var sshapes = append([]struct{ m, n, k int }{
	{4, 15, 2}, {4, 16, 3}, {4, 17, 1}, {8, 31, 4}, {4, 33, 7}, {12, 24, 5},
	{4, 32, 3}, {4, 48, 2}, {4, 56, 3}, {4, 63, 2}, {8, 72, 5}, {4, 80, 1},
	{4, 64, 3}, {4, 88, 2}, {4, 136, 2}, {4, 150, 1},
}, shapes...)

func testSgemm(t *testing.T) {
	for _, s := range sshapes {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				t.Run(fmt.Sprintf("ta=%v,tb=%v,%dx%dx%d", ta, tb, s.m, s.n, s.k), func(t *testing.T) {
					ar, ac, br, bc := s.m, s.k, s.k, s.n
					if ta {
						ar, ac = s.k, s.m
					}
					if tb {
						br, bc = s.n, s.k
					}
					lda, ldb, ldc := ac+pad, bc+pad, s.n+pad
					a, b := random32(1, ar*lda), random32(2, br*ldb)
					c := random32(9, s.m*ldc) // garbage to be overwritten
					Sgemm(ta, tb, s.m, s.n, s.k, a, lda, b, ldb, c, ldc)
					want := snaive(ta, tb, s.m, s.n, s.k, a, lda, b, ldb)
					for i := 0; i < s.m; i++ {
						for j := 0; j < s.n; j++ {
							if got := c[i*ldc+j]; math.Float32bits(got) != math.Float32bits(want[i*s.n+j]) {
								t.Fatalf("C(%d,%d) = %v, the fma32 chain gives %v (must be the same bits)", i, j, got, want[i*s.n+j])
							}
						}
					}
				})
			}
		}
	}
}

// TestSgemm runs with the kernel the CPU selects, TestSgemm_Generic with
// the loops alone: both must give the fma32 chain's bits.
func TestSgemm(t *testing.T) {
	t.Logf("kernel: %s", Kernel())
	testSgemm(t)
}

// TestSgemm_NoZMM: the AVX2 blocks alone give the same bits.
func TestSgemm_NoZMM(t *testing.T) {
	defer func(v bool) { hasAVX512 = v }(hasAVX512)
	hasAVX512 = false
	testSgemm(t)
}

func TestSgemm_Generic(t *testing.T) {
	defer func(v bool) { hasFMA = v }(hasFMA)
	hasFMA = false
	testSgemm(t)
}

func TestSgemm_NoAlloc(t *testing.T) {
	a, b, c := random32(1, 32*64), random32(2, 64*128), make([]float32, 32*128)
	if n := testing.AllocsPerRun(10, func() { Sgemm(false, false, 32, 128, 64, a, 64, b, 128, c, 128) }); n != 0 {
		t.Fatalf("%v allocations per call", n)
	}
}

func BenchmarkSgemm(b *testing.B) {
	for _, s := range []struct {
		name    string
		ta      bool
		m, n, k int
	}{
		{"NN-32x128x64", false, 32, 128, 64},
		{"TN-64x128x32", true, 64, 128, 32},
		{"NN-32x64x128", false, 32, 64, 128},
		{"NN-32x10x64", false, 32, 10, 64},
		{"TN-64x10x32", true, 64, 10, 32},
		{"NN-128x256x784", false, 128, 256, 784},
	} {
		// kernel: what the CPU selects; avx2: without the AVX-512
		// blocks (where the CPU has them); generic: the loops.
		for _, mode := range []string{"kernel", "avx2", "generic"} {
			fma, zmm := mode != "generic", mode == "kernel" && hasAVX512
			if fma && !hasFMA || mode == "avx2" && !hasAVX512 {
				continue
			}
			b.Run(s.name+"/"+mode, func(b *testing.B) {
				defer func(v, z bool) { hasFMA, hasAVX512 = v, z }(hasFMA, hasAVX512)
				hasFMA, hasAVX512 = fma, zmm
				lda := s.k
				if s.ta {
					lda = s.m
				}
				x, y, c := random32(1, s.m*s.k), random32(2, s.k*s.n), make([]float32, s.m*s.n)
				for b.Loop() {
					Sgemm(s.ta, false, s.m, s.n, s.k, x, lda, y, s.n, c, s.n)
				}
				b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
