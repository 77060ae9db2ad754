package report

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/report/table"
)

// TestAnalyze_ScatteredPoints: a runs.csv whose grid points are not
// contiguous (written repeat by repeat) gives the same paired comparisons
// as the grid-ordered table (pairAll reads it again whole), and no cost
// section, with a note saying why (the timings of a point come apart).
func TestAnalyze_ScatteredPoints(t *testing.T) {
	byRepeat := tradeoffResults()
	slices.SortStableFunc(byRepeat, func(a, b experiments.Result) int { return a.Repeat - b.Repeat })
	analyses := map[string]*table.Analysis{}
	for name, rs := range map[string][]experiments.Result{"grid": tradeoffResults(), "scattered": byRepeat} {
		dir := t.TempDir()
		writeTradeoffRuns(t, dir, rs)
		runs, err := table.ReadRuns(filepath.Join(dir, table.RunsFile))
		if err != nil {
			t.Fatal(err)
		}
		if analyses[name], err = table.Analyze(dir, runs, table.Summarize(runs)); err != nil {
			t.Fatal(err)
		}
	}
	grid, sc := analyses["grid"], analyses["scattered"]
	if len(grid.Terms) == 0 || len(grid.Terms) != len(sc.Terms) {
		t.Fatalf("%d terms analysed (grid order), %d (scattered)", len(grid.Terms), len(sc.Terms))
	}
	for k := range grid.Terms {
		// %v, not reflect.DeepEqual: NaN fields are equal here when both NaN.
		g, s := fmt.Sprintf("%v", grid.Terms[k].Paired), fmt.Sprintf("%v", sc.Terms[k].Paired)
		if len(grid.Terms[k].Paired) == 0 || g != s {
			t.Errorf("term %s: paired comparisons differ\ngrid order: %s\nscattered:  %s", grid.Terms[k].Term, g, s)
		}
	}
	if grid.Cost == nil {
		t.Fatal("grid order: no cost section")
	}
	if sc.Cost != nil || !slices.ContainsFunc(sc.Notes, func(n string) bool { return strings.Contains(n, "not contiguous") }) {
		t.Errorf("scattered: cost = %v, notes %q; want no cost section and a note", sc.Cost != nil, sc.Notes)
	}
}
