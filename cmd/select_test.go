package cmd

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cvSpec is tinySpec with 3-fold cross-validation: 4 grid points × 2
// repeats × 3 folds = 24 runs.
var cvSpec = strings.Replace(tinySpec, "  params: {samples: 80, noise: 0.3}\n", "  params: {samples: 80, noise: 0.3}\n  split: {cv: 3}\n", 1)

// TestSweep_CrossValidation sweeps a cross-validated spec once, as two
// shards merged, and again over its own folder: the merge writes the same
// bytes as the single sweep, the second sweep reuses every run, runs.csv
// has one row per (point, repeat, fold) with the fold column, and
// balance.csv chooses on cv.accuracy with the test accuracy beside it.
func TestSweep_CrossValidation(t *testing.T) {
	clearShardEnv(t)
	spec := writeSpec(t, cvSpec)
	dir := t.TempDir()
	one, sharded := filepath.Join(dir, "one"), filepath.Join(dir, "sharded")
	if code, _, stderr := run(t, "sweep", spec, "--out", one, "-q", "--workers", "2"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	for _, sh := range []string{"0/2", "1/2"} {
		if code, _, stderr := run(t, "sweep", spec, "--out", sharded, "-q", "--shard", sh); code != 0 {
			t.Fatalf("shard %s: exit %d\n%s", sh, code, stderr)
		}
	}
	if code, _, stderr := run(t, "merge", sharded); code != 0 {
		t.Fatalf("merge: exit %d\n%s", code, stderr)
	}
	compareResults(t, one, sharded)

	runs, err := os.ReadFile(filepath.Join(one, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(runs)), "\n")
	if !strings.HasPrefix(lines[0], "run_id,repeat,seed,fold,status,") || len(lines) != 1+24 {
		t.Errorf("runs.csv: header %q and %d rows, want the fold column and 24 rows", lines[0], len(lines)-1)
	}
	ids := map[string]bool{}
	for _, l := range lines[1:] {
		ids[strings.SplitN(l, ",", 2)[0]] = true
	}
	if len(ids) != 24 {
		t.Errorf("%d distinct run ids for 24 runs", len(ids))
	}
	bal, err := os.ReadFile(filepath.Join(one, "balance.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(bal), ",cv.accuracy,higher,") || !strings.Contains(string(bal), ",test.accuracy,") {
		t.Errorf("balance.csv does not choose on cv.accuracy with test.accuracy beside it:\n%s", bal)
	}
	page, err := os.ReadFile(filepath.Join(one, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(page, []byte("chosen on the test split")) || !bytes.Contains(page, []byte("Chosen on cross-validation (cv.accuracy)")) {
		t.Error("report.html does not say λ was chosen by cross-validation, or warns of the test split")
	}

	code, _, stderr := run(t, "sweep", spec, "--out", one, "--workers", "2")
	if code != 0 || !strings.Contains(stderr, "all reused") {
		t.Fatalf("resume: exit %d, want every run reused:\n%s", code, stderr)
	}
	again, _ := os.ReadFile(filepath.Join(one, "runs.csv"))
	if !bytes.Equal(runs, again) {
		t.Error("runs.csv differs after a resume")
	}
}

// TestSweep_SelectsOnValidationByDefault: a spec without a validation split
// chooses on a carved validation split, and its report does not carry the
// test-split warning; select_on: test brings the warning back.
func TestSweep_SelectsOnValidationByDefault(t *testing.T) {
	for _, tc := range []struct {
		name, extra, metric string
		warn                bool
	}{
		{"default", "", "validation.accuracy", false},
		{"test", "  select_on: test\n", "test.accuracy", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if code, _, stderr := run(t, "sweep", writeSpec(t, tinySpec+tc.extra), "--out", out, "-q"); code != 0 {
				t.Fatalf("sweep: exit %d\n%s", code, stderr)
			}
			bal, _ := os.ReadFile(filepath.Join(out, "balance.csv"))
			page, _ := os.ReadFile(filepath.Join(out, "report.html"))
			if !strings.Contains(string(bal), ","+tc.metric+",higher,") {
				t.Errorf("balance.csv does not choose on %s:\n%s", tc.metric, bal)
			}
			if got := bytes.Contains(page, []byte("chosen on the test split")); got != tc.warn {
				t.Errorf("report.html carries the test-split warning: %v, want %v", got, tc.warn)
			}
		})
	}
}

// TestRun_SameAsSweep: `lossexp run` trains the very run a sweep trains at
// that grid point, repeat, fold and axis point: its metrics are the
// runs.csv row's, bit for bit (a carved validation split, 3-fold
// cross-validation with --fold, sweep axes with --axis), and --fold and
// --axis name the fold and the axis point in its output.
func TestRun_SameAsSweep(t *testing.T) {
	axesSpec := strings.Replace(tinySpec, "report:", "sweep: {axes: {model.hidden: [4, [3, 3]], train.learning_rate: [0.05, 0.1]}}\nreport:", 1)
	scaledSpec := strings.Replace(tinySpec, "num: 3}}\n", "num: 3}}\n      scale: initial_loss\n", 1)
	for _, tc := range []struct {
		name, spec string
		fold       string   // "" without cross-validation
		axis       []string // --axis values; their runs.csv columns must match
	}{
		{"carved validation", tinySpec, "", nil},
		{"cv fold 2", cvSpec, "2", nil},
		{"axes", axesSpec, "", []string{"model.hidden=3x3", "train.learning_rate=0.1"}},
		{"scaled term", scaledSpec, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := writeSpec(t, tc.spec)
			out := filepath.Join(t.TempDir(), "o")
			if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
				t.Fatalf("sweep: exit %d\n%s", code, stderr)
			}
			args := []string{"run", spec, "--set", "l2=0.01", "--repeat", "1", "--json"}
			if tc.fold != "" {
				args = append(args, "--fold", tc.fold)
			}
			for _, a := range tc.axis {
				args = append(args, "--axis", a)
			}
			code, stdout, stderr := run(t, args...)
			if code != 0 {
				t.Fatalf("run: exit %d\n%s", code, stderr)
			}
			var got RunJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("run --json: %v\n%s", err, stdout)
			}
			if (got.Fold == nil) != (tc.fold == "") || (got.Fold != nil && strconv.Itoa(*got.Fold) != tc.fold) {
				t.Errorf("run --json fold = %v, want %q", got.Fold, tc.fold)
			}
			rows, col := readTable(t, filepath.Join(out, "runs.csv"))
			if len(got.Axes) != len(tc.axis) {
				t.Errorf("run --json axes = %v, want %v", got.Axes, tc.axis)
			}
			var row []string
			for _, r := range rows[1:] {
				match := r[col["lambda.l2"]] == "0.01" && r[col["repeat"]] == "1" && (tc.fold == "" || r[col["fold"]] == tc.fold)
				for _, a := range tc.axis {
					f, v, _ := strings.Cut(a, "=")
					match = match && r[col["axis."+f]] == v && got.Axes[f] == v
				}
				if match {
					row = r
				}
			}
			if row == nil {
				t.Fatal("no runs.csv row for l2=0.01, repeat 1")
			}
			compared := 0
			for name, v := range got.Metrics {
				i, ok := col[name]
				if !ok {
					t.Errorf("run's metric %s is not a runs.csv column", name)
					continue
				}
				cell := row[i]
				switch {
				case v == nil && cell == "":
				case v == nil || cell == "":
					t.Errorf("%s: run %v, sweep %q", name, v, cell)
				default:
					want, err := strconv.ParseFloat(cell, 64)
					if err != nil || math.Float64bits(want) != math.Float64bits(*v) {
						t.Errorf("%s: run %v, sweep %s", name, *v, cell)
					}
				}
				compared++
			}
			if compared < 10 {
				t.Errorf("only %d metrics compared", compared)
			}
		})
	}
}

// TestCheck_CVBalanceAsReport: with cross-validation, check chooses the
// balance points from summary.csv with the report's standard error (the
// folds' SE pooled over repeats, written as cv.<m>.se), not std/√n over
// the repeats: its λ_best and λ_1se are balance.csv's. This spec's λ_1se
// is 0.1 with the pooled SE and 0.01 with std/√n.
func TestCheck_CVBalanceAsReport(t *testing.T) {
	spec := writeSpec(t, strings.Replace(cvSpec, "report:\n  metrics: [test.accuracy, weight_l2]\n", "", 1))
	dir := t.TempDir()
	out, base := filepath.Join(dir, "o"), filepath.Join(dir, "b")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := run(t, "baseline", out, "--to", base)
	if code != 0 {
		t.Fatalf("baseline: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "(4 grid points, 24 runs,") { // 4 points × 2 repeats × 3 folds
		t.Errorf("baseline counts the pooled rows, not the runs: %s", stdout)
	}
	code, stdout, stderr = run(t, "check", out, "--baseline", base, "--json")
	if code != 0 {
		t.Fatalf("check: exit %d\n%s", code, stderr)
	}
	var rep CheckJSON
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	rows, col := readTable(t, filepath.Join(out, "balance.csv"))
	want := map[string]string{}
	for _, r := range rows[1:] {
		want[r[col["point"]]] = r[col["lambda"]]
	}
	if want["lambda_1se"] != "0.1" {
		t.Fatalf("balance.csv λ_1se = %q; the spec no longer separates the two SE rules", want["lambda_1se"])
	}
	for _, b := range rep.Balance {
		got := "<undefined>"
		if b.Baseline != nil {
			got = strconv.FormatFloat(*b.Baseline, 'g', -1, 64)
		}
		if got != want[b.Point] {
			t.Errorf("check's %s = %s, balance.csv's %s", b.Point, got, want[b.Point])
		}
	}
	if len(rep.Balance) != 2 {
		t.Errorf("%d balance checks, want λ_best and λ_1se", len(rep.Balance))
	}
}
