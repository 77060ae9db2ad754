package balance

import (
	"fmt"
	"math"
	"slices"

	"github.com/lossexp/lossexp/experiments/optim"
)

func init() { register(func() Method { return new(GradNorm) }) }

// GradNorm is GradNorm (Chen et al. 2018): learned weights w_i, Σw_i = K,
// moved so that the loss gradients' norms on a shared weight matrix
// approach Ḡ·r_i^α.
type GradNorm struct {
	Base
	// Weight holds the learned weights, 1 each at the start.
	Weight []float64
	alpha  float64
	lo, hi int // the balanced weight matrix in the flat parameters
	grad   []float64
	norms  []float64
	loss0  []float64 // the losses of the first step
	have0  bool
	opt    optim.Optimizer
}

// Info describes the method.
func (*GradNorm) Info() Info {
	return Info{Name: "gradnorm", Order: 20,
		Summary: "Chen et al. 2018: learned weights (sum K) that equalize the losses' gradient norms on a shared layer, scaled by r_i^alpha",
		Params: []Param{
			{Name: "alpha", Value: 1.5, Meaning: "asymmetry: how strongly a slower-training loss gets a larger gradient norm", Valid: "≥ 0", In: atLeast0},
			lrParam("the weights"),
			{Name: "layer", Value: math.NaN(), Default: "last shared", Meaning: "the weight matrix (0 = first layer) whose gradient norms are balanced; it must be shared by every loss",
				Valid: "an integer ≥ 0 (0 = the first weight matrix)", In: func(x float64) bool { return x >= 0 && x == math.Trunc(x) }, Layer: true},
		},
		Losses: true, Gradients: true}
}

// Start sets the weights to 1 and picks the balanced matrix: parameter
// layer, else the last one every loss shares.
func (g *GradNorm) Start(s *Setup) error {
	k := s.K
	g.Weight, g.grad = make([]float64, k), make([]float64, k)
	for i := range g.Weight {
		g.Weight[i] = 1
	}
	g.opt = s.Optimizer(k)
	g.alpha = s.Params["alpha"]
	g.norms, g.loss0 = make([]float64, k), make([]float64, k)
	last := len(s.Layers) - 1
	if last >= 0 {
		g.lo, g.hi = s.Layers[last][0], s.Layers[last][1]
	}
	if l, ok := s.Params["layer"]; ok {
		want := int(l)
		if want > last {
			return &ParamError{Param: "layer", Err: fmt.Errorf("gradnorm balances a layer every loss shares; the shared weight matrices are 0…%d, got %d", last, want)}
		}
		g.lo, g.hi = s.Layers[want][0], s.Layers[want][1]
	}
	return nil
}

// Layer returns the balanced weight matrix: [lo, hi) in the flat
// parameters.
func (g *GradNorm) Layer() (lo, hi int) { return g.lo, g.hi }

// Weigh sets the learned weights.
func (g *GradNorm) Weigh(w []float64) { copy(w, g.Weight) }

// Step takes a step of the weights on GradNorm's loss (the gradient
// norms on the balanced matrix, the losses against those of the first
// step), then renormalizes them to sum K.
func (g *GradNorm) Step(_ []float64, s *Step) {
	for i, gi := range s.Grad {
		var n float64
		for _, v := range gi[g.lo:g.hi] {
			n += v * v
		}
		g.norms[i] = math.Sqrt(n)
	}
	if !g.have0 {
		copy(g.loss0, s.Loss)
		g.have0 = true
	}
	GradNormGrad(g.grad, g.Weight, g.norms, s.Loss, g.loss0, g.alpha)
	g.opt.Step(g.Weight, g.grad)
	Renormalize(g.Weight, float64(len(g.Weight)))
}

// Learned returns the weights ("weight").
func (g *GradNorm) Learned() map[string][]float64 {
	return map[string][]float64{"weight": slices.Clone(g.Weight)}
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
