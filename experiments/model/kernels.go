package model

import "github.com/lossexp/lossexp/internal/kernel"

// kernels is the interface between the network and the arithmetic: one
// implementation per backend, chosen once at start-up (the pure-Go one
// here; blas_openblas.go installs OpenBLAS's in an openblas build). A new
// backend is a file that implements it and assigns kern in an init.
type kernels interface {
	// name is BLASBackend's answer; detail BLASDetail's.
	name() string
	detail() string
	// gemm sets the m×n matrix c (row stride ldc) to op(a)·op(b), where
	// op(a) is m×k and op(b) is k×n; a and b are row-major with strides
	// lda and ldb and are transposed when ta or tb is true. m, n, k ≥ 1.
	gemm(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int)
	// transposeB reports whether a product of this shape with a
	// transposed b is faster made as a plain product with b transposed
	// into a buffer first.
	transposeB(m, n, k int) bool
}

// kern is the backend in use.
var kern kernels = pureGo{}

// gemm calls the backend's gemm; m, n or k of 0 are handled here.
func gemm(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	kern.gemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc)
}

// pureGo is the default backend: internal/kernel's register-blocked FMA
// products (an AVX2 assembly kernel where the CPU has one, the same bits
// from plain loops elsewhere).
type pureGo struct{}

func (pureGo) name() string   { return backendPureGo }
func (pureGo) detail() string { return backendPureGo + ", " + kernel.Kernel() + ", serial" }

// The kernel streams rows of b: a transposed b is copied first.
func (pureGo) transposeB(m, n, k int) bool { return true }

func (pureGo) gemm(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	kernel.Dgemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc)
}
