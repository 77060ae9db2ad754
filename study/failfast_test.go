package study

import (
	"context"
	"errors"
	"testing"

	"github.com/lossexp/lossexp/experiments"
)

// TestFailFast_Rule: the first limit attempts, all failed with the same
// first line of reason (numbers and the run's id aside), stop the pass
// with a FailFastError naming the first; any other attempt among the
// first turns the rule off; limit 0 never stops.
func TestFailFast_Rule(t *testing.T) {
	const failed, ok = experiments.StatusFailed, experiments.StatusOK
	type at struct{ id, status, reason string }
	pid := func(id, n string) at {
		return at{id, failed, "exit status 1; stderr: worker " + n + " of run " + id + " died\nmore " + n}
	}
	for _, c := range []struct {
		name     string
		limit    int
		attempts []at
		stopped  bool
	}{
		{"alike", 3, []at{pid("aa", "12"), pid("bb", "345"), pid("cc", "6")}, true},
		{"alike, limit 1", 1, []at{pid("aa", "12")}, true},
		{"too few", 3, []at{pid("aa", "12"), pid("bb", "345")}, false},
		{"off", 0, []at{pid("aa", "1"), pid("bb", "2"), pid("cc", "3"), pid("dd", "4")}, false},
		{"an ok first", 3, []at{{"aa", ok, ""}, pid("bb", "1"), pid("cc", "2"), pid("dd", "3"), pid("ee", "4")}, false},
		{"a diverged between", 2, []at{pid("aa", "1"), {"bb", experiments.StatusDiverged, "NaN"}, pid("cc", "2"), pid("dd", "3")}, false},
		{"another reason", 3, []at{pid("aa", "1"), pid("bb", "2"), {"cc", failed, "timeout after 1s"}, pid("dd", "3"), pid("ee", "4")}, false},
		{"another first line", 2, []at{pid("aa", "1"), {"bb", failed, "exit status 1; stderr: other"}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, stop := context.WithCancelCause(context.Background())
			defer stop(nil)
			f := &failFast{limit: c.limit, stop: stop, spec: "s.yaml", store: "runs"}
			for _, a := range c.attempts {
				f.attempt(a.id, a.status, a.reason)
			}
			var ff *FailFastError
			if got := errors.As(context.Cause(ctx), &ff); got != c.stopped {
				t.Fatalf("stopped = %v, want %v (cause %v)", got, c.stopped, context.Cause(ctx))
			}
			if c.stopped && (ff.Attempts != c.limit || ff.RunID != "aa" || ff.Reason != "exit status 1; stderr: worker 12 of run aa died") {
				t.Errorf("error %+v: want the first attempt's run and first line", ff)
			}
		})
	}
}
