package dataset

import (
	"strings"
	"testing"
)

// TestReadCSV_WarningCounts (issue 26): the counts in the readers'
// warnings on two-row examples with one bad row. A test row holding two
// levels the training file lacks (split.unseen: zero) is one warning
// counting 2 cells, each level with its rows and first line; a row with a
// missing value under missing: drop is one dropped row, the other kept.
func TestReadCSV_WarningCounts(t *testing.T) {
	train := "x,c,d,y\n1,red,s,no\n2,blue,t,yes\n3,red,s,no\n"
	opt := CSVOptions{Target: "y", Categorical: []string{"c", "d"}, Features: []string{"x", "c", "d"}}
	tr, err := ReadCSV(strings.NewReader(train), "train.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Warnings) != 0 || tr.Dropped != 0 {
		t.Fatalf("training file: warnings %q, dropped %d", tr.Warnings, tr.Dropped)
	}
	o := opt
	o.Known, o.Unseen = tr, "zero"
	for _, c := range []struct{ name, text, want string }{
		{"one bad row", "x,c,d,y\n5,red,s,yes\n6,green,u,no\n",
			"test.csv: 2 cells hold categorical levels the training file lacks, encoded as all zeros: c=green (1 rows, first on line 3), d=u (1 rows, first on line 3)"},
		{"the level twice", "x,c,d,y\n5,green,s,yes\n6,green,t,no\n",
			"test.csv: 2 cells hold categorical levels the training file lacks, encoded as all zeros: c=green (2 rows, first on line 2)"},
	} {
		te, err := ReadCSV(strings.NewReader(c.text), "test.csv", o)
		if err != nil {
			t.Fatal(err)
		}
		if len(te.Warnings) != 1 || te.Warnings[0] != c.want || te.N != 2 {
			t.Errorf("%s: %d rows, warnings %q\nwant [%q]", c.name, te.N, te.Warnings, c.want)
		}
	}
	te, err := ReadCSV(strings.NewReader("x,c,d,y\n5,red,s,yes\n6,blue,t,no\n"), "test.csv", o)
	if err != nil || len(te.Warnings) != 0 {
		t.Errorf("no unseen level: warnings %q, %v", te.Warnings, err)
	}

	d := opt
	d.Missing = "drop"
	dt, err := ReadCSV(strings.NewReader("x,c,d,y\n1,red,s,no\n,blue,t,yes\n3,blue,s,yes\n"), "drop.csv", d)
	if err != nil {
		t.Fatal(err)
	}
	if dt.N != 2 || dt.Dropped != 1 {
		t.Errorf("one row missing x: %d rows, %d dropped; want 2, 1", dt.N, dt.Dropped)
	}
}
