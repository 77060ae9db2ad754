package experiments

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lossexp/lossexp/spec"
)

// TestTrain_SequenceWindows: sequence data is split by sequence (no
// sequence in two splits) and every batch is a contiguous window of one
// sequence, in frame order, of at most batch_size frames.
func TestTrain_SequenceWindows(t *testing.T) {
	s := mustParse(t, `
name: w
dataset: {builtin: sequences, params: {sequences: 10, length: 23}}
train: {batch_size: 8}
loss:
  terms: [{kind: temporal, weight: 0.1}]
`)
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := d.Prepare(0)
	if err != nil {
		t.Fatal(err)
	}
	inTrain := map[int]bool{}
	for _, q := range sp.Train.Seq {
		inTrain[q] = true
	}
	for _, q := range sp.Test.Seq {
		if inTrain[q] {
			t.Fatalf("sequence %d is in train and test", q)
		}
	}
	tr, err := newTrainer(&Run{Spec: s, Data: sp, Lambdas: []float64{0.1}})
	if err != nil {
		t.Fatal(err)
	}
	tr.arrangeWindows(rand.New(rand.NewPCG(1, 2)))
	rows := 0
	for b := range len(tr.win) {
		lo, hi := tr.bounds[b], tr.bounds[b+1]
		if hi-lo < 1 || hi-lo > 8 {
			t.Fatalf("batch %d has %d rows", b, hi-lo)
		}
		for k := lo + 1; k < hi; k++ {
			i, j := tr.perm[k-1], tr.perm[k]
			if j != i+1 || sp.Train.Seq[i] != sp.Train.Seq[j] {
				t.Fatalf("batch %d: rows %d, %d are not consecutive frames of one sequence", b, i, j)
			}
		}
		rows += hi - lo
	}
	if rows != sp.Train.N {
		t.Fatalf("windows cover %d rows, want %d", rows, sp.Train.N)
	}
}

// TestValidate_TemporalNeeds: temporal on data without sequences, and
// the issue-4 terms the trainer does not run yet, are refused before
// training at the term's kind.
func TestValidate_TemporalNeeds(t *testing.T) {
	for _, tt := range []struct {
		name, spec string
		want       []string
	}{
		{"temporal on moons", "name: x\ndataset: {builtin: moons}\nloss:\n  terms:\n    - {kind: temporal, weight: 1}\n", []string{"t.yaml:5:14", "term temporal", "builtin moons", "dataset.sequence"}},
		{"temporal on a csv", "name: x\ndataset: {csv: a.csv, target: y}\nloss:\n  terms:\n    - {kind: temporal, weight: 1}\n", []string{"t.yaml:5:14", "term temporal", "dataset.sequence"}},
		{"adversarial", "name: x\ndataset: {builtin: regression}\nloss:\n  terms:\n    - {kind: adversarial, weight: 1}\n", []string{"t.yaml:5:14", "term adversarial", "model.noise"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			expectRefused(t, tt.spec, tt.want...)
		})
	}
}

// TestStudy_TemporalSmoothing: on configs/temporal-smoothing.yaml (3
// seeded repeats, λ = 0, 2 and the largest, 5; the study's grid has 5
// repeats and three more λ), a model that sees 13 frames around its own
// is steadied into averaging them: test flicker falls all along (λ = 0 >
// 2 > 5), test accuracy rises from λ = 0 to λ = 2 and falls at λ = 5,
// in the mean and in most repeats paired by seed.
func TestStudy_TemporalSmoothing(t *testing.T) {
	s := loadStudy(t, "temporal-smoothing")
	const repeats = 3
	names := []string{"test.flicker", "test.flicker_excess", "test.accuracy"}
	mid, big := 2.0, largest(s, 0)
	if !slices.Contains(s.Loss.Terms[0].Weight.Values, mid) || big <= mid {
		t.Fatalf("the study's grid %v lacks λ = %g or has nothing above it", s.Loss.Terms[0].Weight.Values, mid)
	}
	z, m, l := map[string]float64{}, map[string]float64{}, map[string]float64{}
	rise, fall := 0, 0
	for r := range repeats {
		// One repeat at a time (studyMeans averages), to count the
		// paired directions.
		zr := studyRepeat(t, s, 0, r, names...)
		mr := studyRepeat(t, s, mid, r, names...)
		lr := studyRepeat(t, s, big, r, names...)
		t.Logf("repeat %d: accuracy %.3f, %.3f, %.3f; flicker %.3f, %.3f, %.3f (λ = 0, %g, %g)", r, zr["test.accuracy"], mr["test.accuracy"], lr["test.accuracy"], zr["test.flicker"], mr["test.flicker"], lr["test.flicker"], mid, big)
		if mr["test.accuracy"] > zr["test.accuracy"] {
			rise++
		}
		if lr["test.accuracy"] < mr["test.accuracy"] {
			fall++
		}
		for _, n := range names {
			z[n] += zr[n] / repeats
			m[n] += mr[n] / repeats
			l[n] += lr[n] / repeats
		}
	}
	t.Logf("means: λ=0: %v; λ=%g: %v; λ=%g: %v", z, mid, m, big, l)
	if !(z["test.flicker"] > m["test.flicker"] && m["test.flicker"] > l["test.flicker"]) {
		t.Errorf("test.flicker %.3f, %.3f, %.3f at λ = 0, %g, %g: want falling", z["test.flicker"], m["test.flicker"], l["test.flicker"], mid, big)
	}
	if !(m["test.accuracy"] > z["test.accuracy"]+0.02) || rise < repeats-1 {
		t.Errorf("test.accuracy %.3f at λ = %g, %.3f at λ = 0 (higher in %d of %d repeats): want a rise of more than 0.02, in most repeats", m["test.accuracy"], mid, z["test.accuracy"], rise, repeats)
	}
	if !(l["test.accuracy"] < m["test.accuracy"]-0.02) || fall < repeats-1 {
		t.Errorf("test.accuracy %.3f at λ = %g, %.3f at λ = %g (lower in %d of %d repeats): want a fall of more than 0.02, in most repeats", l["test.accuracy"], big, m["test.accuracy"], mid, fall, repeats)
	}
}

// studyRepeat trains repeat r of s at λ for its one term and returns the
// named metrics.
func studyRepeat(t *testing.T, s *spec.Spec, lambda float64, r int, names ...string) map[string]float64 {
	t.Helper()
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := d.Prepare(r)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Train(context.Background(), &Run{Repeat: r, Lambdas: []float64{lambda}, Spec: s, Data: sp})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusOK {
		t.Fatalf("λ %g repeat %d: %s: %s", lambda, r, res.Status, res.Reason)
	}
	out := map[string]float64{}
	all := MetricNames(s, sp)
	for _, n := range names {
		i := slices.Index(all, n)
		if i < 0 {
			t.Fatalf("no metric %q", n)
		}
		out[n] = res.Metrics[i]
	}
	return out
}
