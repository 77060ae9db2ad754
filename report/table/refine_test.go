package table

import (
	"math"
	"slices"
	"testing"
)

// refineCurve is a smooth task curve in the shape of a regularization
// study: accuracy rises a little to a best λ near 3e-3, then falls off a
// cliff around 0.05. Its SE is the same at every point (std 0.02, n = 5).
func refineCurve(l float64) float64 {
	if l == 0 {
		return 0.85
	}
	x := math.Log10(l) - refineShift
	return 0.85 + 0.03*math.Exp(-(x+2.5)*(x+2.5)/0.5) - 0.35/(1+math.Exp(-(x+1.3)/0.2))
}

const refineStd, refineN = 0.02, 5

// refineShift moves the curve along log10 λ (the measurement averages
// over shifts, so no grid is lucky).
var refineShift float64

// refineSummary is the summary of the curve at the λ values lams (with λ
// = 0 first), on test.accuracy and the l2 term's weight_l2.
func refineSummary(lams []float64) *Summary {
	s := &Summary{Terms: []string{"l2"}, Metrics: []string{"test.accuracy", "weight_l2"}}
	for _, l := range lams {
		m := refineCurve(l)
		half := 2.776 * refineStd / math.Sqrt(refineN)
		s.Points = append(s.Points, Point{Lambdas: []float64{l}, N: refineN, Stats: []Stat{
			{N: refineN, Mean: m, Std: refineStd, CILow: m - half, CIHigh: m + half},
			{N: refineN, Mean: 500 / (1 + 1000*l), Std: 1, CILow: 0, CIHigh: 1000},
		}})
	}
	return s
}

// oneSE returns the λ_1se balance.csv reports for the curve at lams.
func oneSE(t *testing.T, lams []float64) float64 {
	t.Helper()
	s := refineSummary(lams)
	a := &Analysis{Summary: s, Task: ChooseTaskMetric(s, nil)}
	ta := TermAnalysis{Term: "l2", Index: 0, Kind: "l2", Ref: -1}
	ta.Fixed, ta.Points, ta.Ref = TermSlice(s, 0)
	ta.Metric = a.ChooseTermMetric(&ta)
	b := BalanceOf(s, &ta, a.Task)
	if b.OneSE.Point < 0 {
		t.Fatalf("no λ_1se on %v: %s", lams, b.OneSE.Note)
	}
	return b.OneSE.Lambda
}

func logGrid(from, to float64, num int) []float64 {
	out := []float64{0}
	for i := range num {
		out = append(out, math.Pow(10, math.Log10(from)+(math.Log10(to)-math.Log10(from))*float64(i)/float64(num-1)))
	}
	return out
}

// TestRefineLambdas_LocatesOneSE is the refinement measurement: a coarse
// 7-point grid plus two rounds of 4 points (15 λ > 0) locates λ_1se as
// well as a 30-point grid over the same range. The true boundary λ* is the
// λ_1se of a grid of 20001 points. A grid brackets it between its λ_1se
// and the next larger λ; over 12 shifts of the curve along log10 λ, the
// refined grid's bracket and its distance to λ* are compared with the
// 30-point grid's (mean over the shifts, in decades).
func TestRefineLambdas_LocatesOneSE(t *testing.T) {
	defer func() { refineShift = 0 }()
	next := func(grid []float64, l float64) float64 {
		i := slices.Index(grid, l)
		if i+1 < len(grid) {
			return grid[i+1]
		}
		return l
	}
	var fineErr, fineBr, refErr, refBr, coarseErr float64
	const shifts = 12
	for k := range shifts {
		refineShift = -0.5 + float64(k)/shifts // one 30-point grid step is 0.138 decades
		truth := oneSE(t, logGrid(1e-4, 1, 20001))
		fine := logGrid(1e-4, 1, 30)
		f1 := oneSE(t, fine)
		fineErr += math.Abs(math.Log10(f1/truth)) / shifts
		fineBr += math.Log10(next(fine, f1)/f1) / shifts

		grid := logGrid(1e-4, 1, 7)
		coarseErr += math.Abs(math.Log10(oneSE(t, grid)/truth)) / shifts
		for round := 1; round <= 2; round++ {
			add := RefineLambdas(refineSummary(grid), nil, "l2", "l2", 4)
			if len(add) != 4 {
				t.Fatalf("shift %d round %d added %v, want 4 values", k, round, add)
			}
			for _, v := range add {
				if slices.Contains(grid, v) {
					t.Fatalf("round %d re-proposed λ = %g", round, v)
				}
			}
			grid = append(grid, add...)
			slices.Sort(grid)
		}
		if len(grid)-1 != 15 {
			t.Fatalf("refined grid has %d λ > 0, want 15", len(grid)-1)
		}
		r1 := oneSE(t, grid)
		refErr += math.Abs(math.Log10(r1/truth)) / shifts
		refBr += math.Log10(next(grid, r1)/r1) / shifts
		if !(r1 <= truth && truth < next(grid, r1)) {
			t.Errorf("shift %d: refined bracket [%g, %g) misses λ* = %g", k, r1, next(grid, r1), truth)
		}
	}
	t.Logf("mean over %d shifts, decades: |λ_1se − λ*| 30-point grid %.3f, 7-point grid %.3f, 7 + 2×4 refined %.3f; bracket width 30-point %.3f, refined %.3f",
		shifts, fineErr, coarseErr, refErr, fineBr, refBr)
	if refErr > fineErr || refBr > fineBr {
		t.Errorf("refined (15 λ) error %.3f bracket %.3f; 30-point grid error %.3f bracket %.3f", refErr, refBr, fineErr, fineBr)
	}
}

// TestRefineLambdas_Rules checks the ranking on a hand-made curve: the
// interval above λ_1se is split into ⌈P/2⌉ log-even values first, then the
// knee's neighbours, then the steepest change; no value repeats an
// existing λ; P = 0 or an unknown term gives nothing.
func TestRefineLambdas_Rules(t *testing.T) {
	// λ: 0, 1e-3, 1e-2, 1e-1, 1. Means: best at 1e-2 (0.9); 1e-1 is
	// within one SE (0.9 − 0.895 < 0.02/√5 ≈ 0.0089), 1 is not.
	s := &Summary{Terms: []string{"l2"}, Metrics: []string{"test.accuracy"}}
	for _, c := range []struct{ l, m float64 }{{0, 0.8}, {1e-3, 0.85}, {1e-2, 0.9}, {1e-1, 0.895}, {1, 0.5}} {
		s.Points = append(s.Points, Point{Lambdas: []float64{c.l}, N: 5, Stats: []Stat{{N: 5, Mean: c.m, Std: 0.02, CILow: c.m - 0.02, CIHigh: c.m + 0.02}}})
	}
	// P = 2: one value in (0.1, 1) at its log midpoint 10^-0.5 = 0.316,
	// then (no knee: no term metric) the interval below λ_1se, (1e-2, 1e-1):
	// 10^-1.5 = 0.0316.
	got := RefineLambdas(s, nil, "l2", "l2", 2)
	if want := []float64{0.0316, 0.316}; !slices.Equal(got, want) { // exact: 3-digit decimals parsed back
		t.Errorf("P=2: %v, want %v", got, want)
	}
	// P = 4: two values in (0.1, 1) at 10^-2/3 and 10^-1/3, then
	// (1e-2, 1e-1), then the steepest remaining interval (1e-3, 1e-2),
	// change 0.05, at 10^-2.5.
	got = RefineLambdas(s, nil, "l2", "l2", 4)
	if want := []float64{0.00316, 0.0316, 0.215, 0.464}; !slices.Equal(got, want) {
		t.Errorf("P=4: %v, want %v", got, want)
	}
	if got := RefineLambdas(s, nil, "l2", "l2", 0); got != nil {
		t.Errorf("P=0: %v", got)
	}
	if got := RefineLambdas(s, nil, "l9", "l2", 3); got != nil {
		t.Errorf("unknown term: %v", got)
	}
}
