package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainer_FailedPointVisible: a grid point whose runs all failed is
// counted in summary.csv's failed column (n keeps every run of the
// point), named with its reason in balance.csv's note on every row of the
// term, in the printed answer and in report.html (issue 23, item 3).
func TestTrainer_FailedPointVisible(t *testing.T) {
	// failif: λ = 1 and 3 fail (sum of λ above 0.4), 2 repeats each.
	spec := fakeSpec(t, "failif:"+filepath.Join(t.TempDir(), "never"), 2)
	out := filepath.Join(t.TempDir(), "o")
	code, stdout, stderr := run(t, "sweep", spec, "--out", out, "--workers", "1")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (failed runs)\n%s", code, stderr)
	}
	read := func(name string) string { return readOut(t, out, name) }
	sum := strings.Split(read("summary.csv"), "\n")
	if !strings.HasPrefix(sum[0], "lambda.l2,n,diverged,failed,test.accuracy.mean,") {
		t.Errorf("summary.csv header = %s", sum[0])
	}
	// λ = 0 has its 2 runs ok, λ = 1 and 3 both failed: n = 2, failed = 2, no mean.
	for i, want := range []string{"0,2,0,0,0.", "0.1,2,0,0,0.", "0.3,2,0,0,0.", "1,2,0,2,,", "3,2,0,2,,"} {
		if !strings.HasPrefix(sum[i+1], want) {
			t.Errorf("summary.csv row %d = %s, want it to start %s", i+1, sum[i+1], want)
		}
	}
	const left = "left out: λ=1 (all 2 runs failed), λ=3 (all 2 runs failed)"
	bal := strings.Split(strings.TrimSpace(read("balance.csv")), "\n")
	if len(bal) != 5 {
		t.Fatalf("balance.csv: %d lines, want 5:\n%s", len(bal), strings.Join(bal, "\n"))
	}
	for _, row := range bal[1:] {
		if !strings.HasSuffix(row, left) && !strings.HasSuffix(row, left+`"`) {
			t.Errorf("balance.csv row lacks %q:\n%s", left, row)
		}
	}
	if answer := "l2: left out of the choice: λ=1 (all 2 runs failed), λ=3 (all 2 runs failed)"; !strings.Contains(stdout+stderr, answer) {
		t.Errorf("printed answer lacks %q:\nstdout:\n%s\nstderr:\n%s", answer, stdout, stderr)
	}
	if html := read("report.html"); !strings.Contains(html, "Left out of the choice: λ=1: all 2 runs failed.") {
		t.Errorf("report.html does not name the failed point")
	}
}

// readOut returns the file name of the results folder out.
func readOut(t *testing.T, out, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
