package table

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHalvingNote: the report's note on a halving study names the points
// pruned below the full budget with the largest budget each reached,
// counts the points that reached the full budget (runs.csv holds each
// run's last record: the full budget's, or the rung it was pruned
// after), and says nothing when nothing was pruned.
func TestHalvingNote(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) {
		if err := os.WriteFile(filepath.Join(dir, RunsFile), []byte("run_id,repeat,status,budget,lambda.l2,test.accuracy\n"+body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`a,0,ok,27,0,0.7
b,1,ok,27,0,0.7
d,0,pruned,3,0.1,0.4
e,1,pruned,3,0.1,0.4
f,0,pruned,9,1,0.5
g,1,pruned,9,1,0.5
h,0,ok,27,0.5,0.8
i,1,ok,27,0.5,0.8
`)
	got, err := halvingNote(dir, 27)
	if err != nil {
		t.Fatal(err)
	}
	want := "successive halving (sweep.halving): 2 of 4 grid points reached the full budget of 27 epochs; pruned, with the epochs they reached: l2=0.1 after 3; l2=1 after 9. The tables, figures and balance points use the full budget's runs alone (the pruned runs are in runs.csv with status pruned): a pruned λ ranked below the kept ones at its rung, so it is in none of them, λ_overshadow included."
	if got != want {
		t.Errorf("note\n%s\nwant\n%s", got, want)
	}
	write("a,0,ok,27,0,0.5\nb,0,ok,27,1,0.6\n")
	if got, err := halvingNote(dir, 27); err != nil || got != "" {
		t.Errorf("nothing pruned: note %q, %v; want none", got, err)
	}
}
