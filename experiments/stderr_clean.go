package experiments

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// ansiCSI matches a terminal control sequence (ESC [ … final byte): the
// colors of a logging library, a cursor move.
var ansiCSI = regexp.MustCompile("\x1b\\[[0-?]*[ -/]*[@-~]")

// cleanLine is one line of a command's stderr as a failed run's reason
// quotes it (in runs.csv, report.html, the terminal): what a terminal
// showed last (the text after the last carriage return, as a progress
// bar redraws its line), without color sequences, bytes that are not
// UTF-8 as U+FFFD, a tab as a space, and any other control character as its Go escape
// (\x07). The stderr log keeps the bytes as they came.
func cleanLine(l string) string {
	l = strings.TrimRight(l, "\r")
	if i := strings.LastIndexByte(l, '\r'); i >= 0 {
		l = l[i+1:]
	}
	l = strings.ReplaceAll(strings.ToValidUTF8(ansiCSI.ReplaceAllString(l, ""), "\uFFFD"), "\t", " ")
	if strings.IndexFunc(l, unicode.IsControl) < 0 {
		return l
	}
	var b strings.Builder
	for _, r := range l {
		if unicode.IsControl(r) {
			fmt.Fprintf(&b, `\x%02x`, r) // C0, DEL and C1: all below 0x100
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
