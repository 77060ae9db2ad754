package dataset

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
	tab, err := LoadCSV(t.Context(), p, CSVOptions{Target: "y", AuxTargets: []string{"e2", "e1"}})
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
		if _, err := LoadCSV(t.Context(), p, tc.opt); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

// TestBuiltin_EdgesAuxTargets: aux 1 gives the clean signal and aux 2 the
// baseline, checked by hand on small rows: without noise the input is the
// clean signal itself; the clean signal minus the baseline is
// contrast·mask; the baseline is affine in the position (zero second
// differences). The inputs and masks are the same for every aux, and the
// default (no aux given) is aux 0, the edge map.
func TestBuiltin_EdgesAuxTargets(t *testing.T) {
	const n, L = 20, 10
	gen := func(aux, noise float64) *Table {
		t.Helper()
		tab, err := Builtin("edges", map[string]float64{"samples": n, "length": L, "contrast": 2, "noise": noise, "aux": aux}, 5)
		if err != nil {
			t.Fatal(err)
		}
		return tab
	}
	def, err := Builtin("edges", map[string]float64{"samples": n, "length": L, "contrast": 2, "noise": 0.3}, 5)
	if err != nil {
		t.Fatal(err)
	}
	edges, clean, base := gen(0, 0.3), gen(1, 0.3), gen(2, 0.3)
	for _, tab := range []*Table{edges, clean, base} {
		if !slices.Equal(tab.NumX, def.NumX) || !slices.Equal(tab.Y, def.Y) {
			t.Fatal("inputs or masks depend on aux")
		}
	}
	if !slices.Equal(edges.Aux, def.Aux) || !slices.Equal(edges.AuxNames, def.AuxNames) {
		t.Fatal("the default is not aux 0 (edges)")
	}
	if clean.AuxNames[3] != "clean3" || base.AuxNames[3] != "base3" || def.AuxNames[3] != "edge3" {
		t.Fatalf("names %s, %s, %s", clean.AuxNames[3], base.AuxNames[3], def.AuxNames[3])
	}
	quiet := gen(1, 0)
	if !slices.Equal(quiet.Aux, quiet.NumX) {
		t.Fatal("without noise the clean signal is not the input")
	}
	var sq float64
	for i := range n {
		c, b, m := clean.Aux[i*L:(i+1)*L], base.Aux[i*L:(i+1)*L], clean.Y[i*L:(i+1)*L]
		for j := range L {
			if d := c[j] - b[j] - 2*m[j]; math.Abs(d) > 1e-12 {
				t.Fatalf("row %d position %d: clean %v − baseline %v ≠ contrast·mask %v", i, j, c[j], b[j], 2*m[j])
			}
			if j >= 2 {
				if d := b[j] - 2*b[j-1] + b[j-2]; math.Abs(d) > 1e-12 {
					t.Fatalf("row %d: baseline not affine at %d (second difference %v)", i, j, d)
				}
			}
			r := clean.NumX[i*L+j] - c[j]
			sq += r * r
		}
	}
	if sd := math.Sqrt(sq / (n * L)); sd < 0.2 || sd > 0.4 {
		t.Errorf("input − clean has sd %.3f, want about the noise 0.3", sd)
	}
	if _, err := Builtin("edges", map[string]float64{"aux": 3}, 1); err == nil {
		t.Error("aux 3 accepted")
	}
}

// TestBuiltin_EdgesLabeled: labeled = 1 is the default table bit for bit;
// labeled < 1 keeps the masks of the first round(labeled·samples) rows
// and makes the others' NaN while every row keeps its inputs and edge
// map; Prepare holds out fractions of the labeled rows only and trains on
// every unlabeled row.
func TestBuiltin_EdgesLabeled(t *testing.T) {
	def, err := Builtin("edges", map[string]float64{"samples": 100, "length": 12}, 3)
	if err != nil {
		t.Fatal(err)
	}
	one, err := Builtin("edges", map[string]float64{"samples": 100, "length": 12, "labeled": 1}, 3)
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b []float64) bool {
		return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
	}
	if !same(def.Y, one.Y) || !same(def.NumX, one.NumX) || !same(def.Aux, one.Aux) {
		t.Fatal("labeled = 1 changed the table")
	}
	semi, err := Builtin("edges", map[string]float64{"samples": 100, "length": 12, "labeled": 0.3}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !same(def.NumX, semi.NumX) || !same(def.Aux, semi.Aux) || !same(def.Y[:30*12], semi.Y[:30*12]) {
		t.Fatal("labeled = 0.3 changed the inputs, the edge maps or the kept masks")
	}
	for i, v := range semi.Y[30*12:] {
		if !math.IsNaN(v) {
			t.Fatalf("row %d, position %d: mask %v, want NaN (missing)", 30+i/12, i%12, v)
		}
	}
	sp, err := Prepare(semi, PrepareOptions{Test: 0.5, Validation: 0.2}, 5)
	if err != nil {
		t.Fatal(err)
	}
	missing := func(ds *Dataset) int {
		m := 0
		for i := range ds.N {
			if math.IsNaN(ds.Y[i*ds.T]) {
				m++
			}
		}
		return m
	}
	if sp.Test.N != 15 || sp.Validation.N != 6 || sp.Train.N != 79 || missing(sp.Test) != 0 || missing(sp.Validation) != 0 || missing(sp.Train) != 70 {
		t.Errorf("test %d (%d missing), validation %d (%d), train %d (%d): want 15 (0), 6 (0), 79 (70)",
			sp.Test.N, missing(sp.Test), sp.Validation.N, missing(sp.Validation), sp.Train.N, missing(sp.Train))
	}
	for _, bad := range []float64{0, 1.5} {
		if _, err := Builtin("edges", map[string]float64{"labeled": bad}, 1); err == nil || !strings.Contains(err.Error(), "labeled") {
			t.Errorf("labeled %v: err %v", bad, err)
		}
	}
}
