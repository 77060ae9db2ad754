package flops

import "golang.org/x/sys/cpu"

// hasFMA: the CPU runs peak_amd64.s; hasAVX512: its 512-bit loops too,
// the width the GEMM kernels use on such a CPU (internal/kernel takes zmm
// blocks under the same condition), so the peak is that of the widest
// vectors training uses.
var (
	hasFMA    = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = hasFMA && cpu.X86.HasAVX512F
)

//go:noescape
func fmaLoop64(n int)

//go:noescape
func fmaLoop32(n int)

//go:noescape
func fmaLoop64z(n int)

//go:noescape
func fmaLoop32z(n int)

// VectorBits is the width of the FMA loop Peak runs: 512 with AVX-512F,
// 256 with AVX2/FMA, 0 without.
func VectorBits() int {
	switch {
	case hasAVX512:
		return 512
	case hasFMA:
		return 256
	}
	return 0
}

// fmaRounds runs n rounds of the FMA loop of the precision (12 FMAs on
// vectors of VectorBits) and reports whether the CPU has it.
func fmaRounds(float32 bool, n int) bool {
	switch {
	case hasAVX512 && float32:
		fmaLoop32z(n)
	case hasAVX512:
		fmaLoop64z(n)
	case hasFMA && float32:
		fmaLoop32(n)
	case hasFMA:
		fmaLoop64(n)
	default:
		return false
	}
	return true
}
