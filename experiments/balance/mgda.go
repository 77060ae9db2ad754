package balance

import (
	"fmt"
	"math"
)

func init() { register(func() Method { return new(MGDA) }) }

// MGDA is the multiple-gradient descent algorithm (Sener & Koltun 2018):
// the weights of the min-norm convex combination of the losses'
// gradients over the shared parameters.
type MGDA struct {
	Base
	work []float64 // MinNorm's work space
}

// Info describes the method.
func (*MGDA) Info() Info {
	return Info{Name: "mgda", Order: 50,
		Summary:   "Sener & Koltun 2018: the min-norm convex combination of the losses' gradients over the shared parameters",
		Gradients: true, SharedOnly: true}
}

// Start sizes MinNorm's work space.
func (m *MGDA) Start(s *Setup) error {
	m.work = make([]float64, MinNormWorkLen(s.K))
	return nil
}

// Step sets the min-norm weights.
func (m *MGDA) Step(w []float64, s *Step) { MinNorm(w, s.Gram(), len(w), m.work) }

// MinNorm2 returns the α ∈ [0, 1] that minimises ‖α·g1 + (1−α)·g2‖²,
// given g11 = ‖g1‖², g12 = g1·g2 and g22 = ‖g2‖² (Sener & Koltun 2018,
// Algorithm 1): α = (g22 − g12)/(g11 − 2g12 + g22), clipped to [0, 1].
// When g1 = g2 every α is optimal and ½ is returned.
func MinNorm2(g11, g12, g22 float64) float64 {
	if g12 >= g11 && g12 >= g22 {
		return 0.5 // only when g1 = g2 (Cauchy–Schwarz)
	}
	if g12 >= g11 {
		return 1
	}
	if g12 >= g22 {
		return 0
	}
	return (g22 - g12) / (g11 - 2*g12 + g22)
}

// MinNormWorkLen returns the length of the work slice MinNorm needs for k
// losses: (k+1)(k+2) + 4k.
func MinNormWorkLen(k int) int { return (k+1)*(k+2) + 4*k }

// minNormTol is the stopping rule of MinNorm for K > 2, relative to the
// largest ‖g_i‖²: the Frank–Wolfe gap αᵀGα − min_t (Gα)_t bounds
// ‖Σα_i g_i‖² − (the minimum) by twice itself.
const minNormTol = 1e-13

// MinNorm writes into alpha the point of the simplex that minimises
// ‖Σ α_i g_i‖², given the K×K Gram matrix gram (row-major) of the
// gradients. K = 2 takes the closed form of MinNorm2. K > 2 runs Wolfe's
// nearest-point algorithm (Wolfe 1976; an active-set method, exact in a
// finite number of steps, where the Frank–Wolfe iteration of Sener &
// Koltun's Algorithm 2 stalls on a face of the simplex) on the Gram
// matrix: from the vertex with the shortest gradient, each major step
// adds the vertex t with the smallest (Gα)_t to the active set and moves
// to the min-norm point of the active set's affine hull (a KKT system of
// size |S|+1 solved by Gaussian elimination), dropping the vertices whose
// weight that would make negative (minor steps), until the gap
// αᵀGα − min_t (Gα)_t is at most 1e-13·max_i G_ii. When t is, to working
// precision, in the active set's affine hull (a near-duplicate gradient),
// a pairwise step moves weight to t from the active vertex whose exchange
// lowers the norm most; it stops when that no longer lowers the norm in
// floating point. The result is on the simplex (α ≥ 0, Σα = 1 to
// rounding); tests hold it within 1e-11 × mean‖g_i‖² of an exact solve
// for 3–5 losses, and its gap under 1e-9 × mean‖g_i‖² up to 32. work must
// hold MinNormWorkLen(k) values; nothing is allocated.
func MinNorm(alpha, gram []float64, k int, work []float64) {
	checkK("MinNorm", k, len(alpha), len(gram)/k)
	if len(work) < MinNormWorkLen(k) {
		panic(fmt.Sprintf("balance: MinNorm: work of length %d for %d losses, want %d", len(work), k, MinNormWorkLen(k)))
	}
	switch k {
	case 1:
		alpha[0] = 1
		return
	case 2:
		a := MinNorm2(gram[0], gram[1], gram[3])
		alpha[0], alpha[1] = a, 1-a
		return
	}
	ga, in, mu, prev := work[:k], work[k:2*k], work[2*k:3*k], work[3*k:4*k]
	sys := work[4*k : 4*k+(k+1)*(k+2)]
	scale := minNormStart(alpha, in, gram, k)
	if !(scale > 0) || math.IsInf(scale, 0) {
		return // every gradient is zero (or the Gram matrix is not finite)
	}
	tol := minNormTol * scale
	xx := minNormGa(ga, alpha, gram, k)
	// Wolfe's algorithm is finite; the bound only guards against cycling
	// in floating point.
	for range 16*k + 64 {
		t := 0 // the vertex most opposed to the current point
		for i := 1; i < k; i++ {
			if ga[i] < ga[t] {
				t = i
			}
		}
		if xx-ga[t] <= tol {
			return
		}
		copy(prev, alpha)
		added := in[t] == 0
		in[t] = 1
		if minNormMinor(alpha, mu, in, gram, k, scale, sys, t, added) {
			if nxx := minNormGa(ga, alpha, gram, k); nxx < xx {
				xx = nxx
				continue
			}
		}
		// No progress: t is (to working precision) in the affine hull of
		// the active set, e.g. a near-duplicate of one of its vertices.
		// Back to the previous point, then a pairwise step.
		copy(alpha, prev)
		nxx, ok := minNormPairwise(alpha, ga, in, prev, gram, k, t)
		if !ok {
			return
		}
		if !(nxx < xx) {
			copy(alpha, prev) // no progress in floating point: keep the better point
			return
		}
		xx = nxx
	}
}

// minNormStart starts at the vertex with the shortest gradient (in[i] =
// 1 marks the active set S) and returns the largest squared gradient
// norm, the scale of the Gram matrix.
func minNormStart(alpha, in, gram []float64, k int) (scale float64) {
	first := 0
	for i := range k {
		if gram[i*k+i] < gram[first*k+first] {
			first = i
		}
		scale = max(scale, gram[i*k+i])
	}
	clear(alpha)
	clear(in)
	alpha[first], in[first] = 1, 1
	return scale
}

// minNormPairwise takes a pairwise step from alpha (equal to prev): it
// moves weight to vertex t from the active vertex whose exchange with t
// lowers the norm most, and returns the new squared norm; ok is false
// when no exchange lowers it.
func minNormPairwise(alpha, ga, in, prev, gram []float64, k, t int) (nxx float64, ok bool) {
	for i := range k {
		in[i] = 0
		if alpha[i] > 0 {
			in[i] = 1
		}
	}
	minNormGa(ga, alpha, gram, k)
	best, from, step := 0.0, -1, 0.0
	for a := range k {
		if in[a] == 0 || a == t {
			continue
		}
		// ‖d + γ(g_t − g_a)‖² = xx − 2γ·slope + γ²·curv.
		slope, curv := ga[a]-ga[t], gram[t*k+t]-2*gram[t*k+a]+gram[a*k+a]
		g := alpha[a]
		if curv > 0 && slope < g*curv {
			g = slope / curv
		}
		if dec := 2*g*slope - g*g*curv; dec > best {
			best, from, step = dec, a, g
		}
	}
	if from < 0 {
		return 0, false
	}
	alpha[t] += step
	alpha[from] -= step
	if step == prev[from] {
		alpha[from], in[from] = 0, 0
	}
	in[t] = 1
	return minNormGa(ga, alpha, gram, k), true
}

// minNormMinor runs the minor cycles of Wolfe's algorithm: alpha moves to
// the min-norm point of the affine hull of the active set S = {i : in[i]
// ≠ 0}, or as far towards it as keeps every weight ≥ 0, dropping the
// vertex that reaches 0 and starting again, until the point is inside.
// It reports false when a system is singular or when t, just added
// (added), would leave at once.
func minNormMinor(alpha, mu, in, gram []float64, k int, scale float64, sys []float64, t int, added bool) bool {
	for minor := 0; ; minor++ {
		if !minNormAffine(mu, in, gram, k, scale, sys) {
			return false
		}
		// θ: the largest step from alpha towards mu that keeps every
		// active weight ≥ 0.
		theta, drop := 1.0, -1
		for i := range k {
			if in[i] != 0 && mu[i] <= 0 {
				if th := alpha[i] / (alpha[i] - mu[i]); th < theta {
					theta, drop = th, i
				}
			}
		}
		if drop < 0 {
			copy(alpha, mu)
			return true
		}
		if minor == 0 && added && drop == t {
			return false
		}
		var sum float64
		for i := range k {
			if in[i] != 0 {
				alpha[i] += theta * (mu[i] - alpha[i])
				if i == drop || alpha[i] <= 0 {
					alpha[i], in[i] = 0, 0
				}
				sum += alpha[i]
			}
		}
		for i := range k {
			alpha[i] /= sum
		}
	}
}

// minNormGa sets ga = Gα and returns αᵀGα.
func minNormGa(ga, alpha, gram []float64, k int) float64 {
	var xx float64
	for i := range k {
		var s float64
		for j := range k {
			s += gram[i*k+j] * alpha[j]
		}
		ga[i] = s
		xx += alpha[i] * s
	}
	return xx
}

// minNormAffine writes into mu the weights (zero outside S, summing to 1)
// of the min-norm point of the affine hull of the active set S = {i :
// in[i] ≠ 0}: the solution of [G_S/scale 1; 1ᵀ 0][μ; λ] = [0; 1] (scale,
// the largest G_ii, makes the system independent of the gradients' size),
// by Gaussian elimination with partial pivoting in sys ((k+1)(k+2) values).
// It reports false when the system is singular to working precision (the
// active gradients are affinely dependent).
func minNormAffine(mu, in, gram []float64, k int, scale float64, sys []float64) bool {
	n := 0
	for i := range k {
		if in[i] != 0 {
			n++
		}
	}
	m := n + 1 // unknowns; row r of the augmented system has m+1 columns
	w := m + 1
	a := sys[:m*w]
	r := 0
	for i := range k {
		if in[i] == 0 {
			continue
		}
		c := 0
		for j := range k {
			if in[j] != 0 {
				a[r*w+c] = gram[i*k+j] / scale
				c++
			}
		}
		a[r*w+n], a[r*w+m] = 1, 0
		r++
	}
	for c := range n {
		a[n*w+c] = 1
	}
	a[n*w+n], a[n*w+m] = 0, 1
	if !solveAugmented(a, m, w) {
		return false
	}
	clear(mu)
	r = 0
	for i := range k {
		if in[i] != 0 {
			mu[i] = a[r*w+m]
			r++
		}
	}
	return true
}

// solveAugmented solves the augmented m × (m+1) system a (row stride w)
// in place by Gaussian elimination with partial pivoting, leaving the
// solution in its last column; false when a pivot is (near) zero.
func solveAugmented(a []float64, m, w int) bool {
	// Every entry is at most 1 in size; a pivot below eps means an
	// affinely dependent active set.
	const eps = 1e-14
	for c := range m {
		p := c
		for r := c + 1; r < m; r++ {
			if math.Abs(a[r*w+c]) > math.Abs(a[p*w+c]) {
				p = r
			}
		}
		if !(math.Abs(a[p*w+c]) > eps) {
			return false
		}
		if p != c {
			for j := c; j < w; j++ {
				a[p*w+j], a[c*w+j] = a[c*w+j], a[p*w+j]
			}
		}
		for r := c + 1; r < m; r++ {
			f := a[r*w+c] / a[c*w+c]
			if f == 0 {
				continue
			}
			for j := c; j < w; j++ {
				a[r*w+j] -= f * a[c*w+j]
			}
		}
	}
	for c := m - 1; c >= 0; c-- {
		s := a[c*w+m]
		for j := c + 1; j < m; j++ {
			s -= a[c*w+j] * a[j*w+m]
		}
		a[c*w+m] = s / a[c*w+c]
	}
	return true
}
