package flops

import "golang.org/x/sys/cpu"

// hasFMA: the CPU runs peak_amd64.s.
var hasFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func fmaLoop64(n int)

//go:noescape
func fmaLoop32(n int)

// fmaRounds runs n rounds of the FMA loop of the precision (12 FMAs of
// 4 float64 or 8 float32 lanes a round) and reports whether the CPU has it.
func fmaRounds(float32 bool, n int) bool {
	if !hasFMA {
		return false
	}
	if float32 {
		fmaLoop32(n)
	} else {
		fmaLoop64(n)
	}
	return true
}
