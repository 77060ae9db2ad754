package spec

import "testing"

func TestMetricBetter(t *testing.T) {
	for metric, want := range map[string]string{
		"test.accuracy":        "higher",
		"gap.accuracy":         "lower", // an exact entry wins over <split>.accuracy
		"train.loss":           "lower",
		"validation.r2":        "higher",
		"test.mse":             "lower",
		"test.accuracy.female": "higher",
		"grad.conflict.l2":     "lower",
		"grad.cos.l2":          "",
		"weight_l2":            "",
		"sparsity":             "",
		"no.such.metric":       "",
	} {
		if got := MetricBetter(metric); got != want {
			t.Errorf("MetricBetter(%q) = %q, want %q", metric, got, want)
		}
	}
}
