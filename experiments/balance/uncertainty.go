package balance

import (
	"math"
	"slices"

	"github.com/lossexp/lossexp/experiments/optim"
)

func init() { register(func() Method { return new(Uncertainty) }) }

// Uncertainty is uncertainty weighting (Kendall, Gal & Cipolla 2018): a
// learned log variance s_i per loss, weight ½e^{−s_i}.
type Uncertainty struct {
	Base
	// LogVar holds the log variances s_i = log σ_i², 0 at the start
	// (weight ½ each).
	LogVar []float64
	grad   []float64
	opt    optim.Optimizer
}

// Info describes the method.
func (*Uncertainty) Info() Info {
	return Info{Name: "uncertainty", Order: 10,
		Summary: "Kendall et al. 2018: a learned log variance s_i per loss, weight ½e^(−s_i), plus ½s_i in the objective",
		Params:  []Param{lrParam("the log variances")},
		Losses:  true}
}

// Start sets every log variance to 0.
func (u *Uncertainty) Start(s *Setup) error {
	u.LogVar, u.grad = make([]float64, s.K), make([]float64, s.K)
	u.opt = s.Optimizer(s.K)
	return nil
}

// Weigh sets the weights ½e^{−s_i}.
func (u *Uncertainty) Weigh(w []float64) { UncertaintyWeights(w, u.LogVar) }

// Step moves the log variances down the gradient of U on the step's
// losses.
func (u *Uncertainty) Step(_ []float64, s *Step) {
	UncertaintyGrad(u.grad, u.LogVar, s.Loss)
	u.opt.Step(u.LogVar, u.grad)
}

// Learned returns the log variances ("log_var").
func (u *Uncertainty) Learned() map[string][]float64 {
	return map[string][]float64{"log_var": slices.Clone(u.LogVar)}
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
