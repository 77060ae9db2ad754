//go:build !amd64

package optim

// useAVX is false off amd64: there is only the reference loop.
var useAVX = false

// useAVX512 is false off amd64.
var useAVX512 = false

func adamUpdate(p, m, v, g []float64, k *adamConsts) {
	if len(p) < len(g) || len(m) < len(g) || len(v) < len(g) {
		panic("optim: adam: slice lengths differ")
	}
	adamGeneric(p, m, v, g, k)
}

func adam32AVX(p, m, v, g []float32, k *adamConsts32, zmm int) int { return 0 }

func zmm() int { return 0 }
