package balance

import (
	"math"
	"math/rand/v2"
)

func init() { register(func() Method { return new(RLW) }) }

// RLW is random loss weighting (Lin et al. 2022): weights softmax(z),
// z ~ N(0, I) drawn at every step.
type RLW struct {
	Base
	rng *rand.Rand
}

// Info describes the method.
func (*RLW) Info() Info {
	return Info{Name: "rlw", Order: 60,
		Summary: "Lin et al. 2022: weights softmax(z), z ~ N(0, I) drawn at every step from the run's seeded stream"}
}

// Start takes the run's stream.
func (r *RLW) Start(s *Setup) error {
	r.rng = s.Rand
	return nil
}

// Weigh draws the step's weights.
func (r *RLW) Weigh(w []float64) { RLWWeights(w, r.rng) }

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
