package experiments

import (
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// opt32Spec is a small float32 network on the moons with one weight
// penalty: OPT, EXTRA (more train keys) and TERM are filled in.
const opt32Spec = `name: q
seed: 3
dataset: {builtin: moons, params: {samples: 64}}
model: {kind: mlp, hidden: [6], activation: relu}
train: {precision: float32, optimizer: OPT, learning_rate: 0.05, epochs: 1, batch_size: 16EXTRA}
loss: {terms: [{kind: TERM, weight: 0.05}]}
`

const lambda32 = 0.05

// opt32Trainer returns a float32 trainer of opt32Spec with its first batch
// (rows in order).
func opt32Trainer(t *testing.T, opt, extra, term string) (*trainer, []float64, int) {
	t.Helper()
	src := strings.NewReplacer("OPT", opt, "EXTRA", extra, "TERM", term).Replace(opt32Spec)
	tr, err := newTrainer(specRun(t, src, lambda32))
	if err != nil {
		t.Fatal(err)
	}
	if tr.f32 == nil {
		t.Fatal("not a float32 trainer")
	}
	for i := range tr.perm {
		tr.perm[i] = i
	}
	n := 16
	return tr, tr.loadBatch(tr.data.Train, 0, n), n
}

// taskGrad32 returns the float32 task gradient at p on the batch x, as
// float64 (the model's Backward32, checked by its own gradient check).
func taskGrad32(tr *trainer, x []float64, n int, p []float32) []float64 {
	f := tr.f32
	copy(f.param, p)
	f.forwardLoss(tr, x, n)
	g := make([]float32, len(p))
	tr.m.Backward32(f.ws, f.param, f.xb, f.dout[:n*tr.k], n, g)
	out := make([]float64, len(g))
	for i, v := range g {
		out[i] = float64(v)
	}
	return out
}

// TestPrecision32_StepByHand: two float32 steps of each optimizer with a
// penalty match the update computed by hand here in float64 from the
// textbook formulas (the task gradient from Backward32), within float32
// rounding: the penalty's gradient (l2: 2λw, l1: λ·sign w) or its
// proximal step (l1 under sgd and momentum: soft-threshold by lr·λ after
// the step) acts on the weights only.
func TestPrecision32_StepByHand(t *testing.T) {
	const lr, mu, b1, b2, eps, wd = 0.05, 0.9, 0.8, 0.95, 1e-8, 0.3
	tests := []struct {
		opt, extra, term string
		prox             bool
	}{
		{"sgd", "", "l1", true},
		{"momentum", ", momentum: 0.9", "l2", false},
		{"momentum", ", momentum: 0.9", "l1", true},
		{"adamw", ", beta1: 0.8, beta2: 0.95, epsilon: 1e-8, weight_decay: 0.3", "l1", false},
		{"adamw", ", beta1: 0.8, beta2: 0.95, epsilon: 1e-8, weight_decay: 0.3", "l2", false},
		{"adam", ", beta1: 0.8, beta2: 0.95, epsilon: 1e-8", "l1", false},
	}
	for _, tc := range tests {
		t.Run(tc.opt+"-"+tc.term, func(t *testing.T) {
			tr, x, n := opt32Trainer(t, tc.opt, tc.extra, tc.term)
			np, nw := len(tr.f32.param), tr.nw
			vel, m, v := make([]float64, np), make([]float64, np), make([]float64, np)
			p := append([]float32(nil), tr.f32.param...)
			for step := 1; step <= 2; step++ {
				g := taskGrad32(tr, x, n, p)
				want := make([]float64, np)
				for i := range g {
					w := float64(p[i])
					if i < nw && !tc.prox {
						if tc.term == "l2" {
							g[i] += lambda32 * 2 * w
						} else if w != 0 {
							g[i] += lambda32 * math.Copysign(1, w)
						}
					}
					switch tc.opt {
					case "sgd":
						want[i] = w - lr*g[i]
					case "momentum":
						vel[i] = mu*vel[i] + g[i]
						want[i] = w - lr*vel[i]
					default:
						m[i] = b1*m[i] + (1-b1)*g[i]
						v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
						mh := m[i] / (1 - math.Pow(b1, float64(step)))
						vh := v[i] / (1 - math.Pow(b2, float64(step)))
						u := mh / (math.Sqrt(vh) + eps)
						if tc.opt == "adamw" && i < nw {
							u += wd * w
						}
						want[i] = w - lr*u
					}
					if tc.prox && i < nw {
						a := math.Abs(want[i]) - lr*lambda32
						want[i] = math.Copysign(math.Max(a, 0), want[i])
					}
				}
				copy(tr.f32.param, p)
				tr.forwardLoss(x, n)
				tr.update(x, nil, n, nil, 0, false)
				for i, w := range want {
					got := float64(tr.f32.param[i])
					if d := math.Abs(got - w); d > 1e-6+1e-5*math.Abs(w) {
						t.Fatalf("step %d, param %d of %d (weights %d): float32 step %.9g, by hand %.9g", step, i, np, nw, got, w)
					}
				}
				copy(p, tr.f32.param)
			}
		})
	}
}

// TestPrecision32_PenaltyGradcheck: the gradient a float32 step takes
// (task plus λ times the penalty: l2, or l1's subgradient under adam and
// adamw) matches central differences of the objective computed in
// float32, at the float32 step and tolerance of the model's check
// (experiments/model/mlp32_test.go: h = 2^-12, tolerance 1e-2; a wrong
// factor or sign in a penalty errs by λ or more, 0.05 here, on every
// weight).
func TestPrecision32_PenaltyGradcheck(t *testing.T) {
	for _, tc := range []struct{ opt, term string }{{"adam", "l2"}, {"adamw", "l1"}, {"momentum", "l2"}} {
		t.Run(tc.opt+"-"+tc.term, func(t *testing.T) {
			tr, x, n := opt32Trainer(t, tc.opt, "", tc.term)
			f32 := tr.f32
			pen := tr.pens[0].pen
			set := func(p []float64) {
				for i, v := range p {
					f32.param[i] = float32(v)
				}
			}
			obj := func(p []float64) float64 {
				set(p)
				return f32.forwardLoss(tr, x, n) + lambda32*pen.Value(p[:tr.nw])
			}
			grad := func(dst, p []float64) {
				set(p)
				f32.forwardLoss(tr, x, n)
				f32.gradient(tr, n, false)
				for i, v := range f32.grad {
					dst[i] = float64(v)
				}
			}
			p0 := make([]float64, len(f32.param))
			for i, v := range f32.param {
				p0[i] = float64(v)
			}
			gradcheck.CheckStep(t, obj, grad, p0, 1.0/4096, 1e-2)
		})
	}
}
