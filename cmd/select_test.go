package cmd

import (
	"bytes"
	"os"
	"path/filepath"
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
	if !strings.HasPrefix(lines[0], "run_id,repeat,fold,status,") || len(lines) != 1+24 {
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
