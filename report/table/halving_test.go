package table

import (
	"strings"
	"testing"
)

// TestReadRuns_PrunedLeftOut: the rows of pruned runs (sweep.halving) are
// passed over by every reader of runs.csv, so no table or figure uses a
// run below the full budget; the budget column after reason is ignored.
func TestReadRuns_PrunedLeftOut(t *testing.T) {
	csv := "run_id,repeat,seed,status,lambda.l2,test.accuracy,reason,budget\n" +
		"a,0,1,ok,0,0.9,,27\n" +
		"b,0,1,pruned,1,0.5,,3\n" +
		"c,0,1,ok,0.1,0.8,,27\n"
	runs, err := parseRuns(strings.NewReader(csv), "runs.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs.Runs) != 2 || runs.Runs[0].RunID != "a" || runs.Runs[1].RunID != "c" {
		t.Fatalf("runs %+v: want a and c, the pruned b left out", runs.Runs)
	}
	if got := strings.Join(runs.Metrics, ","); got != "test.accuracy" {
		t.Errorf("metrics %s: the budget column read as a metric", got)
	}
	s := Summarize(runs)
	if len(s.Points) != 2 {
		t.Errorf("summary of %d points, want 2", len(s.Points))
	}
}
