package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, that every error is a
// non-empty message carrying a *FieldError, and that an accepted spec
// validates again, has a grid and hashes stably. Seed corpus:
// testdata/fuzz/FuzzParse, the files in testdata and configs.
func FuzzParse(f *testing.F) {
	for _, glob := range []string{"testdata/*.yaml", "../configs/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Add(base + "loss: {terms: [{kind: l1, weight: {logspace: {from: 1e-5, to: 1e-1, num: 9}}}, {kind: l2, weight: [1, 2]}]}\nsweep: {mode: zip}\n")
	f.Add(base + "loss: {terms: [{kind: l1, weight: simplex}, {kind: l2, weight: simplex, scale: initial_grad}]}\nsweep: {mode: simplex, total: 2, step: 0.5, axes: {model.hidden: [4, [8, 8]], seed: [1, 2]}}\n")
	f.Add(base + "loss: {terms: [{kind: l2, weight: [1, 2, 3], scale: initial_loss}]}\nsweep: {refine: {rounds: 2, points: 3}, axes: {dataset.params.samples: [50, 100]}}\n")
	f.Add("name: t\ntrainer:\n  command: [python3, train.py, \"--a={lambda.f}\", \"{{x}}\", \"--s={seed}\"]\n  inputs: [train.py]\n  env: {G: \"{worker}\"}\n  params: {lr: 0.1}\n  timeout: 1h\n  retries: 2\n  metrics: {test.acc: higher, test.dp: lower}\nloss: {terms: [{kind: external, name: f, weight: [0, 1], metric: test.dp}]}\nsweep: {axes: {trainer.params.lr: [0.1, 0.2], seed: [1, 2]}}\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(strings.NewReader(in), "f.yaml")
		if err != nil {
			var fe *FieldError
			if s != nil || err.Error() == "" || !errors.As(err, &fe) {
				t.Fatalf("bad error %T %q (spec %v)", err, err, s)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted spec does not validate again: %v", err)
		}
		grid, err := s.Grid()
		if err != nil || len(grid) == 0 {
			t.Fatalf("accepted spec has no grid: %v", err)
		}
		for _, p := range grid {
			if len(p) != len(s.Loss.Terms) {
				t.Fatalf("grid point %v for %d terms", p, len(s.Loss.Terms))
			}
		}
		for _, term := range s.Loss.Terms {
			checkWeight(t, term.Weight)
		}
		// The hashes are a function of the spec's text: parsed again
		// (from another path) it hashes the same.
		again, err := Parse(strings.NewReader(in), "other.yaml")
		if err != nil {
			t.Fatalf("the same text parses once, not twice: %v", err)
		}
		if s.Hash() != again.Hash() || s.ResultHash() != again.ResultHash() {
			t.Fatalf("hashes differ between two parses of the same text: %s/%s vs %s/%s", s.Hash(), s.ResultHash(), again.Hash(), again.ResultHash())
		}
	})
}

// FuzzParseWeight checks that no input makes ParseWeightString panic and
// that every accepted weight is non-empty, finite, ≥ 0 and strictly
// ascending. Seed corpus: testdata/fuzz/FuzzParseWeight.
func FuzzParseWeight(f *testing.F) {
	for _, s := range []string{
		"0.01", "-1", "[0.1, 0.01]", "[]",
		"{logspace: {from: 1e-5, to: 1e-1, num: 9}}",
		"{linspace: {from: 0, to: 1, num: 11}, zero: false}",
		"{values: [3, 2, 1], zero: false}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		w, err := ParseWeightString(in)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		checkWeight(t, w)
		if w.Swept && !strings.Contains(in, "zero") && w.Values[0] != 0 {
			t.Fatalf("%q: swept without λ = 0 first: %v", in, w.Values)
		}
	})
}
