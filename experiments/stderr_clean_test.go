package experiments

import "testing"

// TestStderrTail_Clean (round 6, red team): a failed run's reason quotes
// the last lines of its stderr; colored logging, a progress bar's
// carriage returns, bytes that are not UTF-8 and other control characters
// reached runs.csv raw (and, through the fail-fast message, the terminal,
// where they recolor or rewrite it). Now the reason holds what a terminal
// showed, readable.
func TestStderrTail_Clean(t *testing.T) {
	for _, c := range []struct{ name, stderr, want string }{
		{"plain", "loading\nTraceback\nValueError: x\n", "; stderr: loading | Traceback | ValueError: x"},
		{"colors", "\x1b[1;31mRuntimeError:\x1b[0m CUDA\n", "; stderr: RuntimeError: CUDA"},
		{"progress bar", "epoch 1:  10%\repoch 1:  50%\repoch 1: 100%\r\nKilled\n", "; stderr: epoch 1: 100% | Killed"},
		{"crlf", "a\r\nb\r\n", "; stderr: a | b"},
		{"not utf-8", "bad \xff\xfe end\n", "; stderr: bad \uFFFD end"},
		{"other controls", "bell\x07 back\x08 esc\x1b] c1\u0085 tab\tx\n", `; stderr: bell\x07 back\x08 esc\x1b] c1\x85 tab x`},
		{"only escapes", "\x1b[0m\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := stderrTail([]byte(c.stderr)); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
