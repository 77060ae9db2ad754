// Package balance implements the loss-balancing methods of the built-in
// trainer as pure functions: the weights (or, for PCGrad, the
// coefficients) each method puts on K losses L_0 (the task) … L_{K−1}
// (the added terms that are objectives of their own), and the updates of
// the parameters some methods learn.
//
//   - static: fixed weights (1 on the task, the spec's λ on each term).
//   - uncertainty (Kendall, Gal & Cipolla 2018): a learned log variance
//     s_i per loss; the objective is U = Σ ½e^{−s_i}·L_i + ½s_i, so the
//     weight of L_i is ½e^{−s_i} and ∂U/∂s_i = ½ − ½e^{−s_i}·L_i.
//   - gradnorm (Chen et al. 2018): learned weights w_i, Σw_i = K, moved
//     so that the norms G_i = ‖∇_W w_i·L_i‖ on a shared layer W approach
//     Ḡ·r_i^α, r_i the relative inverse training rate.
//   - dwa (Liu, Johns & Davison 2019): w_i = K·softmax_i(r_i/T),
//     r_i = L̄_i(e−1)/L̄_i(e−2) the ratio of the last two epochs' mean
//     losses; 1 in the first two epochs.
//   - pcgrad (Yu et al. 2020): each loss's gradient loses its component
//     along every other loss's gradient it conflicts with (negative dot
//     product), the others visited in a random order.
//   - mgda (Sener & Koltun 2018): the convex combination of the
//     gradients with the smallest norm (the min-norm point of their
//     convex hull), over the shared parameters. (Sener & Koltun's
//     MGDA-UB variant takes the gradients with respect to the shared
//     representation instead, an upper bound that saves backward
//     passes; it is not implemented.)
//   - rlw (Lin et al. 2022): w = softmax(z), z ~ N(0, I) drawn afresh at
//     every step.
//
// Every function works on a Gram matrix or on per-loss scalars, never on
// the gradients themselves: the trainer measures the Gram matrix G_ij =
// g_i·g_j over the shared parameters. Nothing here allocates; randomness
// comes from the caller's generator.
package balance

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Method names, as written in a spec.
const (
	Static      = "static"
	Uncertainty = "uncertainty"
	GradNorm    = "gradnorm"
	DWA         = "dwa"
	PCGrad      = "pcgrad"
	MGDA        = "mgda"
	RLW         = "rlw"
)

// Param documents one parameter of a method.
type Param struct {
	Name    string
	Default string
	Meaning string
}

// Info describes a method.
type Info struct {
	Name    string
	Summary string
	Params  []Param
	// Losses: the method reads the loss values (and needs them ≥ 0).
	Losses bool
	// Gradients: the method needs each loss's gradient separately.
	Gradients bool
}

var catalogue = []Info{
	{Name: Static, Summary: "fixed weights: 1 on the task, the spec's λ on each term (the λ grid)"},
	{Name: Uncertainty, Summary: "Kendall et al. 2018: a learned log variance s_i per loss, weight ½e^(−s_i), plus ½s_i in the objective",
		Params: []Param{{"lr", "train.learning_rate", "learning rate of the log variances (optimizer of the run's kind)"}},
		Losses: true},
	{Name: GradNorm, Summary: "Chen et al. 2018: learned weights (sum K) that equalize the losses' gradient norms on a shared layer, scaled by r_i^alpha",
		Params: []Param{
			{"alpha", "1.5", "asymmetry: how strongly a slower-training loss gets a larger gradient norm"},
			{"lr", "train.learning_rate", "learning rate of the weights (optimizer of the run's kind)"},
			{"layer", "last shared", "the weight matrix (0 = first layer) whose gradient norms are balanced; it must be shared by every loss"},
		},
		Losses: true, Gradients: true},
	{Name: DWA, Summary: "Liu et al. 2019: weights K·softmax(r_i/T), r_i the ratio of the last two epochs' mean losses",
		Params: []Param{{"T", "2", "temperature: larger T, weights closer to 1"}},
		Losses: true},
	{Name: PCGrad, Summary: "Yu et al. 2020: each gradient projected off the gradients it conflicts with (random order), then summed", Gradients: true},
	{Name: MGDA, Summary: "Sener & Koltun 2018: the min-norm convex combination of the losses' gradients over the shared parameters", Gradients: true},
	{Name: RLW, Summary: "Lin et al. 2022: weights softmax(z), z ~ N(0, I) drawn at every step from the run's seeded stream"},
}

// Methods returns every method, static first.
func Methods() []Info { return append([]Info(nil), catalogue...) }

// Names returns the method names, static first.
func Names() []string {
	out := make([]string, len(catalogue))
	for i, m := range catalogue {
		out[i] = m.Name
	}
	return out
}

// Lookup returns method name's entry.
func Lookup(name string) (Info, bool) {
	for _, m := range catalogue {
		if m.Name == name {
			return m, true
		}
	}
	return Info{}, false
}

func checkK(name string, k int, lens ...int) {
	for _, n := range lens {
		if n != k {
			panic(fmt.Sprintf("balance: %s: slice of length %d for %d losses", name, n, k))
		}
	}
}

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
	// Start at the vertex with the shortest gradient; in[i] = 1 marks the
	// active set S.
	first, scale := 0, 0.0
	for i := range k {
		if gram[i*k+i] < gram[first*k+first] {
			first = i
		}
		scale = max(scale, gram[i*k+i])
	}
	clear(alpha)
	clear(in)
	alpha[first], in[first] = 1, 1
	if !(scale > 0) || math.IsInf(scale, 0) {
		return // every gradient is zero (or the Gram matrix is not finite)
	}
	tol := minNormTol * scale
	xx := minNormGa(ga, alpha, gram, k)
	// Wolfe's algorithm is finite; the bound only guards against cycling
	// in floating point.
	for range 16*k + 64 {
		t := 0
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
		// Back to the previous point, then a pairwise step: move weight
		// from the active vertex whose exchange with t lowers the norm most.
		copy(alpha, prev)
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
			return
		}
		alpha[t] += step
		alpha[from] -= step
		if step == prev[from] {
			alpha[from], in[from] = 0, 0
		}
		in[t] = 1
		nxx := minNormGa(ga, alpha, gram, k)
		if !(nxx < xx) {
			copy(alpha, prev) // no progress in floating point: keep the better point
			return
		}
		xx = nxx
	}
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

// PCGradWeights writes into w the coefficient of each gradient in the PCGrad
// direction Σ_i g_i^PC, given the K×K Gram matrix of the gradients: for
// each i, g_i^PC starts at g_i and, for each j ≠ i in an order drawn from
// rng, loses its component along g_j when g_i^PC·g_j < 0:
// g_i^PC ← g_i^PC − (g_i^PC·g_j/‖g_j‖²)·g_j. Every g_i^PC is a linear
// combination of the g_j, so the result is exact from the Gram matrix
// alone. coef (K×K) and perm (K) are work space; rng draws one shuffle
// per loss (K of them), whatever the conflicts. It returns the number of
// projections made.
func PCGradWeights(w, gram []float64, k int, coef []float64, perm []int, rng *rand.Rand) int {
	checkK("PCGradWeights", k, len(w), len(gram)/k, len(coef)/k, len(perm))
	clear(w)
	proj := 0
	for i := range k {
		for j := range perm {
			perm[j] = j
		}
		rng.Shuffle(k, func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
		c := coef[i*k : (i+1)*k]
		clear(c)
		c[i] = 1
		for _, j := range perm {
			if j == i || gram[j*k+j] <= 0 {
				continue
			}
			var d float64 // g_i^PC · g_j
			for m := range k {
				d += c[m] * gram[m*k+j]
			}
			if d < 0 {
				c[j] -= d / gram[j*k+j]
				proj++
			}
		}
		for m := range k {
			w[m] += c[m]
		}
	}
	return proj
}

// GradNormGrad writes into dst the gradient with respect to the weights w
// of GradNorm's loss L_grad = Σ_i |G_i − Ḡ·r_i^α| (Chen et al. 2018,
// eq. 2), where G_i = w_i·n_i, n_i = ‖∇_W L_i‖ the norm of loss i's
// unweighted gradient over the shared layer W, Ḡ the mean of the G_i,
// r_i = L̃_i / mean_j L̃_j the relative inverse training rate and
// L̃_i = L_i/L_i(0). The target Ḡ·r_i^α is held constant, as the paper
// prescribes, so ∂L_grad/∂w_i = sign(G_i − target_i)·n_i. It returns
// L_grad. A loss whose initial value L_i(0) is not positive counts as
// training at the mean rate (r_i = 1).
func GradNormGrad(dst, w, norms, loss, loss0 []float64, alpha float64) float64 {
	k := len(w)
	checkK("GradNormGrad", k, len(dst), len(norms), len(loss), len(loss0))
	var gbar, rbar float64
	for i := range k {
		gbar += w[i] * norms[i]
		rbar += ratio(loss[i], loss0[i])
	}
	gbar /= float64(k)
	rbar /= float64(k)
	var lg float64
	for i := range k {
		r := 1.0
		if rbar > 0 {
			r = ratio(loss[i], loss0[i]) / rbar
		}
		target := gbar * math.Pow(r, alpha)
		d := w[i]*norms[i] - target
		lg += math.Abs(d)
		switch {
		case d > 0:
			dst[i] = norms[i]
		case d < 0:
			dst[i] = -norms[i]
		default:
			dst[i] = 0
		}
	}
	return lg
}

// ratio is L/L0, 1 when L0 is not positive or the ratio is not finite.
func ratio(l, l0 float64) float64 {
	r := l / l0
	if !(l0 > 0) || math.IsNaN(r) || math.IsInf(r, 0) || r < 0 {
		return 1
	}
	return r
}

// WeightFloor is the smallest weight Renormalize leaves, as a fraction of
// the total: GradNorm's step may push a weight to zero or below, and a
// loss with weight ≤ 0 would be ascended or dropped.
const WeightFloor = 1e-6

// Renormalize clips every weight to at least WeightFloor·total and
// rescales them to sum to total (GradNorm keeps Σw_i = K).
func Renormalize(w []float64, total float64) {
	floor := WeightFloor * total
	var s float64
	for i, v := range w {
		if !(v >= floor) { // NaN included
			v = floor
		}
		w[i] = v
		s += v
	}
	for i := range w {
		w[i] *= total / s
	}
}

// UncertaintyWeights writes the weight ½e^{−s_i} of each loss for the
// log variances s.
func UncertaintyWeights(w, s []float64) {
	checkK("UncertaintyWeights", len(w), len(s))
	for i, v := range s {
		w[i] = 0.5 * math.Exp(-v)
	}
}

// UncertaintyGrad writes into dst ∂U/∂s_i = ½ − ½e^{−s_i}·L_i for the
// objective U = Σ_i ½e^{−s_i}·L_i + ½s_i (Kendall et al. 2018, with
// s_i = log σ_i²), and returns U.
func UncertaintyGrad(dst, s, loss []float64) float64 {
	checkK("UncertaintyGrad", len(s), len(dst), len(loss))
	var u float64
	for i, v := range s {
		e := 0.5 * math.Exp(-v)
		u += e*loss[i] + 0.5*v
		dst[i] = 0.5 - e*loss[i]
	}
	return u
}

// DWAWeights writes K·softmax_i(r_i/T) into w, r_i = prev[i]/prev2[i]
// the ratio of the mean losses of the last two epochs (Liu et al. 2019,
// eq. 7); a ratio that is not finite or positive counts as 1.
func DWAWeights(w, prev, prev2 []float64, temp float64) {
	k := len(w)
	checkK("DWAWeights", k, len(prev), len(prev2))
	mx := math.Inf(-1)
	for i := range k {
		w[i] = ratio(prev[i], prev2[i]) / temp
		mx = max(mx, w[i])
	}
	var s float64
	for i := range k {
		w[i] = math.Exp(w[i] - mx)
		s += w[i]
	}
	for i := range k {
		w[i] *= float64(k) / s
	}
}

// RLWWeights draws z ~ N(0, I) from rng and writes softmax(z) into w
// (Lin et al. 2022: random loss weighting with normal logits; the
// weights sum to 1).
func RLWWeights(w []float64, rng *rand.Rand) {
	mx := math.Inf(-1)
	for i := range w {
		w[i] = rng.NormFloat64()
		mx = max(mx, w[i])
	}
	var s float64
	for i := range w {
		w[i] = math.Exp(w[i] - mx)
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
}
