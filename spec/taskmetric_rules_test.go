package spec

import (
	"strings"
	"testing"
)

func taskRulesSpec(t *testing.T, text string) *Spec {
	t.Helper()
	s, err := Parse(strings.NewReader(text), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const taskRulesBuiltin = "name: x\ndataset: {builtin: moons}\nmodel: {kind: linear}\nloss:\n  terms:\n    - {kind: l2, weight: [0, 1]}\n"

// TestTaskMetricRules_Check: the refusals of CheckTaskMetric and what
// passes. A named task metric needs a direction on the selection split's
// columns (validation's under select_on: cv, where the folds report
// theirs); a split written into the name gets the hint to drop it; a
// training command that lacks the metric on the selection split is told
// so (with report.select_on: test, that trainer.metrics does not list
// test.<name>); a command's metric without a split is its own choice;
// the built-in trainer is never refused by the default choice.
func TestTaskMetricRules_Check(t *testing.T) {
	b := taskRulesSpec(t, taskRulesBuiltin)
	if err := b.CheckTaskMetric([]string{"test.accuracy", "train.accuracy"}); err != nil {
		t.Errorf("built-in trainer, no validation split: %v", err)
	}
	b.Report.TaskMetric = "weird"
	if err := b.CheckTaskMetric([]string{"validation.accuracy", "validation.weird"}); err == nil || !strings.Contains(err.Error(), `unknown task metric "weird"`) {
		t.Errorf("a named metric without a direction: %v", err)
	}
	b.Report.TaskMetric = "validation.accuracy"
	if err := b.CheckTaskMetric([]string{"validation.accuracy"}); err == nil || !strings.Contains(err.Error(), `write it without its split, "accuracy"`) {
		t.Errorf("a named metric with its split: %v", err)
	}
	b.Report.TaskMetric, b.Report.SelectOn = "accuracy", SelectCV
	if err := b.CheckTaskMetric([]string{"validation.accuracy", "test.accuracy"}); err != nil {
		t.Errorf("select_on cv, the folds' validation.accuracy: %v", err)
	}

	cmd := func(metrics, report string) *Spec {
		return taskRulesSpec(t, "name: x\ntrainer:\n  command: [prog]\n  metrics: {"+metrics+"}\nloss:\n  terms:\n    - {kind: external, name: f, weight: [0, 1], metric: test.pen}\n"+report)
	}
	if err := cmd("score: higher, test.pen: lower", "").CheckTaskMetric([]string{"score", "test.pen"}); err != nil {
		t.Errorf("a command's metric without a split: %v", err)
	}
	s := cmd("validation.f1: higher, test.pen: lower", "")
	s.Report.SelectOn, s.Report.TaskMetric = SelectTest, "f1"
	err := s.CheckTaskMetric([]string{"validation.f1", "test.pen"})
	if err == nil || !strings.Contains(err.Error(), "λ is chosen on test.f1 (report.select_on: test), which trainer.metrics does not list") {
		t.Errorf("select_on test, f1 only on validation: %v", err)
	}
}

// TestTaskMetricRules_Table: directions and diagnostics come from the
// metric table.
func TestTaskMetricRules_Table(t *testing.T) {
	if !MetricDiagnostic("epochs_run") || MetricDiagnostic("validation.accuracy") {
		t.Errorf("diagnostic: epochs_run %v, validation.accuracy %v", MetricDiagnostic("epochs_run"), MetricDiagnostic("validation.accuracy"))
	}
	if MetricBetter("validation.accuracy") != "higher" || MetricBetter("test.mse") != "lower" {
		t.Errorf("better: accuracy %q, mse %q", MetricBetter("validation.accuracy"), MetricBetter("test.mse"))
	}
}
