package report

import (
	"strings"

	"github.com/lossexp/lossexp/spec"
)

// Names shared by the tables, the figures and the check: a grid point's
// label, a metric's direction, a metric's name made safe for a file name.

// pointLabel labels a grid point by its λ tuple ("l2=0.1, l1=0").
func pointLabel(terms []string, lam []float64) string {
	if len(terms) == 0 {
		return "(single point)"
	}
	return tupleLabel(terms, lam, func(t string, v float64) string { return t + "=" + formatLambda(v) })
}

// direction returns the direction of metric m for a check: the spec's
// (trainer.metrics, then the catalogue; spec may be nil), else "both".
func direction(spec *spec.Spec, m string) string {
	switch spec.MetricDirection(m) {
	case "higher":
		return "higher"
	case "lower":
		return "lower"
	}
	return "both"
}

// fileSafe replaces the characters a file name cannot hold (/, \, space,
// colon) by "_".
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' || r == ':' {
			return '_'
		}
		return r
	}, s)
}
