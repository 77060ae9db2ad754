package optim

import (
	"fmt"
	"math"
)

// Optimizer updates params in place from grad. Implementations keep their
// state (moments, step count) and must not allocate in Step. Step must not
// modify grad.
type Optimizer interface {
	Step(params, grad []float64)
	Name() string
}

var (
	_ Optimizer = (*SGD)(nil)
	_ Optimizer = (*Momentum)(nil)
	_ Optimizer = (*Adam)(nil)
	_ Optimizer = (*AdamW)(nil)
)

func checkPositive(name string, v float64) {
	if !(v > 0) || math.IsInf(v, 1) {
		panic(fmt.Sprintf("optim: %s must be a positive finite number (got %v)", name, v))
	}
}

func checkUnit(name string, v float64) {
	if !(v >= 0 && v < 1) {
		panic(fmt.Sprintf("optim: %s must be in [0, 1) (got %v)", name, v))
	}
}

func checkLens(name string, params, grad []float64, n int) {
	if len(params) != len(grad) || (n >= 0 && len(params) != n) {
		panic(fmt.Sprintf("optim: %s: len(params) = %d, len(grad) = %d, built for %d", name, len(params), len(grad), n))
	}
}

// SGD is plain stochastic gradient descent: p ← p − lr·g.
type SGD struct {
	LR float64 // learning rate; may be changed between steps (a schedule)
}

// NewSGD returns SGD with learning rate lr > 0.
func NewSGD(lr float64) *SGD {
	checkPositive("learning rate", lr)
	return &SGD{LR: lr}
}

// Name returns "sgd".
func (*SGD) Name() string { return "sgd" }

// Step sets params ← params − lr·grad.
func (o *SGD) Step(params, grad []float64) {
	checkLens("sgd", params, grad, -1)
	lr := o.LR
	for i, g := range grad {
		params[i] -= lr * g
	}
}

// Momentum is classical (heavy-ball) momentum in the form
//
//	v ← μ·v + g
//	p ← p − lr·v
//
// with v starting at 0 (so its first step equals SGD's).
type Momentum struct {
	LR float64 // learning rate; may be changed between steps
	Mu float64 // momentum coefficient μ ∈ [0, 1)
	v  []float64
}

// NewMomentum returns heavy-ball momentum with learning rate lr > 0 and
// coefficient mu ∈ [0, 1) for n parameters.
func NewMomentum(lr, mu float64, n int) *Momentum {
	checkPositive("learning rate", lr)
	checkUnit("momentum", mu)
	return &Momentum{LR: lr, Mu: mu, v: make([]float64, n)}
}

// Name returns "momentum".
func (*Momentum) Name() string { return "momentum" }

// Step applies one momentum update.
func (o *Momentum) Step(params, grad []float64) {
	checkLens("momentum", params, grad, len(o.v))
	lr, mu, v := o.LR, o.Mu, o.v
	for i, g := range grad {
		v[i] = mu*v[i] + g
		params[i] -= lr * v[i]
	}
}

// adamState is the moment estimates shared by Adam and AdamW.
type adamState struct {
	LR, Beta1, Beta2, Eps float64
	m, v                  []float64
	t                     int     // steps taken
	b1t, b2t              float64 // β1^t, β2^t
}

func newAdamState(name string, lr, beta1, beta2, eps float64, n int) adamState {
	checkPositive("learning rate", lr)
	checkUnit(name+" beta1", beta1)
	checkUnit(name+" beta2", beta2)
	checkPositive(name+" epsilon", eps)
	if n < 0 {
		panic(fmt.Sprintf("optim: %s: negative size %d", name, n))
	}
	return adamState{LR: lr, Beta1: beta1, Beta2: beta2, Eps: eps,
		m: make([]float64, n), v: make([]float64, n), b1t: 1, b2t: 1}
}

// step applies the bias-corrected Adam update, plus the decoupled decay
// p ← p − lr·wd·p on params[:nDecay] (the decay uses p before the step).
func (s *adamState) step(params, grad []float64, wd float64, nDecay int) {
	s.stepL2(params, grad, wd, nDecay, 0, 0)
}

// stepL2 is step on the gradient grad + l2·params over params[:nL2]
// (l2 ≠ 0; 0: none), added element by element as the update reads it
// (adamGeneric), so grad is not modified.
func (s *adamState) stepL2(params, grad []float64, wd float64, nDecay int, l2 float64, nL2 int) {
	s.t++
	s.b1t *= s.Beta1
	s.b2t *= s.Beta2
	b1, b2 := s.Beta1, s.Beta2
	c1 := 1 / (1 - s.b1t) // bias corrections
	c2 := 1 / (1 - s.b2t)
	n := len(grad)
	k := adamConsts{b1: b1, a1: 1 - b1, b2: b2, a2: 1 - b2, c1: c1, c2: c2, eps: s.Eps, lr: s.LR}
	// The parameters in pieces, cut where the decay or the penalty ends.
	nd, nl := min(nDecay, n), min(nL2, n)
	if l2 == 0 {
		nl = 0
	}
	lo := 0
	for _, hi := range [3]int{min(nd, nl), max(nd, nl), n} {
		if hi <= lo {
			continue
		}
		k.wd, k.l2 = 0, 0
		if lo < nd {
			k.wd = wd
		}
		if lo < nl {
			k.l2 = l2
		}
		adamUpdate(params[lo:hi], s.m[lo:hi], s.v[lo:hi], grad[lo:hi], &k)
		lo = hi
	}
}

// Adam is the adaptive-moment method of Kingma & Ba (2015) with bias
// correction:
//
//	m ← β1·m + (1−β1)·g,   v ← β2·v + (1−β2)·g²
//	p ← p − lr · m̂ / (√v̂ + ε),   m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)
type Adam struct {
	adamState
}

// NewAdam returns Adam for n parameters (lr > 0, β1, β2 ∈ [0, 1), ε > 0).
func NewAdam(lr, beta1, beta2, eps float64, n int) *Adam {
	return &Adam{newAdamState("adam", lr, beta1, beta2, eps, n)}
}

// Name returns "adam".
func (*Adam) Name() string { return "adam" }

// Step applies one Adam update.
func (o *Adam) Step(params, grad []float64) {
	checkLens("adam", params, grad, len(o.m))
	o.step(params, grad, 0, 0)
}

// StepL2 is Step on the gradient grad + s·params over params[:nw]: an L2
// penalty's gradient (lossterms.L2 with s = 2λ) added as the update reads
// each element, a multiply and an add rounded as kernel.AddScaled does,
// so the result is bit-identical to AddGrad into grad followed by Step,
// in one pass over the parameters instead of two. grad is not modified.
func (o *Adam) StepL2(params, grad []float64, s float64, nw int) {
	checkLens("adam", params, grad, len(o.m))
	o.stepL2(params, grad, 0, 0, s, nw)
}

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter, 2019):
//
//	p ← p − lr · (m̂ / (√v̂ + ε) + wd·p)
//
// where the decay term wd·p is applied only to the first nWeights entries
// (the weights; the biases follow them) and is not divided by the adaptive
// denominator, unlike an L2 penalty added to the gradient.
type AdamW struct {
	adamState
	WeightDecay float64
	nWeights    int
}

// NewAdamW returns AdamW for n parameters whose first nWeights are weights
// (0 ≤ nWeights ≤ n) and weightDecay ≥ 0.
func NewAdamW(lr, beta1, beta2, eps, weightDecay float64, nWeights, n int) *AdamW {
	checkDecay(weightDecay, nWeights, n)
	return &AdamW{newAdamState("adamw", lr, beta1, beta2, eps, n), weightDecay, nWeights}
}

func checkDecay(weightDecay float64, nWeights, n int) {
	if !(weightDecay >= 0) || math.IsInf(weightDecay, 1) {
		panic(fmt.Sprintf("optim: adamw weight decay must be a finite number ≥ 0 (got %v)", weightDecay))
	}
	if nWeights < 0 || nWeights > n {
		panic(fmt.Sprintf("optim: adamw: nWeights = %d not in [0, %d]", nWeights, n))
	}
}

// Name returns "adamw".
func (*AdamW) Name() string { return "adamw" }

// Step applies one AdamW update.
func (o *AdamW) Step(params, grad []float64) {
	checkLens("adamw", params, grad, len(o.m))
	o.step(params, grad, o.WeightDecay, o.nWeights)
}

// StepL2 is Adam.StepL2 for AdamW.
func (o *AdamW) StepL2(params, grad []float64, s float64, nw int) {
	checkLens("adamw", params, grad, len(o.m))
	o.stepL2(params, grad, o.WeightDecay, o.nWeights, s, nw)
}

// StepperL2 is implemented by the optimizers that fuse an L2 penalty's
// gradient into their update (Adam, AdamW; float32: Adam32): StepL2
// equals adding s·params[i] to grad[i] for i < nw (a multiply and an add,
// each rounded) and then Step, bit for bit, without modifying grad.
type StepperL2 interface {
	StepL2(params, grad []float64, s float64, nw int)
}

var (
	_ StepperL2 = (*Adam)(nil)
	_ StepperL2 = (*AdamW)(nil)
)
