package kernel

import (
	"fmt"
	"math"
	"testing"
)

// TestTranspose: every element lands at its transposed place, bit for bit
// (a NaN payload and -0 included), on the AVX-512 tiles and the loops,
// for shapes with and without whole 8×8 tiles and ragged edges; dst's
// elements past r·c are left alone.
func TestTranspose(t *testing.T) {
	for _, zmm := range []bool{hasAVX512, false} { // zmm: the AVX-512 and AVX2 tiles, or none

		for _, s := range []struct{ r, c int }{
			{1, 1}, {1, 9}, {9, 1}, {7, 7}, {8, 8}, {8, 9}, {9, 8}, {16, 24}, {17, 23},
			{128, 64}, {64, 10}, {10, 64}, {64, 128}, {33, 130},
		} {
			t.Run(fmt.Sprintf("zmm=%v,%dx%d", zmm, s.r, s.c), func(t *testing.T) {
				defer func(v, w bool) { hasAVX512, hasAVX2 = v, w }(hasAVX512, hasAVX2)
				hasAVX512, hasAVX2 = zmm, zmm && hasAVX2
				a := random(5, s.r*s.c)
				a[0] = math.Float64frombits(0x7ff8000000000123) // a NaN with a payload
				if len(a) > 1 {
					a[len(a)-1] = math.Copysign(0, -1)
				}
				dst := make([]float64, s.r*s.c+3)
				for i := range dst {
					dst[i] = 42
				}
				Transpose(dst, a, s.r, s.c)
				for i := 0; i < s.r; i++ {
					for j := 0; j < s.c; j++ {
						if math.Float64bits(dst[j*s.r+i]) != math.Float64bits(a[i*s.c+j]) {
							t.Fatalf("dst[%d,%d] = %v, want a[%d,%d] = %v", j, i, dst[j*s.r+i], i, j, a[i*s.c+j])
						}
					}
				}
				for _, v := range dst[s.r*s.c:] {
					if v != 42 {
						t.Fatalf("wrote past r·c: %v", dst[s.r*s.c:])
					}
				}
				a32, d32 := random32(6, s.r*s.c), make([]float32, s.r*s.c+3)
				a32[0] = math.Float32frombits(0x7fc00123)
				Transpose32(d32, a32, s.r, s.c)
				for i := 0; i < s.r; i++ {
					for j := 0; j < s.c; j++ {
						if math.Float32bits(d32[j*s.r+i]) != math.Float32bits(a32[i*s.c+j]) {
							t.Fatalf("float32: dst[%d,%d] = %v, want %v", j, i, d32[j*s.r+i], a32[i*s.c+j])
						}
					}
				}
				for _, v := range d32[s.r*s.c:] {
					if v != 0 {
						t.Fatalf("float32: wrote past r·c: %v", d32[s.r*s.c:])
					}
				}
			})
		}
	}
}

// BenchmarkTranspose: the digits network's weight matrices (128×64 and
// 64×10), transposed for the backward pass at every step, with the tile
// kernels and with the loops only.
func BenchmarkTranspose(b *testing.B) {
	for _, s := range []struct{ r, c int }{{128, 64}, {64, 10}} {
		for _, mode := range []string{"kernel", "loops"} {
			b.Run(fmt.Sprintf("%dx%d/%s", s.r, s.c, mode), func(b *testing.B) {
				benchTranspose(b, mode == "kernel", random(1, s.r*s.c), s.r, s.c, Transpose)
			})
			b.Run(fmt.Sprintf("%dx%d/float32-%s", s.r, s.c, mode), func(b *testing.B) {
				benchTranspose(b, mode == "kernel", random32(1, s.r*s.c), s.r, s.c, Transpose32)
			})
		}
	}
}

func benchTranspose[T float32 | float64](b *testing.B, kernels bool, a []T, r, c int, f func(dst, a []T, r, c int)) {
	defer func(v, w bool) { hasAVX512, hasAVX2 = v, w }(hasAVX512, hasAVX2)
	hasAVX512, hasAVX2 = kernels && hasAVX512, kernels && hasAVX2
	dst := make([]T, r*c)
	for b.Loop() {
		f(dst, a, r, c)
	}
}
