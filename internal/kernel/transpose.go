package kernel

// Transpose sets dst (c×r, row-major) to the transpose of the r×c
// row-major matrix a: dst[j*r+i] = a[i*c+j]. Where the CPU has AVX-512F
// the whole 8×8 tiles go through registers (transpose_amd64.s), the rest
// through transposeLoops; the values are moved, not computed, so every
// path gives the same bits.
func Transpose(dst, a []float64, r, c int) {
	if r <= 0 || c <= 0 {
		return
	}
	_, _ = a[r*c-1], dst[r*c-1]
	r8, c8 := transpose8(dst, a, r, c)
	transposeLoops(dst, a, r, c, 0, r8, c8) // the columns right of the tiles
	transposeLoops(dst, a, r, c, r8, r, 0)  // the rows below them
}

// Transpose32 is Transpose for float32, the 8×8 tiles in ymm registers
// where the CPU has AVX2.
func Transpose32(dst, a []float32, r, c int) {
	if r <= 0 || c <= 0 {
		return
	}
	_, _ = a[r*c-1], dst[r*c-1]
	r8, c8 := transpose8x32(dst, a, r, c)
	transposeLoops(dst, a, r, c, 0, r8, c8)
	transposeLoops(dst, a, r, c, r8, r, 0)
}

// transposeLoops sets dst[j*r+i] = a[i*c+j] for rows i0 ≤ i < i1 and
// columns j0 ≤ j < c of the r×c matrix a. It works on strips of 8 rows of
// a so that each write fills one cache line of dst instead of striding
// through c of them.
func transposeLoops[T float32 | float64](dst, a []T, r, c, i0, i1, j0 int) {
	if j0 >= c {
		return
	}
	i := i0
	for ; i+8 <= i1; i += 8 {
		a0 := a[i*c+j0 : i*c+c]
		a1 := a[(i+1)*c+j0 : (i+1)*c+c]
		a2 := a[(i+2)*c+j0 : (i+2)*c+c]
		a3 := a[(i+3)*c+j0 : (i+3)*c+c]
		a4 := a[(i+4)*c+j0 : (i+4)*c+c]
		a5 := a[(i+5)*c+j0 : (i+5)*c+c]
		a6 := a[(i+6)*c+j0 : (i+6)*c+c]
		a7 := a[(i+7)*c+j0 : (i+7)*c+c]
		for jj := range a0 {
			j := j0 + jj
			d := dst[j*r+i : j*r+i+8]
			d[0], d[1], d[2], d[3] = a0[jj], a1[jj], a2[jj], a3[jj]
			d[4], d[5], d[6], d[7] = a4[jj], a5[jj], a6[jj], a7[jj]
		}
	}
	for ; i < i1; i++ {
		row := a[i*c+j0 : i*c+c]
		for jj, v := range row {
			dst[(j0+jj)*r+i] = v
		}
	}
}
