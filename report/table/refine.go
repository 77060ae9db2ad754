package table

import (
	"math"
	"slices"
	"strconv"

	"github.com/lossexp/lossexp/spec"
)

// Adaptive refinement of a swept term's λ grid (sweep.refine: {rounds: R,
// points: P}). After the grid is trained, each round asks RefineLambdas
// for up to P new λ values, trains them (every run already stored is
// reused: a run id is its λ tuple and repeat, not its place in the grid)
// and asks again, R times.
//
// RefineLambdas reads the task metric on the term's slice (the same
// slice, task metric and balance points as balance.csv) at each axis point
// and ranks the intervals between consecutive λ > 0 (λ = 0 is the
// reference; the grid's smallest positive λ bounds the range below):
//
//  1. the interval above λ_1se (from λ_1se to the next larger λ), where the
//     one-standard-error boundary lies: it gets ⌈P/2⌉ new values, evenly
//     spaced in log10 λ, so it shrinks by a factor ⌈P/2⌉+1 per round;
//  2. the two intervals beside the knee, one value each (log midpoint);
//  3. the interval below λ_1se;
//  4. every other interval, by how much the mean task metric changes across
//     it, largest first (ties: smaller λ first): where the curve changes
//     fastest between two grid values, the grid hides most.
//
// With several axis points the lists are taken in turn, one value from
// each, until P values are chosen. New values are rounded to 3
// significant digits (readable in runs.csv, and exactly reproducible);
// a value that rounds onto an existing λ or outside its interval is
// skipped. Points with a diverged run take no part (as in balance.csv).
// The result is ascending and depends on summary.csv alone, so refinement
// is the same whatever the worker count, and a resumed sweep refines the
// same way.
func RefineLambdas(s *Summary, spec *spec.Spec, term, kind string, p int) []float64 {
	j := slices.Index(s.Terms, term)
	task := ChooseTaskMetric(s, spec)
	if j < 0 || task.Name == "" || p < 1 {
		return nil
	}
	existing := map[float64]bool{}
	for _, pt := range s.Points {
		existing[pt.Lambdas[j]] = true
	}
	a := &Analysis{Summary: s, Task: task}
	var lists [][]float64
	for _, ax := range axisTuples(s) {
		ta := TermAnalysis{Term: term, Index: j, Kind: kind, Ref: -1, Axes: ax}
		ta.Fixed, ta.Points, ta.Ref = termSliceAt(s, j, ax)
		ta.Metric = a.ChooseTermMetric(&ta)
		b := BalanceOf(s, &ta, task)
		lists = append(lists, refineCandidates(s, &ta, task, b, p))
	}
	var out []float64
	for k := 0; len(out) < p; k++ {
		more := false
		for _, l := range lists {
			if k >= len(l) {
				continue
			}
			more = true
			if v := l[k]; !existing[v] && !slices.Contains(out, v) && len(out) < p {
				out = append(out, v)
			}
		}
		if !more {
			break
		}
	}
	slices.Sort(out)
	return out
}

// refineCandidates returns the new λ values of one slice in rank order.
func refineCandidates(s *Summary, ta *TermAnalysis, task MetricChoice, b Balance, p int) []float64 {
	// The usable λ > 0 of the slice, ascending, and their means.
	var lam, mean []float64
	for _, pi := range ta.Points {
		pt := s.Points[pi]
		l, m := pt.Lambdas[ta.Index], pt.Stats[task.Index].Mean
		if l <= 0 || pt.Diverged > 0 || !IsFinite(m) {
			continue
		}
		lam, mean = append(lam, l), append(mean, m)
	}
	if len(lam) < 2 {
		return nil
	}
	at := func(l float64) int { return slices.Index(lam, l) } // -1 if not usable
	var out []float64
	used := map[int]bool{} // intervals [i, i+1] already split
	split := func(i, k int) {
		if i < 0 || i+1 >= len(lam) || used[i] {
			return
		}
		used[i] = true
		lo, hi := math.Log10(lam[i]), math.Log10(lam[i+1])
		for q := 1; q <= k; q++ {
			v := round3(math.Pow(10, lo+(hi-lo)*float64(q)/float64(k+1)))
			if v > lam[i] && v < lam[i+1] {
				out = append(out, v)
			}
		}
	}
	if b.OneSE.Point >= 0 {
		if i := at(b.OneSE.Lambda); i >= 0 {
			split(i, (p+1)/2)
		}
	}
	if b.Knee.Point >= 0 {
		if i := at(b.Knee.Lambda); i >= 0 {
			split(i-1, 1)
			split(i, 1)
		}
	}
	if b.OneSE.Point >= 0 {
		if i := at(b.OneSE.Lambda); i >= 0 {
			split(i-1, 1)
		}
	}
	order := make([]int, len(lam)-1)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int {
		return CmpFloat(math.Abs(mean[y+1]-mean[y]), math.Abs(mean[x+1]-mean[x]))
	})
	for _, i := range order {
		split(i, 1)
	}
	return out
}

// round3 rounds v to 3 significant digits.
func round3(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
	return r
}
