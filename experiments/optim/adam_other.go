//go:build !amd64

package optim

// useAVX is false off amd64: there is only the reference loop.
var useAVX = false

func adamUpdate(p, m, v, g []float64, k *adamConsts) {
	if len(p) < len(g) || len(m) < len(g) || len(v) < len(g) {
		panic("optim: adam: slice lengths differ")
	}
	adamGeneric(p, m, v, g, k)
}

func adam32AVX(p, m, v, g []float32, k *adamConsts32) int { return 0 }
