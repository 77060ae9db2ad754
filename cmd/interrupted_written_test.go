package cmd

import (
	"strings"
	"testing"

	"github.com/lossexp/lossexp/study"
)

// TestInterruptedWritten_HalvingLowerRungs: a halving sweep stopped before
// any run reached the full budget has its lower rungs' runs stored; the
// message must not say the tables were "written without runs" (it did),
// while a sweep that stored nothing still says so.
func TestInterruptedWritten_HalvingLowerRungs(t *testing.T) {
	oc := &study.SweepOutcome{Out: "res", Manifest: study.Manifest{Runs: 16},
		Halving: &study.HalvingProgress{Rung: 2, Rungs: 3, Lower: 22}}
	got := interruptedWritten(oc)
	if strings.Contains(got, "without runs") || !strings.Contains(got, "no run has reached the full budget yet") ||
		!strings.Contains(got, "lower rungs' runs are kept") {
		t.Errorf("halving, 22 lower-rung runs stored: %q", got)
	}
	oc.Halving.Lower = 0
	if got := interruptedWritten(oc); !strings.Contains(got, "written without runs") {
		t.Errorf("halving, nothing stored: %q", got)
	}
	oc.Halving = nil
	if got := interruptedWritten(oc); !strings.Contains(got, "written without runs") {
		t.Errorf("no halving, nothing stored: %q", got)
	}
}
