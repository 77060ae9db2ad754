package command

import (
	"fmt"
	"strings"
)

// MaxMetricName is the longest metric name: a metric's figures are named
// after it (<metric>_vs_<term>.png must fit the 255 bytes of a file name).
const MaxMetricName = 100

// CheckMetricName checks a metric name, a key of metrics.jsonl's epoch
// and final lines and of trainer.metrics: letters, digits and '.', '_',
// '-', ':', '/', starting with a letter, a digit or '_'; at most
// MaxMetricName bytes; no empty, '.' or '..' segment between slashes
// ("val/acc" is welcome: the report escapes the '/' where the name
// becomes part of a file name).
func CheckMetricName(name string) error {
	ok := name != ""
	for i := 0; i < len(name) && ok; i++ {
		c := name[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' ||
			i > 0 && (c == '.' || c == '-' || c == ':' || c == '/')
	}
	if !ok {
		return fmt.Errorf("%s is not a usable metric name (letters, digits, '.', '_', '-', ':', '/')", quoteClip(name))
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("metric name %s has an empty, '.' or '..' path segment; it becomes part of file names (its figures): write it without one", quoteClip(name))
		}
	}
	if len(name) > MaxMetricName {
		return fmt.Errorf("metric name %s is not usable in a file name (its figures): at most %d bytes, no NUL", quoteClip(name), MaxMetricName)
	}
	return nil
}

// quoteClip quotes a name for a message, clipped to 60 bytes.
func quoteClip(s string) string {
	if len(s) > 60 {
		return fmt.Sprintf("%q…", strings.ToValidUTF8(s[:60], ""))
	}
	return fmt.Sprintf("%q", s)
}
