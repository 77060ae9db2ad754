package kernel

import (
	"math"
	"unsafe"
)

// vectorPart32 is how many of w float32 columns the AVX2 kernels take:
// whole vectors of 8, or none without AVX2.
func vectorPart32(w int) int {
	if !hasAVX2 {
		return 0
	}
	return w &^ 7
}

// BiasReLU32 is BiasReLU for float32: z + b < 0 becomes +0, anything
// else (NaN and -0 included) is kept.
func BiasReLU32(z []float32, n int, b []float32) {
	w := len(b)
	if n <= 0 || w == 0 {
		return
	}
	_ = z[n*w-1]
	w8 := vectorPart32(w)
	if w8 > 0 {
		biasReLU32AVX(&z[0], n, w, w8, &b[0])
	}
	if w8 == w {
		return
	}
	for i := 0; i < n; i++ {
		row := z[i*w+w8 : i*w+w]
		for j, bj := range b[w8:] {
			if v := row[j] + bj; v < 0 {
				row[j] = 0
			} else {
				row[j] = v
			}
		}
	}
}

// ReLUMask32 is ReLUMask for float32: d[i] is kept exactly when the bits
// of a[i], read as an int32, are positive (a[i] > 0 for post-ReLU values).
func ReLUMask32(d, a []float32) {
	a = a[:len(d)]
	n8 := vectorPart32(len(d))
	if n8 > 0 {
		reluMask32AVX(&d[0], &a[0], n8)
	}
	for i := n8; i < len(d); i++ {
		x := int32(math.Float32bits(a[i]))
		mask := ^uint32((x | (x - 1)) >> 31) // see ReLUMask
		d[i] = math.Float32frombits(math.Float32bits(d[i]) & mask)
	}
}

// ColSums32 sets dst[j] to the sum over the n rows of the n×len(dst)
// float32 matrix a of column j: +0 plus the rows in order (n = 0 gives
// +0 everywhere).
func ColSums32(dst, a []float32, n int) {
	w := len(dst)
	if w == 0 {
		return
	}
	if n > 0 {
		_ = a[n*w-1]
	}
	w8 := vectorPart32(w)
	if w8 > 0 {
		colSums32AVX(&dst[0], unsafe.SliceData(a), n, w, w8)
	}
	clear(dst[w8:])
	for i := 0; i < n; i++ {
		for j, v := range a[i*w+w8 : i*w+w] {
			dst[w8+j] += v
		}
	}
}

// AddScaled32 is AddScaled for float32: dst[i] += s·x[i], the product and
// the sum each rounded to float32 (no FMA). x and dst have the same length.
func AddScaled32(dst, x []float32, s float32) {
	x = x[:len(dst)]
	n8 := vectorPart32(len(dst))
	if n8 > 0 {
		addScaled32AVX(&dst[0], &x[0], n8, s)
	}
	for i := n8; i < len(dst); i++ {
		dst[i] += float32(s * x[i]) // the conversion forbids fusing into an FMA
	}
}
