package experiments

import (
	"context"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/spec"
)

// digitsBench is the yardstick network of the README's speed section:
// the 8×8 digits, MLP 64-128-64-10 ReLU, Adam 1e-3, batch 32.
const digitsBench = `
name: bench
repeats: 1
dataset: {csv: sklearn/digits.csv, target: target, split: {test: 0.25}}
model: {kind: mlp, hidden: [128, 64], activation: relu}
train: {optimizer: adam, learning_rate: 0.001, epochs: EPOCHS, batch_size: 32}
loss:
  terms: [{kind: l2, weight: 0.0001}]
`

func benchRun(b *testing.B, epochs string) *Run {
	b.Helper()
	dir := "" // the digits shipped with lossexp
	s, err := spec.Parse(strings.NewReader(strings.Replace(digitsBench, "EPOCHS", epochs, 1)), "bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	d, err := OpenData(s, Folders{Data: dir})
	if err != nil {
		b.Fatal(err)
	}
	sp, err := d.Prepare(0)
	if err != nil {
		b.Fatal(err)
	}
	return &Run{Spec: s, Data: sp, Lambdas: []float64{1e-4}}
}

// BenchmarkTrain_DigitsEpoch trains one epoch (43 steps of batch 32 plus
// the end-of-epoch test loss and final metrics) per iteration.
func BenchmarkTrain_DigitsEpoch(b *testing.B) {
	run := benchRun(b, "1")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Train(context.Background(), run); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrain_DigitsRun trains one whole 20-epoch run of the bench
// sweep per iteration; runs/s on one core is 1/(s/op).
func BenchmarkTrain_DigitsRun(b *testing.B) {
	run := benchRun(b, "20")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Train(context.Background(), run); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "runs/s")
}

// BenchmarkTrain_ConvexPath fits the convex yardstick's path per iteration
// on one core: L2 logistic regression on the shipped breast cancer data,
// 50 λ from 1e-4 to 10, full-batch L-BFGS, at the default tolerance and at
// 1e-7 (scripts/bench.sh times the same path against scikit-learn).
func BenchmarkTrain_ConvexPath(b *testing.B) {
	for _, tol := range []string{"", ", tolerance: 1e-7"} {
		name := "tolerance=default"
		if tol != "" {
			name = "tolerance=1e-7"
		}
		b.Run(name, func(b *testing.B) {
			s, err := spec.Parse(strings.NewReader(`
name: convex
repeats: 1
dataset: {csv: sklearn/breast_cancer.csv, target: target, split: {test: 0.3}}
model: {kind: linear}
train: {optimizer: lbfgs, epochs: 10000`+tol+`}
loss:
  terms: [{kind: l2, weight: {logspace: {from: 1e-4, to: 10, num: 50}, zero: false}}]
`), "convex.yaml")
			if err != nil {
				b.Fatal(err)
			}
			d, err := OpenData(s, Folders{})
			if err != nil {
				b.Fatal(err)
			}
			sp, err := d.Prepare(0)
			if err != nil {
				b.Fatal(err)
			}
			lams := s.Loss.Terms[0].Weight.Values
			b.ReportAllocs()
			for b.Loop() {
				for _, l := range lams {
					if _, err := Train(context.Background(), &Run{Spec: s, Data: sp, Lambdas: []float64{l}}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N*len(lams))/b.Elapsed().Seconds(), "fits/s")
		})
	}
}
