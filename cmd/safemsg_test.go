package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain_MessageTerminalSafe (round 6, red team): a dataset path with a
// terminal escape in a spec reached the terminal raw in validate's message
// ("tried …" lists the paths as they are); every message lossexp prints
// on failure now writes control characters but the newline and the tab as
// Go escapes.
func TestMain_MessageTerminalSafe(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "s.yaml")
	text := strings.Replace(okSpec, "  builtin: moons\n  params: {samples: 60}\n", "  csv: \"no\\u001b[31mred\\rx.csv\"\n  target: y\n", 1)
	if err := os.WriteFile(spec, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "validate", spec)
	if code != 2 || strings.ContainsAny(stderr, "\x1b\r") || !strings.Contains(stderr, `no\x1b[31mred\x0dx.csv`) {
		t.Errorf("exit %d, %q; want 2 and the escape written \\x1b", code, stderr)
	}
	// A description with an escape, as validate prints it.
	text = strings.Replace(okSpec, "name: bad\n", "name: bad\ndescription: \"red \\u001b[31mX\"\n", 1)
	if err := os.WriteFile(spec, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "validate", spec)
	if code != 0 || strings.Contains(stdout, "\x1b") || !strings.Contains(stdout, `about:    red \x1b[31mX`) {
		t.Errorf("validate: exit %d, %q, %q; want 0 and the escape written \\x1b", code, stdout, stderr)
	}
	if got := terminalSafe("a\tb\nc\u009bd\x7f"); got != "a\tb\nc\\x9bd\\x7f" {
		t.Errorf("terminalSafe = %q", got)
	}
}
