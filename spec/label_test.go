package spec

import (
	"fmt"
	"testing"
)

// TestTupleLabel: the one joiner of λ labels: item per term, ", "
// between, nothing for no term; LambdaLabel (the messages' label) is it
// with "name=%g".
func TestTupleLabel(t *testing.T) {
	item := func(t string, v float64) string { return fmt.Sprintf("λ(%s) = %.3g", t, v) }
	for _, c := range []struct {
		terms []string
		lam   []float64
		want  string
	}{
		{nil, nil, ""},
		{[]string{"l2"}, []float64{0.001}, "λ(l2) = 0.001"},
		{[]string{"l2", "l1"}, []float64{0.1, 12345}, "λ(l2) = 0.1, λ(l1) = 1.23e+04"},
	} {
		if got := TupleLabel(c.terms, c.lam, item); got != c.want {
			t.Errorf("TupleLabel(%v, %v) = %q, want %q", c.terms, c.lam, got, c.want)
		}
	}
	s := &Spec{Loss: LossSpec{Terms: []TermSpec{{Name: "l2"}, {Name: "fair"}}}}
	if got, want := s.LambdaLabel([]float64{1e-4, 0}), "l2=0.0001, fair=0"; got != want {
		t.Errorf("LambdaLabel = %q, want %q", got, want)
	}
	// A generated grid's λ (logspace) to 4 significant digits, as the
	// report writes it, never at full precision.
	if got, want := s.LambdaLabel([]float64{0.031622776601683794, 12.5}), "l2=0.03162, fair=12.5"; got != want {
		t.Errorf("LambdaLabel = %q, want %q", got, want)
	}
	for _, c := range []struct {
		vs   []float64
		want string
	}{
		{[]float64{0, 0.0031622776601683794, 1e-5, 10}, "0, 0.003162, 1e-05, 10"},
		{[]float64{0.1, 0.10001}, "0.1, 0.10001"}, // more digits when two would read the same
	} {
		if got := LambdaList(c.vs); got != c.want {
			t.Errorf("LambdaList(%v) = %q, want %q", c.vs, got, c.want)
		}
	}
}
