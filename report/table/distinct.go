package table

import (
	"strconv"
	"strings"
)

// DistinctFloats formats a and b with prec significant digits, or with as
// many more as it takes for two different values to read differently (up
// to the 17 that identify any float64), so that a message never says
// "3.728e-4 in the baseline but 3.728e-4 in the results". Equal values
// get prec digits.
func DistinctFloats(a, b float64, prec int) (string, string) {
	if prec < 1 {
		prec = 1
	}
	for p := prec; ; p++ {
		sa, sb := formatUpTo(a, p), formatUpTo(b, p)
		if sa != sb || a == b || p >= 17 {
			return sa, sb
		}
	}
}

// DistinctHashes returns prefixes of a and b at least n characters long,
// and long enough to tell them apart (four characters past the first
// difference), so that "sha 370cb… vs sha 370cb…" cannot happen. Prefixes
// shorter than the hash end in "…".
func DistinctHashes(a, b string, n int) (string, string) {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if a != b {
		n = max(n, i+4)
	}
	cut := func(s string) string {
		if len(s) <= n {
			return s
		}
		return s[:n] + "…"
	}
	return cut(a), cut(b)
}

// DistinctLabels is pointLabel for two λ tuples, with enough digits that
// tuples that differ read differently.
func DistinctLabels(terms []string, a, b []float64) (string, string) {
	la, lb := PointLabel(terms, a), PointLabel(terms, b)
	if la != lb || len(a) != len(b) {
		return la, lb
	}
	pa, pb := make([]string, len(terms)), make([]string, len(terms))
	for i, t := range terms {
		x, y := FormatLambda(a[i]), FormatLambda(b[i])
		if a[i] != b[i] {
			x, y = DistinctFloats(a[i], b[i], 4)
		}
		pa[i], pb[i] = t+"="+x, t+"="+y
	}
	return strings.Join(pa, ", "), strings.Join(pb, ", ")
}

// formatUpTo formats v with p significant digits, or with its shortest
// exact form when that is shorter.
func formatUpTo(v float64, p int) string {
	s, short := strconv.FormatFloat(v, 'g', p, 64), strconv.FormatFloat(v, 'g', -1, 64)
	if len(short) < len(s) {
		return short
	}
	return s
}
