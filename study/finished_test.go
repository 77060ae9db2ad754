package study

import "testing"

// TestFinishedKept: the words after a stop agree with the number of runs
// kept (the fail-fast message said "the 1 runs finished are kept").
func TestFinishedKept(t *testing.T) {
	for n, want := range map[int]string{
		0: "no run finished",
		1: "the 1 run finished is kept in S",
		2: "the 2 runs finished are kept in S",
	} {
		if got := finishedKept(n, "S"); got != want {
			t.Errorf("finishedKept(%d) = %q, want %q", n, got, want)
		}
	}
}
