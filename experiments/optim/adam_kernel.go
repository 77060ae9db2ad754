package optim

import "math"

// adamConsts are the per-step constants of the Adam update.
type adamConsts struct {
	b1, a1, b2, a2 float64 // β1, 1−β1, β2, 1−β2
	c1, c2         float64 // bias corrections 1/(1−β1^t), 1/(1−β2^t)
	eps, lr, wd    float64
	l2             float64 // an L2 penalty's gradient factor s: g + s·p (0: none)
}

// adamGeneric is the reference Adam update, element by element:
//
//	g ← g + s·p  (with an L2 penalty fused in, s = k.l2 ≠ 0)
//	m ← β1·m + (1−β1)·g;  v ← β2·v + ((1−β2)·g)·g
//	p ← p − lr·((m·c1)/(√(v·c2) + ε) + wd·p)
//
// The vector kernel (adam_amd64.s) performs the same IEEE operations in
// the same order without fused multiply-adds, so both give bit-identical
// results; the tests check it.
func adamGeneric(p, m, v, g []float64, k *adamConsts) {
	n := len(g)
	p, m, v = p[:n], m[:n], v[:n]
	for i := 0; i < n; i++ {
		gi := g[i]
		if k.l2 != 0 {
			gi += float64(k.l2 * p[i]) // as kernel.AddScaled: no FMA
		}
		mi := k.b1*m[i] + k.a1*gi
		vi := k.b2*v[i] + k.a2*gi*gi
		m[i], v[i] = mi, vi
		p[i] -= k.lr * (mi*k.c1/(math.Sqrt(vi*k.c2)+k.eps) + k.wd*p[i])
	}
}
