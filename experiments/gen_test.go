package experiments

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/lossterms"
)

// trainHand trains repeat 0 of spec at the given λ and returns the trainer
// after training (for hand computations of its metrics) and the metrics
// by name.
func trainHand(t *testing.T, src string, lambdas ...float64) (*trainer, map[string]float64) {
	t.Helper()
	s := mustParse(t, src)
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := d.Prepare(0)
	if err != nil {
		t.Fatal(err)
	}
	run := &Run{Spec: s, Data: sp, Lambdas: lambdas}
	tr, err := newTrainer(run)
	if err != nil {
		t.Fatal(err)
	}
	var res Result
	if reason, err := tr.fitSGD(context.Background(), &res); err != nil || reason != "" {
		t.Fatalf("fit: %v %s", err, reason)
	}
	names := MetricNames(s, sp)
	vals := make([]float64, len(names))
	tr.metrics(lossterms.ExpandMetrics(metricContext(s, sp)), vals, false)
	m := map[string]float64{}
	for i, n := range names {
		m[n] = vals[i]
	}
	return tr, m
}

// TestTrain_AdversarialMetricsByHand recomputes test.realism (the energy
// distance of the joint samples, written out as three double sums) and
// test.disc_accuracy (the discriminator as an MLP evaluated by
// model.MLP, an implementation independent of the term's) from the
// trained model, and checks that the evaluation's noise inputs are one
// fixed draw: two evaluations give the same outputs, and they differ
// from the outputs with the noise set to 0.
func TestTrain_AdversarialMetricsByHand(t *testing.T) {
	tr, m := trainHand(t, `
name: h
dataset: {builtin: multimodal, params: {samples: 80}}
model: {kind: mlp, hidden: [8], activation: tanh, noise: 2}
train: {batch_size: 16, epochs: 5}
loss:
  task: mse
  terms: [{kind: adversarial, hidden: [5], weight: 0.5}]
`, 0.5)
	ts := tr.data.Test
	out := append([]float64(nil), tr.outputs(ts)...)
	if again := tr.outputs(ts); !slices.Equal(out, again) { // bit-identity is the point
		t.Fatal("two evaluations of the test split differ: the evaluation noise is not fixed")
	}
	// The model sees x then 2 noise inputs.
	if tr.din != 3 || len(tr.inputs(ts)) != ts.N*3 {
		t.Fatalf("din %d, inputs %d", tr.din, len(tr.inputs(ts)))
	}
	// Energy distance by its definition: 2·mean‖r−f‖ − mean‖r−r'‖ − mean‖f−f'‖
	// over all pairs, rows (x_i, y_i) and (x_i, ŷ_i).
	n := ts.N
	dist := func(a, b func(int) [2]float64, i, j int) float64 {
		p, q := a(i), b(j)
		return math.Hypot(p[0]-q[0], p[1]-q[1])
	}
	real := func(i int) [2]float64 { return [2]float64{ts.X[i], ts.Y[i]} }
	fake := func(i int) [2]float64 { return [2]float64{ts.X[i], out[i]} }
	var rf, rr, ff float64
	for i := range n {
		for j := range n {
			rf += dist(real, fake, i, j)
			rr += dist(real, real, i, j)
			ff += dist(fake, fake, i, j)
		}
	}
	nn := float64(n * n)
	want := 2*rf/nn - rr/nn - ff/nn
	// Tolerance: the same sums in another order.
	if got := m["test.realism"]; math.Abs(got-want) > 1e-12*(1+want) {
		t.Errorf("test.realism = %v, by hand %v", got, want)
	}
	// The discriminator [2, 5, 1] with tanh, in model.MLP's layout.
	var st *batchTerm
	for _, p := range tr.pens {
		if p.batchTerm != nil && p.batchTerm.term.Kind() == "adversarial" {
			st = p.batchTerm
		}
	}
	dm := model.New([]int{2, 5, 1}, model.Tanh)
	ws := dm.NewWorkspace(1)
	correct := 0
	for i := range n {
		if dm.Forward(ws, st.ownP, []float64{ts.X[i], ts.Y[i]}, 1)[0] > 0 {
			correct++
		}
		if dm.Forward(ws, st.ownP, []float64{ts.X[i], out[i]}, 1)[0] <= 0 {
			correct++
		}
	}
	if got, want := m["test.disc_accuracy"], float64(correct)/float64(2*n); got != want { // exact: a ratio of counts
		t.Errorf("test.disc_accuracy = %v, by hand %v", got, want)
	}
	if r := m["train.realism"]; !(r >= 0) {
		t.Errorf("train.realism = %v", r)
	}
}

// TestTrain_PerceptualMetricsByHand recomputes test.perceptual and
// test.recognizability with model.MLP (not the term's own network) from
// the frozen classifier's parameters, and test.mse per pixel.
func TestTrain_PerceptualMetricsByHand(t *testing.T) {
	tr, m := trainHand(t, `
name: h
dataset: {builtin: glyphs, params: {samples: 120}}
model: {kind: mlp, hidden: [16]}
train: {batch_size: 16, epochs: 5}
loss:
  task: mse
  terms: [{kind: perceptual, hidden: [10, 6], activation: tanh, layer: 0, epochs: 5, weight: 0.5}]
`, 0.5)
	ts := tr.data.Test
	out := tr.outputs(ts)
	net := tr.data.Frozen["perceptual"]
	if net == nil || !slices.Equal(net.Sizes, []int{64, 10, 6, 4}) || net.Activation != "tanh" {
		t.Fatalf("frozen network %+v", net)
	}
	cm := model.New(net.Sizes, model.Tanh)
	ws := cm.NewWorkspace(1)
	var perc, mse float64
	correct := 0
	for i := range ts.N {
		yhat, y := out[i*64:(i+1)*64], ts.Y[i*64:(i+1)*64]
		logits := cm.Forward(ws, net.Params, yhat, 1)
		if argmax(logits) == ts.Label[i] {
			correct++
		}
		fy := append([]float64(nil), ws.Hidden(0)...)
		cm.Forward(ws, net.Params, y, 1)
		fyc := ws.Hidden(0)
		for u := range fy {
			d := fy[u] - fyc[u]
			perc += d * d
		}
		for j := range yhat {
			mse += (yhat[j] - y[j]) * (yhat[j] - y[j])
		}
	}
	n := float64(ts.N)
	// Tolerances: the same sums through BLAS kernels in another order.
	if got, want := m["test.perceptual"], perc/n; math.Abs(got-want) > 1e-9*(1+want) {
		t.Errorf("test.perceptual = %v, by hand %v", got, want)
	}
	if got, want := m["test.mse"], mse/(n*64); math.Abs(got-want) > 1e-12*(1+want) {
		t.Errorf("test.mse = %v, by hand (per pixel) %v", got, want)
	}
	if got, want := m["test.recognizability"], float64(correct)/n; got != want { // exact: a ratio of counts
		t.Errorf("test.recognizability = %v, by hand %v", got, want)
	}
	if !(net.Accuracy > 0.5) {
		t.Errorf("the frozen classifier fits %v of its training images", net.Accuracy)
	}
}

func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// TestPrepare_FrozenPerRepeat: the perceptual classifier is a pure
// function of (spec, repeat): preparing a repeat twice gives the same
// parameters bit for bit, another repeat different ones, and the runs of
// one repeat share it at every λ.
func TestPrepare_FrozenPerRepeat(t *testing.T) {
	s := mustParse(t, `
name: f
dataset: {builtin: glyphs, params: {samples: 80}}
loss:
  task: mse
  terms: [{kind: perceptual, name: p, hidden: 6, epochs: 2, weight: [1]}]
`)
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := d.Prepare(0)
	b, _ := d.Prepare(0)
	c, _ := d.Prepare(1)
	if a.Frozen["p"] == nil || b.Frozen["p"] == nil || c.Frozen["p"] == nil {
		t.Fatal("no frozen classifier under the term's name")
	}
	if !slices.Equal(a.Frozen["p"].Params, b.Frozen["p"].Params) { // bit-identity is the point
		t.Error("the same repeat trained two different classifiers")
	}
	if slices.Equal(a.Frozen["p"].Params, c.Frozen["p"].Params) {
		t.Error("repeats 0 and 1 trained the same classifier")
	}
}

// TestValidate_GenerativeNeeds: adversarial and perceptual terms that
// their spec cannot feed are refused before training, naming the term
// and the field, at file:line:column.
func TestValidate_GenerativeNeeds(t *testing.T) {
	for _, tt := range []struct {
		name, spec string
		want       []string
	}{
		{"perceptual on moons", "name: x\ndataset: {builtin: moons}\nloss:\n  terms:\n    - {kind: perceptual, weight: 1}\n", []string{"t.yaml:5:14", "loss.terms[0].kind", "term perceptual", "builtin moons", "glyphs"}},
		{"perceptual on a regression", "name: x\ndataset: {builtin: multimodal}\nloss:\n  terms:\n    - {kind: perceptual, name: pp, weight: 1}\n", []string{"t.yaml:5:14", "term pp", "image-restoration"}},
		{"perceptual on a csv", "name: x\ndataset: {csv: a.csv, target: y, task: regression}\nloss:\n  terms:\n    - {kind: perceptual, weight: 1}\n", []string{"t.yaml:5:14", "term perceptual", "glyphs"}},
		{"adversarial on a classification", "name: x\ndataset: {builtin: moons}\nmodel: {noise: 2}\nloss:\n  terms:\n    - {kind: adversarial, weight: 1}\n", []string{"t.yaml:6:14", "term adversarial", "classification", "multimodal"}},
		{"adversarial with noise 0", "name: x\ndataset: {builtin: multimodal}\nmodel: {noise: 0}\nloss:\n  terms:\n    - {kind: adversarial, weight: 1}\n", []string{"t.yaml:3:16", "model.noise", "term adversarial", "noise inputs"}},
		{"noise under lbfgs", "name: x\ndataset: {builtin: multimodal}\nmodel: {noise: 2}\ntrain: {optimizer: lbfgs}\n", []string{"t.yaml:3:16", "model.noise", "lbfgs"}},
		{"negative noise", "name: x\ndataset: {builtin: multimodal}\nmodel: {noise: -1}\n", []string{"t.yaml:3:16", "model.noise", "between 0 and 1024"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			expectRefused(t, tt.spec, tt.want...)
		})
	}
	// A spec without noise keeps its hash and run ids (omitempty).
	s := mustParse(t, "name: x\ndataset: {builtin: moons}\n")
	if strings.Contains(s.Hash(), "Noise") || s.RunBase("c") != mustParse(t, "name: x\ndataset: {builtin: moons}\nmodel: {noise: 0}\n").RunBase("c") {
		t.Error("model.noise: 0 changed the run ids")
	}
}

// TestStudy_AdversarialRealism: on configs/adversarial-realism.yaml (2
// seeded repeats), the largest λ brings test realism (energy distance)
// below half its value at λ = 0 and raises test MSE: the conflict.
func TestStudy_AdversarialRealism(t *testing.T) {
	s := loadStudy(t, "adversarial-realism")
	names := []string{"test.mse", "test.realism", "test.disc_accuracy"}
	z := studyMeans(t, s, "", []float64{0}, 2, names...)
	l := studyMeans(t, s, "", []float64{largest(s, 0)}, 2, names...)
	t.Logf("λ=0: %v; λ=%g: %v", z, largest(s, 0), l)
	if !(l["test.realism"] < z["test.realism"]/2) {
		t.Errorf("test.realism %.4f at the largest λ, %.4f at λ = 0: want below half", l["test.realism"], z["test.realism"])
	}
	if !(l["test.mse"] > z["test.mse"]) {
		t.Errorf("test.mse %.4f at the largest λ, %.4f at λ = 0: want higher", l["test.mse"], z["test.mse"])
	}
}

// TestStudy_PerceptualGlyphs: on configs/perceptual-glyphs.yaml (2 seeded
// repeats), λ = 1 lowers the test perceptual distance, raises the
// recognizability of the restored glyphs and raises pixel MSE.
func TestStudy_PerceptualGlyphs(t *testing.T) {
	s := loadStudy(t, "perceptual-glyphs")
	names := []string{"test.mse", "test.perceptual", "test.recognizability"}
	z := studyMeans(t, s, "", []float64{0}, 2, names...)
	l := studyMeans(t, s, "", []float64{1}, 2, names...)
	t.Logf("λ=0: %v; λ=1: %v", z, l)
	if !(l["test.perceptual"] < 0.9*z["test.perceptual"]) {
		t.Errorf("test.perceptual %.4f at λ = 1, %.4f at λ = 0: want at least 10 %% lower", l["test.perceptual"], z["test.perceptual"])
	}
	if !(l["test.recognizability"] > z["test.recognizability"]) {
		t.Errorf("test.recognizability %.4f at λ = 1, %.4f at λ = 0: want higher", l["test.recognizability"], z["test.recognizability"])
	}
	if !(l["test.mse"] > z["test.mse"]) {
		t.Errorf("test.mse %.4f at λ = 1, %.4f at λ = 0: want higher", l["test.mse"], z["test.mse"])
	}
}
