package lossterms

import (
	"slices"
	"strings"
	"testing"
)

func patterns(ms []MetricDef) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Pattern
	}
	return out
}

// TestMetricTable_OneRowEach: every metric is described once, with a
// known task and direction, a meaning and how it is computed; every
// term's metrics are rows of the table, owned by the term or shared with
// the trainer.
func TestMetricTable_OneRowEach(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range MetricTable() {
		if seen[m.Pattern] {
			t.Errorf("%s described twice", m.Pattern)
		}
		seen[m.Pattern] = true
		if m.Meaning == "" || m.How == "" {
			t.Errorf("%s: meaning %q, how %q", m.Pattern, m.Meaning, m.How)
		}
		if !slices.Contains([]string{"", "higher", "lower"}, m.Better) || !slices.Contains([]string{"", "classification", "regression", "segmentation"}, m.Task) {
			t.Errorf("%s: better %q, task %q", m.Pattern, m.Better, m.Task)
		}
	}
	for _, info := range Catalogue() {
		for _, m := range info.Metrics {
			if !seen[m.Pattern] {
				t.Errorf("term %s: metric %s is not in the table", info.Kind, m.Pattern)
			}
		}
	}
}

// TestMetricColumns: the columns of a few data shapes, in the order
// sweeps have always written them (runs.csv of the committed baselines
// depends on it).
func TestMetricColumns(t *testing.T) {
	tests := []struct {
		name string
		c    MetricContext
		want string
	}{
		{"classification", MetricContext{Task: "classification", Splits: []string{"train", "test"}, Kinds: []string{"l2"}, Terms: []string{"l2"}},
			"train.accuracy,train.loss,test.accuracy,test.loss,gap.accuracy,grad.cos.l2,grad.conflict.l2,grad.ratio.l2,weight_l1,weight_l2,sparsity,near_zero,epochs_run"},
		{"regression, two terms", MetricContext{Task: "regression", Splits: []string{"train", "test"}, Kinds: []string{"l2", "l1"}, Terms: []string{"a", "b"}},
			"train.loss,train.mse,train.r2,test.loss,test.mse,test.r2,gap.mse,grad.cos.a,grad.conflict.a,grad.ratio.a,grad.cos.b,grad.conflict.b,grad.ratio.b,weight_l1,weight_l2,sparsity,near_zero,epochs_run"},
		{"groups, binary", MetricContext{Task: "classification", Binary: true, Groups: []string{"f", "m x"}, Splits: []string{"test"}, Kinds: []string{"fairness"}, Terms: []string{"fair"}},
			"test.accuracy,test.loss,test.dp_diff,test.eo_diff,test.accuracy_diff,test.accuracy.f,test.accuracy.m_x,gap.accuracy,grad.cos.fair,grad.conflict.fair,grad.ratio.fair,weight_l1,weight_l2,sparsity,near_zero,epochs_run"},
		{"segmentation, aux and decorrelation with factors", MetricContext{Task: "segmentation", Factors: true, Splits: []string{"test"}, Kinds: []string{"aux", "decorrelation"}, Terms: []string{"aux", "dc"}},
			"test.accuracy,test.loss,test.iou,test.boundary_f1,test.aux_accuracy,test.aux_loss,test.mean_abs_corr,test.gap_score,gap.accuracy,grad.cos.aux,grad.conflict.aux,grad.ratio.aux,grad.cos.dc,grad.conflict.dc,grad.ratio.dc,weight_l1,weight_l2,sparsity,near_zero,epochs_run"},
		{"sequences without the temporal term", MetricContext{Task: "classification", Seq: true, Splits: []string{"test"}},
			"test.accuracy,test.loss,test.flicker,test.flicker_excess,gap.accuracy,weight_l1,weight_l2,sparsity,near_zero,epochs_run"},
		{"adversarial and perceptual", MetricContext{Task: "regression", Labels: true, Splits: []string{"test"}, Kinds: []string{"adversarial", "perceptual"}, Terms: []string{"g", "p"}},
			"test.loss,test.mse,test.r2,test.realism,test.disc_accuracy,test.perceptual,test.recognizability,gap.mse,grad.cos.g,grad.conflict.g,grad.ratio.g,grad.cos.p,grad.conflict.p,grad.ratio.p,weight_l1,weight_l2,sparsity,near_zero,epochs_run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(MetricColumns(&tt.c), ","); got != tt.want {
				t.Errorf("columns\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestLookupMetric: directions and diagnostics of column names.
func TestLookupMetric(t *testing.T) {
	tests := []struct {
		name, better string
		diag, ok     bool
	}{
		{"test.accuracy", "higher", false, true},
		{"validation.loss", "lower", false, true},
		{"test.accuracy.female", "higher", false, true},
		{"test.accuracy_diff", "lower", false, true},
		{"gap.accuracy", "lower", false, true},
		{"grad.conflict.l2", "lower", true, true},
		{"grad.cos.fair", "", true, true},
		{"epochs_run", "", true, true},
		{"sparsity", "", false, true},
		{"test.flicker", "lower", false, true},
		{"test.nonsense", "", false, false},
	}
	for _, tt := range tests {
		m, ok := LookupMetric(tt.name)
		if ok != tt.ok || m.Better != tt.better || m.Diagnostic != tt.diag {
			t.Errorf("%s: ok %v better %q diagnostic %v; want %v %q %v", tt.name, ok, m.Better, m.Diagnostic, tt.ok, tt.better, tt.diag)
		}
	}
}
