package spec

import (
	"slices"
	"strings"
	"testing"
)

// TestHalvingRules_Defaults: sweep.halving with min_epochs alone gets
// eta 3 and keep_se 1; eta 2 and keep_se 0 (the smallest allowed) are
// accepted, min_epochs 0 refused at its line.
func TestHalvingRules_Defaults(t *testing.T) {
	parse := func(halving string) (*Spec, error) {
		return Parse(strings.NewReader(selBase+"train: {epochs: 27}\nsweep:\n  halving: "+halving+"\n"), "t.yaml")
	}
	s, err := parse("{min_epochs: 3}")
	if err != nil {
		t.Fatal(err)
	}
	if h := s.Sweep.Halving; h.Eta != 3 || h.KeepSE != 1 || h.MinEpochs != 3 {
		t.Errorf("defaults: %+v, want eta 3, keep_se 1", *h)
	}
	if got := s.Rungs(); !slices.Equal(got, []int{3, 9, 27}) {
		t.Errorf("rungs with the default eta: %v, want [3 9 27]", got)
	}
	s, err = parse("{min_epochs: 3, eta: 2, keep_se: 0}")
	if err != nil {
		t.Fatalf("eta 2, keep_se 0: %v", err)
	}
	if h := s.Sweep.Halving; h.Eta != 2 || h.KeepSE != 0 {
		t.Errorf("eta 2, keep_se 0 read as %+v", *h)
	}
	if got := s.Rungs(); !slices.Equal(got, []int{3, 6, 12, 24, 27}) {
		t.Errorf("rungs of min 3, eta 2, full 27: %v, want [3 6 12 24 27]", got)
	}
	if _, err := parse("{min_epochs: 0}"); err == nil || !strings.Contains(err.Error(), "t.yaml:6:25: sweep.halving.min_epochs: required, an integer ≥ 1") {
		t.Errorf("min_epochs 0: %v", err)
	}
	if _, err := parse("{min_epochs: 26}"); err != nil {
		t.Errorf("min_epochs one below the full budget: %v", err)
	}
}

// TestHalvingRules_CommandBudget: a training command's full budget is
// trainer.max_epochs (never train.epochs), 1 and MaxEpochsLimit are
// accepted, 0 and one over refused at the key's line.
func TestHalvingRules_CommandBudget(t *testing.T) {
	text := func(maxEpochs string) string {
		return "name: x\ntrainer:\n  command: [prog]\n  metrics: {test.pen: lower}\n  max_epochs: " + maxEpochs +
			"\nloss:\n  terms:\n    - {kind: external, name: f, weight: [0, 1], metric: test.pen}\nsweep:\n  halving: {min_epochs: 5, eta: 2}\n"
	}
	s, err := Parse(strings.NewReader(text("20")), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.FullEpochs() != 20 || !slices.Equal(s.Rungs(), []int{5, 10, 20}) {
		t.Errorf("full budget %d, rungs %v: want 20 and [5 10 20]", s.FullEpochs(), s.Rungs())
	}
	if s := (&Spec{Train: TrainSpec{Epochs: 7}}); s.FullEpochs() != 7 {
		t.Errorf("built-in full budget %d, want train.epochs 7", s.FullEpochs())
	}
	for _, tc := range []struct{ n, want string }{
		{"0", "t.yaml:5:15: trainer.max_epochs: must be a whole number between 1 and 1000000000"},
		{"1000000001", "t.yaml:5:15: trainer.max_epochs: must be a whole number between 1 and 1000000000"},
		{"1000000000", ""},
	} {
		_, err := Parse(strings.NewReader(strings.Replace(text(tc.n), "halving: {min_epochs: 5, eta: 2}", "halving: {min_epochs: 1}", 1)), "t.yaml")
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("max_epochs %s: %v", tc.n, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("max_epochs %s: %v, want %q", tc.n, err, tc.want)
		}
	}
}

// TestHalvingRules_BudgetRunID: a rung's run id is 16 hex digits of
// SHA-256(id, "budget", budget as 8 little-endian bytes), pinned (values
// from Python's hashlib): a changed id would retrain every stored rung, a
// budget left out would give two rungs one id (the second rung would
// reuse the first's runs).
func TestHalvingRules_BudgetRunID(t *testing.T) {
	for _, tc := range []struct {
		id     string
		budget int
		want   string
	}{
		{"p003-r01", 3, "2a7daafbebce6b45"},
		{"p003-r01", 9, "d7be68dbbcffff79"},
		{"0123456789abcdef", 27, "c7681ee935eca285"},
	} {
		if got := BudgetRunID(tc.id, tc.budget); got != tc.want {
			t.Errorf("BudgetRunID(%q, %d) = %s, want %s", tc.id, tc.budget, got, tc.want)
		}
	}
}
