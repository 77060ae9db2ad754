package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/sweep"
)

// TestReport_PartialOnlyReference: `lossexp report DIR` while the sweep
// has stored only λ = 0's runs (the first in index order) writes the
// partial report it can (the tables, report.html; no figure against λ,
// which the runs stored all share) and says why, exit 0, instead of
// failing with "λ takes a single value".
func TestReport_PartialOnlyReference(t *testing.T) {
	spec := fakeSpec(t, "paced:300", 2) // 10 runs of 5 epochs, 1.5 s each; runs 0 and 1 are λ = 0's
	out := filepath.Join(t.TempDir(), "res")
	done := sweepStoring(t, spec, out, 1)
	code, stdout, stderr := run(t, "report", out)
	if n := sweep.CountRecords(filepath.Join(out, "runs")); n > 2 {
		t.Fatalf("%d runs stored by the end of the report: not only λ = 0's (the machine too slow?)", n)
	}
	if code != 0 {
		t.Fatalf("report with only λ = 0 stored: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "of 10 runs") || !strings.Contains(stderr, "no figure against l2 yet: the runs stored so far all have l2 = 0") {
		t.Errorf("report does not say k of n runs and why it drew no figure against λ:\n%s", stderr)
	}
	for _, f := range []string{"runs.csv", "summary.csv", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, "partial", f)); err != nil || !strings.Contains(stdout, filepath.Join(out, "partial", f)) {
			t.Errorf("partial/%s not written or not listed (%v):\n%s", f, err, stdout)
		}
	}
	if errb := <-done; errb != "" {
		t.Fatalf("the sweep beside the partial report: %s", errb)
	}
}

// sweepStoring starts, in this process, a sweep of spec into out on one
// worker and returns once it has stored n runs; the channel gets its
// error ("" for exit 0) when it ends.
func sweepStoring(t *testing.T, spec, out string, n int) chan string {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		code, _, errb := run(t, "sweep", spec, "--out", out, "--workers", "1", "-q")
		if code == 0 {
			errb = ""
		} else if errb == "" {
			errb = "exit " + itoaCmd(code)
		}
		done <- errb
	}()
	for deadline := time.Now().Add(60 * time.Second); sweep.CountRecords(filepath.Join(out, "runs")) < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the sweep stored no %d runs in 60 s", n)
		}
	}
	return done
}

// TestStatus_FinishedHalvingCountsPruned: `lossexp status` of a finished
// halving study (read from its manifest) counts runs.csv's rows by their
// status: the pruned points' runs as pruned, not as ok.
func TestStatus_FinishedHalvingCountsPruned(t *testing.T) {
	// halvingKillSpec made quick: 9 epochs, rungs 1, 3, 9.
	spec := writeSpec(t, strings.NewReplacer("samples: 2000", "samples: 300", "epochs: 27, batch_size: 8", "epochs: 9, batch_size: 32",
		"repeats: 3", "repeats: 2", "min_epochs: 3", "min_epochs: 1").Replace(halvingKillSpec))
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q", "--workers", "2"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	rows, col := readTable(t, filepath.Join(out, "runs.csv"))
	want := map[string]int{}
	for _, r := range rows[1:] {
		want[r[col["status"]]]++
	}
	if want["pruned"] == 0 || want["ok"] == 0 {
		t.Fatalf("runs.csv by status %v: want ok and pruned runs", want)
	}
	s, errb := readStatusJSON(t, out)
	if errb != "" {
		t.Fatal(errb)
	}
	if s.State != "finished" || s.Runs != len(rows)-1 || s.Counts["ok"] != want["ok"] || s.Counts["pruned"] != want["pruned"] || s.Counts["pending"] != 0 {
		t.Errorf("status of the finished halving study: %+v; runs.csv by status %v", s, want)
	}
	code, text, _ := run(t, "status", out)
	if w := fmt.Sprintf("runs: %d of %d done (%d ok, %d pruned, 0 diverged, 0 failed)", len(rows)-1, len(rows)-1, want["ok"], want["pruned"]); code != 0 || !strings.Contains(text, w) {
		t.Errorf("status (exit %d) does not say %q:\n%s", code, w, text)
	}
}
