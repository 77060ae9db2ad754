package kernel

import (
	"fmt"
	"math"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

func to64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v) // exact, ±0 and NaN kept
	}
	return y
}

// TestBiasReLU32: kernel and loops agree bit for bit (NaN and -0 kept) and
// both are relu(z + b); widths of 8-column vectors and tails.
func TestBiasReLU32(t *testing.T) {
	for _, w := range append(widths, 7, 9, 16, 17) {
		for _, n := range []int{1, 3, 32} {
			t.Run(fmt.Sprintf("%dx%d", n, w), func(t *testing.T) {
				z0, b := gradcheck.Float32s(filled(1, n*w)), gradcheck.Float32s(filled(2, w))
				kern, loops := withKernels(func() []float64 {
					z := append([]float32(nil), z0...)
					BiasReLU32(z, n, b)
					return to64(z)
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
					if sameBits([]float64{got}, []float64{float64(want)}) >= 0 {
						t.Fatalf("z[%d] = %v, want relu(%v + %v) = %v", i, got, z0[i], b[i%w], want)
					}
				}
			})
		}
	}
}

func TestReLUMask32(t *testing.T) {
	for _, n := range []int{1, 3, 7, 8, 9, 64, 130} {
		d0 := gradcheck.Float32s(filled(3, n))
		a := gradcheck.Float32s(filled(4, n))
		for i := range a {
			a[i] = float32(math.Abs(float64(a[i])))
		}
		a[0] = float32(math.Copysign(0, -1))
		kern, loops := withKernels(func() []float64 {
			d := append([]float32(nil), d0...)
			ReLUMask32(d, a)
			return to64(d)
		})
		if i := sameBits(kern, loops); i >= 0 {
			t.Fatalf("n=%d: d[%d]: kernel %v, loops %v", n, i, kern[i], loops[i])
		}
		for i, got := range loops {
			want := 0.0
			if a[i] > 0 || math.IsNaN(float64(a[i])) {
				want = float64(d0[i])
			}
			if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("n=%d: d[%d] = %v with a = %v, want %v", n, i, got, a[i], want)
			}
		}
	}
}

func BenchmarkElementwise32(b *testing.B) {
	z, bias := make([]float32, 32*128), gradcheck.Float32s(random(2, 128))
	d, a := gradcheck.Float32s(random(3, 32*128)), gradcheck.Float32s(random(4, 32*128))
	b.Run("BiasReLU32-32x128", func(b *testing.B) {
		for b.Loop() {
			BiasReLU32(z, 32, bias)
		}
	})
	b.Run("ReLUMask32-32x128", func(b *testing.B) {
		for b.Loop() {
			ReLUMask32(d, a)
		}
	})
	b.Run("ColSums32-32x128", func(b *testing.B) {
		for b.Loop() {
			ColSums32(bias, a, 32)
		}
	})
	b.Run("AddScaled32-4096", func(b *testing.B) {
		for b.Loop() {
			AddScaled32(z, a, 1e-4)
		}
	})
}

// TestColSums32AddScaled32: kernel and loops agree bit for bit, and both
// are the sums from +0 in row order (-0 rows give +0) and d + float32(s·x).
func TestColSums32AddScaled32(t *testing.T) {
	for _, w := range []int{1, 7, 8, 9, 64, 130} {
		for _, n := range []int{0, 1, 3, 32} {
			a := gradcheck.Float32s(filled(5, n*w))
			if n > 0 {
				a[0] = float32(math.Copysign(0, -1))
			}
			kern, loops := withKernels(func() []float64 {
				d := make([]float32, w)
				for i := range d {
					d[i] = float32(math.NaN())
				}
				ColSums32(d, a, n)
				return to64(d)
			})
			if i := sameBits(kern, loops); i >= 0 {
				t.Fatalf("ColSums32 %dx%d: dst[%d]: kernel %v, loops %v", n, w, i, kern[i], loops[i])
			}
			for j, got := range loops {
				var want float32
				for i := 0; i < n; i++ {
					want += a[i*w+j]
				}
				if sameBits([]float64{got}, []float64{float64(want)}) >= 0 {
					t.Fatalf("ColSums32 %dx%d: dst[%d] = %v, want %v", n, w, j, got, want)
				}
			}
		}
		d0, x := gradcheck.Float32s(filled(6, w)), gradcheck.Float32s(filled(7, w))
		for _, s := range []float32{0, -2e-4, 3} {
			kern, loops := withKernels(func() []float64 {
				d := append([]float32(nil), d0...)
				AddScaled32(d, x, s)
				return to64(d)
			})
			if i := sameBits(kern, loops); i >= 0 {
				t.Fatalf("AddScaled32 n=%d s=%v: d[%d]: kernel %v, loops %v", w, s, i, kern[i], loops[i])
			}
			for i, got := range loops {
				if want := d0[i] + float32(s*x[i]); sameBits([]float64{got}, []float64{float64(want)}) >= 0 {
					t.Fatalf("AddScaled32 n=%d s=%v: d[%d] = %v, want %v", w, s, i, got, want)
				}
			}
		}
	}
}
