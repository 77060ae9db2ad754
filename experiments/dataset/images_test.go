package dataset

import (
	"slices"
	"testing"
)

// The glyphs builtin is a 64-output regression with class labels that
// survive the split, row for row.
func TestBuiltin_GlyphsImages(t *testing.T) {
	tab, err := Builtin("glyphs", map[string]float64{"samples": 40}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Task != Regression || tab.T != 64 || len(tab.Y) != 40*64 || len(tab.Label) != 40 || len(tab.LabelNames) != 4 {
		t.Fatalf("task %v, T %d, %d targets, %d labels, label names %v", tab.Task, tab.T, len(tab.Y), len(tab.Label), tab.LabelNames)
	}
	sp, err := Prepare(tab, PrepareOptions{Test: 0.25, Standardize: true}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if sp.K() != 64 || sp.Train.T != 64 || sp.Test.T != 64 || !slices.Equal(sp.LabelNames, tab.LabelNames) {
		t.Fatalf("K %d, train T %d, test T %d, label names %v", sp.K(), sp.Train.T, sp.Test.T, sp.LabelNames)
	}
	// Each split row's clean target is one table row's; its label must be
	// that row's label.
	for _, ds := range []*Dataset{sp.Train, sp.Test} {
		if len(ds.Label) != ds.N {
			t.Fatalf("%d labels for %d rows", len(ds.Label), ds.N)
		}
		for r := range ds.N {
			found := false
			for i := range tab.N {
				// Exact: the targets are copied, not computed.
				if slices.Equal(ds.Y[r*64:(r+1)*64], tab.Y[i*64:(i+1)*64]) && ds.Label[r] == tab.Label[i] {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("split row %d: no table row with its target and label %d", r, ds.Label[r])
			}
		}
	}
	// A bad label index is refused.
	tab.Label[0] = 9
	if _, err := Prepare(tab, PrepareOptions{Test: 0.25}, 5); err == nil {
		t.Error("label 9 of 4 classes accepted")
	}
}

// The multimodal builtin is listed, a one-output regression.
func TestBuiltin_Multimodal(t *testing.T) {
	tab, err := Builtin("multimodal", nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := Prepare(tab, PrepareOptions{Test: 0.25}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Task != Regression || sp.K() != 1 || sp.Train.T != 1 || sp.Train.D != 1 {
		t.Fatalf("task %v, K %d, T %d, D %d", tab.Task, sp.K(), sp.Train.T, sp.Train.D)
	}
}
