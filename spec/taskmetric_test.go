package spec

import (
	"slices"
	"strings"
	"testing"
)

// TestSpec_TaskMetric: which metric chooses λ, from the names the runs
// have. A training command's own metric on the selection split wins over
// a built-in name on the test split (before issue 23, a trainer reporting
// validation.f1 and test.accuracy was judged on test.accuracy).
func TestSpec_TaskMetric(t *testing.T) {
	trainer := func(metrics, report string) *Spec {
		t.Helper()
		if !strings.Contains(metrics, "test.pen") {
			metrics += ", test.pen: lower"
		}
		s, err := Parse(strings.NewReader("name: x\ntrainer:\n  command: [prog]\n  metrics: {"+metrics+"}\nloss:\n  terms:\n    - {kind: external, name: f, weight: [0, 1], metric: test.pen}\n"+report), "t.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name     string
		spec     *Spec
		have     []string
		want, by string
	}{
		{"no spec", nil, []string{"test.accuracy", "validation.accuracy"}, "validation.accuracy", TaskByDefault},
		{"accuracy over f1", trainer("validation.f1: higher, validation.accuracy: higher", ""), []string{"validation.f1", "validation.accuracy"}, "validation.accuracy", TaskByDefault},
		{"named f1", trainer("validation.f1: higher, validation.accuracy: higher", "report: {task_metric: f1}\n"), []string{"validation.f1", "validation.accuracy"}, "validation.f1", TaskByName},
		{"own metric on validation before test", trainer("test.accuracy: higher, validation.f1: higher, test.pen: lower", ""), []string{"test.accuracy", "validation.f1", "test.pen"}, "validation.f1", TaskByTrainer},
		{"select_on test", trainer("test.accuracy: higher, validation.accuracy: higher, test.pen: lower", "report: {select_on: test}\n"), []string{"test.accuracy", "validation.accuracy"}, "test.accuracy", TaskByDefault},
		{"term's own metric never", trainer("test.pen: lower", ""), []string{"test.pen"}, "", ""},
		{"no split", trainer("score: higher, test.pen: lower", ""), []string{"score", "test.pen"}, "score", TaskByTrainer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, by := tc.spec.TaskMetric(func(m string) bool { return slices.Contains(tc.have, m) })
			if got != tc.want || by != tc.by {
				t.Errorf("TaskMetric = %q (%q), want %q (%q)", got, by, tc.want, tc.by)
			}
		})
	}
}
