package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// multiSpec writes a spec running the fake trainer in mode multi (no
// noise: validation.accuracy 0.9-(λ-0.3)², validation.f1 and test.f1
// 0.8-(λ-0.1)², validation.loss 0.2+(λ-1)²) over λ 0, 0.1, 0.3, 1, with
// report lines added (e.g. "  task_metric: f1").
func multiSpec(t *testing.T, report string) string {
	t.Helper()
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return writeSpec(t, `name: multi
repeats: 2
trainer:
  command: [`+q(os.Args[0])+`, multi, "--l2={lambda.l2}"]
  env: {FAKE_LOSSEXP_TRAINER: "1"}
  metrics: {test.accuracy: higher, test.f1: higher, test.penalty: lower, validation.f1: higher, validation.accuracy: higher, validation.loss: lower}
loss:
  terms:
    - {kind: external, name: l2, weight: [0, 0.1, 0.3, 1], metric: test.penalty}
report:
  metrics: [test.accuracy]
`+report)
}

// TestTrainer_TaskMetric (issue 23): report.task_metric chooses the metric
// λ is judged on, in its direction. By hand, on λ 0, 0.1, 0.3, 1:
// validation.accuracy 0.81, 0.86, 0.90, 0.41 (best 0.3); validation.f1
// 0.79, 0.80, 0.76, -0.01 (best 0.1); validation.loss, lower is better,
// 1.20, 1.01, 0.69, 0.20 (best 1; judged the wrong way it would be 0).
// Without noise every SE is 0, so λ_1se is λ_best.
func TestTrainer_TaskMetric(t *testing.T) {
	for _, tc := range []struct {
		name, report, metric, better, best string
		stdout                             string
	}{
		{"default", "", "validation.accuracy", "higher", "0.3", "chosen on validation.accuracy (higher is better), test.accuracy there"},
		{"f1", "  task_metric: f1\n", "validation.f1", "higher", "0.1", "chosen on validation.f1 (higher is better), test.f1 there"},
		{"loss", "  task_metric: loss\n", "validation.loss", "lower", "1", "chosen on validation.loss (lower is better)"},
		{"test f1", "  task_metric: f1\n  select_on: test\n", "test.f1", "higher", "0.1", "chosen on test.f1 (higher is better), on the test split as report.select_on: test asks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := multiSpec(t, tc.report)
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := run(t, "sweep", spec, "--out", out)
			if code != 0 {
				t.Fatalf("sweep: exit %d\n%s", code, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout)
			}
			rows, col := readTable(t, filepath.Join(out, "balance.csv"))
			got := map[string]string{}
			for _, r := range rows[1:] {
				if r[col["task_metric"]] != tc.metric || r[col["task_better"]] != tc.better {
					t.Errorf("row %v: task_metric %s (%s), want %s (%s)", r, r[col["task_metric"]], r[col["task_better"]], tc.metric, tc.better)
				}
				got[r[col["point"]]] = r[col["lambda"]]
			}
			if got["lambda_best"] != tc.best || got["lambda_1se"] != tc.best {
				t.Errorf("λ_best %s, λ_1se %s; want %s for both", got["lambda_best"], got["lambda_1se"], tc.best)
			}
			code, stdout, stderr = run(t, "validate", spec)
			if code != 0 || !strings.Contains(stdout, "select:   λ chosen on "+tc.metric+", "+tc.better+" is better") {
				t.Errorf("validate: exit %d, stdout lacks the task metric %s:\n%s%s", code, tc.metric, stdout, stderr)
			}
		})
	}
}

// TestTrainer_TaskMetricRefused (issue 23): a trainer spec whose task
// metric has no validation.<metric> (the shipped PyTorch example reported
// test.* only and was judged on test without a word), or that names an
// unknown task metric, is refused by validate and sweep with exit 2 before
// any run, naming file, line, field and the cure.
func TestTrainer_TaskMetricRefused(t *testing.T) {
	testOnly := fakeSpec(t, "ok", 1)
	b, _ := os.ReadFile(testOnly)
	os.WriteFile(testOnly, []byte(strings.Replace(string(b), "  select_on: test\n", "", 1)), 0o644)
	for _, tc := range []struct {
		name, spec string
		want       []string
	}{
		{"no validation metric", testOnly, []string{testOnly + ":8:12: trainer.metrics: λ is chosen on validation.accuracy, which trainer.metrics does not list",
			"report it from the trainer", "report.select_on: test"}},
		{"named, only on test", multiSpec(t, "  task_metric: penalty\n"), []string{":12:16: report.task_metric: λ is chosen on validation.penalty, which trainer.metrics does not list", "report.select_on: test"}},
		{"unknown", multiSpec(t, "  task_metric: acuracy\n"), []string{`:12:16: report.task_metric: unknown task metric "acuracy"`, `did you mean "accuracy"?`, "(valid: f1, accuracy, loss)"}},
		{"with its split", multiSpec(t, "  task_metric: validation.f1\n"), []string{`write it without its split, "f1"`}},
		{"builtin typo", writeSpec(t, "name: b\ndataset: {builtin: moons, params: {samples: 60}}\nloss:\n  terms:\n    - {kind: l2, weight: [0, 0.1]}\nreport:\n  task_metric: acuracy\n"),
			[]string{`:7:16: report.task_metric: unknown task metric "acuracy"`, `did you mean "accuracy"?`, "loss"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, cmd := range []string{"validate", "sweep"} {
				out := filepath.Join(t.TempDir(), "out")
				code, _, stderr := run(t, cmd, tc.spec, "--out", out)
				if cmd == "validate" {
					code, _, stderr = run(t, cmd, tc.spec)
				}
				if code != 2 {
					t.Errorf("%s: exit %d, want 2\n%s", cmd, code, stderr)
				}
				for _, w := range tc.want {
					if !strings.Contains(stderr, w) {
						t.Errorf("%s: stderr lacks %q:\n%s", cmd, w, stderr)
					}
				}
				if _, err := os.Stat(out); err == nil {
					t.Errorf("%s: %s was created", cmd, out)
				}
			}
		})
	}
}
