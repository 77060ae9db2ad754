package optim

import (
	"fmt"
	"math"
)

// Optimizer32 is Optimizer for float32 parameters (train.precision:
// float32): the state (moments) is float32 too. Step32 must not allocate
// or modify grad.
type Optimizer32 interface {
	Step32(params, grad []float32)
	Name() string
}

var (
	_ Optimizer32 = (*SGD)(nil)
	_ Optimizer32 = (*Momentum32)(nil)
	_ Optimizer32 = (*Adam32)(nil)
)

// Step32 sets params ← params − lr·grad in float32 (lr rounded to
// float32; each product rounded before the subtraction).
func (o *SGD) Step32(params, grad []float32) {
	if len(params) != len(grad) {
		panic(fmt.Sprintf("optim: sgd: len(params) = %d, len(grad) = %d", len(params), len(grad)))
	}
	lr := float32(o.LR)
	for i, g := range grad {
		params[i] -= float32(lr * g)
	}
}

// Momentum32 is Momentum with a float32 velocity and update:
//
//	v ← μ·v + g;  p ← p − lr·v
//
// μ and lr rounded to float32, each product rounded before the sum (no
// fused multiply-add), so every CPU gives the same bits.
type Momentum32 struct {
	LR, Mu float64
	v      []float32
}

// NewMomentum32 returns Momentum32 with learning rate lr > 0 and
// coefficient mu ∈ [0, 1) for n parameters.
func NewMomentum32(lr, mu float64, n int) *Momentum32 {
	o := NewMomentum(lr, mu, 0)
	return &Momentum32{LR: o.LR, Mu: o.Mu, v: make([]float32, n)}
}

// Name returns "momentum".
func (*Momentum32) Name() string { return "momentum" }

// Step32 applies one momentum update in float32.
func (o *Momentum32) Step32(params, grad []float32) {
	if len(params) != len(o.v) || len(grad) != len(o.v) {
		panic(fmt.Sprintf("optim: momentum: len(params) = %d, len(grad) = %d, built for %d", len(params), len(grad), len(o.v)))
	}
	lr, mu, v := float32(o.LR), float32(o.Mu), o.v
	for i, g := range grad {
		vi := float32(mu*v[i]) + g
		v[i] = vi
		params[i] -= float32(lr * vi)
	}
}

// Adam32 is Adam (or AdamW, with a weight decay) with float32 moments and
// update. The step count and β^t are kept in float64 and the bias
// corrections rounded to float32 once per step.
type Adam32 struct {
	LR, Beta1, Beta2, Eps float64
	WeightDecay           float64 // AdamW's decoupled decay (0: Adam)
	nWeights              int     // the decay acts on params[:nWeights]
	name                  string
	m, v                  []float32
	b1t, b2t              float64
}

// NewAdam32 returns Adam32 for n parameters (lr > 0, β1, β2 ∈ [0, 1),
// ε > 0).
func NewAdam32(lr, beta1, beta2, eps float64, n int) *Adam32 {
	s := newAdamState("adam", lr, beta1, beta2, eps, 0)
	return &Adam32{LR: s.LR, Beta1: s.Beta1, Beta2: s.Beta2, Eps: s.Eps, name: "adam",
		m: make([]float32, n), v: make([]float32, n), b1t: 1, b2t: 1}
}

// NewAdamW32 returns AdamW in float32 for n parameters whose first
// nWeights are weights (see NewAdamW): on them the step is
//
//	p ← p − lr·((m·c1)/(√(v·c2) + ε) + wd·p)
//
// with wd rounded to float32 and wd·p rounded before the sum.
func NewAdamW32(lr, beta1, beta2, eps, weightDecay float64, nWeights, n int) *Adam32 {
	checkDecay(weightDecay, nWeights, n)
	o := NewAdam32(lr, beta1, beta2, eps, n)
	o.name, o.WeightDecay, o.nWeights = "adamw", weightDecay, nWeights
	return o
}

// Name returns "adam" or "adamw".
func (o *Adam32) Name() string { return o.name }

// Step32 applies one Adam update in float32 (adam32Generic, or its
// 8-wide AVX kernel with the same bits).
func (o *Adam32) Step32(params, grad []float32) { o.Step32L2(params, grad, 0, 0) }

// Step32L2 is Step32 on the gradient grad + s·params over params[:nw]
// (s ≠ 0; 0: none): an L2 penalty's gradient (lossterms.L2's AddGrad32,
// s = float32(2λ)) added as the update reads each element, a multiply and
// an add each rounded to float32 as kernel.AddScaled32 does, so the
// result is bit-identical to AddGrad32 into grad followed by Step32, in
// one pass instead of two. grad is not modified.
func (o *Adam32) Step32L2(params, grad []float32, s float32, nw int) {
	n := len(o.m)
	if len(params) != n || len(grad) != n {
		panic(fmt.Sprintf("optim: adam: len(params) = %d, len(grad) = %d, built for %d", len(params), len(grad), n))
	}
	o.b1t *= o.Beta1
	o.b2t *= o.Beta2
	k := adamConsts32{
		b1: float32(o.Beta1), a1: float32(1 - o.Beta1),
		b2: float32(o.Beta2), a2: float32(1 - o.Beta2),
		c1: float32(1 / (1 - o.b1t)), c2: float32(1 / (1 - o.b2t)),
		eps: float32(o.Eps), lr: float32(o.LR),
	}
	nl := min(nw, n)
	if s == 0 {
		nl = 0
	}
	done := 0
	if o.WeightDecay != 0 {
		// The decayed weights take the reference loop (the AVX kernel
		// has no decay term); the biases after them the kernel.
		done = o.nWeights
		k.wd = float32(o.WeightDecay)
		o.update(params, grad, &k, 0, min(done, nl), s, false)
		o.update(params, grad, &k, min(done, nl), done, 0, false)
		k.wd = 0
	}
	// The rest: the penalised weights, then the others, each with the
	// kernel where the CPU has it and the loop for what is left.
	o.update(params, grad, &k, done, max(done, nl), s, useAVX)
	o.update(params, grad, &k, max(done, nl), n, 0, useAVX)
}

// update runs the Adam update on elements lo..hi-1 with the L2 factor
// s (0: none), the AVX kernel first when avx.
func (o *Adam32) update(params, grad []float32, k *adamConsts32, lo, hi int, s float32, avx bool) {
	if hi <= lo {
		return
	}
	k.l2 = s
	p, m, v, g := params[lo:hi], o.m[lo:hi], o.v[lo:hi], grad[lo:hi]
	done := 0
	if avx {
		done = adam32AVX(p, m, v, g, k, zmm())
	}
	adam32Generic(p[done:], m[done:], v[done:], g[done:], k)
	k.l2 = 0
}

// Stepper32L2 is StepperL2 for float32 (Adam32).
type Stepper32L2 interface {
	Step32L2(params, grad []float32, s float32, nw int)
}

var _ Stepper32L2 = (*Adam32)(nil)

// adamConsts32 are the per-step constants of the float32 Adam update
// (adam32_amd64.s reads them in this order).
type adamConsts32 struct {
	b1, a1, b2, a2 float32 // β1, 1−β1, β2, 1−β2
	c1, c2         float32 // bias corrections 1/(1−β1^t), 1/(1−β2^t)
	eps, lr        float32
	wd             float32 // AdamW's decay (not read by the kernel)
	l2             float32 // an L2 penalty's gradient factor s: g + s·p (0: none)
}

// adam32Generic is the reference float32 Adam update, element by element:
//
//	g ← g + s·p  (with an L2 penalty fused in, s = k.l2 ≠ 0)
//	m ← β1·m + (1−β1)·g;  v ← β2·v + ((1−β2)·g)·g
//	p ← p − lr·((m·c1)/(√(v·c2) + ε))    (+ wd·p inside the bracket with a decay)
//
// every product rounded to float32 on its own (no fused multiply-add; a
// float32 square root through float64 is correctly rounded), as the AVX
// kernel does, so every CPU gives the same bits.
func adam32Generic(p, m, v, g []float32, k *adamConsts32) {
	n := len(g)
	p, m, v = p[:n], m[:n], v[:n]
	for i, gi := range g {
		if k.l2 != 0 {
			gi += float32(k.l2 * p[i]) // as kernel.AddScaled32
		}
		mi := float32(k.b1*m[i]) + float32(k.a1*gi)
		vi := float32(k.b2*v[i]) + float32(float32(k.a2*gi)*gi)
		m[i], v[i] = mi, vi
		den := float32(math.Sqrt(float64(float32(vi*k.c2)))) + k.eps
		u := float32(mi*k.c1) / den
		if k.wd != 0 {
			u += float32(k.wd * p[i])
		}
		p[i] -= float32(k.lr * u)
	}
}
