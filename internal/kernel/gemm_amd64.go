package kernel

import "golang.org/x/sys/cpu"

// hasFMA selects the AVX2/FMA row-panel kernel of gemm_amd64.s; a variable
// so that tests can compare it with the generic loops.
var hasFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// hasAVX512 lets the row-panel kernels take their widest blocks in zmm
// registers (AVX-512F): the same FMA chains, eight doubles or sixteen
// floats a vector. A variable so that tests can compare both.
var hasAVX512 = hasFMA && cpu.X86.HasAVX512F

func zmmArg() int {
	if hasAVX512 {
		return 1
	}
	return 0
}

// hasAVX2 selects the element-wise kernels of elem_amd64.s.
var hasAVX2 = cpu.X86.HasAVX2

//go:noescape
func biasReLUAVX(z *float64, n, w, w4 int, b *float64)

//go:noescape
func reluMaskAVX(d, a *float64, n4 int)

//go:noescape
func colSumsAVX(dst, a *float64, n, w, w4 int)

// gemmPanel4FMA sets a 4×n block of C to A·B (see gemm_amd64.s).
//
//go:noescape
func gemmPanel4FMA(k, n int, a *float64, sai, sap int, b *float64, ldb int, c *float64, ldc, zmm int)

// panel4 computes rows i..i+3 of C with the assembly kernel when the CPU
// has it and reports whether it did.
func panel4(k, n int, a []float64, sai, sap int, b []float64, ldb int, c []float64, ldc int) bool {
	if !hasFMA {
		return false
	}
	checkPanel(k, n, a, sai, sap, b, ldb, c, ldc)
	gemmPanel4FMA(k, n, &a[0], sai, sap, &b[0], ldb, &c[0], ldc, zmmArg())
	return true
}

//go:noescape
func addScaledAVX(dst, x *float64, n4 int, s float64)

// sgemmPanel4FMA sets a 4×n block of float32 C to A·B (see sgemm_amd64.s).
//
//go:noescape
func sgemmPanel4FMA(k, n int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc, zmm int)

// spanel4 is panel4 for float32.
func spanel4(k, n int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int) bool {
	if !hasFMA {
		return false
	}
	checkPanel(k, n, a, sai, sap, b, ldb, c, ldc)
	sgemmPanel4FMA(k, n, &a[0], sai, sap, &b[0], ldb, &c[0], ldc, zmmArg())
	return true
}

//go:noescape
func biasReLU32AVX(z *float32, n, w, w8 int, b *float32)

//go:noescape
func reluMask32AVX(d, a *float32, n8 int)

//go:noescape
func colSums32AVX(dst, a *float32, n, w, w8 int)

//go:noescape
func addScaled32AVX(dst, x *float32, n8 int, s float32)

// transpose8AVX512 transposes the leading r8×c8 block of the r×c matrix
// a into dst (see transpose_amd64.s); r8 and c8 are multiples of 8.
//
//go:noescape
func transpose8AVX512(dst, a *float64, r8, c8, r, c int)

// transpose8x32AVX is transpose8AVX512 for float32 in ymm registers (AVX).
//
//go:noescape
func transpose8x32AVX(dst, a *float32, r8, c8, r, c int)

// transpose8 transposes the largest leading block of whole 8×8 tiles
// with the AVX-512 kernel when the CPU has it and returns its rows and
// columns (0, 0 without the kernel).
func transpose8(dst, a []float64, r, c int) (r8, c8 int) {
	return tiles(dst, a, r, c, hasAVX512, transpose8AVX512)
}

// transpose8x32 is transpose8 for float32, with the AVX kernel.
func transpose8x32(dst, a []float32, r, c int) (r8, c8 int) {
	return tiles(dst, a, r, c, hasAVX2, transpose8x32AVX)
}

// tiles runs the tile kernel f on the leading r8×c8 block when ok.
func tiles[T float32 | float64](dst, a []T, r, c int, ok bool, f func(dst, a *T, r8, c8, r, c int)) (r8, c8 int) {
	r8, c8 = r&^7, c&^7
	if !ok || r8 == 0 || c8 == 0 {
		return 0, 0
	}
	f(&dst[0], &a[0], r8, c8, r, c)
	return r8, c8
}
