package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainer_PartlyFailedPointNamed: a grid point where only some runs
// failed keeps its mean over the ok runs and takes part in the choice,
// and is named with its count in balance.csv's note (after the left-out
// list), in the printed answer and in report.html.
func TestTrainer_PartlyFailedPointNamed(t *testing.T) {
	// failif: λ = 1 and 3 fail while the file does not exist. Repeat 0
	// trains with it present (ok), repeat 1 without (failed).
	okFile := filepath.Join(t.TempDir(), "ok")
	if err := os.WriteFile(okFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	spec := fakeSpec(t, "failif:"+okFile, 1)
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("first sweep: exit %d\n%s", code, stderr)
	}
	b, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec, []byte(strings.Replace(string(b), "repeats: 1", "repeats: 2", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(okFile); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "sweep", spec, "--out", out)
	if code != 1 {
		t.Fatalf("second sweep: exit %d, want 1 (failed runs)\n%s", code, stderr)
	}
	read := func(name string) string { return readOut(t, out, name) }
	sum := strings.Split(read("summary.csv"), "\n")
	for i, want := range []string{"0,2,0,0,0.", "0.1,2,0,0,0.", "0.3,2,0,0,0.", "1,2,0,1,0.", "3,2,0,1,0."} {
		if !strings.HasPrefix(sum[i+1], want) {
			t.Fatalf("summary.csv row %d = %s, want it to start %s", i+1, sum[i+1], want)
		}
	}
	const partly = "λ=1: 1 of 2 runs failed; λ=3: 1 of 2 runs failed"
	bal := strings.Split(strings.TrimSpace(read("balance.csv")), "\n")
	if len(bal) != 5 {
		t.Fatalf("balance.csv: %d lines, want 5", len(bal))
	}
	for _, row := range bal[1:] {
		if !strings.HasSuffix(row, partly) && !strings.HasSuffix(row, partly+`"`) {
			t.Errorf("balance.csv row lacks %q:\n%s", partly, row)
		}
		if strings.Contains(row, "left out") {
			t.Errorf("balance.csv row leaves a partly failed point out:\n%s", row)
		}
	}
	if answer := "l2: some runs failed, the mean is over the others: " + partly; !strings.Contains(stdout, answer) {
		t.Errorf("printed answer lacks %q:\n%s", answer, stdout)
	}
	if strings.Contains(stdout, "left out") {
		t.Errorf("printed answer leaves a partly failed point out:\n%s", stdout)
	}
	html := read("report.html")
	for _, want := range []string{"Some runs failed, the mean is over the others: λ=1: 1 of 2 runs failed.", "λ=3: 1 of 2 runs failed."} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}
