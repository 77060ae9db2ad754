package lossterms

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

var (
	_ OwnParams   = (*GAN)(nil)
	_ Conditioned = (*GAN)(nil)
)

func init() {
	register(Info{
		Kind:    "adversarial",
		Family:  "realism",
		Summary: "GAN-style realism for a conditional generator (model.noise): a discriminator D learns to tell (x, y) from (x, ŷ); the model minimises the non-saturating loss −mean log D(x, ŷ); regression",
		Params: []ParamInfo{
			{Name: "hidden", Default: "[16]", Meaning: "tanh widths of the discriminator's hidden layers, a number or a list ([] or 0: a logistic regression)"},
			{Name: "conditional", Default: "true", Meaning: "the discriminator sees the features x beside y (false: y alone)"},
			{Name: "optimizer", Default: "the run's", Meaning: "the discriminator's optimizer: sgd | momentum | adam (momentum and Adam settings are the run's)"},
			{Name: "learning_rate", Default: "the run's", Meaning: "the discriminator's learning rate"},
			{Name: "steps", Default: "1", Meaning: "discriminator updates per batch, taken before the model's step"},
		},
		Metrics: []MetricDef{
			{Pattern: "<split>.realism", Task: "regression", Better: "lower", Order: 500, How: "Realism",
				Meaning: "adversarial term: energy distance (V-statistic, Euclidean) between the real joint sample {(x_i, y_i)} and the generated one {(x_i, ŷ_i)} of the split, x the standardized features and ŷ generated with one fixed draw of the noise inputs; 0 = the same points",
				When:    func(c *MetricContext) bool { return c.is("regression") },
				Value: func(e *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
					_, _, ok := evalTerm[*GAN](e)
					return Realism(v.X, v.D, v.Y, v.Out, v.K), ok && v.Task == "regression"
				}},
			{Pattern: "<split>.disc_accuracy", Task: "regression", Order: 501, How: "GAN.DiscriminatorAccuracy",
				Meaning: "adversarial term: fraction of the split's 2n rows, n real (x, y) and n generated (x, ŷ), that the discriminator labels right (D > ½ = real); ½ = it cannot tell them apart",
				When:    func(c *MetricContext) bool { return c.is("regression") },
				Value: func(e *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
					g, own, ok := evalTerm[*GAN](e)
					if !ok || v.Task != "regression" {
						return 0, false
					}
					g.SetInputs(v.X)
					return g.DiscriminatorAccuracy(&Batch{N: v.N, K: v.K, Out: v.Out, Y: v.Y, Own: own}), true
				}},
		},
		Needs: InfoNeeds{Generator: true, Why: "trains the model as a conditional generator of a real-valued target"},
		New: func(params map[string]any) (Term, error) {
			if err := checkParamNames("adversarial", params, "hidden", "conditional", "optimizer", "learning_rate", "steps"); err != nil {
				return nil, err
			}
			g := &GAN{}
			var err error
			if g.Hidden, err = intListParam(params, "hidden", []int{16}, 1, 4096); err != nil {
				return nil, err
			}
			if g.Conditional, err = boolParam(params, "conditional", true); err != nil {
				return nil, err
			}
			if g.Train, err = ownTrainingParams(params); err != nil {
				return nil, err
			}
			return g, nil
		},
	})
}

// Conditioned is a BatchTerm that reads each row's conditioning inputs x:
// the dataset's features as the model sees them, without the noise
// inputs a generator appends. The trainer calls SetInputDim once, before
// Setup, with the number d of features per row, and SetInputs on every
// batch, before Value, AddGrad, OwnGrad or a metric, with the batch's N×d
// features (row-major, rows aligned with Batch.Out). The term keeps the
// slice (it does not copy it) until the next call.
type Conditioned interface {
	BatchTerm
	SetInputDim(d int)
	SetInputs(x []float64)
}

// GAN is the adversarial realism term of a conditional generator. The
// model's outputs ŷ (K per row) are samples; a discriminator D, a tanh
// MLP with sizes [d+K, Hidden..., 1] and own parameters θ, maps a row
// (x, y) to a logit s and D = σ(s) is its probability that the row is
// real. With n rows, real rows r_i = (x_i, y_i) and generated rows
// f_i = (x_i, ŷ_i) (d = 0 and x absent when Conditional is false):
//
//   - the discriminator minimises the binary cross-entropy
//     J(θ) = −(1/n)Σ log D(r_i) − (1/n)Σ log(1 − D(f_i))
//     = (1/n)Σ softplus(−s(r_i)) + (1/n)Σ softplus(s(f_i)) (OwnGrad);
//   - the model minimises the non-saturating generator loss
//     L = −(1/n)Σ log D(f_i) = (1/n)Σ softplus(−s(f_i)) (Value),
//     whose gradient with respect to ŷ_i is −(1 − D(f_i))/n · ∂s/∂ŷ_i,
//     back-propagated through D's input.
//
// L does not depend on the targets except through D; D does not see λ,
// so at λ = 0 it still trains and its accuracy measures how far from
// realistic the model's samples are. θ is laid out as model.MLP's
// parameters: W_0 … W_L, then b_0 … b_L.
type GAN struct {
	Hidden      []int // discriminator hidden widths (tanh)
	Conditional bool  // D sees x beside y
	Train       OwnTraining

	d      int  // conditioning features per row (SetInputDim)
	dimSet bool // SetInputDim was called
	x      []float64
	k      int
	net    *rowMLP
	in, dx []float64 // one row's discriminator input and its gradient
	ds     []float64 // ∂/∂s of one row (length 1)
}

// Kind returns "adversarial".
func (*GAN) Kind() string { return "adversarial" }

// SampleKind asks for real and generated points.
func (g *GAN) SampleKind() string { return SampleScatter }

var (
	_ Sampler = (*GAN)(nil)
)

// SetInputDim sets the number of conditioning features per row; call it
// before Setup.
func (g *GAN) SetInputDim(d int) { g.d, g.dimSet = d, true }

// SetInputs sets the next batch's N×d conditioning features.
func (g *GAN) SetInputs(x []float64) { g.x = x }

// Setup needs a regression task whose targets match the outputs (K per
// row) and, when conditional, the input width from SetInputDim.
func (g *GAN) Setup(s Shape) error {
	if s.Task != TaskRegression {
		return fmt.Errorf("term adversarial needs a regression task (a conditional generator of the target); this run has task %s", s.Task)
	}
	if s.Targets != s.K || s.K <= 0 {
		return fmt.Errorf("term adversarial: the model has %d outputs per row but the data %d targets; they must match", s.K, s.Targets)
	}
	in := s.K
	if g.Conditional {
		if !g.dimSet || g.d <= 0 {
			return fmt.Errorf("term adversarial (conditional: true) needs the width of the model's conditioning inputs; the trainer calls SetInputDim before Setup")
		}
		in += g.d
	}
	sizes := append(append([]int{in}, g.Hidden...), 1)
	net, err := newRowMLP(sizes, "tanh")
	if err != nil {
		return fmt.Errorf("term adversarial: discriminator: %w", err)
	}
	g.k, g.net = s.K, net
	g.in = make([]float64, in)
	g.dx = make([]float64, in)
	g.ds = make([]float64, 1)
	return nil
}

// Needs: the outputs (and the targets, which every Batch carries).
func (g *GAN) Needs() Needs { return Needs{Outputs: true, Layer: -1} }

// NumOwn returns the number of discriminator parameters.
func (g *GAN) NumOwn() int { return g.net.nParams }

// InitOwn draws Glorot-uniform weights layer by layer; biases are 0.
func (g *GAN) InitOwn(own []float64, rng *rand.Rand) {
	g.checkOwn("own", own)
	g.net.initGlorot(own, rng)
}

// OwnTraining returns the discriminator's optimizer settings.
func (g *GAN) OwnTraining() OwnTraining { return g.Train }

func (g *GAN) checkOwn(name string, p []float64) {
	if len(p) != g.net.nParams {
		panic(fmt.Sprintf("lossterms: adversarial: len(%s) = %d, want %d", name, len(p), g.net.nParams))
	}
}

func (g *GAN) check(b *Batch) {
	checkBatch("adversarial", b, g.Needs())
	g.checkOwn("Own", b.Own)
	if b.K != g.k || len(b.Y) != b.N*g.k {
		panic(fmt.Sprintf("lossterms: adversarial: batch of %d outputs with len(Y) = %d; set up for %d outputs and %d targets per row", b.K, len(b.Y), g.k, g.k))
	}
	if g.Conditional && len(g.x) != b.N*g.d {
		panic(fmt.Sprintf("lossterms: adversarial: len(inputs) = %d, want %d×%d (SetInputs)", len(g.x), b.N, g.d))
	}
}

// logit loads row i of (x, v) into the discriminator input and returns
// its logit s.
func (g *GAN) logit(own []float64, i int, v []float64) float64 {
	c := 0
	if g.Conditional {
		copy(g.in, g.x[i*g.d:(i+1)*g.d])
		c = g.d
	}
	copy(g.in[c:], v[i*g.k:(i+1)*g.k])
	return g.net.forward(own, g.in, g.net.layers()-1)[0]
}

// Value returns L = (1/n)Σ softplus(−s(x_i, ŷ_i)).
func (g *GAN) Value(b *Batch) float64 { return g.gen(nil, b, 0) }

// AddGrad returns L and adds scale·∂L/∂ŷ to dout.
func (g *GAN) AddGrad(dout, dhidden []float64, b *Batch, scale float64) float64 {
	if dout == nil {
		panic("lossterms: adversarial: nil dout")
	}
	if len(dout) != b.N*b.K {
		panic(fmt.Sprintf("lossterms: adversarial: len(dout) = %d, want %d", len(dout), b.N*b.K))
	}
	return g.gen(dout, b, scale)
}

func (g *GAN) gen(dout []float64, b *Batch, scale float64) float64 {
	g.check(b)
	invN := 1 / float64(b.N)
	var sum float64
	ds := g.ds
	for i := range b.N {
		s := g.logit(b.Own, i, b.Out)
		sum += softplus(-s)
		if dout == nil {
			continue
		}
		// ∂softplus(−s)/∂s = −σ(−s) = σ(s) − 1.
		ds[0] = (sigmoid(s) - 1) * invN
		clear(g.dx)
		g.net.backward(b.Own, g.in, g.net.layers()-1, ds, g.dx, 1, nil)
		c := len(g.in) - g.k
		row := dout[i*g.k : (i+1)*g.k]
		for j := range row {
			row[j] += scale * g.dx[c+j]
		}
	}
	return sum * invN
}

// OwnGrad overwrites dst with ∂J/∂θ at b.Own and returns the
// discriminator's loss J = (1/n)Σ softplus(−s(x_i, y_i)) +
// (1/n)Σ softplus(s(x_i, ŷ_i)).
func (g *GAN) OwnGrad(dst []float64, b *Batch) float64 {
	g.checkOwn("dst", dst)
	g.check(b)
	clear(dst)
	invN := 1 / float64(b.N)
	var real, fake float64
	ds := g.ds
	last := g.net.layers() - 1
	for i := range b.N {
		s := g.logit(b.Own, i, b.Y)
		real += softplus(-s)
		ds[0] = (sigmoid(s) - 1) * invN
		g.net.backward(b.Own, g.in, last, ds, nil, 0, dst)

		s = g.logit(b.Own, i, b.Out)
		fake += softplus(s)
		ds[0] = sigmoid(s) * invN
		g.net.backward(b.Own, g.in, last, ds, nil, 0, dst)
	}
	return (real + fake) * invN
}

// DiscriminatorAccuracy returns the fraction of the 2n rows of b, n real
// (x_i, y_i) and n generated (x_i, ŷ_i), that the discriminator with
// parameters b.Own classifies correctly: a row is judged real when its
// logit s > 0 (D > ½), generated otherwise. ½ is chance; 1 means every
// generated sample is told apart.
func (g *GAN) DiscriminatorAccuracy(b *Batch) float64 {
	g.check(b)
	correct := 0
	for i := range b.N {
		if g.logit(b.Own, i, b.Y) > 0 {
			correct++
		}
		if g.logit(b.Own, i, b.Out) <= 0 {
			correct++
		}
	}
	return float64(correct) / float64(2*b.N)
}

// EnergyDistance returns the energy distance between the empirical
// distributions of the rows of a (n_a×d, row-major) and b (n_b×d), the
// V-statistic
//
//	E = (2/(n_a n_b))·Σ_i Σ_j ‖a_i − b_j‖ − (1/n_a²)·Σ_i Σ_i' ‖a_i − a_i'‖
//	    − (1/n_b²)·Σ_j Σ_j' ‖b_j − b_j'‖
//
// with ‖·‖ the Euclidean norm (Székely and Rizzo's 2E‖X−Y‖ − E‖X−X'‖ −
// E‖Y−Y'‖ with every expectation replaced by the mean over all pairs,
// i = i' included). E ≥ 0, and E = 0 exactly when the two samples are the
// same multiset of points; lower is closer. This is the estimator of
// dcor.energy_distance (its default). It costs O((n_a+n_b)²·d) and does
// not allocate. It returns NaN when either sample is empty.
func EnergyDistance(a, b []float64, d int) float64 {
	na, nb := energyRows(a, b, d)
	if na == 0 || nb == 0 {
		return math.NaN()
	}
	ab, aa, bb := meanDist(a, b, d, false), meanDist(a, a, d, false), meanDist(b, b, d, false)
	return 2*ab - aa - bb
}

// EnergyDistanceU is the U-statistic version of EnergyDistance: the
// within-sample means run over pairs i ≠ i' only (divided by n_a(n_a−1)
// and n_b(n_b−1)), which makes it an unbiased estimate of the population
// energy distance; it can be negative. NaN unless both samples have at
// least two rows.
func EnergyDistanceU(a, b []float64, d int) float64 {
	na, nb := energyRows(a, b, d)
	if na < 2 || nb < 2 {
		return math.NaN()
	}
	ab, aa, bb := meanDist(a, b, d, false), meanDist(a, a, d, true), meanDist(b, b, d, true)
	return 2*ab - aa - bb
}

func energyRows(a, b []float64, d int) (int, int) {
	if d <= 0 || len(a)%d != 0 || len(b)%d != 0 {
		panic(fmt.Sprintf("lossterms: energy distance: len(a) = %d, len(b) = %d, not multiples of d = %d", len(a), len(b), d))
	}
	return len(a) / d, len(b) / d
}

// meanDist returns the mean Euclidean distance between the rows of a and
// those of b over all pairs, or, with distinct (a and b the same sample),
// over the pairs i ≠ j.
func meanDist(a, b []float64, d int, distinct bool) float64 {
	na, nb := len(a)/d, len(b)/d
	var s float64
	for i := range na {
		ai := a[i*d : (i+1)*d]
		for j := range nb {
			bj := b[j*d : (j+1)*d]
			var q float64
			for c, v := range ai {
				r := v - bj[c]
				q += r * r
			}
			s += math.Sqrt(q)
		}
	}
	if distinct {
		return s / float64(na*(nb-1))
	}
	return s / float64(na*nb)
}

// Realism returns the energy distance (V-statistic, EnergyDistance)
// between the real joint sample {(x_i, y_i)} and the generated one
// {(x_i, ŷ_i)}: x is n×dx, y and yhat n×dy, row-major. dx may be 0 (the
// marginal of y). Lower is more realistic; 0 when ŷ = y. It allocates
// two n×(dx+dy) matrices.
func Realism(x []float64, dx int, y, yhat []float64, dy int) float64 {
	if dx < 0 || dy <= 0 || len(y)%dy != 0 || len(yhat) != len(y) || len(x) != len(y)/dy*dx {
		panic(fmt.Sprintf("lossterms: realism: len(x) = %d, len(y) = %d, len(yhat) = %d, dx = %d, dy = %d", len(x), len(y), len(yhat), dx, dy))
	}
	n, w := len(y)/dy, dx+dy
	r, f := make([]float64, n*w), make([]float64, n*w)
	for i := range n {
		copy(r[i*w:], x[i*dx:(i+1)*dx])
		copy(f[i*w:], x[i*dx:(i+1)*dx])
		copy(r[i*w+dx:(i+1)*w], y[i*dy:(i+1)*dy])
		copy(f[i*w+dx:(i+1)*w], yhat[i*dy:(i+1)*dy])
	}
	return EnergyDistance(r, f, w)
}

// intListParam returns params[name] as a list of whole numbers in
// [lo, hi] (a single number is a list of one; 0 or an empty list is the
// empty list), def when it is absent.
func intListParam(params map[string]any, name string, def []int, lo, hi int) ([]int, error) {
	v, ok := params[name]
	if !ok {
		return append([]int(nil), def...), nil
	}
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case []int:
		for _, e := range x {
			items = append(items, e)
		}
	case []float64:
		for _, e := range x {
			items = append(items, e)
		}
	default:
		if f, ok := toFloat(v); ok && f == 0 { // exact: 0 means no hidden layer
			return []int{}, nil
		}
		items = []any{v}
	}
	out := make([]int, 0, len(items))
	for _, e := range items {
		f, ok := toFloat(e)
		if !ok || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
			return nil, &ParamError{Param: name, Value: v, Err: fmt.Errorf("must be a whole number or a list of whole numbers between %d and %d", lo, hi)}
		}
		out = append(out, int(f))
	}
	return out, nil
}

// boolParam returns params[name] as a boolean, def when it is absent.
func boolParam(params map[string]any, name string, def bool) (bool, error) {
	v, ok := params[name]
	if !ok {
		return def, nil
	}
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(x) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, &ParamError{Param: name, Value: v, Err: fmt.Errorf("must be true or false")}
}
