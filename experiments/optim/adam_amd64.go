package optim

import "golang.org/x/sys/cpu"

// useAVX selects the 4-wide kernel; it is a variable so tests can compare
// both paths.
var useAVX = cpu.X86.HasAVX

// useAVX512 selects the 8-wide (float32: 16-wide) zmm kernels first, the
// same bits as the others; a variable so tests can compare the paths.
var useAVX512 = useAVX && cpu.X86.HasAVX512F

// adamAVX updates the first len(g) &^ 3 elements (with zmm, whole
// vectors of 8 first) and returns how many it did.
//
//go:noescape
func adamAVX(p, m, v, g []float64, k *adamConsts, zmm int) int

// zmm is the kernels' zmm argument: 1 to take the AVX-512 loop first.
func zmm() int {
	if useAVX512 {
		return 1
	}
	return 0
}

func adamUpdate(p, m, v, g []float64, k *adamConsts) {
	if len(p) < len(g) || len(m) < len(g) || len(v) < len(g) {
		panic("optim: adam: slice lengths differ")
	}
	done := 0
	if useAVX {
		done = adamAVX(p, m, v, g, k, zmm())
	}
	if done < len(g) {
		adamGeneric(p[done:], m[done:], v[done:], g[done:], k)
	}
}

// adam32AVX updates the first len(g) &^ 7 float32 elements and returns
// how many it did.
//
//go:noescape
func adam32AVX(p, m, v, g []float32, k *adamConsts32, zmm int) int
