package command

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// epochLines is n epoch lines, epoch 1 to n.
func epochLines(n int) string {
	var b strings.Builder
	for e := 1; e <= n; e++ {
		fmt.Fprintf(&b, "{\"epoch\": %d, \"loss\": %d}\n", e, e)
	}
	return b.String()
}

// TestThinRules_KeptEpochs: 10,000 lines are kept whole; 10,001 are
// thinned to stride 2, epochs 1, 3, …, 9999 and the last, 10001 (5001
// lines); 25,000 to stride 4, epochs 1, 5, …, 24997 and the last, 25000
// (6251 lines). Worked by hand from the thinner: a line is kept when the
// next arrives and its index is a multiple of the stride; at 10,000 kept
// the even positions stay and the stride doubles.
func TestThinRules_KeptEpochs(t *testing.T) {
	for _, c := range []struct {
		n, stride int
		want      func(k int) int // epoch of kept line k
		kept      int
	}{
		{10000, 1, func(k int) int { return k + 1 }, 10000},
		{10001, 2, func(k int) int { return 2*k + 1 }, 5001},
		{25000, 4, func(k int) int { return 4*k + 1 }, 6251},
	} {
		rep, err := ParseMetrics(strings.NewReader(epochLines(c.n)))
		if err != nil {
			t.Fatal(err)
		}
		if rep.EpochLines != c.n || rep.Stride != c.stride || len(rep.Epochs) != c.kept || rep.Thinned() != (c.stride > 1) {
			t.Errorf("%d lines: %d read, stride %d, %d kept; want %d, %d, %d", c.n, rep.EpochLines, rep.Stride, len(rep.Epochs), c.n, c.stride, c.kept)
			continue
		}
		for k, ln := range rep.Epochs[:c.kept-1] {
			if e := int(ln.Values["epoch"]); e != c.want(k) || ln.No != e || ln.Values["loss"] != float64(e) {
				t.Fatalf("%d lines: kept line %d is epoch %d (line %d), want %d", c.n, k, e, ln.No, c.want(k))
			}
		}
		if last := rep.Epochs[c.kept-1]; int(last.Values["epoch"]) != c.n {
			t.Errorf("%d lines: last kept epoch %v, want %d", c.n, last.Values["epoch"], c.n)
		}
	}
}

// TestProtocolRules_Defects: the first non-finite watched value is the
// first line's, not a later one; null is NaN; an epoch or epochs_run past
// 2⁵³ is not a whole number a float holds; a second final line names
// the first; a line over MaxLine is numbered as the line it is; a metric
// name starts with a letter, a digit or '_'.
func TestProtocolRules_Defects(t *testing.T) {
	rep, err := ParseMetricsWith(strings.NewReader("{\"epoch\": 1, \"loss\": 1}\n{\"epoch\": 2, \"loss\": NaN}\n{\"epoch\": 3, \"loss\": Infinity}\n{\"final\": true, \"acc\": null}\n"),
		Options{Watch: []string{"loss"}})
	if err != nil || rep.NonFinite == nil || rep.NonFinite.No != 2 || rep.Final == nil || !math.IsNaN(rep.Final.Values["acc"]) {
		t.Fatalf("report %+v, %v; want the first non-finite on line 2, acc NaN", rep, err)
	}
	for _, c := range []struct{ text, want string }{
		{"{\"epoch\": 9007199254740994}\n", `line 1: "epoch" must be a whole number >= 1`},
		{"{\"final\": true, \"epochs_run\": 9007199254740994}\n", `line 1: "epochs_run" must be a whole number >= 0`},
		{"{\"final\": true, \"a\": 1}\n{}\n{\"final\": true, \"a\": 2}\n", `line 3: a second line with "final": true (the first is line 1)`},
		{"{}\n{\"x\": \"" + strings.Repeat("a", MaxLine) + "\"}\n", "line 2: longer than"},
		{"{\"final\": true, \".acc\": 1}\n", `line 1: key ".acc" is not a usable metric name`},
		{"{\"final\": true, \"-acc\": 1}\n", `line 1: key "-acc" is not a usable metric name`},
		{"{\"final\": true, \"/acc\": 1}\n", `line 1: key "/acc" is not a usable metric name`},
	} {
		_, err := ParseMetrics(strings.NewReader(c.text))
		var le *LineError
		if err == nil || !errors.As(err, &le) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%.40q: %v\nwant %q", c.text, err, c.want)
		}
	}
	if rep, err := ParseMetrics(strings.NewReader("{\"epoch\": 9007199254740992, \"_x\": 1, \"0y\": 2}\n")); err != nil || rep.Epochs[0].Values["epoch"] != 1<<53 {
		t.Errorf("epoch 2⁵³, names _x and 0y: %v", err)
	}
}
