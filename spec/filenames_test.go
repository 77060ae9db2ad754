package spec

import (
	"strings"
	"testing"
)

// TestSpec_NamesThatBecomeFiles: a metric name becomes part of file names
// (its figures); one with an empty, '.' or '..' path segment, a NUL, or
// too long for a file name is refused by validate with file, line and
// field, and an ordinary name with '/' (val/acc) is accepted (the report
// escapes it).
func TestSpec_NamesThatBecomeFiles(t *testing.T) {
	const term = "loss:\n  terms:\n    - {kind: external, name: fair, weight: [0, 1]}\n"
	trainer := func(metric string) string {
		return "name: x\ntrainer:\n  command: [prog]\n  metrics: {\"" + metric + "\": higher}\n" + term
	}
	withReport := func(metric string) string {
		return trainer("test.acc") + "report:\n  metrics: [\"" + metric + "\"]\n"
	}
	for _, c := range []struct{ name, spec, want string }{
		{"dot-dot out of the folder", trainer("x/../../../../victim/pwned"), `t.yaml:4:43: trainer.metrics.x/../../../../victim/pwned: metric name "x/../../../../victim/pwned" has an empty, '.' or '..' path segment`},
		{"dot-dot at the end", trainer("val/.."), `t.yaml:4:23: trainer.metrics.val/..: metric name "val/.." has an empty, '.' or '..' path segment`},
		{"dot segment", trainer("val/./acc"), "trainer.metrics.val/./acc: metric name \"val/./acc\" has an empty, '.' or '..' path segment"},
		{"empty segment", trainer("val//acc"), "trainer.metrics.val//acc: metric name \"val//acc\" has an empty"},
		{"trailing slash", trainer("val/"), "trainer.metrics.val/: metric name \"val/\" has an empty"},
		{"absolute", trainer("/etc/passwd"), `trainer.metrics./etc/passwd: "/etc/passwd" is not a usable metric name`},
		{"too long", trainer(strings.Repeat("m", 101)), "is not usable in a file name (its figures): at most 100 bytes"},
		{"report metric with dot-dot", withReport("../x"), `t.yaml:9:13: report.metrics[0]: metric name "../x" has an empty, '.' or '..' path segment`},
		{"report metric with NUL", withReport(`a\0b`), "report.metrics[0]: metric name \"a\\x00b\" is not usable in a file name"},
		{"report metric too long", withReport(strings.Repeat("m", 101)), "report.metrics[0]: metric name"},
	} {
		t.Run(c.name, func(t *testing.T) { expectRefused(t, c.spec, c.want) })
	}
	for _, ok := range []string{"val/acc", "test.acc:top5", "a-b_c.d/e", strings.Repeat("m", 100)} {
		if _, err := Parse(strings.NewReader(trainer(ok)), "t.yaml"); err != nil {
			t.Errorf("metric %q refused: %v", ok, err)
		}
	}
}
