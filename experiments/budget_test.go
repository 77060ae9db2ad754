package experiments

import (
	"context"
	"math"
	"strings"
	"testing"
)

// TestTrain_Budget: a run with a Budget trains that many epochs, and is,
// bit for bit (the point here), the run of a spec whose train.epochs is
// that budget: a rung of sweep.halving trains from scratch to its budget.
func TestTrain_Budget(t *testing.T) {
	const src = `name: b
seed: 2
dataset: {builtin: moons, params: {samples: 80}}
model: {kind: mlp, hidden: [8]}
train: {optimizer: adam, learning_rate: 0.05, epochs: EPOCHS, batch_size: 16}
loss:
  terms:
    - {kind: l2, weight: [0.01]}
`
	train := func(epochs string, budget int) Result {
		s := mustParse(t, strings.Replace(src, "EPOCHS", epochs, 1))
		d, err := OpenData(s, Folders{})
		if err != nil {
			t.Fatal(err)
		}
		sp, err := d.Prepare(0)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Train(context.Background(), &Run{Spec: s, Data: sp, Lambdas: []float64{0.01}, Budget: budget})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	rung, short := train("12", 4), train("4", 0)
	if len(rung.Curves) != 4 || len(short.Curves) != 4 {
		t.Fatalf("%d and %d epochs trained, want 4", len(rung.Curves), len(short.Curves))
	}
	for i := range rung.Metrics {
		if math.Float64bits(rung.Metrics[i]) != math.Float64bits(short.Metrics[i]) {
			t.Errorf("metric %d: %v with Budget 4 of 12, %v with epochs 4", i, rung.Metrics[i], short.Metrics[i])
		}
	}
	if r := (&Run{Spec: mustParse(t, strings.Replace(src, "EPOCHS", "12", 1))}); r.EpochBudget() != 12 {
		t.Errorf("EpochBudget without Budget = %d, want train.epochs 12", r.EpochBudget())
	}
}
