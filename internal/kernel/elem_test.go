package kernel

import (
	"fmt"
	"math"
	"testing"
)

// special holds the values whose handling differs between careless
// implementations: NaN, ±0, ±Inf, tiny and negative numbers.
var special = []float64{math.NaN(), math.Copysign(0, -1), 0, math.Inf(1), math.Inf(-1), -1e-300, 1e-300, -2.5, 3.5}

// filled returns n values: random ones with the special values spread in.
func filled(seed uint64, n int) []float64 {
	x := random(seed, n)
	for i := 0; i < n; i += 3 {
		x[i] = special[(i/3+int(seed))%len(special)]
	}
	return x
}

// sameBits returns the first index where a and b differ in their bits, or
// -1. Two NaNs count as the same: which operand's payload an addition keeps
// is the instruction's business and carries no meaning.
func sameBits(a, b []float64) int {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return i
		}
	}
	return -1
}

// withKernels runs f with the assembly kernels on (when the CPU has them)
// and off, and returns both results.
func withKernels(f func() []float64) (kern, loops []float64) {
	defer func(v bool) { hasAVX2 = v }(hasAVX2)
	kern = f()
	hasAVX2 = false
	loops = f()
	return kern, loops
}

// widths cover the vector body, the scalar tail, and both.
var widths = []int{1, 3, 4, 5, 8, 10, 13, 64, 128}

func TestBiasReLU(t *testing.T) {
	for _, w := range widths {
		for _, n := range []int{1, 3, 32} {
			t.Run(fmt.Sprintf("%dx%d", n, w), func(t *testing.T) {
				z0, b := filled(1, n*w), filled(2, w)
				kern, loops := withKernels(func() []float64 {
					z := append([]float64(nil), z0...)
					BiasReLU(z, n, b)
					return z
				})
				if i := sameBits(kern, loops); i >= 0 {
					t.Fatalf("z[%d]: kernel %v, loops %v", i, kern[i], loops[i])
				}
				for i, got := range loops {
					v := z0[i] + b[i%w]
					want := v
					if v < 0 {
						want = 0
					}
					if sameBits([]float64{got}, []float64{want}) >= 0 {
						t.Fatalf("z[%d] = %v, want relu(%v + %v) = %v", i, got, z0[i], b[i%w], want)
					}
				}
			})
		}
	}
}

func TestReLUMask(t *testing.T) {
	for _, n := range []int{1, 3, 4, 7, 64, 130} {
		d0 := filled(3, n)
		a := filled(4, n)
		for i := range a {
			a[i] = math.Abs(a[i]) // post-ReLU values: ≥ 0 or NaN
		}
		a[0] = math.Copysign(0, -1)
		kern, loops := withKernels(func() []float64 {
			d := append([]float64(nil), d0...)
			ReLUMask(d, a)
			return d
		})
		if i := sameBits(kern, loops); i >= 0 {
			t.Fatalf("n=%d: d[%d]: kernel %v, loops %v", n, i, kern[i], loops[i])
		}
		for i, got := range loops {
			want := 0.0
			if a[i] > 0 || math.IsNaN(a[i]) {
				want = d0[i]
			}
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("n=%d: d[%d] = %v with a = %v, want %v", n, i, got, a[i], want)
			}
		}
	}
}

func TestColSums(t *testing.T) {
	for _, w := range widths {
		for _, n := range []int{1, 2, 33} {
			a := filled(5, n*w)
			kern, loops := withKernels(func() []float64 {
				dst := make([]float64, w)
				ColSums(dst, a, n)
				return dst
			})
			if i := sameBits(kern, loops); i >= 0 {
				t.Fatalf("%dx%d: dst[%d]: kernel %v, loops %v", n, w, i, kern[i], loops[i])
			}
			for j, got := range loops {
				want := a[j]
				for i := 1; i < n; i++ {
					want += a[i*w+j]
				}
				if sameBits([]float64{got}, []float64{want}) >= 0 {
					t.Fatalf("%dx%d: dst[%d] = %v, want %v", n, w, j, got, want)
				}
			}
		}
	}
}

func TestAddScaled(t *testing.T) {
	for _, n := range []int{1, 3, 4, 7, 64, 130} {
		d0, x := filled(6, n), filled(7, n)
		for _, s := range []float64{0, -2e-4, 3} {
			kern, loops := withKernels(func() []float64 {
				d := append([]float64(nil), d0...)
				AddScaled(d, x, s)
				return d
			})
			if i := sameBits(kern, loops); i >= 0 {
				t.Fatalf("n=%d s=%v: d[%d]: kernel %v, loops %v", n, s, i, kern[i], loops[i])
			}
			for i, got := range loops {
				p := float64(s * x[i]) // rounded on its own, as the kernel does
				if want := d0[i] + p; sameBits([]float64{got}, []float64{want}) >= 0 {
					t.Fatalf("n=%d s=%v: d[%d] = %v, want %v", n, s, i, got, want)
				}
			}
		}
	}
}

func BenchmarkElementwise(b *testing.B) {
	const n, w = 32, 128
	z0, bias, a := random(1, n*w), random(2, w), random(3, n*w)
	z := make([]float64, n*w)
	sums := make([]float64, w)
	for _, k := range []bool{true, false} {
		if k && !hasAVX2 {
			continue
		}
		name := map[bool]string{true: "kernel", false: "loops"}[k]
		run := func(what string, f func()) {
			b.Run(what+"/"+name, func(b *testing.B) {
				defer func(v bool) { hasAVX2 = v }(hasAVX2)
				hasAVX2 = k
				b.SetBytes(8 * n * w)
				for b.Loop() {
					f()
				}
			})
		}
		run("BiasReLU-32x128", func() { copy(z, z0); BiasReLU(z, n, bias) })
		run("ReLUMask-4096", func() { copy(z, z0); ReLUMask(z, a) })
		run("ColSums-32x128", func() { ColSums(sums, a, n) })
		run("AddScaled-4096", func() { AddScaled(z, a, 1e-4) })
	}
}
