package spec

import (
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments/model"
)

const selBase = "name: q\ndataset: {builtin: moons}\nloss: {terms: [{kind: l2, weight: [0, 0.1]}]}\n"

func TestSelect_Defaults(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		selectOn string
		carve    float64
		folds    int
	}{
		{"default carves", selBase, SelectValidation, 0.2, 1},
		{"own fraction", selBase + "report: {validation: 0.3}\n", SelectValidation, 0.3, 1},
		{"own validation split", "name: q\ndataset: {builtin: moons, split: {validation: 0.1}}\n", SelectValidation, 0, 1},
		{"cv defaults to select_on cv", "name: q\ndataset: {builtin: moons, split: {cv: 5}}\n", SelectCV, 0, 5},
		{"select on test", selBase + "report: {select_on: test}\n", SelectTest, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.src)
			if s.Report.SelectOn != tc.selectOn || s.CarveFraction() != tc.carve || s.Folds() != tc.folds {
				t.Errorf("select_on %q, carve %v, folds %d; want %q, %v, %d", s.Report.SelectOn, s.CarveFraction(), s.Folds(), tc.selectOn, tc.carve, tc.folds)
			}
		})
	}
}

func TestSelect_Refused(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown split", selBase + "report: {select_on: train}\n",
			`t.yaml:4:21: report.select_on: unknown selection split "train" (valid: validation, cv, test)`},
		{"cv without folds", selBase + "report: {select_on: cv}\n",
			"t.yaml:4:21: report.select_on: select_on cv needs dataset.split.cv"},
		{"validation with folds", "name: q\ndataset: {builtin: moons, split: {cv: 3}}\nreport: {select_on: validation}\n",
			"t.yaml:3:21: report.select_on: with dataset.split.cv (3 folds) λ is chosen on the folds"},
		{"test without a test split", "name: q\ndataset: {builtin: moons, split: {test: 0}}\nreport: {select_on: test}\n",
			"t.yaml:3:21: report.select_on: select_on test needs a test split"},
		{"fraction out of range", selBase + "report: {validation: 1}\n",
			"t.yaml:4:22: report.validation: must be in (0, 1), got 1"},
		{"fraction unused", "name: q\ndataset: {builtin: moons, split: {validation: 0.1}}\nreport: {validation: 0.3}\n",
			"t.yaml:3:22: report.validation: report.validation is the fraction of the training rows carved out for validation when the spec has no validation split; it is not used here: the spec has its own validation split"},
		{"one fold", "name: q\ndataset: {builtin: moons, split: {cv: 1}}\n",
			"t.yaml:2:39: dataset.split.cv: want 0 (no cross-validation) or a number of folds ≥ 2, got 1"},
		{"folds and validation", "name: q\ndataset: {builtin: moons, split: {cv: 4, validation: 0.1}}\n",
			"dataset.split.cv: cross-validation takes its validation folds from the training rows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.src), "t.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to contain %s", err, tc.want)
			}
		})
	}
}

// TestSelect_RunIDs checks which run ids the selection keys change: a spec
// with its own validation split keeps its run base, run ids and result
// hash bit for bit (values computed by main before report.select_on
// existed, at commit 1dec993, NumericsVersion 3), and
// so does one that selects on test; the default carve changes them (the
// training rows change); folds change the id of every fold but leave
// RunID's formula for other specs alone.
func TestSelect_RunIDs(t *testing.T) {
	own := mustParse(t, "name: q\ndataset: {builtin: moons, split: {validation: 0.2}}\nloss: {terms: [{kind: l2, weight: [0, 0.1]}]}\n")
	if model.BLASBackend() != "openblas" { // the values were computed with the pure-Go build
		const wantBase = "095647f855eb4f60fb7052e9ba0c59f2e6f8ccdf9f2ef4bf1c4222d2e5b833a8"
		if b := own.RunBase("c"); b != wantBase {
			t.Errorf("run base of a spec with its own validation split changed: %s, want %s", b, wantBase)
		}
		if id := RunID(own.RunBase("c"), []float64{0.1}, 2); id != "5f6055c3534c6133" {
			t.Errorf("run id changed: %s, want 5f6055c3534c6133", id)
		}
		if h := own.ResultHash(); h != "db77f6e5b109e8ef9cc6ee44a515902c787c99ab5ea91b5ac80fe807f9c1cc5d" {
			t.Errorf("result hash of a spec with its own validation split changed: %s", h)
		}
		test := mustParse(t, selBase+"report: {select_on: test}\n")
		if b := test.RunBase("c"); b != "92dbd6f3470225156c3242f279bb6e140482e6ff222595a3e22022113c3b4483" {
			t.Errorf("run base of a spec that selects on test changed: %s", b)
		}
	}
	carved := mustParse(t, selBase)
	test := mustParse(t, selBase+"report: {select_on: test}\n")
	if carved.RunBase("c") == test.RunBase("c") || carved.ResultHash() == test.ResultHash() {
		t.Error("the carved validation split does not change the run base and result hash")
	}
	if other := mustParse(t, selBase+"report: {validation: 0.3}\n"); other.RunBase("c") == carved.RunBase("c") {
		t.Error("the carve fraction does not change the run base")
	}
	b := carved.RunBase("c")
	ids := map[string]bool{RunID(b, []float64{0.1}, 0): true}
	for f := range 3 {
		ids[RunIDFold(b, []float64{0.1}, 0, f)] = true
	}
	if len(ids) != 4 {
		t.Errorf("fold ids collide with each other or with the id without folds: %v", ids)
	}
}
