package experiments

import (
	"math/rand/v2"
	"strings"
	"testing"
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
	d, err := OpenData(s, "")
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
			_, err := Parse(strings.NewReader(tt.spec), "t.yaml")
			if err == nil {
				t.Fatal("spec accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestStudy_TemporalSmoothing: on configs/temporal-smoothing.yaml (2
// seeded repeats), test flicker at the largest λ is below half its value
// at λ = 0; accuracy is logged beside it (it falls: a per-frame model
// steadies its predictions only by trusting its input less).
func TestStudy_TemporalSmoothing(t *testing.T) {
	s := loadStudy(t, "temporal-smoothing")
	names := []string{"test.flicker", "test.flicker_excess", "test.accuracy"}
	z := studyMeans(t, s, "", []float64{0}, 2, names...)
	l := studyMeans(t, s, "", []float64{largest(s, 0)}, 2, names...)
	t.Logf("λ=0: %v; λ=%g: %v", z, largest(s, 0), l)
	if !(l["test.flicker"] < z["test.flicker"]/2) {
		t.Errorf("test.flicker %.3f at the largest λ, %.3f at λ = 0: want below half", l["test.flicker"], z["test.flicker"])
	}
}
