package check

import (
	"strings"
	"testing"
)

// TestCheck_FailedBoundary: one more failed run than the baseline
// regresses, with a note naming the counts; as many or fewer does not.
// Diverged and failed are counted apart: a failed run is not a diverged
// one.
func TestCheck_FailedBoundary(t *testing.T) {
	base := onePoint("test.accuracy", 0.8, 0.01, 4)
	base.Points[0].Failed = 1
	for _, tt := range []struct {
		failed  int
		regress bool
	}{{0, false}, {1, false}, {2, true}} {
		cur := onePoint("test.accuracy", 0.8, 0.01, 4)
		cur.Points[0].Failed = tt.failed
		rep, err := Check(base, cur, CheckOptions{Metrics: []string{"test.accuracy"}})
		if err != nil {
			t.Fatal(err)
		}
		seen := false
		for _, p := range rep.Points {
			switch p.Metric {
			case MetricFailed:
				seen = true
				if p.Regressed != tt.regress {
					t.Errorf("%d failed against 1: regressed = %v", tt.failed, p.Regressed)
				}
				if tt.regress && !strings.Contains(p.Note, "2 of 4 runs failed, baseline 1 of 4") {
					t.Errorf("note %q, want the counts", p.Note)
				}
			case MetricDiverged:
				if p.Regressed {
					t.Errorf("%d failed against 1: the diverged check regressed", tt.failed)
				}
			}
		}
		if !seen {
			t.Fatalf("no %s check among %d", MetricFailed, len(rep.Points))
		}
	}
}
