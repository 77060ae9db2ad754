package study

import "strings"

// ShellPath is the path p as a command line lossexp prints shows it
// (ShellQuote), made unmistakable for an option: a relative path starting
// with '-' (a spec named -study.yaml) is written ./-study.yaml, which a
// shell and lossexp's flag parser take as the file it is.
func ShellPath(p string) string {
	if strings.HasPrefix(p, "-") {
		p = "./" + p
	}
	return ShellQuote(p)
}
