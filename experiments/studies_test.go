package experiments

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/lossexp/lossexp/spec"
)

// loadStudy loads configs/<name>.yaml.
func loadStudy(t *testing.T, name string) *spec.Spec {
	t.Helper()
	s, err := spec.Load(filepath.Join("..", "configs", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// studyMeans trains repeats 0..repeats-1 of s at the given λ of every term
// and returns the mean over the repeats of each named metric (NaN values,
// "no value", are left out of a mean).
func studyMeans(t *testing.T, s *spec.Spec, dataDir string, lambdas []float64, repeats int, names ...string) map[string]float64 {
	t.Helper()
	d, err := OpenData(s, Folders{Data: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	sum := map[string]float64{}
	cnt := map[string]int{}
	for r := range repeats {
		sp, err := d.Prepare(r)
		if err != nil {
			t.Fatal(err)
		}
		run := &Run{Repeat: r, Lambdas: lambdas, Spec: s, Data: sp}
		res, err := Train(context.Background(), run)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != StatusOK {
			t.Fatalf("λ %v repeat %d: %s: %s", lambdas, r, res.Status, res.Reason)
		}
		all := MetricNames(s, sp)
		for _, n := range names {
			found := false
			for i, m := range all {
				if m == n {
					found = true
					if v := res.Metrics[i]; !math.IsNaN(v) {
						sum[n] += v
						cnt[n]++
					}
				}
			}
			if !found {
				t.Fatalf("no metric %q (have %v)", n, all)
			}
		}
	}
	out := map[string]float64{}
	for _, n := range names {
		out[n] = sum[n] / float64(cnt[n])
	}
	return out
}

// largest returns the largest λ of term i's weight.
func largest(s *spec.Spec, i int) float64 {
	v := s.Loss.Terms[i].Weight.Values
	return v[len(v)-1]
}

// TestStudy_Fairness: on configs/fairness.yaml (3 repeats), the
// demographic-parity term at its largest λ brings test.dp_diff below half
// its value at λ = 0, at a cost in accuracy.
func TestStudy_Fairness(t *testing.T) {
	s := loadStudy(t, "fairness")
	names := []string{"test.dp_diff", "test.accuracy"}
	z := studyMeans(t, s, "", []float64{0}, 3, names...)
	l := studyMeans(t, s, "", []float64{largest(s, 0)}, 3, names...)
	t.Logf("λ=0: %v; λ=%g: %v", z, largest(s, 0), l)
	if !(l["test.dp_diff"] < z["test.dp_diff"]/2) {
		t.Errorf("test.dp_diff %.3f at the largest λ, %.3f at λ = 0: want below half", l["test.dp_diff"], z["test.dp_diff"])
	}
	if !(l["test.accuracy"] < z["test.accuracy"]) {
		t.Errorf("test.accuracy %.3f at the largest λ, %.3f at λ = 0: parity should cost accuracy on this data", l["test.accuracy"], z["test.accuracy"])
	}
}

// TestStudy_FairnessCOMPAS: on configs/fairness-compas.yaml (real data
// through the data dir, which holds compas/compas.csv as the fetch cache
// would; 2 repeats), dp_diff between the sexes at the largest λ is below
// half its value at λ = 0.
func TestStudy_FairnessCOMPAS(t *testing.T) {
	dir := sharedDatasets(t)
	s := loadStudy(t, "fairness-compas")
	names := []string{"test.dp_diff", "test.accuracy"}
	z := studyMeans(t, s, dir, []float64{0}, 2, names...)
	l := studyMeans(t, s, dir, []float64{largest(s, 0)}, 2, names...)
	t.Logf("λ=0: %v; λ=%g: %v", z, largest(s, 0), l)
	if !(l["test.dp_diff"] < z["test.dp_diff"]/2) {
		t.Errorf("test.dp_diff %.3f at the largest λ, %.3f at λ = 0: want below half", l["test.dp_diff"], z["test.dp_diff"])
	}
}

// TestValidate_TermNeeds: a spec whose dataset or model cannot feed a
// term is refused before training, with the position of the term's kind,
// its name and the field to set.
func TestValidate_TermNeeds(t *testing.T) {
	for _, tt := range []struct {
		name, spec string
		want       []string
	}{
		{"fairness on a builtin without groups", `
name: x
dataset: {builtin: moons}
loss:
  terms:
    - kind: fairness
      weight: 1
`, []string{"t.yaml:6:13", "fairness", "group", "builtin moons"}},
		{"adversary on a csv without dataset.group", `
name: x
dataset: {csv: a.csv, target: y}
loss:
  terms:
    - {kind: adversarial_debias, weight: 1}
`, []string{"t.yaml:6:14", "term adversarial_debias", "dataset.group"}},
		{"adversary under lbfgs", `
name: x
dataset: {builtin: fair}
train: {optimizer: lbfgs}
loss:
  terms:
    - {kind: adversarial_debias, weight: 1}
`, []string{"t.yaml:4:20", "lbfgs", "adversarial_debias"}},
		{"decorrelation on a linear model", `
name: x
dataset: {builtin: factors}
model: {kind: linear}
loss:
  terms:
    - {kind: decorrelation, weight: 1}
`, []string{"t.yaml:7:14", "term decorrelation", "hidden layer", "model.kind"}},
		{"fairness on a csv without dataset.group", `
name: x
dataset: {csv: a.csv, target: y}
loss:
  terms:
    - {kind: fairness, name: dp, weight: 1}
`, []string{"t.yaml:6:14", "term dp", "dataset.group"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			expectRefused(t, tt.spec, tt.want...)
		})
	}
}

// TestStudy_FairnessMethods: on configs/fairness-methods.yaml (2
// repeats), each method at its largest λ, the other at 0, brings
// test.dp_diff below half its value without either.
func TestStudy_FairnessMethods(t *testing.T) {
	s := loadStudy(t, "fairness-methods")
	names := []string{"test.dp_diff", "test.accuracy"}
	z := studyMeans(t, s, "", []float64{0, 0}, 2, names...)
	for i, tn := range []string{"fairness", "adversary"} {
		lam := []float64{0, 0}
		lam[i] = largest(s, i)
		l := studyMeans(t, s, "", lam, 2, names...)
		t.Logf("λ=0: %v; %s=%g: %v", z, tn, lam[i], l)
		if !(l["test.dp_diff"] < z["test.dp_diff"]/2) {
			t.Errorf("%s: test.dp_diff %.3f at the largest λ, %.3f at λ = 0: want below half", tn, l["test.dp_diff"], z["test.dp_diff"])
		}
	}
}

// TestStudy_Decorrelation: on configs/decorrelation.yaml (5 repeats), the
// largest λ more than halves the bottleneck's mean |correlation|, and a
// moderate λ (0.316) raises the gap score above its value at λ = 0.
func TestStudy_Decorrelation(t *testing.T) {
	s := loadStudy(t, "decorrelation")
	names := []string{"test.mean_abs_corr", "test.gap_score", "test.mse"}
	z := studyMeans(t, s, "", []float64{0}, 5, names...)
	m := studyMeans(t, s, "", []float64{0.31622776601683794}, 5, names...)
	l := studyMeans(t, s, "", []float64{largest(s, 0)}, 5, names...)
	t.Logf("λ=0: %v; λ=0.316: %v; λ=%g: %v", z, m, largest(s, 0), l)
	if !(l["test.mean_abs_corr"] < z["test.mean_abs_corr"]/2) {
		t.Errorf("test.mean_abs_corr %.3f at the largest λ, %.3f at λ = 0: want below half", l["test.mean_abs_corr"], z["test.mean_abs_corr"])
	}
	if !(m["test.gap_score"] > z["test.gap_score"]+0.1) {
		t.Errorf("test.gap_score %.3f at λ = 0.316, %.3f at λ = 0: want at least 0.1 higher", m["test.gap_score"], z["test.gap_score"])
	}
}

// TestStudy_TemporalBasicMotions: on configs/temporal-basicmotions.yaml
// (the shipped BasicMotions recordings, the official test file as the
// test split; 2 repeats), λ = 3 lowers the test flicker by a tenth at
// about the same accuracy, and λ = 10 overshadows the task: accuracy
// falls below 0.7. (Since 8 of the 40 training recordings validate, the
// 2 repeats measure −16 % and the 5-repeat sweep −24 %; the test asked
// for a fifth when all 40 trained.)
func TestStudy_TemporalBasicMotions(t *testing.T) {
	s := loadStudy(t, "temporal-basicmotions")
	names := []string{"test.accuracy", "test.flicker"}
	z := studyMeans(t, s, "", []float64{0}, 2, names...)
	m := studyMeans(t, s, "", []float64{3}, 2, names...)
	l := studyMeans(t, s, "", []float64{10}, 2, names...)
	t.Logf("λ=0: %v; λ=3: %v; λ=10: %v", z, m, l)
	if !(m["test.flicker"] < 0.9*z["test.flicker"]) {
		t.Errorf("test.flicker %.4f at λ = 3, %.4f at λ = 0: want a tenth lower", m["test.flicker"], z["test.flicker"])
	}
	if math.Abs(m["test.accuracy"]-z["test.accuracy"]) > 0.02 {
		t.Errorf("test.accuracy %.4f at λ = 3, %.4f at λ = 0: want within 0.02", m["test.accuracy"], z["test.accuracy"])
	}
	if !(l["test.accuracy"] < 0.7) {
		t.Errorf("test.accuracy %.4f at λ = 10: want below 0.7 (the term overshadows the task)", l["test.accuracy"])
	}
}

// TestStudy_PerceptualDigits: on configs/perceptual-digits.yaml (the
// shipped 8×8 digits as images; 2 repeats), λ = 10 lowers the perceptual
// distance on test images and raises pixel MSE, and on the training
// images raises the frozen classifier's recognizability of the
// restorations. Since 270 of the 1348 training images validate, the test
// perceptual distance falls less (−3.5 % over the 5-repeat sweep, −1.4 %
// on these 2 repeats; it was −7 % on all 1348): the test asks for the
// direction there, and for the size of the effect on the training images
// and on pixel MSE.
func TestStudy_PerceptualDigits(t *testing.T) {
	s := loadStudy(t, "perceptual-digits")
	names := []string{"test.mse", "test.perceptual", "test.recognizability", "train.recognizability"}
	z := studyMeans(t, s, "", []float64{0}, 2, names...)
	l := studyMeans(t, s, "", []float64{10}, 2, names...)
	t.Logf("λ=0: %v; λ=10: %v", z, l)
	if !(l["test.perceptual"] < z["test.perceptual"]) {
		t.Errorf("test.perceptual %.4f at λ = 10, %.4f at λ = 0: want it lower", l["test.perceptual"], z["test.perceptual"])
	}
	if !(l["test.mse"] > 1.1*z["test.mse"]) {
		t.Errorf("test.mse %.4f at λ = 10, %.4f at λ = 0: want at least 10 %% higher", l["test.mse"], z["test.mse"])
	}
	if !(l["train.recognizability"] > z["train.recognizability"]+0.02) {
		t.Errorf("train.recognizability %.4f at λ = 10, %.4f at λ = 0: want 2 points higher", l["train.recognizability"], z["train.recognizability"])
	}
}

// TestStudy_FairnessAdult: on configs/fairness-adult.yaml (UCI Adult from
// the data dir, which holds adult/ as the fetch cache would; the official
// test file as the test split; 2 repeats), λ = 30 lowers the test dp_diff
// between the sexes by a third for at most 0.02 of accuracy.
func TestStudy_FairnessAdult(t *testing.T) {
	dir := sharedDatasets(t)
	s := loadStudy(t, "fairness-adult")
	names := []string{"test.dp_diff", "test.accuracy"}
	z := studyMeans(t, s, dir, []float64{0}, 2, names...)
	l := studyMeans(t, s, dir, []float64{30}, 2, names...)
	t.Logf("λ=0: %v; λ=30: %v", z, l)
	if !(l["test.dp_diff"] < z["test.dp_diff"]*2/3) {
		t.Errorf("test.dp_diff %.3f at λ = 30, %.3f at λ = 0: want a third lower", l["test.dp_diff"], z["test.dp_diff"])
	}
	if z["test.accuracy"]-l["test.accuracy"] > 0.02 {
		t.Errorf("test.accuracy %.3f at λ = 30, %.3f at λ = 0: want at most 0.02 lower", l["test.accuracy"], z["test.accuracy"])
	}
}
