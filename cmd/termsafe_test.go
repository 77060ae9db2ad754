package cmd

import "testing"

// TestTermSafe: a name compare prints is shown as it is unless a rune of
// it does not print (a newline, a tab, an ESC of a terminal sequence, a
// NUL), then quoted so that one line stays one line.
func TestTermSafe(t *testing.T) {
	for in, want := range map[string]string{
		"test.accuracy":        "test.accuracy",
		"λ·weight l2":          "λ·weight l2",
		"a\nb":                 `"a\nb"`,
		"evil\x1b[2Jcleared":   `"evil\x1b[2Jcleared"`,
		"tab\there":            `"tab\there"`,
		"nul\x00":              `"nul\x00"`,
		`quote"d,comma../x<y>`: `quote"d,comma../x<y>`,
	} {
		if got := termSafe(in); got != want {
			t.Errorf("termSafe(%q) = %s, want %s", in, got, want)
		}
	}
}
