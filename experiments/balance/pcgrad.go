package balance

import "math/rand/v2"

func init() { register(func() Method { return new(PCGrad) }) }

// PCGrad is projecting conflicting gradients (Yu et al. 2020): each
// loss's gradient loses its component along every other loss's gradient
// it conflicts with, the others visited in a random order, and the
// projected gradients are summed.
type PCGrad struct {
	Base
	rng                *rand.Rand
	coef               []float64
	perm               []int
	projections, steps int
}

// Info describes the method.
func (*PCGrad) Info() Info {
	return Info{Name: "pcgrad", Order: 40,
		Summary:   "Yu et al. 2020: each gradient projected off the gradients it conflicts with (random order), then summed",
		Gradients: true, SharedOnly: true}
}

// Start takes the run's stream.
func (p *PCGrad) Start(s *Setup) error {
	p.rng = s.Rand
	p.coef, p.perm = make([]float64, s.K*s.K), make([]int, s.K)
	return nil
}

// Step sets the coefficients of the gradients in the PCGrad direction.
func (p *PCGrad) Step(w []float64, s *Step) {
	p.projections += PCGradWeights(w, s.Gram(), len(w), p.coef, p.perm, p.rng)
	p.steps++
}

// Learned returns the mean number of projections per step
// ("projections_per_step").
func (p *PCGrad) Learned() map[string][]float64 {
	return map[string][]float64{"projections_per_step": {float64(p.projections) / float64(max(p.steps, 1))}}
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
