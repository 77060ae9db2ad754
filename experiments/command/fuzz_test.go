package command

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseMetrics: no input makes ParseMetrics or ParseTemplate panic; a
// metrics error is a *LineError naming a line that exists, and a parsed
// report's lines are numbered in order.
func FuzzParseMetrics(f *testing.F) {
	f.Add("{\"epoch\": 1, \"loss.total\": NaN}\n{\"final\": true, \"a\": -Infinity, \"s\": \"NaN\"}\n")
	f.Add("{\"final\": true}\n{\"final\": true}\n")
	f.Add("{\"epoch\": \"x\"}\n")
	f.Add("{\"a\": [1, {\"b\": NaN}], \"c\": \"\\\"Infinity\"}\n")
	f.Add("--x={lambda.a}{{}}")
	f.Fuzz(func(t *testing.T, in string) {
		if tpl, err := ParseTemplate(in); err == nil {
			for _, p := range tpl.Placeholders() {
				if p.Offset < 0 || p.Offset >= len(in) || in[p.Offset] != '{' {
					t.Fatalf("placeholder %+v of %q", p, in)
				}
			}
			tpl.Expand(func(string) (string, bool) { return "v", true })
		} else if se := (*SyntaxError)(nil); !errors.As(err, &se) || se.Offset < 0 || se.Offset >= len(in) {
			t.Fatalf("template %q: %v", in, err)
		}
		rep, err := ParseMetrics(strings.NewReader(in))
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("%q: %T %v", in, err, err)
			}
			return
		}
		prev := 0
		for _, e := range rep.Epochs {
			if e.No <= prev || e.No > rep.Lines {
				t.Fatalf("%q: epoch line %d after %d of %d", in, e.No, prev, rep.Lines)
			}
			prev = e.No
		}
	})
}
