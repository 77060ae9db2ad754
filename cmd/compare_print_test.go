package cmd

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/lossexp/lossexp/report/compare"
	"github.com/lossexp/lossexp/study"
)

// TestPrintCompare_HostileNamesQuoted: every name printCompare takes from
// the studies' files (a note, the left-out points and metrics, a balance
// row's term, fixed terms and point, a compared metric) reaches the
// terminal quoted when a rune of it does not print: the output holds no
// control character but the line ends, and each hostile name appears in
// its quoted form. A call site that printed the name raw would let its
// newline or ESC through.
func TestPrintCompare_HostileNamesQuoted(t *testing.T) {
	hostile := map[string]string{
		"note":     "note\x1b[2J",
		"pointA":   "l2=0.1\nfake row",
		"pointB":   "l2=\x07bell",
		"metricA":  "only\ta",
		"metricB":  "only\x00b",
		"novalues": "nv\r",
		"term":     "l2\x1b]0;title\x07",
		"fixed":    "l1=0\n",
		"point":    "best\x1b[31m",
		"metric":   "test.acc\nuracy",
	}
	c := &study.Compared{Comparison: &study.Comparison{
		A:       compare.Side{Label: "A", Name: "a"},
		B:       compare.Side{Label: "B", Name: "b"},
		Metrics: []string{hostile["metric"]},
		Rows:    []compare.Row{{Metric: hostile["metric"], PHolm: 0.01}, {Metric: hostile["metric"], PHolm: 0.5}},
		Balance: []compare.BalanceRow{{Term: hostile["term"], Fixed: hostile["fixed"], Point: hostile["point"], A: 0.1, B: 1}},
		LeftOut: compare.LeftOut{PointsA: []string{hostile["pointA"]}, PointsB: []string{hostile["pointB"]},
			MetricsA: []string{hostile["metricA"]}, MetricsB: []string{hostile["metricB"]}, NoValues: []string{hostile["novalues"]}},
		Notes: []string{hostile["note"]},
	}, Out: "out"}
	var b bytes.Buffer
	printCompare(&b, c)
	out := b.String()
	for i, r := range out {
		if r != '\n' && !unicode.IsPrint(r) {
			t.Errorf("byte %d of the output is %q, a rune that does not print, in %q", i, r, out)
			break
		}
	}
	for what, s := range hostile {
		q := termSafe(s)
		if what == "fixed" || what == "term" {
			q = termSafe(hostile["term"] + " (" + hostile["fixed"] + ")")
		}
		if !strings.Contains(out, q) {
			t.Errorf("%s %q is not printed quoted as %s in %q", what, s, q, out)
		}
	}
	if !strings.Contains(out, "B differs from A at 1 of 2 points") {
		t.Errorf("the metric's count of differing points is missing in %q", out)
	}
}

// TestTermSafe_InvalidUTF8: a byte that is not UTF-8 does not print
// either: 0x9b alone is the 8-bit CSI of a terminal that takes C1
// controls (0x9b "2J" clears its screen), and it decodes as U+FFFD, which
// unicode.IsPrint accepts; such a name is quoted, the byte written \x9b.
// Before, it reached the terminal raw.
func TestTermSafe_InvalidUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"a\x9b2Jb":  `"a\x9b2Jb"`,
		"tail\xff":  `"tail\xff"`,
		"ok\uFFFDé": "ok\uFFFDé", // a real U+FFFD prints
	} {
		if got := termSafe(in); got != want {
			t.Errorf("termSafe(%q) = %s, want %s", in, got, want)
		}
	}
}
