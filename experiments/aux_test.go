package experiments

import (
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// stepObjective returns, for the trainer's current batch (loadBatch of
// n rows, its noise inputs included), the objective the batch step
// differentiates at param: the task loss plus, for every batch term,
// λ·Value, with the terms' own parameters as they are now.
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
		}
		return f
	}
}

// TestTrain_BatchStepGradient checks the gradient of one training step,
// task and batch terms together, against central differences of the
// step's objective over every model parameter: through the segmentation
// loss and the aux head (into the hidden layer it reads), on both the
// single backward pass and the measured path that back-propagates each
// term alone; through the discriminator's input into a generator with
// noise inputs (adversarial) and through the frozen classifier φ
// (perceptual).
func TestTrain_BatchStepGradient(t *testing.T) {
	for _, tc := range []struct{ name, spec string }{
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
				d, err := OpenData(s, "")
				if err != nil {
					t.Fatal(err)
				}
				sp, err := d.Prepare(0)
				if err != nil {
					t.Fatal(err)
				}
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
				n := 6
				x := tr.loadBatch(sp.Train, 0, n)
				out := tr.m.Forward(tr.ws, tr.param, x, n)
				dout := tr.dout[:n*tr.k]
				tr.task.LossGrad(dout, out, tr.yb[:n*tr.tpr], n, tr.k)
				tr.batchStep(x, out, n, dout, measure)
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
	d, _ := OpenData(s2, "")
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
			_, err := Parse(strings.NewReader(tt.spec), "t.yaml")
			if err == nil {
				t.Fatal("spec accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestStudy_AuxSegmentation: on configs/aux-segmentation.yaml (its 6
// seeded repeats, 3 of its λ), the aux term at λ = 100 overshadows the
// mask: test IoU falls by more than 0.02 below λ = 0. At the moderate
// λ = 1 it does not cost IoU (the sweep measures +0.008, 5 of 6 repeats
// up, which is within the repeats' spread, so only "no worse than
// λ = 0 − 0.005" is asserted).
func TestStudy_AuxSegmentation(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 18 runs")
	}
	s := loadStudy(t, "aux-segmentation")
	names := []string{"test.iou", "test.boundary_f1", "test.aux_accuracy"}
	z := studyMeans(t, s, "", []float64{0}, 6, names...)
	m := studyMeans(t, s, "", []float64{1}, 6, names...)
	l := studyMeans(t, s, "", []float64{largest(s, 0)}, 6, names...)
	t.Logf("λ=0: %v; λ=1: %v; λ=%g: %v", z, m, largest(s, 0), l)
	if !(l["test.iou"] < z["test.iou"]-0.02) {
		t.Errorf("test.iou %.3f at the largest λ, %.3f at λ = 0: want at least 0.02 lower", l["test.iou"], z["test.iou"])
	}
	if !(m["test.iou"] >= z["test.iou"]-0.005) {
		t.Errorf("test.iou %.3f at λ = 1, %.3f at λ = 0: a moderate λ should not cost IoU", m["test.iou"], z["test.iou"])
	}
}
