package lossterms

import (
	"fmt"
	"math"
)

// Group metrics of a binary classifier (one logit per row; predicted
// positive when the logit is > 0) or, for GroupAccuracy, of any
// classifier. group[i] is row i's group in [0, groups). A group with no
// rows (or, for a rate, no rows of the conditioning label) has no value
// and is left out of the spreads; a spread over fewer than two groups is
// NaN. They allocate O(groups) and are meant for end-of-run metrics.

func checkGroups(name string, out, y []float64, group []int, n, k, groups int) {
	if n < 0 || k <= 0 || len(out) != n*k || len(group) != n || (y != nil && len(y) != n) {
		panic(fmt.Sprintf("lossterms: %s: len(out) = %d, len(y) = %d, len(group) = %d, n = %d, k = %d", name, len(out), len(y), len(group), n, k))
	}
	for i, g := range group {
		if g < 0 || g >= groups {
			panic(fmt.Sprintf("lossterms: %s: row %d has group %d, want 0..%d", name, i, g, groups-1))
		}
	}
}

// GroupAccuracy writes to dst (len groups) the accuracy of each group's
// rows (as Accuracy), NaN for a group with no rows.
func GroupAccuracy(dst, out, y []float64, group []int, n, k int) {
	checkGroups("group accuracy", out, y, group, n, k, len(dst))
	hit := make([]float64, len(dst))
	cnt := make([]float64, len(dst))
	for i := range n {
		cnt[group[i]]++
		if Accuracy(out[i*k:(i+1)*k], y[i:i+1], 1, k) == 1 { // exact: one row is 0 or 1
			hit[group[i]]++
		}
	}
	for g := range dst {
		dst[g] = math.NaN()
		if cnt[g] > 0 {
			dst[g] = hit[g] / cnt[g]
		}
	}
}

// Spread returns max − min over the non-NaN values of v, NaN when fewer
// than two are not NaN.
func Spread(v []float64) float64 {
	lo, hi, m := math.Inf(1), math.Inf(-1), 0
	for _, x := range v {
		if math.IsNaN(x) {
			continue
		}
		lo, hi = math.Min(lo, x), math.Max(hi, x)
		m++
	}
	if m < 2 {
		return math.NaN()
	}
	return hi - lo
}

// positiveRates writes to dst the fraction of predicted positives among
// each group's rows whose label is c (every row when c < 0).
func positiveRates(dst, out, y []float64, group []int, c int) {
	pos := make([]float64, len(dst))
	cnt := make([]float64, len(dst))
	for i, z := range out {
		if c >= 0 && int(y[i]) != c {
			continue
		}
		cnt[group[i]]++
		if z > 0 {
			pos[group[i]]++
		}
	}
	for g := range dst {
		dst[g] = math.NaN()
		if cnt[g] > 0 {
			dst[g] = pos[g] / cnt[g]
		}
	}
}

// DPDiff returns the demographic-parity difference: max − min over the
// groups of the rate of predicted positives.
func DPDiff(out []float64, group []int, n, groups int) float64 {
	checkGroups("dp_diff", out, nil, group, n, 1, groups)
	r := make([]float64, groups)
	positiveRates(r, out, nil, group, -1)
	return Spread(r)
}

// EODiff returns the equalized-odds difference: the larger of the spread
// over groups of the true-positive rate (rows with label 1) and of the
// false-positive rate (rows with label 0). A group without rows of a
// label is left out of that label's spread; NaN when neither spread has
// two groups.
func EODiff(out, y []float64, group []int, n, groups int) float64 {
	checkGroups("eo_diff", out, y, group, n, 1, groups)
	r := make([]float64, groups)
	best := math.NaN()
	for c := range 2 {
		positiveRates(r, out, y, group, c)
		if s := Spread(r); !math.IsNaN(s) && !(s <= best) {
			best = s
		}
	}
	return best
}
