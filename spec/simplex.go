package spec

import (
	"math"
	"strconv"
)

// Sweep mode simplex spreads the weights of two or more terms over the
// simplex Σλ_i = total:
//
//	sweep: {mode: simplex, total: 1, points: 4}   # or step: 0.25 instead of points
//	loss:
//	  terms:
//	    - {kind: l1, weight: simplex}
//	    - {kind: l2, weight: simplex}
//	    - {kind: fairness, weight: 0.1}           # fixed terms stay fixed
//
// With k terms marked `weight: simplex` (k ≥ 2) and N = points, the grid is
// every tuple of integers (c_1, …, c_k) ≥ 0 with Σc_i = N, and term i
// takes λ_i = total·c_i/N (Σλ_i equals total up to rounding). There are C(N+k−1, k−1) points, in
// lexicographic order of (c_1, …, c_k) ascending: c_1 = 0 first, the last
// term varying fastest, like mode grid. Each λ is rounded to 12
// significant digits, so that 3·0.1/4 is written 0.075 and not
// 0.07500000000000001. step: s means N = total/s, which
// must be a whole number (within 1e-9). total defaults to 1; points (or
// step) is required. Every vertex (one term at total, the others 0) and
// the points between are on the grid; there is no point where every
// simplex term is 0, so the reference "without the terms" is a fixed
// weight's business, not the simplex's.

// defaultSimplexTotal is sweep.total when it is not written.
const defaultSimplexTotal = 1

// simplexN returns the number of divisions N of the simplex, 0 if the
// spec does not define one.
func (s *Spec) simplexN() int {
	sw := s.Sweep
	if sw.Points > 0 {
		if sw.Points > maxWeightNum {
			return 0 // refused by validateSweep, never built
		}
		return sw.Points
	}
	if sw.Step > 0 && sw.Total > 0 {
		n := sw.Total / sw.Step
		if r := math.Round(n); math.Abs(n-r) <= 1e-9*math.Max(1, n) && r >= 1 && r <= maxWeightNum {
			return int(r)
		}
	}
	return 0
}

// simplexTerms returns the indices of the terms marked weight: simplex.
func (s *Spec) simplexTerms() []int {
	var idx []int
	for i, t := range s.Loss.Terms {
		if t.Weight.Simplex {
			idx = append(idx, i)
		}
	}
	return idx
}

// simplexDefaults applies the defaults of sweep mode simplex: the total
// and the values of each simplex weight.
func (s *Spec) simplexDefaults() {
	if !s.has("sweep.total") {
		s.Sweep.Total = defaultSimplexTotal
	}
	if n := s.simplexN(); n >= 1 && s.Sweep.Total > 0 {
		for i := range s.Loss.Terms {
			if w := &s.Loss.Terms[i].Weight; w.Simplex {
				w.Values = simplexValues(s.Sweep.Total, n)
			}
		}
	}
}

// simplexValues returns the λ values one simplex coordinate takes:
// total·c/N for c = 0…N, ascending.
func simplexValues(total float64, n int) []float64 {
	out := make([]float64, n+1)
	for c := range out {
		out[c] = simplexLambda(c, n, total)
	}
	return out
}

// simplexLambda is total·c/n rounded to 12 significant digits.
func simplexLambda(c, n int, total float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(c)*total/float64(n), 'g', 12, 64), 64)
	return v
}

// simplexGrid returns the points of mode simplex (see above).
func (s *Spec) simplexGrid() ([][]float64, error) {
	idx := s.simplexTerms()
	n := s.simplexN()
	switch {
	case len(idx) < 2:
		return nil, s.Errorf("sweep.mode", "sweep mode simplex needs two or more terms with weight: simplex, got %d", len(idx))
	case n < 1:
		return nil, s.Errorf("sweep", "sweep mode simplex needs points (divisions of total) or a step that divides total")
	}
	// Count C(n+k−1, k−1) before building, to bound the grid.
	k := len(idx)
	count := 1.0
	for j := 1; j < k; j++ {
		count = count * float64(n+j) / float64(j)
	}
	if count > maxGridPoints {
		return nil, s.Errorf("sweep", "the simplex has %.0f points, more than %d; use fewer points", count, maxGridPoints)
	}
	for i, t := range s.Loss.Terms {
		if !t.Weight.Simplex && len(t.Weight.Values) == 0 {
			return nil, s.Errorf(indexField("loss.terms", i)+".weight", "empty weight: the grid has no points")
		}
	}
	var points [][]float64
	c := make([]int, k)
	var rec func(j, left int)
	rec = func(j, left int) {
		if j == k-1 {
			c[j] = left
			pt := make([]float64, len(s.Loss.Terms))
			for i, t := range s.Loss.Terms {
				if !t.Weight.Simplex {
					pt[i] = t.Weight.Values[0]
				}
			}
			for jj, i := range idx {
				pt[i] = simplexLambda(c[jj], n, s.Sweep.Total)
			}
			points = append(points, pt)
			return
		}
		for v := 0; v <= left; v++ {
			c[j] = v
			rec(j+1, left-v)
		}
	}
	rec(0, n)
	return points, nil
}
