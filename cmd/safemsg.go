package cmd

import (
	"fmt"
	"strings"
	"unicode"
)

// terminalSafe is an error message as lossexp prints it: every control
// character but the newline and the tab (a terminal escape, a carriage
// return, a backspace, C1 controls) written as its Go escape (\x1b), so a
// hostile file, metric or term name quoted raw in a message cannot move
// the cursor, recolor or rewrite the user's terminal.
func terminalSafe(msg string) string {
	if strings.IndexFunc(msg, unsafeRune) < 0 {
		return msg
	}
	var b strings.Builder
	for _, r := range msg {
		if unsafeRune(r) {
			fmt.Fprintf(&b, `\x%02x`, r) // C0, DEL and C1: all below 0x100
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unsafeRune: a control character other than the newline and the tab.
func unsafeRune(r rune) bool {
	return r != '\n' && r != '\t' && unicode.IsControl(r)
}
