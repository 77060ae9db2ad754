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
func (o *Adam32) Step32(params, grad []float32) {
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
	done := 0
	if o.WeightDecay != 0 {
		// The decayed weights take the reference loop (the AVX kernel
		// has no decay term); the biases after them the kernel.
		done = o.nWeights
		k.wd = float32(o.WeightDecay)
		adam32Generic(params[:done], o.m[:done], o.v[:done], grad[:done], &k)
		k.wd = 0
	}
	if useAVX {
		done += adam32AVX(params[done:], o.m[done:], o.v[done:], grad[done:], &k, zmm())
	}
	adam32Generic(params[done:], o.m[done:], o.v[done:], grad[done:], &k)
}

// adamConsts32 are the per-step constants of the float32 Adam update
// (adam32_amd64.s reads them in this order).
type adamConsts32 struct {
	b1, a1, b2, a2 float32 // β1, 1−β1, β2, 1−β2
	c1, c2         float32 // bias corrections 1/(1−β1^t), 1/(1−β2^t)
	eps, lr        float32
	wd             float32 // AdamW's decay (not read by the kernel)
}

// adam32Generic is the reference float32 Adam update, element by element:
//
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
