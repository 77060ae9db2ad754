package experiments

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/spec"
)

// mustPrepare opens s's data and prepares the splits of repeat r.
func mustPrepare(t *testing.T, s *spec.Spec, r int) *dataset.Splits {
	t.Helper()
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := d.Prepare(r)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// TestTrain_OneStepByHand replays full-batch training steps by hand and
// compares the trainer's parameters with them: the task gradient from
// central differences of the task loss (not the model's backward pass),
// the L2 penalty's gradient 2λw on the weights only, the optimizer's
// update written out (SGD, heavy-ball momentum, Adam with bias
// correction), and the proximal L1 step w ← sign(w)·max(|w| − lr·λ, 0)
// after it. An L2 at half strength, a prox threshold of λ instead of
// lr·λ, a penalty on the biases, a momentum or Adam formula off by a
// factor: each moves a parameter by far more than the tolerance.
func TestTrain_OneStepByHand(t *testing.T) {
	const src = `
name: onestep
dataset: {builtin: blobs, params: {samples: 40, features: 6, classes: 3, spread: 3}}
model: {kind: linear}
train: {optimizer: OPT, learning_rate: 0.1, batch_size: 0, epochs: 3}
loss:
  terms: [TERMS]
`
	for _, tc := range []struct {
		name, opt, terms string
		lambdas          []float64 // l2, then l1 when present
	}{
		{"sgd_l2", "sgd", "{kind: l2, weight: 0.3}", []float64{0.3}},
		{"momentum_l2", "momentum", "{kind: l2, weight: 0.3}", []float64{0.3}},
		{"adam_l2", "adam", "{kind: l2, weight: 0.3}", []float64{0.3}},
		{"sgd_l2_prox_l1", "sgd", "{kind: l2, weight: 0.3}, {kind: l1, weight: 0.8}", []float64{0.3, 0.8}},
		{"momentum_prox_l1", "momentum", "{kind: l2, weight: 0}, {kind: l1, weight: 1.2}", []float64{0, 1.2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, strings.NewReplacer("OPT", tc.opt, "TERMS", tc.terms).Replace(src))
			sp := mustPrepare(t, s, 0)
			tr, err := newTrainer(&Run{Spec: s, Data: sp, Lambdas: tc.lambdas})
			if err != nil {
				t.Fatal(err)
			}
			p := append([]float64(nil), tr.param...)
			nw := tr.nw
			if nw == 0 || nw == len(p) {
				t.Fatalf("%d weights of %d parameters: the test needs both weights and biases", nw, len(p))
			}

			// The task loss over the whole training split, in row order.
			ds := sp.Train
			ws := tr.m.NewWorkspace(ds.N)
			task := func(q []float64) float64 {
				return tr.task.Loss(tr.m.Forward(ws, q, ds.X, ds.N), ds.Y, ds.N, tr.k)
			}
			const h = 1e-6
			grad := make([]float64, len(p))
			lr, mu := s.Train.LearningRate, s.Train.Momentum
			b1, b2, eps := s.Train.Beta1, s.Train.Beta2, s.Train.Epsilon
			v := make([]float64, len(p)) // momentum velocity, Adam's second moment
			m := make([]float64, len(p)) // Adam's first moment
			zeros := 0
			for step := 1; step <= s.Train.Epochs; step++ {
				for i := range p {
					keep := p[i]
					p[i] = keep + h
					fp := task(p)
					p[i] = keep - h
					fm := task(p)
					p[i] = keep
					grad[i] = (fp - fm) / (2 * h)
				}
				for i := 0; i < nw; i++ { // L2 = λ·Σw² on the weights: 2λw
					grad[i] += 2 * tc.lambdas[0] * p[i]
				}
				switch tc.opt {
				case "sgd":
					for i := range p {
						p[i] -= lr * grad[i]
					}
				case "momentum":
					for i := range p {
						v[i] = mu*v[i] + grad[i]
						p[i] -= lr * v[i]
					}
				case "adam":
					for i := range p {
						m[i] = b1*m[i] + (1-b1)*grad[i]
						v[i] = b2*v[i] + (1-b2)*grad[i]*grad[i]
						mh := m[i] / (1 - math.Pow(b1, float64(step)))
						vh := v[i] / (1 - math.Pow(b2, float64(step)))
						p[i] -= lr * mh / (math.Sqrt(vh) + eps)
					}
				}
				if len(tc.lambdas) > 1 { // proximal L1 on the weights
					th := lr * tc.lambdas[1]
					for i := 0; i < nw; i++ {
						a := math.Abs(p[i]) - th
						if a <= 0 {
							p[i] = 0
							zeros++
						} else {
							p[i] = math.Copysign(a, p[i])
						}
					}
				}
			}
			t.Logf("%d of %d weight-steps zeroed", zeros, nw*s.Train.Epochs)
			if len(tc.lambdas) > 1 && (zeros == 0 || zeros == nw*s.Train.Epochs) {
				t.Fatalf("the threshold zeroes %d of %d weight-steps: choose λ so that it zeroes some, not all", zeros, nw*s.Train.Epochs)
			}

			res := Result{Status: StatusOK}
			if reason, err := tr.fitSGD(context.Background(), &res); err != nil || reason != "" {
				t.Fatalf("fitSGD: %v %s", err, reason)
			}
			// Central differences are good to ~1e-9 here; 1e-7 leaves room
			// and is 1e4 below what any planted factor moves.
			for i := range p {
				if math.Abs(tr.param[i]-p[i]) > 1e-7*math.Max(1, math.Abs(p[i])) {
					kind := "weight"
					if i >= nw {
						kind = "bias"
					}
					t.Errorf("param %d (%s) = %.12g after %d steps, %.12g by hand", i, kind, tr.param[i], s.Train.Epochs, p[i])
				}
			}
		})
	}
}
