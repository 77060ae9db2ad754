package table

import (
	"math"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/spec"
)

// Names shared by the tables, the figures and the check: a grid point's
// label, a metric's direction, a metric's name made safe for a file name.

// PointLabel labels a grid point by its λ tuple ("l2=0.1, l1=0").
func PointLabel(terms []string, lam []float64) string {
	if len(terms) == 0 {
		return "(single point)"
	}
	return spec.TupleLabel(terms, lam, func(t string, v float64) string { return t + "=" + FormatLambda(v) })
}

// Direction returns the direction of metric m for a check: the spec's
// (trainer.metrics, then the catalogue; spec may be nil), else "both".
func Direction(spec *spec.Spec, m string) string {
	switch spec.MetricDirection(m) {
	case "higher":
		return "higher"
	case "lower":
		return "lower"
	}
	return "both"
}

// FileSafe replaces the characters a file name cannot hold (/, \, space,
// colon) by "_".
func FileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' || r == ':' {
			return '_'
		}
		return r
	}, s)
}

// FormatLambda writes a weight for a person: 1e-4 rather than 0.0001,
// 0.3 rather than 3e-01.
func FormatLambda(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	a := math.Abs(v)
	if v == 0 || (a >= 1e-2 && a < 1e4) {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	s := strconv.FormatFloat(v, 'e', 3, 64) // 1.000e-04
	mant, exp, _ := strings.Cut(s, "e")
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
	}
	sign := exp[:1]
	exp = strings.TrimLeft(exp[1:], "0")
	if sign == "+" {
		sign = ""
	}
	return mant + "e" + sign + exp
}

// AxisLabel is the short name of an axis in legends: the last part of its
// field (dataset.params.samples → samples).
func AxisLabel(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}
