package spec

import (
	"strings"
	"testing"
)

// TestFailFastRules_MaxFailures: trainer.max_failures left out is 3; 0
// is kept (never stop); a negative count is refused at its line.
func TestFailFastRules_MaxFailures(t *testing.T) {
	base := "name: x\ntrainer:\n  command: [prog]\n  metrics: {test.pen: lower}\n%sloss:\n  terms:\n    - {kind: external, name: f, weight: [0, 1], metric: test.pen}\n"
	for _, c := range []struct {
		line string
		want int
	}{{"", 3}, {"  max_failures: 0\n", 0}, {"  max_failures: 1\n", 1}} {
		s, err := Parse(strings.NewReader(strings.Replace(base, "%s", c.line, 1)), "t.yaml")
		if err != nil || s.Trainer.FailFast() != c.want {
			t.Errorf("%q: %v, %v; want %d", c.line, s, err, c.want)
		}
	}
	_, err := Parse(strings.NewReader(strings.Replace(base, "%s", "  max_failures: -1\n", 1)), "t.yaml")
	if err == nil || !strings.Contains(err.Error(), "t.yaml:5:") || !strings.Contains(err.Error(), "trainer.max_failures: must be >= 0") {
		t.Errorf("max_failures -1: %v", err)
	}
}
