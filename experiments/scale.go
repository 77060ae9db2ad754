package experiments

import (
	"math"

	"github.com/lossexp/lossexp/spec"
)

// λ on the scale of the task. A term may carry `scale:` beside its weight:
//
//	- kind: l2
//	  weight: {logspace: {from: 1e-3, to: 10, num: 9}}
//	  scale: initial_loss      # or initial_grad
//
// Then the λ of the grid is relative, and the trainer uses the effective
//
//	initial_loss:  λ_eff = λ · L_task(θ0) / R(θ0)
//	initial_grad:  λ_eff = λ · ‖∇L_task(θ0)‖ / ‖∇R(θ0)‖
//
// where θ0 are the run's initial parameters (repeat r's initialization,
// the same at every λ), L_task is the mean task loss over the whole
// training split at θ0, R the term's unweighted value (L2 = Σw², L1 = Σ|w|)
// at θ0, and the gradients are taken over every parameter (the term's is
// zero on biases; L1's is sign(w)). So λ = 1 means "the term weighs as
// much as the task at the start" (initial_loss) or "its gradient is as
// large as the task's at the start" (initial_grad), whatever the raw size
// of the term: one grid fits terms that differ by orders of magnitude.
//
// The factor depends on the effective spec and the repeat (its data and
// initialization) and on nothing else: it is part of the run's pure
// function, the same whatever the worker count or a resume. runs.csv
// records λ_eff in lambda_eff.<term>; lambda.<term> keeps the λ of the
// grid. Scale is supported for weight penalties only (the terms whose
// value at θ0 depends on the weights alone); Validate refuses the others.

// InitialScales returns, for every term of run's spec, the factor its λ
// is multiplied by (1 for a term without scale): see above. run.Lambdas
// play no part. It builds the run's trainer to reach θ0, so it costs one
// initialization and one full-batch forward and backward pass.
func InitialScales(run *Run) ([]float64, error) {
	s := run.Spec
	f := make([]float64, len(s.Loss.Terms))
	for i := range f {
		f[i] = 1
	}
	if !s.HasScale() {
		return f, nil
	}
	t, err := newTrainer(run)
	if err != nil {
		return nil, err
	}
	return t.initialScales()
}

// initialScales measures the factors at the trainer's current parameters,
// which must be θ0 (before any step).
func (t *trainer) initialScales() ([]float64, error) {
	s := t.spec
	f := make([]float64, len(s.Loss.Terms))
	for i := range f {
		f[i] = 1
	}
	if !s.HasScale() {
		return f, nil
	}
	tr := t.data.Train
	ws := t.m.NewWorkspace(tr.N)
	x := t.inputs(tr)
	out := t.m.Forward(ws, t.param, x, tr.N)
	dout := make([]float64, tr.N*t.k)
	loss := t.task.LossGrad(dout, out, tr.Y[:tr.N*t.tpr], tr.N, t.k)
	grad := make([]float64, len(t.param))
	t.m.Backward(ws, t.param, x, dout, tr.N, grad)
	gnorm := norm(grad)
	w := t.weights()
	tg := make([]float64, len(w))
	for i, ts := range s.Loss.Terms {
		if ts.Weight.Scale == "" {
			continue
		}
		var pp *penalty
		for k := range t.pens {
			if t.pens[k].name == ts.Name {
				pp = &t.pens[k]
			}
		}
		if pp == nil || pp.pen == nil {
			return nil, s.Errorf(spec.IndexField("loss.terms", i)+".scale", "scale is supported for weight penalties only; term %s is not one", ts.Name)
		}
		var num, den float64
		switch ts.Weight.Scale {
		case spec.ScaleInitialLoss:
			num, den = loss, pp.pen.Value(w)
		case spec.ScaleInitialGrad:
			clear(tg)
			pp.pen.AddGrad(tg, w, 1)
			num, den = gnorm, norm(tg)
		default:
			return nil, s.Errorf(spec.IndexField("loss.terms", i)+".scale", "unknown scale %q", ts.Weight.Scale)
		}
		r := num / den
		if den == 0 || math.IsNaN(r) || math.IsInf(r, 0) {
			return nil, s.Errorf(spec.IndexField("loss.terms", i)+".scale",
				"scale %s of term %s is undefined: task %g and term %g at initialization", ts.Weight.Scale, ts.Name, num, den)
		}
		f[i] = r
	}
	return f, nil
}

// applyScales multiplies the λ of every scaled term by its factor at θ0
// (initialScales); the trainer must not have taken a step yet.
func (t *trainer) applyScales() error {
	if !t.spec.HasScale() {
		return nil
	}
	f, err := t.initialScales()
	if err != nil {
		return err
	}
	for k := range t.pens {
		for i, ts := range t.spec.Loss.Terms {
			if ts.Name == t.pens[k].name && ts.Weight.Scale != "" {
				t.pens[k].lambda = EffectiveLambda(t.pens[k].lambda, f[i])
			}
		}
	}
	return nil
}

// EffectiveLambda is λ_eff = λ·factor, the one expression the trainer and
// the tables use, so that lambda_eff.<term> is the λ that was trained.
func EffectiveLambda(lambda, factor float64) float64 { return lambda * factor }
