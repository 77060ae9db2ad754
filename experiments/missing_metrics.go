package experiments

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/spec"
)

// maxNamesShown is how many of the names a final line holds a missing
// metric's reason lists.
const maxNamesShown = 6

// missingReason is the reason of an attempt whose final line (final)
// lacks the required metrics missing: the names, the file and line, what
// the line holds instead (a few names, sorted) and, for a near miss, the
// name meant ("validation.acuracy": did you mean "validation.accuracy").
// It starts "missing metric(s) <names>", the same for every run of a
// command that always reports the same names, so fail fast matches it.
func missingReason(missing []string, final *command.Line) string {
	word := "metric"
	if len(missing) > 1 {
		word = "metrics"
	}
	held := make([]string, 0, len(final.Values))
	for n := range final.Values {
		held = append(held, n)
	}
	slices.Sort(held)
	var b strings.Builder
	fmt.Fprintf(&b, "missing %s %s in %s's final line (line %d), which holds ", word, strings.Join(missing, ", "), metricsFile, final.No)
	switch {
	case len(held) == 0:
		b.WriteString("no metric")
	case len(held) > maxNamesShown:
		fmt.Fprintf(&b, "%s and %d more", strings.Join(held[:maxNamesShown], ", "), len(held)-maxNamesShown)
	default:
		b.WriteString(strings.Join(held, ", "))
	}
	for _, m := range missing {
		if s := spec.Suggest(m, held); s != "" {
			fmt.Fprintf(&b, "; %s: did you mean %s?", m, s)
		}
	}
	return b.String()
}
