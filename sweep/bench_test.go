package sweep

import (
	"context"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/spec"
)

// BenchmarkSweep_Small runs a whole 27-run sweep (9 grid points × 3
// repeats of a small MLP on moons) on 2 workers per iteration and reports
// runs/s.
func BenchmarkSweep_Small(b *testing.B) {
	s, err := spec.Parse(strings.NewReader(`
name: bench-small
repeats: 3
dataset: {builtin: moons, params: {samples: 400}}
model: {kind: mlp, hidden: [32, 32]}
train: {optimizer: adam, epochs: 20, batch_size: 32}
loss:
  terms: [{kind: l2, weight: {logspace: {from: 1e-5, to: 1e-2, num: 8}}}]
`), "bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	data, err := experiments.OpenData(s, experiments.Folders{})
	if err != nil {
		b.Fatal(err)
	}
	plans, _, err := Expand(s) // a *Plans: nothing per run
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(context.Background(), s, data, plans, Options{Workers: 2, Save: func(*experiments.Result) error { return nil }}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*plans.Len())/b.Elapsed().Seconds(), "runs/s")
}
