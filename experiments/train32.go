package experiments

import (
	"strings"

	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/experiments/optim"
	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/spec"
)

// prec32 is the float32 state of a run with train.precision: float32:
// parameters, gradient, batch, activations (Workspace32) and optimizer
// state are float32, and the training step (fitSGD's forwardLoss and
// update) runs on them. What is not per step stays float64: the task
// loss and its gradient with respect to the batch outputs (k values a
// row, converted both ways), the gradient diagnostics of the measured
// steps, and the curves and metrics, computed by the float64 code from
// the float32 weights (sync copies them into trainer.param, which holds
// exactly the float32 values throughout).
type prec32 struct {
	ws          *model.Workspace32
	param, grad []float32
	xb, dout    []float32
	out         []float64 // the batch outputs as float64, for the task loss
	opt         optim.Optimizer32
	pens        []pen32
}

// pen32 is a weight penalty of the run with its float32 gradient, or its
// float32 proximal step (prox non-nil: l1 under sgd or momentum, as in
// float64).
type pen32 struct {
	lambda float64
	pen    lossterms.WeightPenalty32
	prox   lossterms.Proximal32
}

// initPrec32 sets up float32 training when the spec asks for it. The
// spec's validation refuses what float32 does not support; the errors
// here are a second line for runs built without it.
func (t *trainer) initPrec32(batch int) error {
	s := t.spec
	if !s.Train.Float32() {
		return nil
	}
	if t.batchTerms > 0 || t.bal != nil || t.noise > 0 {
		return s.Errorf("train.precision", "float32 supports weight penalties only (no batch terms, balancing or noise inputs): use precision float64")
	}
	f := &prec32{
		ws:    t.m.NewWorkspace32(batch),
		param: make([]float32, len(t.param)),
		grad:  make([]float32, len(t.param)),
		xb:    make([]float32, len(t.xb)),
		dout:  make([]float32, batch*t.k),
		out:   make([]float64, batch*t.k),
	}
	tr, np := s.Train, len(t.param)
	switch tr.Optimizer {
	case "sgd":
		f.opt = optim.NewSGD(tr.LearningRate)
	case "momentum":
		f.opt = optim.NewMomentum32(tr.LearningRate, tr.Momentum, np)
	case "adam":
		f.opt = optim.NewAdam32(tr.LearningRate, tr.Beta1, tr.Beta2, tr.Epsilon, np)
	case "adamw":
		f.opt = optim.NewAdamW32(tr.LearningRate, tr.Beta1, tr.Beta2, tr.Epsilon, tr.WeightDecay, t.nw, np)
	default:
		return s.Errorf("train.precision", "float32 supports optimizer %s so far, not %s: use precision float64", strings.Join(spec.Float32Optimizers, ", "), tr.Optimizer)
	}
	for _, p := range t.pens {
		wp, ok := p.pen.(lossterms.WeightPenalty32)
		px, okx := p.prox.(lossterms.Proximal32)
		if !ok || (p.prox != nil && !okx) {
			return s.Errorf("train.precision", "float32 does not support term %s yet: use precision float64", p.name)
		}
		f.pens = append(f.pens, pen32{lambda: p.lambda, pen: wp, prox: px})
	}
	t.f32 = f
	return nil
}

// start rounds the initial parameters to float32, in both copies.
func (f *prec32) start(param []float64) {
	for i, v := range param {
		f.param[i] = float32(v)
		param[i] = float64(f.param[i])
	}
}

// sync copies the float32 parameters into param.
func (f *prec32) sync(param []float64) {
	for i, v := range f.param {
		param[i] = float64(v)
	}
}

// forwardLoss is the float32 forward pass over the batch x (n rows) and
// the task loss, whose gradient is left in f.dout.
func (f *prec32) forwardLoss(t *trainer, x []float64, n int) float64 {
	xb := f.xb[:n*t.din]
	for i, v := range x[:len(xb)] {
		xb[i] = float32(v)
	}
	out := t.m.Forward32(f.ws, f.param, xb, n)
	o := f.out[:len(out)]
	for i, v := range out {
		o[i] = float64(v)
	}
	d := t.dout[:len(out)]
	loss := t.task.LossGrad(d, o, t.yb[:n*t.tpr], n, t.k)
	for i, v := range d {
		f.dout[i] = float32(v)
	}
	return loss
}

// update is the float32 step after forwardLoss: the gradient, the weight
// penalties' gradients, the optimizer's step and the proximal steps. With measure it records
// the gradient diagnostics in float64 and returns the task gradient's
// norm.
func (f *prec32) update(t *trainer, n int, measure bool) (gn float64, ok bool) {
	gn, ok = f.taskGradient(t, n, measure)
	fuse, s := t.fusedL2()
	f.addPenaltyGrads(t, fuse)
	if fuse >= 0 {
		f.opt.(optim.Stepper32L2).Step32L2(f.param, f.grad, float32(s), t.nw)
	} else {
		f.opt.Step32(f.param, f.grad)
	}
	w := f.param[:t.nw]
	for _, p := range f.pens {
		if p.prox != nil && p.lambda > 0 {
			p.prox.Prox32(w, t.lr*p.lambda) // as proxStep
		}
	}
	return gn, ok
}

// gradient sets f.grad to the gradient of the step's objective after
// forwardLoss: the task loss's plus λ times every penalty not applied as
// a proximal step (see update for measure).
func (f *prec32) gradient(t *trainer, n int, measure bool) (gn float64, ok bool) {
	gn, ok = f.taskGradient(t, n, measure)
	f.addPenaltyGrads(t, -1)
	return gn, ok
}

// taskGradient is gradient without the weight penalties.
func (f *prec32) taskGradient(t *trainer, n int, measure bool) (gn float64, ok bool) {
	t.m.Backward32(f.ws, f.param, f.xb, f.dout[:n*t.k], n, f.grad)
	if measure {
		f.sync(t.param)
		for i, v := range f.grad {
			t.grad[i] = float64(v)
		}
		gn, ok = norm(t.grad), true
		t.measureConflict(t.weights(), gn)
	}
	return gn, ok
}

// addPenaltyGrads is trainer.addPenaltyGrads in float32.
func (f *prec32) addPenaltyGrads(t *trainer, skip int) {
	w, gw := f.param[:t.nw], f.grad[:t.nw]
	for i, p := range f.pens {
		if i != skip && p.lambda != 0 && p.prox == nil {
			p.pen.AddGrad32(gw, w, p.lambda)
		}
	}
}

// forwardLoss runs the batch x (n rows) forward and returns the outputs,
// the task loss and, in dout, its gradient (out and dout nil in float32,
// whose buffers are its own).
func (t *trainer) forwardLoss(x []float64, n int) (out, dout []float64, loss float64) {
	if t.f32 != nil {
		return nil, nil, t.f32.forwardLoss(t, x, n)
	}
	out = t.m.Forward(t.ws, t.param, x, n)
	dout = t.dout[:n*t.k]
	return out, dout, t.task.LossGrad(dout, out, t.yb[:n*t.tpr], n, t.k)
}

// update takes one optimizer step from the batch's forwardLoss (see
// stepGrad for gn and ok).
func (t *trainer) update(x, out []float64, n int, dout []float64, loss float64, measure bool) (gn float64, ok bool) {
	if t.f32 != nil {
		return t.f32.update(t, n, measure)
	}
	gn, ok = t.unpenalizedGrad(x, out, n, dout, loss, measure)
	fuse, s := t.fusedL2()
	t.addPenaltyGrads(fuse)
	if fuse >= 0 {
		t.opt.(optim.StepperL2).StepL2(t.param, t.grad, s, t.nw)
	} else {
		t.opt.Step(t.param, t.grad)
	}
	t.proxStep()
	return gn, ok
}
