package table

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
)

// foldRuns builds the runs of a cross-validated sweep of one term l2:
// vals[λ index][repeat][fold] is the validation metric of the fold run,
// test[λ index][repeat][fold] its test metric.
func foldRuns(metric string, lams []float64, vals, test [][][]float64) *Runs {
	runs := &Runs{Terms: []string{"l2"}, Metrics: []string{"validation." + metric, "test." + metric}, Folds: true}
	for j, l := range lams {
		for r := range vals[j] {
			for f := range vals[j][r] {
				runs.Runs = append(runs.Runs, Run{RunID: "x", Repeat: r, Fold: f, Status: experiments.StatusOK,
					Lambdas: []float64{l}, Metrics: []float64{vals[j][r][f], test[j][r][f]}})
			}
		}
	}
	return runs
}

// TestCV_OneSEAsCVGlmnet reproduces cv.glmnet's λ_min and λ_1se from fold
// errors computed by hand. cv.glmnet (R/cv.elnet.R, getOptcv.glmnet.R):
// cvm = mean over the folds of the fold error, cvsd = sqrt(mean((e −
// cvm)²)/(K − 1)) = sd/√K (sd with K − 1); λ_min = the largest λ with
// the least cvm; λ_1se = the largest λ with cvm ≤ cvm(λ_min) + cvsd(λ_min).
//
//	λ      fold mse                          cvm    cvsd
//	0      1.0   1.2   0.8   1.1   0.9       1.0    √(0.1/4)/√5 = 0.0707
//	0.01   0.7   0.9   0.8   0.6   1.0       0.8    0.0707 (λ_min)
//	0.1    0.815 0.915 0.765 0.865 0.965     0.865  ≤ 0.8 + 0.0707: λ_1se
//	1      1.5   1.6   1.4   1.5   1.5       1.5
//
// λ = 0.1 is within cvsd of the best but not within sd/K = 0.0316 (a
// standard error without the square root) nor does a single repeat have
// any spread over repeats: only the folds' SE puts λ_1se at 0.1.
func TestCV_OneSEAsCVGlmnet(t *testing.T) {
	lams := []float64{0, 0.01, 0.1, 1}
	vals := [][][]float64{
		{{1.0, 1.2, 0.8, 1.1, 0.9}},
		{{0.7, 0.9, 0.8, 0.6, 1.0}},
		{{0.815, 0.915, 0.765, 0.865, 0.965}},
		{{1.5, 1.6, 1.4, 1.5, 1.5}},
	}
	test := [][][]float64{{{2, 2, 2, 2, 2}}, {{1, 1, 1, 1, 1}}, {{1.1, 1.1, 1.1, 1.1, 1.1}}, {{3, 3, 3, 3, 3}}}
	runs := PoolFolds(foldRuns("mse", lams, vals, test))
	if len(runs.Runs) != 4 || runs.Metrics[0] != "cv.mse" || runs.Folds {
		t.Fatalf("pooled: %d runs, metrics %v, folds %v; want 4 runs, cv.mse first, no folds", len(runs.Runs), runs.Metrics, runs.Folds)
	}
	s := Summarize(runs)
	a, err := Analyze(t.TempDir(), runs, s)
	if err != nil {
		t.Fatal(err)
	}
	if a.Task.Name != "cv.mse" || a.Task.Higher {
		t.Fatalf("task metric %q (higher %v), want cv.mse, lower is better", a.Task.Name, a.Task.Higher)
	}
	for j, want := range []struct{ cvm, cvsd float64 }{{1.0, math.Sqrt(0.1/4) / math.Sqrt(5)}, {0.8, math.Sqrt(0.1/4) / math.Sqrt(5)}} {
		st := s.Points[j].Stats[0]
		if math.Abs(st.Mean-want.cvm) > 1e-12 || math.Abs(st.StdErr()-want.cvsd) > 1e-12 {
			t.Errorf("λ=%g: cvm %v cvsd %v, want %v %v", lams[j], st.Mean, st.StdErr(), want.cvm, want.cvsd)
		}
	}
	b := a.Terms[0].Balance
	if b.Best.Lambda != 0.01 || b.OneSE.Lambda != 0.1 {
		t.Errorf("λ_min = %g, λ_1se = %g (note %q), want 0.01 and 0.1", b.Best.Lambda, b.OneSE.Lambda, b.OneSE.Note)
	}
	// The test metric at the chosen λ and the optimism: the best test
	// mse over the grid is 1 (λ = 0.01), λ_best is 0.01: none.
	if a.Test.Name != "test.mse" {
		t.Errorf("test metric %q, want test.mse", a.Test.Name)
	}
	if o := a.Terms[0].Optimism; o.Value != 0 || o.BestLambda != 0.01 {
		t.Errorf("optimism %+v, want 0 at λ = 0.01", o)
	}
}

// TestPooledSE checks the pooling of the folds' SE over repeats: the SE of
// the mean of R independent per-repeat cross-validation means.
func TestPooledSE(t *testing.T) {
	// Repeat 0: folds 1, 3 (mean 2, sd √2, se 1); repeat 1: folds 2, 2
	// (se 0): pooled √(1² + 0²)/2 = 0.5.
	runs := PoolFolds(foldRuns("accuracy", []float64{0}, [][][]float64{{{1, 3}, {2, 2}}}, [][][]float64{{{0, 0}, {0, 0}}}))
	st := Summarize(runs).Points[0].Stats[0]
	if st.N != 2 || st.Mean != 2 || math.Abs(st.StdErr()-0.5) > 1e-12 {
		t.Errorf("n %d mean %v se %v, want 2, 2, 0.5", st.N, st.Mean, st.StdErr())
	}
	// The test metric keeps the SE over repeats (its folds share the test
	// rows): no pooled SE.
	if ts := Summarize(runs).Points[0].Stats[1]; ts.Pooled {
		t.Error("test.accuracy has a pooled fold SE")
	}
}

// TestPoolFolds_PairsByRepeat checks that paired comparisons of a
// cross-validated sweep pair the fold means of one repeat: n = repeats,
// and the differences are those of the per-repeat fold means.
func TestPoolFolds_PairsByRepeat(t *testing.T) {
	lams := []float64{0, 0.1}
	vals := [][][]float64{
		{{0.70, 0.80}, {0.60, 0.60}, {0.90, 0.70}}, // means 0.75 0.60 0.80
		{{0.80, 0.90}, {0.70, 0.60}, {0.90, 0.90}}, // means 0.85 0.65 0.90
	}
	runs := PoolFolds(foldRuns("accuracy", lams, vals, vals))
	s := Summarize(runs)
	a, err := Analyze(t.TempDir(), runs, s)
	if err != nil {
		t.Fatal(err)
	}
	var p *Paired
	for i := range a.Terms[0].Paired {
		if a.Terms[0].Paired[i].Metric == "cv.accuracy" {
			p = &a.Terms[0].Paired[i]
		}
	}
	if p == nil {
		t.Fatal("no paired comparison on cv.accuracy")
	}
	// d = 0.10, 0.05, 0.10: mean 0.08333…
	if p.N != 3 || math.Abs(p.Mean-0.25/3) > 1e-12 {
		t.Errorf("paired n %d mean %v, want 3 pairs, mean %v", p.N, p.Mean, 0.25/3)
	}
}

// simulateSelection builds a sweep whose true task curve is known: at grid
// point j the expected accuracy is 0.9 − 0.02·(j − best)², and each
// repeat's validation and test accuracies add independent noise of sd
// sdVal and sdTest (the sampling noise of the split's size). It returns
// the index of λ_best chosen on validation and the optimism.
func simulateSelection(t *testing.T, rng *rand.Rand, grid, best, repeats int, sdVal, sdTest float64) (int, float64) {
	t.Helper()
	runs := &Runs{Terms: []string{"l2"}, Metrics: []string{"validation.accuracy", "test.accuracy"}}
	for j := range grid {
		lam := math.Pow(10, float64(j-grid+1)/2) // ascending
		if j == 0 {
			lam = 0
		}
		f := 0.9 - 0.02*float64((j-best)*(j-best))
		for r := range repeats {
			runs.Runs = append(runs.Runs, Run{RunID: "x", Repeat: r, Status: experiments.StatusOK, Lambdas: []float64{lam},
				Metrics: []float64{f + sdVal*rng.NormFloat64(), f + sdTest*rng.NormFloat64()}})
		}
	}
	s := Summarize(runs)
	a, err := Analyze(t.TempDir(), runs, s)
	if err != nil {
		t.Fatal(err)
	}
	if a.Task.Name != "validation.accuracy" || a.Test.Name != "test.accuracy" {
		t.Fatalf("task %q test %q, want validation.accuracy and test.accuracy", a.Task.Name, a.Test.Name)
	}
	ta := a.Terms[0]
	return ta.Balance.Best.Point, ta.Optimism.Value
}

// TestSelection_OnValidation checks selection on a sweep whose best λ is
// known: with enough validation data λ_best chosen on validation is the
// true best within the grid's resolution (one grid step) in nearly every
// seed; the optimism (best test mean over the grid − test mean at the λ
// chosen on validation) is ≥ 0 and shrinks as the validation split grows
// (its noise falls as 1/√n).
func TestSelection_OnValidation(t *testing.T) {
	const grid, best, repeats, seeds = 9, 5, 5, 200
	rng := rand.New(rand.NewPCG(1, 2))
	var meanOpt []float64
	for _, nVal := range []int{50, 200, 800} {
		sdVal := math.Sqrt(0.9*0.1/float64(nVal)) * 3 // per-run noise: sampling plus training
		within, sum := 0, 0.0
		for range seeds {
			p, o := simulateSelection(t, rng, grid, best, repeats, sdVal, 0.03)
			if p >= best-1 && p <= best+1 {
				within++
			}
			if o < 0 {
				t.Fatalf("optimism %v < 0", o)
			}
			sum += o
		}
		meanOpt = append(meanOpt, sum/seeds)
		t.Logf("validation rows %d: λ_best within one grid step of the truth in %d/%d seeds, mean optimism %.4f", nVal, within, seeds, sum/seeds)
		if nVal == 800 && within < seeds*95/100 {
			t.Errorf("with %d validation rows λ_best is within one grid step of the true best in %d/%d seeds, want ≥ 95%%", nVal, within, seeds)
		}
	}
	for i := 1; i < len(meanOpt); i++ {
		if !(meanOpt[i] < meanOpt[i-1]) {
			t.Errorf("mean optimism does not shrink with more validation data: %v", meanOpt)
		}
	}
}

// TestAnswer_TestAtChosenLambda: the sweep's printed answer, read back
// from balance.csv, names the selection split, carries the test metric at
// each chosen λ and each point's note.
func TestAnswer_TestAtChosenLambda(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	runs := &Runs{Terms: []string{"l2"}, Metrics: []string{"validation.accuracy", "test.accuracy"}}
	for j, lam := range []float64{0, 0.1, 1} {
		for r := range 3 {
			f := 0.8 + 0.05*float64(j) + 0.01*rng.NormFloat64()
			runs.Runs = append(runs.Runs, Run{RunID: "x", Repeat: r, Status: experiments.StatusOK, Lambdas: []float64{lam}, Metrics: []float64{f, f - 0.02}})
		}
	}
	a, err := Analyze(t.TempDir(), runs, Summarize(runs))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeBalance(&buf, a); err != nil {
		t.Fatal(err)
	}
	var ans Answer
	if err := ans.readBalance(&buf); err != nil {
		t.Fatal(err)
	}
	best := a.Terms[0].Balance.Best
	want := a.Summary.Points[best.Point].Stats[1].Mean
	if ans.TaskMetric != "validation.accuracy" || ans.TestMetric != "test.accuracy" || ans.Terms[0].Best.TestMean == nil || math.Abs(*ans.Terms[0].Best.TestMean-want) > 1e-9 { // 10 significant digits in the file
		t.Errorf("answer: task %q test %q, test at λ_best %v; want validation.accuracy, test.accuracy, %v", ans.TaskMetric, ans.TestMetric, ans.Terms[0].Best.TestMean, want)
	}
	if ans.Terms[0].Knee.Note != a.Terms[0].Balance.Knee.Note {
		t.Errorf("knee note %q, want %q", ans.Terms[0].Knee.Note, a.Terms[0].Balance.Knee.Note)
	}
	var text bytes.Buffer
	if err := ans.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "chosen on validation.accuracy (higher is better), test.accuracy there in parentheses:") {
		t.Errorf("answer text:\n%s", text.String())
	}
}
