package experiments

import (
	"testing"

	"github.com/lossexp/lossexp/experiments/command"
)

// TestMissingReason (round 6, red team): a command that reports other
// metrics than the spec requires fails with a reason naming the missing
// metrics, metrics.jsonl and the final line's number, what that line holds
// (a few names, sorted) and the name a near miss meant; it said only
// "missing metric validation.accuracy", and the user had to open the
// attempt's log to see that the command wrote validation.acuracy.
func TestMissingReason(t *testing.T) {
	line := func(no int, names ...string) *command.Line {
		ln := &command.Line{No: no, Values: map[string]float64{}}
		for _, n := range names {
			ln.Values[n] = 1
		}
		return ln
	}
	for _, c := range []struct {
		name    string
		missing []string
		final   *command.Line
		want    string
	}{
		{"nothing held", []string{"test.accuracy"}, line(3),
			"missing metric test.accuracy in metrics.jsonl's final line (line 3), which holds no metric"},
		{"a near miss", []string{"validation.accuracy", "test.accuracy"}, line(1, "validation.acuracy", "test.acc"),
			"missing metrics validation.accuracy, test.accuracy in metrics.jsonl's final line (line 1), which holds test.acc, validation.acuracy; validation.accuracy: did you mean validation.acuracy?"},
		{"many held", []string{"m"}, line(9, "h", "g", "f", "e", "d", "c", "b", "a"),
			"missing metric m in metrics.jsonl's final line (line 9), which holds a, b, c, d, e, f and 2 more"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := missingReason(c.missing, c.final); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
