package study

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestReportWritten_EveryTable: `lossexp report` and the partial report
// list every table the report wrote, stability.csv, methods.csv and
// weights.csv included (they were left out), then the figures, then
// report.html, and nothing of the user's.
func TestReportWritten_EveryTable(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"runs.csv", SummaryFile, "stability.csv", "methods.csv", "weights.csv", PairedFile, "b.png", "a.png", HTMLFile, "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, f := range reportWritten(dir, SummaryFile) {
		got = append(got, filepath.Base(f))
	}
	want := []string{SummaryFile, PairedFile, "stability.csv", "methods.csv", "weights.csv", "a.png", "b.png", HTMLFile}
	if !slices.Equal(got, want) {
		t.Errorf("report lists %v, want %v", got, want)
	}
}
