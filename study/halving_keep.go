package study

import (
	"cmp"
	"math"
	"slices"
)

// The keep rule of sweep.halving: which grid points go on after a rung.
//
// At the full budget the balance points are, along each term's slice of
// the grid, λ_best (the best mean) and λ_1se (the largest λ whose mean is
// within one standard error of the best's, that SE being the best's: the
// marginal SE std/√n over the repeats). A rung's points are what could
// still be either at the full budget, judged on the rung's runs:
//
//   - could be λ_best: the point is not surely worse than the rung's best,
//     its paired difference to the best (the mean over the repeats of its
//     value minus the best's in the same repeat) D with D + k·SE(D) ≥ 0.
//     The runs of a repeat share their seed, data split and batch order
//     across λ, so SE(D), the standard error of the per-repeat
//     differences, is the noise that separates two λ; the marginal SE of
//     a mean also holds what the repeats share (the split, the
//     initialisation) and does not tell two λ apart (the quickstart's
//     first rung: marginal SEs of 0.04–0.06, paired ones of 0.01–0.02);
//   - could be λ_1se: along each term's slice, the points above the
//     slice's best whose D is not surely below the 1-SE band,
//     D + k·SE(D) ≥ −SE(best) (the band is one marginal SE of the best,
//     as the 1-SE rule's: that SE is not k's), and the slice's next λ
//     above the largest of them: a regularising term slows the first
//     epochs down, so a rung ranks the large λ lower than the full budget
//     will (decorrelation's λ = 10 is 2.6 paired SEs below the best at 7
//     of 60 epochs and the full grid's λ_1se); one grid step of that bias
//     is what the rule keeps, at the decisions whose next rung is below
//     the full budget only (insure): at the last decision the rung has
//     about 1/eta of the budget, its bias is smallest, and the insurance
//     point would train a whole full-budget run per repeat and slice for
//     nothing whenever the ranking does not change with the epochs;
//   - the λ = 0 reference (never in a rung, see halvingState), the best
//     ⌈n/eta⌉ of the n points by mean (so a rung always keeps about 1/eta,
//     and something goes on when there is no SE), and at least least
//     points.
//
// k is sweep.halving.keep_se. A point with a diverged run or no value
// goes on only as the reference. A slice is the points where every other
// term is at its reference λ (λ = 0 if the grid has it, else its
// smallest), as table.TermSlice has it at the full budget.

// rungPoint is one grid point's result at a rung, as the keep rule sees
// it.
type rungPoint struct {
	point   int
	lambdas []float64
	mean    float64   // the task metric's mean, oriented so that larger is better; NaN: unusable
	se      float64   // its standard error, as the 1-SE rule's (table.Stat.StdErr)
	reps    []float64 // the oriented value of each repeat (NaN: none), for the paired differences
	ref     bool      // the λ = 0 reference (every λ zero)
}

// keepAfterRung is the keep rule (see the top of this file) over pts, the
// points of one rung; grid holds each term's reference λ; insure says
// whether the next rung is below the full budget (then each slice's next
// λ above the band goes on too). It returns the points kept, in point
// order.
func keepAfterRung(pts []rungPoint, grid []float64, eta int, keepSE float64, least int, insure bool) []int {
	var order []int
	for i, p := range pts {
		if !math.IsNaN(p.mean) && !math.IsInf(p.mean, 0) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(pts[b].mean, pts[a].mean) })
	keep := make([]bool, len(pts))
	kept := 0
	for i, p := range pts {
		if p.ref {
			keep[i] = true
			kept++
		}
	}
	for top := (len(pts) - kept + eta - 1) / eta; kept < len(pts) && (top > 0 || kept < least); {
		i := slices.IndexFunc(order, func(i int) bool { return !keep[i] })
		if i < 0 {
			break
		}
		keep[order[i]] = true
		kept++
		top--
	}
	usable := slices.Sorted(slices.Values(order)) // point order
	keepBest(pts, usable, keep, keepSE, -1)
	for j := range grid {
		keepSlice(pts, termSlice(pts, usable, grid, j), keep, keepSE, j, insure)
	}
	var out []int
	for i, p := range pts {
		if keep[i] {
			out = append(out, p.point)
		}
	}
	return out
}

// keepBest keeps the points of idx that could be the best of idx at the
// full budget (D + k·SE(D) ≥ 0 against idx's best, by the λ of term j
// on ties, or by point order with j < 0) and returns that best (-1: idx
// empty).
func keepBest(pts []rungPoint, idx []int, keep []bool, k float64, j int) int {
	if len(idx) == 0 {
		return -1
	}
	best := idx[0]
	for _, i := range idx[1:] {
		later := j < 0 || pts[i].lambdas[j] >= pts[best].lambdas[j]
		if pts[i].mean > pts[best].mean || sameMean(pts[i].mean, pts[best].mean) && later {
			best = i
		}
	}
	for _, i := range idx {
		if d, se := pairedDiff(pts[i], pts[best]); i == best || d+k*se >= 0 {
			keep[i] = true
		}
	}
	return best
}

// keepSlice applies the rule along the slice sl of term j (sorted by its
// λ): its possible best, the points above the best that could be within
// one SE of it, and, with insure, the next λ above the largest of those.
func keepSlice(pts []rungPoint, sl []int, keep []bool, k float64, j int, insure bool) {
	best := keepBest(pts, sl, keep, k, j)
	if best < 0 || math.IsNaN(pts[best].se) || math.IsInf(pts[best].se, 0) {
		return // no SE at the best: the 1-SE rule has no λ_1se
	}
	last := slices.Index(sl, best)
	for n, i := range sl {
		if d, se := pairedDiff(pts[i], pts[best]); pts[i].lambdas[j] > pts[best].lambdas[j] && d+k*se >= -pts[best].se {
			keep[i] = true
			last = n
		}
	}
	if insure && last+1 < len(sl) {
		keep[sl[last+1]] = true
	}
}

// termSlice returns the points of idx on term j's slice of the grid
// (every other term at its reference λ in grid), sorted by term j's λ.
func termSlice(pts []rungPoint, idx []int, grid []float64, j int) []int {
	var sl []int
	for _, i := range idx {
		on := true
		for k, l := range pts[i].lambdas {
			if k != j && l != grid[k] {
				on = false
			}
		}
		if on {
			sl = append(sl, i)
		}
	}
	slices.SortStableFunc(sl, func(a, b int) int { return cmp.Compare(pts[a].lambdas[j], pts[b].lambdas[j]) })
	return sl
}

// pairedDiff returns the mean over the repeats both points have a value
// for of p's value minus q's, and its standard error √(s²/n), s² the
// differences' sample variance (NaN with fewer than two such repeats).
func pairedDiff(p, q rungPoint) (mean, se float64) {
	var d []float64
	for r := range min(len(p.reps), len(q.reps)) {
		if x := p.reps[r] - q.reps[r]; !math.IsNaN(x) && !math.IsInf(x, 0) {
			d = append(d, x)
			mean += x
		}
	}
	n := float64(len(d))
	if len(d) < 2 {
		return mean / n, math.NaN()
	}
	mean /= n
	var ss float64
	for _, x := range d {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}

// sameMean says whether two means tie (equal to within 1e-9 relative), as
// the balance points' ties.
func sameMean(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// gridReference returns each term's reference λ over the static points:
// 0 when the grid has it, else its smallest.
func (st *Study) gridReference() []float64 {
	var ref []float64
	for pt := range st.Plans.Static() {
		l := st.Plans.At(pt * st.Plans.PerPoint()).Lambdas
		if ref == nil {
			ref = slices.Clone(l)
		}
		for k, v := range l {
			if v >= 0 && v < ref[k] {
				ref[k] = v
			}
		}
	}
	return ref
}
