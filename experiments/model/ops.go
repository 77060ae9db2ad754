package model

import (
	"fmt"

	"github.com/lossexp/lossexp/internal/kernel"
)

// ops are the kernels of one precision that the generic Forward and
// Backward call: the matrix product and the element-wise passes whose
// implementation differs between float64 and float32. A workspace picks
// its ops once, when it is made (opsFor).
type ops[T Float] interface {
	// gemm is kernels.gemm in precision T; m, n or k of 0 allowed.
	gemm(ta, tb bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int)
	// transposeB: see kernels.transposeB.
	transposeB(m, n, k int) bool
	// biasActivate adds b to every row of the n×len(b) matrix z and
	// applies act in place.
	biasActivate(act Activation, z []T, n int, b []T)
	// mulDerivative multiplies d element-wise by act'(z), given a = act(z).
	mulDerivative(act Activation, d, a []T)
	// colSums sets dst[j] to the sum of column j of the n×len(dst) matrix
	// a, adding rows in order (n ≥ 1).
	colSums(dst, a []T, n int)
	// transpose sets dst (c×r) to the transpose of the r×c row-major
	// matrix a (internal/kernel's Transpose: 8×8 tiles in AVX-512
	// registers where the CPU has them, strips of 8 rows otherwise).
	transpose(dst, a []T, r, c int)
}

// opsFor returns the kernels of precision T.
func opsFor[T Float]() ops[T] {
	var zero T
	switch any(zero).(type) {
	case float32:
		return any(ops32{}).(ops[T])
	default:
		return any(ops64{}).(ops[T])
	}
}

// ops64 are float64's kernels: the backend's products (kern: pure Go or
// OpenBLAS) and internal/kernel's element-wise passes.
type ops64 struct{}

func (ops64) gemm(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	gemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc)
}
func (ops64) transposeB(m, n, k int) bool { return kern.transposeB(m, n, k) }
func (ops64) biasActivate(act Activation, z []float64, n int, b []float64) {
	biasActivate(act, z, n, b)
}
func (ops64) mulDerivative(act Activation, d, a []float64) { mulDerivative(act, d, a) }
func (ops64) colSums(dst, a []float64, n int)              { kernel.ColSums(dst, a, n) }
func (ops64) transpose(dst, a []float64, r, c int)         { kernel.Transpose(dst, a, r, c) }

// ops32 are float32's kernels: internal/kernel's Sgemm in every build
// (OpenBLAS's included) and its float32 ReLU passes. float32 supports ReLU
// hidden layers only (NewWorkspace32 refuses the others).
type ops32 struct{}

func (ops32) gemm(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	kernel.Sgemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc)
}

// The kernel streams rows of b: a transposed b is copied first.
func (ops32) transposeB(m, n, k int) bool { return true }

func (ops32) biasActivate(act Activation, z []float32, n int, b []float32) {
	switch act {
	case ReLU:
		kernel.BiasReLU32(z[:n*len(b)], n, b)
	case Identity:
		addBias(z, n, b)
	default:
		panic(fmt.Sprintf("model: float32 supports relu hidden layers, not %s", act))
	}
}

func (ops32) mulDerivative(act Activation, d, a []float32) {
	switch act {
	case ReLU:
		kernel.ReLUMask32(d, a[:len(d)])
	case Identity:
	default:
		panic(fmt.Sprintf("model: float32 supports relu hidden layers, not %s", act))
	}
}

// colSums adds the rows in order from +0 (kernel.ColSums32).
func (ops32) colSums(dst, a []float32, n int) { kernel.ColSums32(dst, a, n) }

func (ops32) transpose(dst, a []float32, r, c int) { kernel.Transpose32(dst, a, r, c) }
