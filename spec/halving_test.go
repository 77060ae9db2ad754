package spec

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestHalving_Validate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" = valid
	}{
		{"valid", selBase + "train: {epochs: 27}\nsweep:\n  halving: {min_epochs: 3, eta: 3, keep_se: 0.5}\n", ""},
		{"unknown key", selBase + "train: {epochs: 27}\nsweep:\n  halving: {min_epochs: 3, eta: 3, rungs: 4}\n",
			"t.yaml:6:36: sweep.halving.rungs: unknown key (valid: min_epochs, eta, keep_se)"},
		{"min_epochs missing", selBase + "train: {epochs: 27}\nsweep:\n  halving: {eta: 3}\n",
			"t.yaml:6:12: sweep.halving.min_epochs: required, an integer ≥ 1 (the first rung's epochs), got 0"},
		{"min_epochs at the full budget", selBase + "train: {epochs: 27}\nsweep:\n  halving: {min_epochs: 27}\n",
			"t.yaml:6:25: sweep.halving.min_epochs: must be below the full budget (train.epochs = 27), got 27"},
		{"eta 1", selBase + "train: {epochs: 27}\nsweep:\n  halving: {min_epochs: 3, eta: 1}\n",
			"t.yaml:6:33: sweep.halving.eta: must be at least 2 (each rung keeps about 1/eta of the points), got 1"},
		{"keep_se negative", selBase + "train: {epochs: 27}\nsweep:\n  halving: {min_epochs: 3, keep_se: -1}\n",
			"t.yaml:6:37: sweep.halving.keep_se: must be a finite number ≥ 0, got -1"},
		{"eta not an integer", selBase + "train: {epochs: 27}\nsweep:\n  halving: {min_epochs: 3, eta: 2.5}\n",
			"t.yaml:6:33: sweep.halving.eta: expected an integer, got 2.5"},
		{"with refine", "name: q\ndataset: {builtin: moons}\nloss: {terms: [{kind: l2, weight: [0, 0.1, 1]}]}\ntrain: {epochs: 27}\nsweep:\n  refine: {rounds: 1, points: 2}\n  halving: {min_epochs: 3}\n",
			"sweep.halving: halving and sweep.refine do not combine: give one"},
		{"command without max_epochs", "name: x\ntrainer:\n  command: [prog]\n  metrics: {test.pen: lower}\nloss:\n  terms:\n    - {kind: l2, weight: [0, 1]}\nsweep:\n  halving: {min_epochs: 3}\n",
			"trainer.max_epochs: required with sweep.halving"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in), "t.yaml")
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSpec_Rungs(t *testing.T) {
	tests := []struct {
		min, eta, full int
		want           []int
	}{
		{3, 3, 27, []int{3, 9, 27}},
		{17, 3, 150, []int{17, 51, 150}},
		{5, 2, 20, []int{5, 10, 20}},
		{50, 3, 150, []int{50, 150}},
		{1, 4, 100, []int{1, 4, 16, 64, 100}},
	}
	for _, tc := range tests {
		s := &Spec{Train: TrainSpec{Epochs: tc.full}, Sweep: SweepSpec{Halving: &HalvingSpec{MinEpochs: tc.min, Eta: tc.eta}}}
		if got := s.Rungs(); !slices.Equal(got, tc.want) {
			t.Errorf("rungs of min %d, eta %d, full %d: %v, want %v", tc.min, tc.eta, tc.full, got, tc.want)
		}
	}
	if got := (&Spec{Train: TrainSpec{Epochs: 9}}).Rungs(); got != nil {
		t.Errorf("rungs without halving: %v", got)
	}
}

// TestDocs_HalvingExample: the example of docs/halving.md parses, and its
// rungs are the ones the page states.
func TestDocs_HalvingExample(t *testing.T) {
	b, err := os.ReadFile("../docs/halving.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	_, rest, ok := strings.Cut(doc, "```yaml\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/halving.md has no yaml example")
	}
	s, err := Parse(strings.NewReader(selBase+block), "halving.md")
	if err != nil {
		t.Fatalf("the example does not parse: %v", err)
	}
	if got := s.Rungs(); !slices.Equal(got, []int{6, 18, 54, 150}) || !strings.Contains(doc, "gives 6, 18, 54, 150") {
		t.Errorf("the example's rungs %v, not what the page says", got)
	}
}
