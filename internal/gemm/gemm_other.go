//go:build !amd64

package gemm

// hasFMA is false off amd64: the generic loops do all products (math.FMA
// compiles to the fused instruction on arm64, ppc64 and s390x).
var hasFMA = false

func panel4(k, n int, a []float64, sai, sap int, b []float64, ldb int, c []float64, ldc int) bool {
	return false
}
