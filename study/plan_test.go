package study

import (
	"strings"
	"testing"

	"github.com/lossexp/lossexp/spec"
)

// TestCheckReportMetrics_DidYouMean: an unknown report.metrics name gets
// the did-you-mean of every other name in a spec (spec.Suggest):
// a near miss (one or two edits, a transposition counting one) or another
// case is named, a name three or more edits away is not.
func TestCheckReportMetrics_DidYouMean(t *testing.T) {
	have := []string{"test.accuracy", "train.accuracy", "weight_l2"}
	for _, c := range []struct{ metric, hint string }{
		{"test.acuracy", `did you mean "test.accuracy"? `},
		{"tset.accuracy", `did you mean "test.accuracy"? `},
		{"Weight_L2", `did you mean "weight_l2"? `},
		{"test.nonsense", ""},
		{"tst.acurcy", ""}, // three edits: not a typo (the old closest guessed at it)
	} {
		t.Run(c.metric, func(t *testing.T) {
			src := strings.Replace(tinySpec, "loss:", "report: {metrics: ["+c.metric+"]}\nloss:", 1)
			s, err := spec.Parse(strings.NewReader(src), "s.yaml")
			if err != nil {
				t.Fatal(err)
			}
			err = checkReportMetrics(s, have)
			want := `s.yaml:7:20: report.metrics[0]: unknown metric "` + c.metric + `" for this spec; ` + c.hint + "the runs will have: test.accuracy, train.accuracy, weight_l2"
			if err == nil || err.Error() != want {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
}
