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
}
