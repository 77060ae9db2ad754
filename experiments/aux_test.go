package experiments

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/spec"
)

// stepObjective returns, for the trainer's current batch (loadBatch of
// n rows, its noise inputs included), the objective a training step
// differentiates at param: the task loss plus λ·Value of every batch term
// (with the terms' own parameters as they are now) and of every weight
// penalty not applied as a proximal step.
func stepObjective(t *trainer, n int) func(param []float64) float64 {
	x := append([]float64(nil), t.xb[:n*t.din]...)
	return func(param []float64) float64 {
		out := t.m.Forward(t.ws, param, x, n)
		f := t.task.Loss(out, t.yb[:n*t.tpr], n, t.k)
		for p := range t.pens {
			pp := &t.pens[p]
			if st := pp.batchTerm; st != nil && pp.lambda != 0 {
				t.fillBatch(st, out, n)
				f += pp.lambda * st.term.Value(&st.b)
			}
			if pp.pen != nil && pp.prox == nil && pp.lambda != 0 {
				f += pp.lambda * pp.pen.Value(param[:t.nw])
			}
		}
		return f
	}
}

// TestTrain_BatchStepGradient checks the gradient of one training step
// (stepGrad: the task, every batch term and every weight penalty, as
// fitSGD hands it to the optimizer) against central differences of the
// step's objective over every model parameter: the L2 and subgradient-L1
// penalties alone and beside batch terms; fairness, decorrelation and
// adversarial_debias; through the segmentation
// loss and the aux head (into the hidden layer it reads), on both the
// single backward pass and the measured path that back-propagates each
// term alone; through the discriminator's input into a generator with
// noise inputs (adversarial) and through the frozen classifier φ
// (perceptual).
func TestTrain_BatchStepGradient(t *testing.T) {
	for _, tc := range []struct{ name, spec string }{
		{"l2_and_l1_penalties", `
name: g
dataset: {builtin: moons, params: {samples: 30}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {optimizer: adam, batch_size: 6}
loss:
  terms: [{kind: l2, weight: 0.3}, {kind: l1, method: subgradient, weight: 0.2}]
`},
		{"fairness_with_l2", `
name: g
dataset: {builtin: fair, params: {samples: 40, groups: 3}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {batch_size: 12}
loss:
  terms: [{kind: fairness, metric: equalized_odds, weight: 0.7}, {kind: l2, weight: 0.2}]
`},
		{"fairness_demographic_parity", `
name: g
dataset: {builtin: fair, params: {samples: 40, groups: 2}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {batch_size: 12}
loss:
  terms: [{kind: fairness, weight: 0.9}]
`},
		{"decorrelation_two_layers", `
name: g
dataset: {builtin: factors, params: {samples: 30}}
model: {kind: mlp, hidden: [5, 4], activation: tanh}
train: {batch_size: 6}
loss:
  terms: [{kind: decorrelation, layer: 0, weight: 0.5}, {kind: decorrelation, name: d2, weight: 0.3}, {kind: l2, weight: 0.1}]
`},
		{"adversarial_debias", `
name: g
dataset: {builtin: fair, params: {samples: 40, groups: 3}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {batch_size: 12}
loss:
  terms: [{kind: adversarial_debias, metric: equalized_odds, steps: 2, weight: 0.6}]
`},
		{"aux_on_segmentation", `
name: g
dataset: {builtin: edges, params: {samples: 20, length: 8}}
model: {kind: mlp, hidden: [5, 4], activation: tanh}
train: {batch_size: 6}
loss:
  terms: [{kind: aux, layer: 0, hidden: 3, weight: 0.7}, {kind: aux, name: a2, loss: mse, weight: 0.4}]
`},
		{"temporal_across_frames", `
name: g
dataset: {builtin: sequences, params: {sequences: 6, length: 10}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {batch_size: 6}
loss:
  terms: [{kind: temporal, norm: l2_squared, weight: 0.7}]
`},
		{"adversarial_through_discriminator", `
name: g
dataset: {builtin: multimodal, params: {samples: 30}}
model: {kind: mlp, hidden: [5], activation: tanh, noise: 2}
train: {batch_size: 6}
loss:
  task: mse
  terms: [{kind: adversarial, hidden: [4], steps: 2, weight: 0.7}]
`},
		{"perceptual_through_phi", `
name: g
dataset: {builtin: glyphs, params: {samples: 40}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {batch_size: 6}
loss:
  task: mse
  terms: [{kind: perceptual, hidden: [6], activation: tanh, epochs: 3, weight: 0.7}]
`},
		{"perceptual_logits_relu", `
name: g
dataset: {builtin: glyphs, params: {samples: 40}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {batch_size: 6}
loss:
  task: mse
  terms: [{kind: perceptual, hidden: [6, 5], layer: 2, epochs: 3, weight: 0.3}]
`},
	} {
		for _, measure := range []bool{false, true} {
			t.Run(tc.name+map[bool]string{false: "_fused", true: "_measured"}[measure], func(t *testing.T) {
				s := mustParse(t, tc.spec)
				sp := mustPrepare(t, s, 0)
				lam := make([]float64, len(s.Loss.Terms))
				for i, ts := range s.Loss.Terms {
					lam[i] = ts.Weight.Values[0]
				}
				tr, err := newTrainer(&Run{Spec: s, Data: sp, Lambdas: lam})
				if err != nil {
					t.Fatal(err)
				}
				for i := range tr.perm {
					tr.perm[i] = len(tr.perm) - 1 - i
				}
				n := len(tr.yb) / tr.tpr
				x := tr.loadBatch(sp.Train, 0, n)
				out := tr.m.Forward(tr.ws, tr.param, x, n)
				dout := tr.dout[:n*tr.k]
				loss := tr.task.LossGrad(dout, out, tr.yb[:n*tr.tpr], n, tr.k)
				tr.stepGrad(x, out, n, dout, loss, measure)
				analytic := append([]float64(nil), tr.grad...)
				f := stepObjective(tr, n)
				gradcheck.Check(t, f, func(dst, p []float64) { copy(dst, analytic) }, append([]float64(nil), tr.param...), gradcheck.Tol)
			})
		}
	}
}

// TestTrain_AuxSegmentationMetrics: a segmentation run with an aux term
// reports accuracy, IoU, boundary F1 and the head's accuracy and loss on
// every split, all in range.
func TestTrain_AuxSegmentationMetrics(t *testing.T) {
	s := mustParse(t, `
name: m
dataset: {builtin: edges, params: {samples: 60, length: 12}}
model: {kind: mlp, hidden: [16]}
train: {epochs: 5, batch_size: 16}
loss:
  terms: [{kind: aux, weight: 1}]
`)
	res, run := trainOne(t, s, []float64{1}, 0)
	names := MetricNames(s, run.Data)
	for _, want := range []string{"train.iou", "test.iou", "test.boundary_f1", "test.accuracy", "test.aux_accuracy", "test.aux_loss", "train.aux_accuracy"} {
		v := metric(t, s, run, res, want)
		if math.IsNaN(v) || v < 0 || (v > 1 && !strings.HasSuffix(want, "loss")) {
			t.Errorf("%s = %v", want, v)
		}
	}
	if !strings.Contains(strings.Join(names, ","), "test.boundary_f1") {
		t.Errorf("names %v", names)
	}
	// Segmentation refuses a regression loss.
	s2 := mustParse(t, `
name: m
dataset: {builtin: edges}
loss: {task: mse}
`)
	d, _ := OpenData(s2, Folders{})
	sp, _ := d.Prepare(0)
	if _, err := newTrainer(&Run{Spec: s2, Data: sp}); err == nil || !strings.Contains(err.Error(), "segmentation") {
		t.Errorf("mse on a segmentation task: err %v", err)
	}
}

// TestValidate_AuxNeeds: an aux term whose data has no auxiliary targets
// is refused before training, at the term's kind, naming the term and the
// field to set.
func TestValidate_AuxNeeds(t *testing.T) {
	for _, tt := range []struct {
		name, spec string
		want       []string
	}{
		{"builtin without aux targets", `
name: x
dataset: {builtin: moons}
loss:
  terms:
    - kind: aux
      weight: 1
`, []string{"t.yaml:6:13", "term aux", "auxiliary targets", "builtin moons", "dataset.aux_targets"}},
		{"csv without dataset.aux_targets", `
name: x
dataset: {csv: a.csv, target: y}
loss:
  terms:
    - {kind: aux, name: edges, weight: 1}
`, []string{"t.yaml:6:14", "term edges", "dataset.aux_targets"}},
		{"aux on a linear model", `
name: x
dataset: {builtin: edges}
model: {kind: linear}
loss:
  terms:
    - {kind: aux, weight: 1}
`, []string{"t.yaml:7:14", "term aux", "hidden layer"}},
		{"unknown aux loss", `
name: x
dataset: {builtin: edges}
loss:
  terms:
    - {kind: aux, loss: hinge, weight: 1}
`, []string{"t.yaml:6:25", "loss.terms[0].loss", "hinge"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			expectRefused(t, tt.spec, tt.want...)
		})
	}
}

// TestTrain_AuxSegmentationSemi: with labeled < 1 the rows without a
// mask train (they carry edge maps), the test split and the validation
// split carved for selection (0.2 of the 30 labeled training rows) are
// all labeled and every metric is a number: train metrics are over the
// labeled rows.
func TestTrain_AuxSegmentationSemi(t *testing.T) {
	s := mustParse(t, `
name: m
dataset: {builtin: edges, params: {samples: 200, labeled: 0.3, length: 12}, split: {test: 0.5}}
model: {kind: mlp, hidden: [16]}
train: {epochs: 3, batch_size: 16}
loss:
  terms: [{kind: aux, weight: 1}]
`)
	res, run := trainOne(t, s, []float64{1}, 0)
	tr, va, te := run.Data.Train, run.Data.Validation, run.Data.Test
	if tr.N != 164 || va.N != 6 || te.N != 30 || lossterms.LabeledRows(te.Y, te.N, te.T) != 30 || lossterms.LabeledRows(va.Y, va.N, va.T) != 6 || lossterms.LabeledRows(tr.Y, tr.N, tr.T) != 24 {
		t.Fatalf("train %d rows (%d labeled), validation %d (%d), test %d (%d): want 164 (24), 6 (6) and 30 (30)", tr.N, lossterms.LabeledRows(tr.Y, tr.N, tr.T),
			va.N, lossterms.LabeledRows(va.Y, va.N, va.T), te.N, lossterms.LabeledRows(te.Y, te.N, te.T))
	}
	for _, want := range []string{"train.iou", "train.accuracy", "train.boundary_f1", "train.loss", "test.iou", "test.loss", "train.aux_accuracy"} {
		if v := metric(t, s, run, res, want); math.IsNaN(v) || v < 0 {
			t.Errorf("%s = %v", want, v)
		}
	}
}

// studyIoU trains repeats 0..repeats-1 of s at λ and returns each
// repeat's test IoU.
func studyIoU(t *testing.T, s *spec.Spec, lambda float64, repeats int) []float64 {
	t.Helper()
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, repeats)
	for r := range repeats {
		sp, err := d.Prepare(r)
		if err != nil {
			t.Fatal(err)
		}
		run := &Run{Repeat: r, Lambdas: []float64{lambda}, Spec: s, Data: sp}
		res, err := Train(context.Background(), run)
		if err != nil || res.Status != StatusOK {
			t.Fatalf("λ %v repeat %d: %v %s %s", lambda, r, err, res.Status, res.Reason)
		}
		out[r] = metric(t, s, run, res, "test.iou")
	}
	return out
}

// TestStudy_AuxSegmentation: on configs/aux-segmentation.yaml (repeats
// 0–7 of its 10, 3 of its λ; 140 training masks, 35 carved out for
// validation, 825 training edge maps), the edge head raises test IoU at
// the moderate λ = 1 (by more than 0.01 on average and in at least 6 of
// 8 repeats; the full sweep measures +0.029, 95% CI [0.019, 0.040], 10
// of 10 up) and lowers it at the largest λ, where the 12 units of the
// last hidden layer serve the edge head: below λ = 0 and more than 0.03
// below λ = 1 (the sweep: −0.016 against λ = 0, CI [−0.035, +0.004], and
// −0.044 against λ = 1). With 175 training masks, before the validation
// split was carved, the fall below λ = 0 was −0.024 and the test asked
// for 0.01; with 140 it measures 0.010 on these 8 repeats, too close to
// such a threshold to hold on both BLAS builds, so the test asks for the
// direction only.
func TestStudy_AuxSegmentation(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 24 runs")
	}
	s := loadStudy(t, "aux-segmentation")
	const repeats = 8
	z := studyIoU(t, s, 0, repeats)
	m := studyIoU(t, s, 1, repeats)
	l := studyIoU(t, s, largest(s, 0), repeats)
	mean := func(v []float64) float64 {
		var s float64
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	up := 0
	for r := range repeats {
		if m[r] > z[r] {
			up++
		}
	}
	t.Logf("test IoU: λ=0 %.4f; λ=1 %.4f (%d of %d repeats up); λ=%g %.4f", mean(z), mean(m), up, repeats, largest(s, 0), mean(l))
	if !(mean(m) > mean(z)+0.01) || up < 6 {
		t.Errorf("test IoU %.4f at λ = 1 (%d of %d repeats up), %.4f at λ = 0: want a rise above 0.01 in at least 6 repeats", mean(m), up, repeats, mean(z))
	}
	if !(mean(l) < mean(z)) || !(mean(l) < mean(m)-0.03) {
		t.Errorf("test IoU %.4f at the largest λ, %.4f at λ = 0, %.4f at λ = 1: want a fall below both", mean(l), mean(z), mean(m))
	}
}
