package table

import (
	"strings"
	"testing"

	"github.com/lossexp/lossexp/spec"
)

// TestChoose_TrainerDirections: with a training command, directions come
// from trainer.metrics (an unknown name, and a catalogue name the spec
// turns around), the task metric falls back to the first of
// trainer.metrics no term claims, and an external term's own metric is
// its metric parameter.
func TestChoose_TrainerDirections(t *testing.T) {
	spec, err := spec.Parse(strings.NewReader(`name: x
trainer:
  command: [prog]
  metrics: {score: higher, test.loss: higher, unfair: lower}
loss:
  terms:
    - {kind: external, name: fair, weight: [0, 1], metric: unfair}
`), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := &Summary{Terms: []string{"fair"}, Metrics: []string{"unfair", "score"}, Points: []Point{
		{Lambdas: []float64{0}, Stats: []Stat{{N: 1, Mean: 0.3}, {N: 1, Mean: 0.9}}},
		{Lambdas: []float64{1}, Stats: []Stat{{N: 1, Mean: 0.1}, {N: 1, Mean: 0.8}}},
	}}
	task := ChooseTaskMetric(s, spec)
	if task.Name != "score" || !task.Higher {
		t.Errorf("task metric %+v, want score, higher", task)
	}
	if got := ChooseTaskMetric(s, nil); got.Name != "" {
		t.Errorf("without the spec: %+v", got)
	}
	if d := BetterHigher(spec, "test.loss"); d != "higher" {
		t.Errorf("test.loss: %q, want the spec's higher over the catalogue's lower", d)
	}
	if d := BetterHigher(nil, "test.loss"); d != "lower" {
		t.Errorf("test.loss without spec: %q", d)
	}
	a := &Analysis{Summary: s, Spec: spec, Task: task}
	ta := TermAnalysis{Term: "fair", Kind: "external", Points: []int{0, 1}}
	mc := a.ChooseTermMetric(&ta)
	if mc.Name != "unfair" || mc.Higher || mc.Why != "lower is better (trainer.metrics)" {
		t.Errorf("term metric %+v", mc)
	}
	spec.Loss.Terms[0].Params = nil
	if mc := a.ChooseTermMetric(&ta); mc.Index != -1 || !strings.Contains(mc.Why, "names no metric") {
		t.Errorf("term without metric: %+v", mc)
	}
	if d := Direction(spec, "unfair"); d != "lower" {
		t.Errorf("check direction %q", d)
	}
}
