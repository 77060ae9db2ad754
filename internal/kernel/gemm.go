package kernel

import "math"

// Kernel names the code path in use: "AVX2/FMA kernel" (with
// "+AVX-512 blocks" where the CPU has AVX-512F) or "generic FMA loops".
func Kernel() string {
	switch {
	case hasAVX512:
		return "AVX2/FMA kernel+AVX-512 blocks"
	case hasFMA:
		return "AVX2/FMA kernel"
	}
	return "generic FMA loops"
}

// HasKernel reports whether the assembly kernel is in use (an amd64 CPU
// with AVX2 and FMA).
func HasKernel() bool { return hasFMA }

// Dgemm sets the m×n matrix c (row stride ldc) to op(a)·op(b), where op(a)
// is m×k and op(b) is k×n; a and b are row-major with strides lda and ldb
// and are transposed when ta or tb is true. k = 0 gives a zero C. The
// kernel serves the products with an untransposed b (four rows of C at a
// time); with tb, or for the last m mod 4 rows, the loops do the work.
func Dgemm(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	sai, sap, sbp, sbj := strides(ta, tb, lda, ldb)
	i := 0
	if !tb && k > 0 {
		for ; i+4 <= m; i += 4 {
			if !panel4(k, n, a[i*sai:], sai, sap, b, ldb, c[i*ldc:], ldc) {
				break
			}
		}
	}
	generic(m-i, n, k, a[i*sai:], sai, sap, b, sbp, sbj, c[i*ldc:], ldc)
}

// strides returns the element strides of op(a) and op(b): A(i,p) =
// a[i*sai + p*sap], B(p,j) = b[p*sbp + j*sbj].
func strides(ta, tb bool, lda, ldb int) (sai, sap, sbp, sbj int) {
	sai, sap = lda, 1
	if ta {
		sai, sap = 1, lda
	}
	sbp, sbj = ldb, 1
	if tb {
		sbp, sbj = 1, ldb
	}
	return sai, sap, sbp, sbj
}

// checkPanel panics unless the 4×n panel the assembly kernels touch
// (A(3,k-1), B(k-1,n-1), C(3,n-1)) lies inside a, b and c, so that a bad
// call panics instead of touching memory.
func checkPanel[T float32 | float64](k, n int, a []T, sai, sap int, b []T, ldb int, c []T, ldc int) {
	_ = a[3*sai+(k-1)*sap]
	_ = b[(k-1)*ldb+n-1]
	_ = c[3*ldc+n-1]
}

// generic sets the m×n block of C at c to A·B with A(i,p) =
// a[i*sai+p*sap] and B(p,j) = b[p*sbp+j*sbj]: the reference the assembly
// kernel must match bit for bit. Rows are filled one at a time, p outer and
// j inner, so that the chains of a row's elements run side by side.
func generic(m, n, k int, a []float64, sai, sap int, b []float64, sbp, sbj int, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		clear(row)
		for p := 0; p < k; p++ {
			aip := a[i*sai+p*sap]
			if sbj == 1 {
				bp := b[p*sbp : p*sbp+n]
				for j, bj := range bp {
					row[j] = math.FMA(aip, bj, row[j])
				}
				continue
			}
			bp := b[p*sbp:]
			for j := range row {
				row[j] = math.FMA(aip, bp[j*sbj], row[j])
			}
		}
	}
}
