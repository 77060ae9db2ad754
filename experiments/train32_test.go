package experiments

import (
	"context"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/spec"
)

// benchSpec is digitsBench (bench_test.go) at the given precision.
func precisionRun(tb testing.TB, precision, epochs string) *Run {
	tb.Helper()
	src := strings.Replace(digitsBench, "EPOCHS", epochs, 1)
	src = strings.Replace(src, "train: {", "train: {precision: "+precision+", ", 1)
	return specRun(tb, src, 1e-4)
}

// specRun is the first split's run of the spec src with the given λs.
func specRun(tb testing.TB, src string, lambdas ...float64) *Run {
	tb.Helper()
	s, err := spec.Parse(strings.NewReader(src), "bench.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	d, err := OpenData(s, Folders{})
	if err != nil {
		tb.Fatal(err)
	}
	sp, err := d.Prepare(0)
	if err != nil {
		tb.Fatal(err)
	}
	return &Run{Spec: s, Data: sp, Lambdas: lambdas}
}

// stepper returns a trainer of run and a function taking one training
// step (forward, task loss, backward, penalty, optimizer) on the first
// batch, as fitSGD does.
func stepper(tb testing.TB, run *Run) (*trainer, func()) {
	tb.Helper()
	t, err := newTrainer(run)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range t.perm {
		t.perm[i] = i
	}
	n := len(t.yb) / t.tpr
	return t, func() {
		x := t.loadBatch(t.data.Train, 0, n)
		out, dout, loss := t.forwardLoss(x, n)
		t.update(x, out, n, dout, loss, false)
	}
}

// TestPrecision32_StepDoesNotAllocate: a float32 training step, measured
// or not, allocates nothing.
func TestPrecision32_StepDoesNotAllocate(t *testing.T) {
	tr, step := stepper(t, precisionRun(t, "float32", "1"))
	if n := testing.AllocsPerRun(20, step); n != 0 {
		t.Errorf("%v allocations per float32 step", n)
	}
	x := tr.loadBatch(tr.data.Train, 0, 32)
	measured := func() {
		tr.forwardLoss(x, 32)
		tr.update(x, nil, 32, nil, 0, true)
	}
	if n := testing.AllocsPerRun(20, measured); n != 0 {
		t.Errorf("%v allocations per measured float32 step", n)
	}
}

// BenchmarkTrain_Step compares one training step of the bench network
// (batch 32) in float64 and float32.
func BenchmarkTrain_Step(b *testing.B) {
	for _, p := range []string{"float64", "float32"} {
		b.Run(p, func(b *testing.B) {
			run := precisionRun(b, p, "1")
			tr, step := stepper(b, run)
			b.ReportAllocs()
			for b.Loop() {
				step()
			}
			flops := tr.m.FLOPs(32)
			b.ReportMetric(float64(flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkTrain_RunPrecision trains one 20-epoch run per iteration.
func BenchmarkTrain_RunPrecision(b *testing.B) {
	for _, p := range []string{"float64", "float32"} {
		b.Run(p, func(b *testing.B) {
			run := precisionRun(b, p, "20")
			for b.Loop() {
				if _, err := Train(context.Background(), run); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
