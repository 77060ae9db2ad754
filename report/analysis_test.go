package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/layout"
	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
)

// tradeoffSpec is a two-term study whose spec validates; the analysis
// reads the term kinds and the description from it.
const tradeoffSpec = `name: tradeoff
description: two penalties on a synthetic sweep
seed: 1
repeats: 3
dataset:
  builtin: moons
  split: {test: 0.3}
model:
  kind: linear
train:
  optimizer: sgd
  epochs: 3
loss:
  terms:
    - kind: l1
      weight: [0.01, 0.1, 1]
    - kind: l2
      weight: [0.01, 0.1]
report:
  metrics: [test.accuracy, sparsity]
`

var tradeoffLayout = table.Layout{
	Terms: []string{"l1", "l2"},
	Metrics: []string{"train.accuracy", "test.accuracy", "weight_l1", "weight_l2", "sparsity",
		"grad.cos.l1", "grad.conflict.l1", "grad.ratio.l1", "grad.cos.l2", "grad.conflict.l2", "grad.ratio.l2"},
	Curves: []string{"loss.total", "loss.task", "loss.l1", "loss.l2", "grad.task", "grad.l1", "grad.l2", "test.loss"},
}

// tradeoffResults is a 4×3 grid × 3 repeats: test accuracy peaks at
// l1 = 0.01, holds at 0.1 and falls at 1; sparsity rises with l1; l2's
// cosine is empty (it shares no parameter with the task, by construction
// here); the run (l1 = 1, l2 = 0.1, repeat 2) diverged. The spread over
// repeats is 0.01 at l1 = 0 and 0.1, 0.02 at 0.01 and 1.
func tradeoffResults() []experiments.Result {
	var rs []experiments.Result
	i := 0
	for p2, l2 := range []float64{0, 0.01, 0.1} {
		for p1, l1 := range []float64{0, 0.01, 0.1, 1} {
			p := p2*4 + p1
			for r := range 3 {
				d := float64(r-1) / 100 * float64(1+p1%2)
				acc := []float64{0.80, 0.86, 0.855, 0.70}[p1] - 0.02*float64(p2) + d
				res := experiments.Result{
					Index: i, RunID: fmt.Sprintf("p%03d-r%02d", p, r), Point: p, Repeat: r,
					Lambdas: []float64{l1, l2}, Status: experiments.StatusOK,
					Metrics: []float64{acc + 0.1, acc, 10 - 50*l1, 5 - 20*l2, []float64{0, 0.5, 0.9, 1}[p1] + d/10,
						0.5 - 0.6*l1, 0.3 * l1, 20 * l1, nan, nan, 15 * l2},
					Seconds: 0.3 + 0.1*float64(p1), EpochSeconds: []float64{0.1, 0.1 + 0.03*float64(p1), 0.1},
				}
				for e := range 3 {
					res.Curves = append(res.Curves, []float64{1 / float64(e+1), 0.9 / float64(e+1), 10, 5, 1, l1 * 10, l2 * 5, 1.1 / float64(e+1)})
				}
				if p1 == 3 && p2 == 2 && r == 2 {
					res.Status, res.Reason = experiments.StatusDiverged, "loss is NaN at epoch 2"
					res.Metrics = []float64{nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan}
				}
				rs = append(rs, res)
				i++
			}
		}
	}
	return rs
}

func writeTradeoff(t *testing.T, dir string) {
	t.Helper()
	writeTradeoffRuns(t, dir, tradeoffResults())
}

// writeTradeoffRuns writes rs (tradeoffLayout's) and the spec into dir,
// in the order given.
func writeTradeoffRuns(t *testing.T, dir string, rs []experiments.Result) {
	t.Helper()
	w, err := table.NewWriter(dir, tradeoffLayout)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		r.Index = i
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, layout.SpecFile), []byte(tradeoffSpec), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRender_Analysis(t *testing.T) {
	dir := t.TempDir()
	writeTradeoff(t, dir)
	if err := Render(dir, figure.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{table.BalanceFile, table.PairedFile} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, filepath.Join("tradeoff", name), got)
	}
	for _, name := range []string{"tradeoff_l1.png", "tradeoff_l2.png", "heat_test.accuracy.png", "heat_sparsity.png",
		"heat_weight_l2.png", "grad_ratio_vs_l1.png", "grad_cos_vs_l1.png", "grad_ratio_vs_l2.png", "cost_vs_l1.png",
		"training_l1_1.png", "test.accuracy_vs_l1.png"} {
		checkPNG(t, filepath.Join(dir, name))
	}
	// l2 shares no parameter: no cosine figure, a sentence instead.
	if _, err := os.Stat(filepath.Join(dir, "grad_cos_vs_l2.png")); err == nil {
		t.Error("grad_cos_vs_l2.png written for a term with no cosine")
	}
	page, err := os.ReadFile(filepath.Join(dir, table.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"two penalties on a synthetic sweep",                               // description from spec.yaml
		"no validation metrics",                                            // test-split warning
		"λ_l1 = 0.1 is the largest λ that keeps test.accuracy within 1 SE", // the reading
		"touches no parameter the task loss uses",
		`class="diverged"`,
		"kind: l1", // the spec
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	for _, fig := range []string{"tradeoff_l1.png", "heat_test.accuracy.png"} {
		b, err := os.ReadFile(filepath.Join(dir, fig))
		if err != nil {
			t.Fatal(err)
		}
		if want := `<img src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(b) + `" alt="` + fig + `"`; !strings.Contains(html.UnescapeString(string(page)), want) {
			t.Errorf("report.html does not embed %s as a data: URI", fig)
		}
	}
	checkSelfContained(t, page)
	// Each figure in its section of the page (figureFamilies): between its
	// heading and the next.
	for _, c := range []struct{ fig, section, next string }{
		{"tradeoff_l1.png", "tradeoff", "paired"},
		{"heat_sparsity.png", "tradeoff", "paired"},
		{"grad_ratio_vs_l1.png", "grad", "cost"},
		{"grad_cos_vs_l1.png", "grad", "cost"},
		{"cost_vs_l1.png", "cost", "training"},
		{"training_l1_1.png", "training", "runs"},
	} {
		p := string(page)
		at, from, to := strings.Index(p, `alt="`+c.fig+`"`), strings.Index(p, `<h2 id="`+c.section+`">`), strings.Index(p, `<h2 id="`+c.next+`">`)
		if at < 0 || from < 0 || to < 0 || at < from || at > to {
			t.Errorf("report.html: %s at %d, want it in section %s (%d to %d)", c.fig, at, c.section, from, to)
		}
	}
	cost, err := os.ReadFile(filepath.Join(dir, table.CostFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(cost), "lambda.l1,lambda.l2,n,seconds.mean,") {
		t.Errorf("cost.csv header: %q", strings.SplitN(string(cost), "\n", 2)[0])
	}

	// Render again from the CSVs alone: the same bytes.
	first, _ := os.ReadFile(filepath.Join(dir, table.BalanceFile))
	for _, png := range mustGlob(t, filepath.Join(dir, "*.png")) {
		os.Remove(png)
	}
	os.Remove(filepath.Join(dir, table.HTMLFile))
	if err := Render(dir, figure.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(filepath.Join(dir, table.BalanceFile))
	if !bytes.Equal(first, again) {
		t.Error("balance.csv differs between two renders")
	}
	if _, err := os.Stat(filepath.Join(dir, table.HTMLFile)); err != nil {
		t.Error(err)
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAnalyze_Choices(t *testing.T) {
	dir := t.TempDir()
	writeTradeoff(t, dir)
	runs, err := table.ReadRuns(filepath.Join(dir, table.RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	a, err := table.Analyze(dir, runs, table.Summarize(runs))
	if err != nil {
		t.Fatal(err)
	}
	if a.Task.Name != "test.accuracy" || !a.Task.Higher {
		t.Errorf("task metric = %+v, want test.accuracy, higher", a.Task)
	}
	if len(a.Terms) != 2 {
		t.Fatalf("%d terms analysed, want 2", len(a.Terms))
	}
	l1, l2 := a.Terms[0], a.Terms[1]
	// sparsity is listed in report.metrics: preferred over weight_l1.
	if l1.Metric.Name != "sparsity" || !l1.Metric.Higher {
		t.Errorf("l1 metric = %+v, want sparsity, higher (rises with λ)", l1.Metric)
	}
	if l2.Metric.Name != "weight_l2" || l2.Metric.Higher {
		t.Errorf("l2 metric = %+v, want weight_l2, lower", l2.Metric)
	}
	if l1.Fixed != "l2=0" || len(l1.Points) != 4 {
		t.Errorf("l1 slice: fixed %q, %d points", l1.Fixed, len(l1.Points))
	}
	// Accuracies 0.80, 0.86, 0.855, 0.70 at l2 = 0. SE at the best:
	// 0.02/√3 = 0.0115, so 0.855 is within 1 SE. The λ = 0 CI is 0.80 ±
	// t(0.975, 2)·0.01/√3 = 0.80 ± 0.0248: only 0.70 falls below. (λ
	// values compared exactly: they are copied from runs.csv.)
	if b := l1.Balance; b.Best.Lambda != 0.01 || b.OneSE.Lambda != 0.1 || b.Overshadow.Lambda != 1 {
		t.Errorf("l1 balance: best %g, 1se %g, overshadow %g; want 0.01, 0.1, 1", b.Best.Lambda, b.OneSE.Lambda, b.Overshadow.Lambda)
	}
	if !l2.Grad.NoShared || l1.Grad.NoShared || l1.Grad.Source != table.RunsFile {
		t.Errorf("grad: l1 %+v, l2 NoShared %v", l1.Grad, l2.Grad.NoShared)
	}
	// l1's ratio is 20λ: 0.2 at 0.01, 2 at 0.1; crossing at 0.01·10^(log 5/log 10)… = 0.05.
	if !closeTo(l1.Grad.Crossing, 0.05, 1e-12) {
		t.Errorf("l1 crossing = %g, want 0.05", l1.Grad.Crossing)
	}
	// Paired at l1 = 0.01: differences 0.05, 0.06, 0.07: mean 0.06, std
	// 0.01, t = 0.06/(0.01/√3) on 2 df, whose two-sided p is
	// 1 − t/√(2 + t²) in closed form.
	p := pairedAt(a, &l1, l1.Points[1], "test.accuracy")
	tt := 0.06 / (0.01 / math.Sqrt(3))
	if p == nil || p.N != 3 || !closeTo(p.Mean, 0.06, 1e-12) || !closeTo(p.Std, 0.01, 1e-12) ||
		!closeTo(p.T, tt, 1e-9) || !closeTo(p.P, 1-tt/math.Sqrt(2+tt*tt), 1e-9) || p.Effect() != "better" {
		t.Errorf("paired l1=0.01: %+v, want t %g", p, tt)
	}
}

func TestAnalyze_NoCurvesNoTimings(t *testing.T) {
	dir := t.TempDir()
	writeTradeoff(t, dir)
	os.Remove(filepath.Join(dir, table.CurvesFile))
	os.Remove(filepath.Join(dir, table.TimingsFile))
	os.Remove(filepath.Join(dir, layout.SpecFile))
	if err := Render(dir, figure.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, table.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"no spec.yaml", "no timings.csv"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

func TestAnalyze_RatioFromCurves(t *testing.T) {
	// Without the grad.* columns in runs.csv the ratio comes from the last
	// epoch of curves.csv: grad.l1/grad.task = 10λ/1.
	layout := tradeoffLayout
	layout.Metrics = layout.Metrics[:5]
	dir := t.TempDir()
	w, err := table.NewWriter(dir, layout)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tradeoffResults() {
		r.Metrics = r.Metrics[:5]
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	runs, err := table.ReadRuns(filepath.Join(dir, table.RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	a, err := table.Analyze(dir, runs, table.Summarize(runs))
	if err != nil {
		t.Fatal(err)
	}
	g := a.Terms[0].Grad
	if g.Source != table.CurvesFile || g.HasCos || !strings.Contains(g.Note, "cosine is unavailable") {
		t.Fatalf("grad = %+v", g)
	}
	if got := g.Points[2].Ratio.Mean; !closeTo(got, 1, 1e-12) {
		t.Errorf("ratio at l1 = 0.1 = %g, want 1", got)
	}
}
