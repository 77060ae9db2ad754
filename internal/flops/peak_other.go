//go:build !amd64

package flops

// fmaRounds: no FMA loop on this architecture.
func fmaRounds(float32 bool, n int) bool { return false }

// VectorBits: no FMA loop, 0.
func VectorBits() int { return 0 }
