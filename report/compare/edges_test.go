package compare

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/report/table"
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
			figs, err := c.Figures(t.Context())
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

// TestCompare_SpecUnreadable: a folder whose spec.yaml was edited so that
// it no longer reads is compared with its balance points and directions
// guessed; the comparison said nothing (the report warns): it now notes
// it, naming the study and spec.yaml.
func TestCompare_SpecUnreadable(t *testing.T) {
	grid := []float64{0, 0.01, 0.1, 1}
	acc := func(l float64) float64 { return 0.9 - l/10 }
	w := func(l float64) float64 { return 1 / (1 + l) }
	a := frontsStudy(t, "A", "a", grid, acc, w)
	b := studyCSV(t, "B", readText(t, filepath.Join(a.Dir, table.RunsFile)))
	if err := os.WriteFile(filepath.Join(b.Dir, "spec.yaml"), []byte("name: b\nrepeats: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	an, err := table.Analyze(b.Dir, b.Runs, b.Summary)
	if err != nil {
		t.Fatal(err)
	}
	b.Analysis = an
	c, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(c.Notes, func(n string) bool { return strings.HasPrefix(n, b.title()+": spec.yaml could not be read") }) {
		t.Errorf("B's spec.yaml does not read: notes %q, want one naming B and spec.yaml", c.Notes)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCompare_StopsOnCancel: Ctrl-C while compare draws its figures (a
// figure a metric, seconds on a large study) ended nothing until every
// figure was drawn; a cancelled drawing returns at the next figure and
// writes nothing.
func TestCompare_StopsOnCancel(t *testing.T) {
	grid := []float64{0, 0.01, 0.1, 1}
	acc := func(l float64) float64 { return 0.9 - l/10 }
	w := func(l float64) float64 { return 1 / (1 + l) }
	c, err := Compare(frontsStudy(t, "A", "a", grid, acc, w), frontsStudy(t, "B", "b", grid, acc, w))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	out := t.TempDir()
	files, err := c.Write(ctx, out)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled compare: %d files, error %v; want context.Canceled", len(files), err)
	}
	if ents, _ := os.ReadDir(out); len(ents) > 0 {
		t.Errorf("cancelled compare wrote %d files, want none", len(ents))
	}
}
