package compare

import (
	"slices"
	"strings"
	"testing"
)

// TestCompare_OppositeDirections: two studies whose specs rank the same
// metric in opposite directions (trainer.metrics: score: higher in one,
// lower in the other) are not compared on it: B's front was drawn with
// A's direction, its balance points set beside A's as if chosen alike.
// The task metric is named in a note and no trade-off figure is drawn; a
// term metric of opposite directions draws no figure of its term either.
func TestCompare_OppositeDirections(t *testing.T) {
	grid := []float64{0, 0.01, 0.1, 1}
	acc := func(l float64) float64 { return 0.9 - l/10 }
	w := func(l float64) float64 { return 1 / (1 + l) }
	for _, flip := range []string{"task", "term"} {
		t.Run(flip, func(t *testing.T) {
			a := frontsStudy(t, "A", "a", grid, acc, w)
			b := frontsStudy(t, "B", "b", grid, acc, w)
			if flip == "task" {
				b.Analysis.Task.Higher = !a.Analysis.Task.Higher
			} else {
				b.Analysis.Terms[0].Metric.Higher = !a.Analysis.Terms[0].Metric.Higher
			}
			c, err := Compare(a, b)
			if err != nil {
				t.Fatal(err)
			}
			figs, err := c.Figures()
			if err != nil {
				t.Fatal(err)
			}
			if i := slices.IndexFunc(figs, func(f Figure) bool { return strings.HasPrefix(f.Name, "compare_tradeoff") }); i >= 0 {
				t.Errorf("opposite %s directions: %s drawn, want no trade-off figure", flip, figs[i].Name)
			}
			if flip == "task" && c.Task != "" {
				t.Errorf("opposite task directions: task metric %q compared, want none", c.Task)
			}
			if !slices.ContainsFunc(c.Notes, func(n string) bool {
				return strings.Contains(n, "lower in") || strings.Contains(n, "opposite directions")
			}) {
				t.Errorf("opposite %s directions: notes %q, want one naming them", flip, c.Notes)
			}
		})
	}
}
