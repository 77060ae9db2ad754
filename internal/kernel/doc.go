// Package kernel holds lossexp's pure-Go numerical kernels: the matrix
// product C = op(A)·op(B) for row-major float64 matrices (Dgemm) and the
// element-wise passes of a ReLU layer (BiasReLU, ReLUMask, ColSums), each
// with an AVX2 (and FMA) kernel in assembly on amd64 CPUs that have it
// (selected at start-up with golang.org/x/sys/cpu) and plain loops
// everywhere else. Kernel and loops give the same bits: the element-wise
// ones do the same IEEE operations in the same order, and the product's
// rule is below.
//
// Every element of C is one chain of fused multiply-adds over p = 0, 1, …,
// k-1 starting from +0, c = fma(A(i,p), B(p,j), c), in both the kernel and
// the loops, so the two give the same bits on any CPU (math.FMA rounds once,
// as the instruction does). The products are serial: the sweep runs one
// training run per core.
//
// It lives in its own package because Go assembly cannot sit beside cgo,
// which the openblas build of experiments/model uses.
package kernel
