package experiments

import (
	"math"
	"strings"
	"testing"
)

func TestDiverged_Bound(t *testing.T) {
	for _, tc := range []struct {
		name        string
		loss, first float64
		want        string // part of the reason; "" = not diverged
	}{
		{"ordinary", 0.5, 0.7, ""},
		{"large but within", 6.9e5, 0.7, ""}, // bound 1e6 × max(0.7, 1)
		{"beyond", 1.1e6, 0.7, "exceeds"},
		{"1e140 with status ok before", 1e140, 0.69, "exceeds"},
		{"bound scales with a large first loss", 5e9, 1e4, ""},
		{"tiny first loss has a floor of 1", 10, 1e-9, ""},
		{"NaN", math.NaN(), 0.7, "NaN"},
		{"+Inf", math.Inf(1), 0.7, "+Inf"},
	} {
		if got := diverged(tc.loss, lossBound(tc.first), 2, 3); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: diverged(%g, first %g) = %q, want %q", tc.name, tc.loss, tc.first, got, tc.want)
		}
	}
	if got := diverged(1e300, math.Inf(1), 1, 1); got != "" {
		t.Errorf("before the first loss is known nothing finite diverges, got %q", got)
	}
}

// TestTrain_GrowingLossDiverges: plain SGD at a learning rate far too
// large for a tanh MLP on a regression task sends the loss up by many
// orders of magnitude within the first epoch: the run is diverged, with
// the reason, and keeps no metrics.
func TestTrain_GrowingLossDiverges(t *testing.T) {
	s := mustParse(t, `
name: div
seed: 1
dataset:
  builtin: regression
  params: {samples: 200}
model: {kind: mlp, hidden: [32, 32], activation: tanh}
train: {optimizer: sgd, learning_rate: 1, epochs: 30, batch_size: 16}
loss:
  terms:
    - kind: l2
      weight: [0, 0.001]
`)
	res, run := trainOne(t, s, []float64{0}, 0)
	if res.Status != StatusDiverged || !strings.Contains(res.Reason, "exceeds") || !strings.Contains(res.Reason, "learning rate") {
		t.Fatalf("status %q, reason %q; want diverged because the loss exceeded the bound", res.Status, res.Reason)
	}
	if v := metric(t, s, run, res, "test.mse"); !math.IsNaN(v) {
		t.Errorf("a diverged run reports test.mse %g", v)
	}
}

// TestSpec_WeightKeyBesideWeight: zero: (or another key of the weight
// mapping) written beside weight: is refused with where it belongs, not
// with "l2 takes no parameters".
func TestSpec_WeightKeyBesideWeight(t *testing.T) {
	expectRefused(t, `
name: z
dataset: {builtin: moons}
model: {kind: linear}
train: {optimizer: adam, learning_rate: 0.01, epochs: 2}
loss:
  terms:
    - kind: l2
      weight: [0.1, 1]
      zero: false
`, "t.yaml:10:", "loss.terms[0].zero: zero belongs inside the weight mapping, e.g. weight: {values: [0.01, 0.1], zero: false}")
}
