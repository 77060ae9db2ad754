package experiments

import (
	"slices"
	"testing"
)

// TestSelect_PrepareCarve checks the data a carving spec trains on: the
// test split is the one of the same spec selecting on test, row for row
// (unstandardized: standardization fits on the training rows, which
// change);
// the validation split is carved from the training rows (0.2 of them) and
// is the same at every call for a repeat; the runs have validation
// metrics.
func TestSelect_PrepareCarve(t *testing.T) {
	src := "name: q\ndataset: {builtin: moons, params: {samples: 200}, standardize: false, split: {test: 0.5}}\nloss: {terms: [{kind: l2, weight: [0, 0.1]}]}\n"
	carved, test := mustParse(t, src), mustParse(t, src+"report: {select_on: test}\n")
	dc, err := OpenData(carved, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	dt, err := OpenData(test, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	for r := range 2 {
		a, err := dc.Prepare(r)
		if err != nil {
			t.Fatal(err)
		}
		b, err := dt.Prepare(r)
		if err != nil {
			t.Fatal(err)
		}
		if b.Validation != nil || a.Validation == nil {
			t.Fatalf("repeat %d: validation split %v with select_on test, %v carved; want none and one", r, b.Validation != nil, a.Validation != nil)
		}
		if a.Test.N != b.Test.N || !slices.Equal(a.Test.X, b.Test.X) || !slices.Equal(a.Test.Y, b.Test.Y) {
			t.Errorf("repeat %d: the carve changed the test split", r)
		}
		if a.Validation.N != 20 || a.Train.N != 80 || b.Train.N != 100 {
			t.Errorf("repeat %d: train %d + validation %d (of %d), want 80 + 20", r, a.Train.N, a.Validation.N, b.Train.N)
		}
		again, err := dc.Prepare(r)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(again.Validation.X, a.Validation.X) {
			t.Errorf("repeat %d: the carved rows differ between two calls", r)
		}
		if !slices.Contains(MetricNames(carved, a), "validation.accuracy") {
			t.Errorf("a carving spec's runs lack validation.accuracy: %v", MetricNames(carved, a))
		}
	}
}
