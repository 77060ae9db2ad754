package kernel

import "math"

// Sgemm is Dgemm for float32 matrices: it sets the m×n matrix c (row
// stride ldc) to op(a)·op(b), a and b row-major with strides lda and ldb,
// transposed when ta or tb is true; k = 0 gives a zero C.
//
// Every element of C is one chain of float32 fused multiply-adds over
// p = 0, 1, …, k-1 from +0, c = fma32(A(i,p), B(p,j), c), each rounded
// once to float32: what the AVX2/FMA kernel (VFMADD231PS, 4 rows × 16
// columns at a time, an untransposed b) computes, and what fma32 computes
// in Go for the rest (m mod 4 rows, a transposed b, CPUs without the
// kernel), so the two give the same bits.
func Sgemm(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	sai, sap, sbp, sbj := strides(ta, tb, lda, ldb)
	i := 0
	if !tb && k > 0 {
		for ; i+4 <= m; i += 4 {
			if !spanel4(k, n, a[i*sai:], sai, sap, b, ldb, c[i*ldc:], ldc) {
				break
			}
		}
	}
	sgeneric(m-i, n, k, a[i*sai:], sai, sap, b, sbp, sbj, c[i*ldc:], ldc)
}

// sgeneric is generic for float32: the reference the assembly kernel must
// match bit for bit.
func sgeneric(m, n, k int, a []float32, sai, sap int, b []float32, sbp, sbj int, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		clear(row)
		for p := 0; p < k; p++ {
			aip := a[i*sai+p*sap]
			bp := b[p*sbp:]
			for j := range row {
				row[j] = fma32(aip, bp[j*sbj], row[j])
			}
		}
	}
}

// fma32 returns x·y + z rounded once to float32, as VFMADD231PS does (Go
// has no float32 FMA). x·y is exact in float64 (24+24 bits of
// significand); its sum with z is rounded to float64 with round-to-odd
// (the exact error of the sum, from TwoSum, makes an inexact sum's last
// bit 1), and a float64 rounded to odd then rounded to float32 is the
// correctly rounded float32 result, since 53 ≥ 2·24 + 2.
func fma32(x, y, z float32) float32 {
	p := float64(x) * float64(y)
	zz := float64(z)
	s := p + zz
	bb := s - p
	e := (p - (s - bb)) + (zz - bb)
	if e != 0 && !math.IsInf(s, 0) && !math.IsNaN(s) {
		bits := math.Float64bits(s)
		if bits&1 == 0 {
			if (e > 0) == (s > 0) {
				bits++ // the exact sum is farther from 0 than s
			} else {
				bits--
			}
			s = math.Float64frombits(bits)
		}
	}
	return float32(s)
}
