package spec

import (
	"strings"
	"testing"
)

// TestValidate_ReportResamples: report.resamples defaults to 1000, 0 turns
// the resampling off, and a negative or absurd count is refused with its
// file, line and field; it leaves the result hash alone (a report key).
func TestValidate_ReportResamples(t *testing.T) {
	if s := mustParse(t, selBase); s.Report.Resamples != DefaultResamples {
		t.Errorf("default %d, want %d", s.Report.Resamples, DefaultResamples)
	}
	off := mustParse(t, selBase+"report: {resamples: 0}\n")
	if off.Report.Resamples != 0 {
		t.Errorf("resamples 0 read as %d", off.Report.Resamples)
	}
	if off.ResultHash() != mustParse(t, selBase).ResultHash() {
		t.Error("report.resamples changed the result hash")
	}
	for _, c := range []struct{ src, want string }{
		{selBase + "report: {resamples: -1}\n", "t.yaml:4:21: report.resamples: must be in [0, 100000], got -1"},
		{selBase + "report: {resamples: 1000000}\n", "t.yaml:4:21: report.resamples: must be in [0, 100000], got 1e+06"},
		{selBase + "report: {resamples: 1.5}\n", "report.resamples: expected an integer"},
	} {
		_, err := Parse(strings.NewReader(c.src), "t.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want %s", c.src, err, c.want)
		}
	}
}
