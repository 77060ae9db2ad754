package command

import (
	"math"
	"strings"
	"testing"
)

// TestParseMetrics_SignsAndFinal (issue 26): a number out of float64's
// range keeps its sign (−1e400 is −Inf), Python's bare tokens are read
// by sign, and only "final": true makes a line the final one.
func TestParseMetrics_SignsAndFinal(t *testing.T) {
	in := `{"epoch": 1, "a": -1e400, "b": 1e400, "c": -Infinity, "d": Infinity, "e": -0.5}
{"final": false, "test.accuracy": 0.5}
{"final": true, "test.accuracy": 0.9}
`
	rep, err := ParseMetrics(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	v := rep.Epochs[0].Values
	if !math.IsInf(v["a"], -1) || !math.IsInf(v["b"], 1) || !math.IsInf(v["c"], -1) || !math.IsInf(v["d"], 1) || v["e"] != -0.5 {
		t.Errorf("epoch values %v: want a −Inf, b +Inf, c −Inf, d +Inf, e −0.5", v)
	}
	if rep.Final == nil || rep.Final.No != 3 || rep.Final.Values["test.accuracy"] != 0.9 {
		t.Errorf("final %+v, want line 3", rep.Final)
	}
	rep, err = ParseMetrics(strings.NewReader(`{"final": false, "test.accuracy": 0.5}` + "\n"))
	if err != nil || rep.Final != nil {
		t.Errorf("only a final false line: final %+v, %v; want none", rep.Final, err)
	}
}
