package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainer_UnreportedReportMetric (round 6, red team): report.metrics
// names test.f1, which the training command never writes: the sweep and
// `lossexp report` say so on stderr, naming runs.csv and the metric (the
// sweep exited 0 with an empty test.f1 column and no figure of it, and
// said nothing). A metric every run reports draws no warning.
func TestTrainer_UnreportedReportMetric(t *testing.T) {
	spec := fakeSpec(t, "ok", 1)
	b, _ := os.ReadFile(spec)
	text := strings.Replace(string(b), "metrics: [test.accuracy, test.penalty]", "metrics: [test.accuracy, test.f1, test.penalty]", 1)
	if err := os.WriteFile(spec, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "o")
	want := "lossexp: warning: " + filepath.Join(out, "runs.csv") + ": no run reported test.f1 (its column is empty in all 5 ok runs)"
	code, _, stderr := run(t, "sweep", spec, "--out", out, "-q")
	if code != 0 || strings.Count(stderr, want) != 1 || strings.Contains(stderr, "reported test.accuracy") || strings.Contains(stderr, "reported test.penalty") {
		t.Errorf("sweep: exit %d\n%s\nwant 0 and once %q", code, stderr, want)
	}
	code, _, stderr = run(t, "report", out)
	if code != 0 || strings.Count(stderr, want) != 1 {
		t.Errorf("report: exit %d\n%s\nwant 0 and once %q", code, stderr, want)
	}
}
