//go:build !amd64

package kernel

// hasFMA is false off amd64: the generic loops do all products (math.FMA
// compiles to the fused instruction on arm64, ppc64 and s390x).
var hasFMA = false

// hasAVX512 is false off amd64.
var hasAVX512 = false

// hasAVX2 is false off amd64: the element-wise loops do all the work.
var hasAVX2 = false

func biasReLUAVX(z *float64, n, w, w4 int, b *float64) { panic("kernel: no AVX2") }
func reluMaskAVX(d, a *float64, n4 int)                { panic("kernel: no AVX2") }
func colSumsAVX(dst, a *float64, n, w, w4 int)         { panic("kernel: no AVX2") }

func panel4(k, n int, a []float64, sai, sap int, b []float64, ldb int, c []float64, ldc int) bool {
	return false
}
func addScaledAVX(dst, x *float64, n4 int, s float64) { panic("kernel: no AVX2") }

func spanel4(k, n int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int) bool {
	return false
}
func biasReLU32AVX(z *float32, n, w, w8 int, b *float32) { panic("kernel: no AVX2") }
func reluMask32AVX(d, a *float32, n8 int)                { panic("kernel: no AVX2") }
func colSums32AVX(dst, a *float32, n, w, w8 int)         { panic("kernel: no AVX2") }
func addScaled32AVX(dst, x *float32, n8 int, s float32)  { panic("kernel: no AVX2") }

func transpose8(dst, a []float64, r, c int) (r8, c8 int) { return 0, 0 }

func transpose8x32(dst, a []float32, r, c int) (r8, c8 int) { return 0, 0 }
