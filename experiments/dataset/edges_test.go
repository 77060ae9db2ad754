package dataset

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBuiltin_Edges: the mask is the target (T = length values per row,
// 0 or 1), the auxiliary targets are its edge map, worked out here from
// the mask by hand, and Prepare keeps rows' masks and edges together.
func TestBuiltin_Edges(t *testing.T) {
	tab, err := Builtin("edges", map[string]float64{"samples": 30, "length": 12}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Task != Segmentation || tab.T != 12 || len(tab.Y) != 30*12 || len(tab.Aux) != 30*12 || len(tab.AuxNames) != 12 || len(tab.NumNames) != 12 {
		t.Fatalf("task %v, T %d, %d targets, %d aux (%d names), %d features", tab.Task, tab.T, len(tab.Y), len(tab.Aux), len(tab.AuxNames), len(tab.NumNames))
	}
	for i := range 30 {
		m, e := tab.Y[i*12:(i+1)*12], tab.Aux[i*12:(i+1)*12]
		fg := 0
		for j := range 12 {
			if m[j] != 0 && m[j] != 1 { // exact: a mask value is 0 or 1
				t.Fatalf("row %d: mask value %v", i, m[j])
			}
			want := 0.0
			if (j > 0 && m[j] != m[j-1]) || (j < 11 && m[j] != m[j+1]) { // exact
				want = 1
			}
			if e[j] != want { // exact
				t.Fatalf("row %d: edge %d is %v, want %v (mask %v)", i, j, e[j], want, m)
			}
			fg += int(m[j])
		}
		if fg < 3 {
			t.Fatalf("row %d: %d foreground positions, want at least min_width 3", i, fg)
		}
	}
	sp, err := Prepare(tab, PrepareOptions{Test: 0.5, Standardize: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if sp.K() != 12 || sp.Train.T != 12 || sp.Train.A != 12 {
		t.Fatalf("K %d, T %d, A %d", sp.K(), sp.Train.T, sp.Train.A)
	}
	for r := range sp.Train.N {
		m, e := sp.Train.Y[r*12:(r+1)*12], sp.Train.Aux[r*12:(r+1)*12]
		for j := range 12 {
			edge := (j > 0 && m[j] != m[j-1]) || (j < 11 && m[j] != m[j+1])
			if edge != (e[j] == 1) { // exact
				t.Fatalf("train row %d: mask and edges come from different rows", r)
			}
		}
	}
	if _, err := Builtin("edges", map[string]float64{"min_width": 5, "max_width": 4}, 1); err == nil {
		t.Error("min_width > max_width accepted")
	}
}

// TestPrepare_SegmentationChecks: a segmentation table needs T and mask
// values in [0, 1].
func TestPrepare_SegmentationChecks(t *testing.T) {
	base := func() *Table {
		return &Table{Name: "s", Task: Segmentation, N: 2, T: 2, NumNames: []string{"a"}, NumX: []float64{1, 2}, Y: []float64{0, 1, 1, 0}}
	}
	if _, err := Prepare(base(), PrepareOptions{}, 1); err != nil {
		t.Fatal(err)
	}
	bad := base()
	bad.Y[2] = 2
	if _, err := Prepare(bad, PrepareOptions{}, 1); err == nil {
		t.Error("mask value 2 accepted")
	}
	bad = base()
	bad.T = 3
	if _, err := Prepare(bad, PrepareOptions{}, 1); err == nil {
		t.Error("4 targets for 2 rows × 3 accepted")
	}
}

// TestLoadCSV_AuxTargets: auxiliary target columns are read as numbers,
// kept out of the default features, and refused when they clash.
func TestLoadCSV_AuxTargets(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(p, []byte("x,e1,y,e2\n1,0.5,a,1\n2,1.5,b,0\n3,2.5,a,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tab, err := LoadCSV(p, CSVOptions{Target: "y", AuxTargets: []string{"e2", "e1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.NumNames) != 1 || tab.NumNames[0] != "x" {
		t.Errorf("features %v, want [x]", tab.NumNames)
	}
	want := []float64{1, 0.5, 0, 1.5, 1, 2.5}
	if len(tab.Aux) != len(want) || tab.AuxNames[0] != "e2" || tab.AuxNames[1] != "e1" {
		t.Fatalf("aux %v (%v)", tab.Aux, tab.AuxNames)
	}
	for i, v := range want {
		if tab.Aux[i] != v { // exact: parsed decimals
			t.Errorf("aux[%d] = %v, want %v", i, tab.Aux[i], v)
		}
	}
	for _, tc := range []struct {
		name string
		opt  CSVOptions
	}{
		{"missing column", CSVOptions{Target: "y", AuxTargets: []string{"zz"}}},
		{"the target", CSVOptions{Target: "y", AuxTargets: []string{"y"}}},
		{"also a feature", CSVOptions{Target: "y", Features: []string{"x", "e1"}, AuxTargets: []string{"e1"}}},
		{"not numeric", CSVOptions{Target: "e2", AuxTargets: []string{"y"}}},
	} {
		if _, err := LoadCSV(p, tc.opt); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}
