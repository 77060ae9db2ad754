package experiments

import (
	"math"
	"strings"
	"testing"
)

// handOpt is the textbook update of one optimizer, written out here in
// float64 (not the code under test): SGD, heavy-ball momentum, Adam with
// bias correction, AdamW with its decoupled decay on the weights.
type handOpt struct {
	name                    string
	lr, mu, b1, b2, eps, wd float64
	vel, m, v               []float64
	step                    int
}

// update returns p − the step for gradient g (the first nw entries are
// weights), advancing the optimizer's state.
func (o *handOpt) update(p, g []float64, nw int) []float64 {
	if o.vel == nil {
		o.vel, o.m, o.v = make([]float64, len(p)), make([]float64, len(p)), make([]float64, len(p))
	}
	o.step++
	out := make([]float64, len(p))
	for i, w := range p {
		switch o.name {
		case "sgd":
			out[i] = w - o.lr*g[i]
		case "momentum":
			o.vel[i] = o.mu*o.vel[i] + g[i]
			out[i] = w - o.lr*o.vel[i]
		default:
			o.m[i] = o.b1*o.m[i] + (1-o.b1)*g[i]
			o.v[i] = o.b2*o.v[i] + (1-o.b2)*g[i]*g[i]
			u := o.m[i] / (1 - math.Pow(o.b1, float64(o.step))) / (math.Sqrt(o.v[i]/(1-math.Pow(o.b2, float64(o.step)))) + o.eps)
			if o.name == "adamw" && i < nw {
				u += o.wd * w
			}
			out[i] = w - o.lr*u
		}
	}
	return out
}

// TestStepByHand_EveryOptimizerPenalty: two training steps of every
// optimizer with every weight penalty and every way of applying l1, in
// both precisions, against the update written out by hand (handOpt) from
// the task gradient of the model's backward pass (checked by its own
// gradient checks): l2 adds 2λw to the weights' gradient; l1 adds λ·sign w
// (subgradient: method subgradient, or auto under adam and adamw) or
// soft-thresholds the weights by lr·λ after the step (proximal: method
// proximal, or auto under sgd and momentum); biases get neither.
// Tolerance: 1e-12 in float64 (the same sums in another order), float32
// rounding (1e-6 + 1e-5 relative) in float32; a penalty at the wrong
// strength, on the biases, or applied the wrong way moves a weight by
// about lr·λ = 2.5e-3 or more.
func TestStepByHand_EveryOptimizerPenalty(t *testing.T) {
	const src = `name: q
seed: 3
dataset: {builtin: moons, params: {samples: 64}}
model: {kind: mlp, hidden: [6], activation: relu}
train: {precision: PREC, optimizer: OPT, learning_rate: 0.05, epochs: 1, batch_size: 16EXTRA}
loss: {terms: [TERM]}
`
	const lambda = 0.05
	const adamKeys = ", beta1: 0.8, beta2: 0.95, epsilon: 1e-8"
	terms := map[string]string{
		"l2":             "{kind: l2, weight: 0.05}",
		"l1":             "{kind: l1, weight: 0.05}",
		"l1-subgradient": "{kind: l1, method: subgradient, weight: 0.05}",
		"l1-proximal":    "{kind: l1, method: proximal, weight: 0.05}",
	}
	for _, prec := range []string{"float64", "float32"} {
		for _, opt := range []string{"sgd", "momentum", "adam", "adamw"} {
			for _, term := range []string{"l2", "l1", "l1-subgradient", "l1-proximal"} {
				t.Run(prec+"-"+opt+"-"+term, func(t *testing.T) {
					extra := map[string]string{"sgd": "", "momentum": ", momentum: 0.9", "adam": adamKeys, "adamw": adamKeys + ", weight_decay: 0.3"}[opt]
					text := strings.NewReplacer("PREC", prec, "OPT", opt, "EXTRA", extra, "TERM", terms[term]).Replace(src)
					tr, err := newTrainer(specRun(t, text, lambda))
					if err != nil {
						t.Fatal(err)
					}
					prox := term == "l1-proximal" || term == "l1" && (opt == "sgd" || opt == "momentum")
					stepByHand(t, tr, &handOpt{name: opt, lr: 0.05, mu: 0.9, b1: 0.8, b2: 0.95, eps: 1e-8, wd: 0.3}, term, lambda, prox)
				})
			}
		}
	}
}

// stepByHand takes two steps of tr on its first batch (rows in order)
// and compares its parameters with o's from the same start.
func stepByHand(t *testing.T, tr *trainer, o *handOpt, term string, lambda float64, prox bool) {
	t.Helper()
	for i := range tr.perm {
		tr.perm[i] = i
	}
	const n = 16
	x := tr.loadBatch(tr.data.Train, 0, n)
	nw := tr.nw
	params := func() []float64 { // the trainer's parameters as float64
		if tr.f32 == nil {
			return append([]float64(nil), tr.param...)
		}
		p := make([]float64, len(tr.f32.param))
		for i, v := range tr.f32.param {
			p[i] = float64(v)
		}
		return p
	}
	tol, rel := 1e-12, 1e-12
	if tr.f32 != nil {
		tol, rel = 1e-6, 1e-5
	}
	p := params()
	for step := 1; step <= 2; step++ {
		var g []float64
		if tr.f32 != nil {
			g = taskGrad32(tr, x, n, tr.f32.param)
		} else {
			out, dout, _ := tr.forwardLoss(x, n)
			_ = out
			g = make([]float64, len(p))
			tr.m.Backward(tr.ws, tr.param, x, dout, n, g)
		}
		for i := 0; i < nw && !prox; i++ {
			switch w := p[i]; {
			case term == "l2":
				g[i] += 2 * lambda * w
			case w != 0:
				g[i] += lambda * math.Copysign(1, w)
			}
		}
		want := o.update(p, g, nw)
		for i := 0; i < nw && prox; i++ {
			want[i] = math.Copysign(math.Max(math.Abs(want[i])-o.lr*lambda, 0), want[i])
		}
		out, dout, loss := tr.forwardLoss(x, n)
		tr.update(x, out, n, dout, loss, false)
		p = params()
		for i, w := range want {
			if d := math.Abs(p[i] - w); d > tol+rel*math.Abs(w) || math.IsNaN(d) {
				kind := "weight"
				if i >= nw {
					kind = "bias"
				}
				t.Fatalf("step %d, param %d (%s; %d weights of %d): trainer %.12g, by hand %.12g", step, i, kind, nw, len(p), p[i], w)
			}
		}
	}
}
