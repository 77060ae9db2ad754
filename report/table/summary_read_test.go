package table

import (
	"strings"
	"testing"
)

// TestParseSummary_StatColumns: each of a metric's columns in summary.csv
// lands in its own Stat field, and a .se column makes the Stat pooled
// (the check's band uses PooledSE then). The check's tests read summaries
// too, but they live in report/check: this one guards the reader here.
func TestParseSummary_StatColumns(t *testing.T) {
	src := "lambda.l2,n,diverged,failed,cv.acc.mean,cv.acc.std,cv.acc.ci_low,cv.acc.ci_high,cv.acc.se,loss.mean,loss.std,loss.ci_low,loss.ci_high\n" +
		"0.1,5,1,1,0.8,0.05,0.7,0.9,0.02,1.5,0.1,1.4,1.6\n"
	s, err := ParseSummary(strings.NewReader(src), "summary.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != 1 || len(s.Metrics) != 2 {
		t.Fatalf("got %d points, metrics %v", len(s.Points), s.Metrics)
	}
	acc, loss := s.Points[0].Stats[0], s.Points[0].Stats[1]
	if acc.Mean != 0.8 || acc.Std != 0.05 || acc.CILow != 0.7 || acc.CIHigh != 0.9 || acc.PooledSE != 0.02 {
		t.Errorf("cv.acc = %+v; want mean 0.8, std 0.05, ci 0.7..0.9, se 0.02", acc)
	}
	if !acc.Pooled {
		t.Error("cv.acc has a .se column but is not Pooled")
	}
	if loss.Pooled || loss.CILow != 1.4 || loss.CIHigh != 1.6 {
		t.Errorf("loss = %+v; want not pooled, ci 1.4..1.6", loss)
	}
}
