package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/cpu"
)

// naive is the textbook triple loop: in plain float64 arithmetic (a
// multiply and an add per step), the reference for values, or with fused,
// the bit-exact definition, c = fma(A(i,p), B(p,j), c) over p = 0..k-1
// from +0, one element at a time.
func naive(fused, ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int) []float64 {
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for p := 0; p < k; p++ {
				ai, bj := elem(ta, a, lda, i, p), elem(tb, b, ldb, p, j)
				if fused {
					s = math.FMA(ai, bj, s)
				} else {
					s += ai * bj
				}
			}
			c[i*n+j] = s
		}
	}
	return c
}

// elem is op(x)(r, c) for a row-major x with stride ld.
func elem(t bool, x []float64, ld, r, c int) float64 {
	if t {
		return x[c*ld+r]
	}
	return x[r*ld+c]
}

func random(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, n)
	for i := range x {
		x[i] = 2*r.Float64() - 1
	}
	return x
}

// shapes cover every path of the kernel: 32-column zmm blocks and
// (AVX-512) their masked tails of 1-31 columns in 16-column blocks, 12-
// and 8-column blocks, the masked 1-4 column tails, m mod 4 rows left to the loops, k = 1, padded strides, and
// the digits and MNIST networks' products.
var shapes = []struct{ m, n, k int }{
	{1, 1, 1}, {4, 1, 1}, {4, 8, 1}, {4, 9, 3}, {5, 7, 2}, {7, 13, 5},
	{8, 16, 4}, {3, 3, 3}, {4, 4, 17}, {6, 11, 9}, {12, 10, 64}, {32, 128, 64},
	{32, 64, 128}, {64, 128, 32}, {32, 10, 64}, {128, 64, 32}, {35, 12, 31},
	{20, 256, 784}, {4, 12, 3}, {4, 24, 5}, {8, 20, 2}, {4, 23, 7}, {4, 36, 1},
	{4, 32, 2}, {4, 40, 3}, {4, 44, 2}, {4, 72, 5}, {4, 96, 2},
}

// pad is added to every leading dimension, so the strides are not the
// widths and a kernel that ignores them fails.
const pad = 3

// run calls Dgemm on random operands with padded strides and returns C
// (packed m×n), the naive and FMA references, and whether the padding of C
// was left alone.
func run(t *testing.T, ta, tb bool, m, n, k int) (got, ref, chain []float64) {
	t.Helper()
	ar, ac := m, k
	if ta {
		ar, ac = k, m
	}
	br, bc := k, n
	if tb {
		br, bc = n, k
	}
	lda, ldb, ldc := ac+pad, bc+pad, n+pad
	a := random(1, ar*lda)
	b := random(2, br*ldb)
	c := make([]float64, m*ldc)
	for i := range c {
		c[i] = math.NaN() // every element must be overwritten, never read
	}
	sentinel := 12345.0
	for i := 0; i < m; i++ {
		for j := n; j < ldc; j++ {
			c[i*ldc+j] = sentinel
		}
	}
	Dgemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc)
	got = make([]float64, m*n)
	for i := 0; i < m; i++ {
		copy(got[i*n:], c[i*ldc:i*ldc+n])
		for j := n; j < ldc; j++ {
			if c[i*ldc+j] != sentinel {
				t.Fatalf("C(%d,%d) in the padding written: %v", i, j, c[i*ldc+j])
			}
		}
	}
	return got, naive(false, ta, tb, m, n, k, a, lda, b, ldb), naive(true, ta, tb, m, n, k, a, lda, b, ldb)
}

func testDgemm(t *testing.T) {
	for _, s := range shapes {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				t.Run(fmt.Sprintf("ta=%v,tb=%v,%dx%dx%d", ta, tb, s.m, s.n, s.k), func(t *testing.T) {
					got, ref, chain := run(t, ta, tb, s.m, s.n, s.k)
					for i := range got {
						if math.Float64bits(got[i]) != math.Float64bits(chain[i]) {
							t.Fatalf("C[%d] = %v, the FMA chain gives %v (must be the same bits)", i, got[i], chain[i])
						}
						if d := math.Abs(got[i] - ref[i]); d > 1e-13*float64(s.k) {
							t.Fatalf("C[%d] = %v, naive product %v (|diff| %g)", i, got[i], ref[i], d)
						}
					}
				})
			}
		}
	}
}

// TestDgemm runs with the kernel the CPU selects, TestDgemm_Generic with
// the loops alone: both must give the FMA chain's bits.
func TestDgemm(t *testing.T) {
	t.Logf("kernel: %s", Kernel())
	testDgemm(t)
}

// TestKernel_SelectsAVX512: on a CPU with AVX2, FMA and AVX-512F the panels
// take the zmm blocks (the type of dispatch that silently loses speed).
func TestKernel_SelectsAVX512(t *testing.T) {
	want := cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasAVX512F && runtime.GOARCH == "amd64"
	if hasAVX512 != want {
		t.Errorf("hasAVX512 = %v on a CPU where AVX-512F is %v", hasAVX512, cpu.X86.HasAVX512F)
	}
	if want && !strings.Contains(Kernel(), "AVX-512") {
		t.Errorf("Kernel() = %q, want it to name the AVX-512 blocks", Kernel())
	}
}

// TestDgemm_NoZMM: the AVX2 blocks alone (a CPU without AVX-512) give the
// same bits.
func TestDgemm_NoZMM(t *testing.T) {
	t.Logf("AVX-512 here: %v", hasAVX512)
	defer func(v bool) { hasAVX512 = v }(hasAVX512)
	hasAVX512 = false
	testDgemm(t)
}

func TestDgemm_Generic(t *testing.T) {
	defer func(v bool) { hasFMA = v }(hasFMA)
	hasFMA = false
	testDgemm(t)
}

// TestDgemm_SpecialValues: NaN and Inf in A reach C, and -0·x + 0 gives +0
// in both paths.
func TestDgemm_SpecialValues(t *testing.T) {
	for _, fma := range []bool{hasFMA, false} {
		func() {
			defer func(v bool) { hasFMA = v }(hasFMA)
			hasFMA = fma
			m, n, k := 4, 9, 2
			a := make([]float64, m*k)
			b := make([]float64, k*n)
			for i := range b {
				b[i] = 1
			}
			a[0] = math.NaN()
			a[2] = math.Inf(1)
			a[4] = math.Copysign(0, -1)
			c := make([]float64, m*n)
			Dgemm(false, false, m, n, k, a, k, b, n, c, n)
			if !math.IsNaN(c[0]) || !math.IsInf(c[n], 1) || math.Signbit(c[2*n]) {
				t.Errorf("fma=%v: rows 0..2 start %v %v %v, want NaN +Inf +0", fma, c[0], c[n], c[2*n])
			}
		}()
	}
}

// TestDgemm_NoAlloc: the training loop calls it at every step.
func TestDgemm_NoAlloc(t *testing.T) {
	a, b, c := random(1, 32*64), random(2, 64*128), make([]float64, 32*128)
	if n := testing.AllocsPerRun(10, func() { Dgemm(false, false, 32, 128, 64, a, 64, b, 128, c, 128) }); n != 0 {
		t.Fatalf("%v allocations per call", n)
	}
}

func BenchmarkDgemm(b *testing.B) {
	for _, s := range []struct {
		name    string
		ta, tb  bool
		m, n, k int
	}{
		{"NN-32x128x64", false, false, 32, 128, 64},
		{"TN-64x128x32", true, false, 64, 128, 32},
		{"NN-32x64x128", false, false, 32, 64, 128},
		{"NN-32x10x64", false, false, 32, 10, 64},
		{"TN-64x10x32", true, false, 64, 10, 32},
		{"NN-128x256x784", false, false, 128, 256, 784},
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
				lda, ldb := s.k, s.n
				if s.ta {
					lda = s.m
				}
				x, y, c := random(1, s.m*s.k), random(2, s.k*s.n), make([]float64, s.m*s.n)
				for b.Loop() {
					Dgemm(s.ta, s.tb, s.m, s.n, s.k, x, lda, y, ldb, c, s.n)
				}
				b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
