package table

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// cp builds a curve point with a task mean, std, n and 95% CI bounds, and
// a term metric mean.
// closeTo compares within tol; used for statistics against hand-computed
// values given to 7–8 significant digits.
func closeTo(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol
}

func cp(lambda, mean, std float64, n int, ciLow, ciHigh, term float64) curvePoint {
	return curvePoint{Lambda: lambda, Task: Stat{N: n, Mean: mean, Std: std, CILow: ciLow, CIHigh: ciHigh}, Term: Stat{N: n, Mean: term}}
}

func TestBalancePoints(t *testing.T) {
	// lambdas of the points a test expects; -1 = undefined.
	type want struct {
		best, oneSE, knee, over float64
		notes                   []string // substrings of the notes, in order best, 1se, knee, over ("" = any)
		excluded                int
	}
	for _, tc := range []struct {
		name                   string
		pts                    []curvePoint
		ref                    int
		taskHigher, termHigher bool
		want                   want
	}{
		{
			// Best 0.85 at 0.01 with SE 0.04/√4 = 0.02: threshold 0.83, the
			// largest λ at or above it is 0.1 (0.84). Overshadow: the λ = 0
			// CI is [0.78, 0.82]; 0.01 and 0.1 are above 0.78, 1 (0.60) is
			// below. Knee: x̂ = (0, .3, .8, 1), ŷ = (.8, 1, .96, 0) (task
			// normalised over [0.60, 0.85]), x̂+ŷ−1 = (−.2, .3, .76, 0): 0.1.
			name: "hand",
			pts: []curvePoint{
				cp(0, 0.80, 0.03, 4, 0.78, 0.82, 0),
				cp(0.01, 0.85, 0.04, 4, 0.81, 0.89, 0.3),
				cp(0.1, 0.84, 0.03, 4, 0.80, 0.88, 0.8),
				cp(1, 0.60, 0.05, 4, 0.55, 0.65, 1),
			},
			ref: 0, taskHigher: true, termHigher: true,
			want: want{best: 0.01, oneSE: 0.1, knee: 0.1, over: 1},
		},
		{
			// 0.1 lies exactly on the threshold 0.85 − 0.02 = 0.83: within.
			// Knee: x̂ = (0, .5, 1), ŷ = (0, 1, .6), x̂+ŷ−1 = (−1, .5, .6).
			name: "1-SE boundary is inclusive",
			pts: []curvePoint{
				cp(0, 0.80, 0.03, 4, 0.78, 0.82, 0),
				cp(0.01, 0.85, 0.04, 4, 0.81, 0.89, 0.5),
				cp(0.1, 0.83, 0.03, 4, 0.80, 0.86, 1),
			},
			ref: 0, taskHigher: true, termHigher: true,
			want: want{best: 0.01, oneSE: 0.1, knee: 0.1, over: -1, notes: []string{"", "", "", "no λ in the grid is worse"}},
		},
		{
			// Two λ tie for the best mean: the larger wins (glmnet).
			name: "tie goes to the larger λ",
			pts: []curvePoint{
				cp(0, 0.80, 0.01, 3, 0.79, 0.81, 0),
				cp(0.01, 0.90, 0.01, 3, 0.89, 0.91, 1),
				cp(0.1, 0.90, 0.01, 3, 0.89, 0.91, 2),
				cp(1, 0.70, 0.01, 3, 0.69, 0.71, 3),
			},
			ref: 0, taskHigher: true, termHigher: true,
			want: want{best: 0.1, oneSE: 0.1, knee: 0.1, over: 1, notes: []string{"", "no larger λ", "", ""}},
		},
		{
			// Every mean equal: best and 1-SE are the largest λ, no knee
			// (no trade-off), no overshadowing.
			name: "flat curve",
			pts: []curvePoint{
				cp(0, 0.8, 0, 3, 0.8, 0.8, 0),
				cp(0.01, 0.8, 0, 3, 0.8, 0.8, 1),
				cp(0.1, 0.8, 0, 3, 0.8, 0.8, 2),
			},
			ref: 0, taskHigher: true, termHigher: true,
			want: want{best: 0.1, oneSE: 0.1, knee: -1, over: -1,
				notes: []string{"flat", "", "task metric is flat", "no λ in the grid is worse"}},
		},
		{
			// One run per point: no SE, no CI; best is still the best mean.
			name: "single repeat",
			pts: []curvePoint{
				cp(0, 0.80, math.NaN(), 1, math.NaN(), math.NaN(), 0),
				cp(0.01, 0.85, math.NaN(), 1, math.NaN(), math.NaN(), 0.5),
				cp(0.1, 0.70, math.NaN(), 1, math.NaN(), math.NaN(), 1),
			},
			ref: 0, taskHigher: true, termHigher: true,
			want: want{best: 0.01, oneSE: -1, knee: 0.01, over: -1,
				notes: []string{"", "single run at λ_best: no standard error", "", "single run at λ = 0"}},
		},
		{
			// The best mean is at a point with a diverged run: left out.
			name: "diverged point excluded",
			pts: []curvePoint{
				cp(0, 0.80, 0.02, 4, 0.77, 0.83, 0),
				func() curvePoint {
					p := cp(0.01, 0.95, 0.02, 3, 0.9, 1, 0.5)
					p.Excluded = "1 of 4 runs diverged"
					return p
				}(),
				cp(0.1, 0.82, 0.02, 4, 0.79, 0.85, 0.9),
				cp(1, 0.60, 0.02, 4, 0.57, 0.63, 1),
			},
			ref: 0, taskHigher: true, termHigher: true,
			want: want{best: 0.1, oneSE: 0.1, knee: 0.1, over: 1, excluded: 1, notes: []string{"", "", "", ""}},
		},
		{
			// Lower is better (mse). Best 0.8 at 0.01, SE 0.1/2 = 0.05:
			// threshold 0.85, 0.1 (0.9) is out. Overshadow: above the λ = 0
			// CI high bound 1.1: 1 (2.0). The term metric (weight norm) is
			// better lower: x = −(10, 5, 1, 0.1).
			name: "lower is better",
			pts: []curvePoint{
				cp(0, 1.0, 0.1, 4, 0.9, 1.1, 10),
				cp(0.01, 0.8, 0.1, 4, 0.7, 0.9, 5),
				cp(0.1, 0.9, 0.1, 4, 0.8, 1.0, 1),
				cp(1, 2.0, 0.1, 4, 1.9, 2.1, 0.1),
			},
			ref: 0, taskHigher: false, termHigher: false,
			// x̂ = (0, .505, .909, 1), ŷ = (.833, 1, .917, 0): d max at 0.1.
			want: want{best: 0.01, oneSE: 0.01, knee: 0.1, over: 1},
		},
		{
			// A convex trade-off (every point on or below the chord): no knee.
			name: "convex: no knee",
			pts: []curvePoint{
				cp(0, 1.0, 0.01, 3, 0.99, 1.01, 0),
				cp(0.1, 0.3, 0.01, 3, 0.29, 0.31, 0.5),
				cp(1, 0.0, 0.01, 3, -0.01, 0.01, 1),
			},
			ref: 0, taskHigher: true, termHigher: true,
			want: want{best: 0, oneSE: 0, knee: -1, over: 0.1, notes: []string{"", "", "above the chord", ""}},
		},
		{
			name: "no λ = 0",
			pts: []curvePoint{
				cp(0.01, 0.8, 0.01, 3, 0.79, 0.81, 0),
				cp(0.1, 0.7, 0.01, 3, 0.69, 0.71, 1),
			},
			ref: -1, taskHigher: true, termHigher: true,
			want: want{best: 0.01, oneSE: 0.01, knee: -1, over: -1, notes: []string{"", "", "fewer than 3", "no λ = 0 run"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := balancePoints(tc.pts, tc.ref, tc.taskHigher, tc.termHigher)
			for i, c := range []struct {
				name string
				p    BalancePoint
				want float64
			}{{"best", b.Best, tc.want.best}, {"1se", b.OneSE, tc.want.oneSE}, {"knee", b.Knee, tc.want.knee}, {"overshadow", b.Overshadow, tc.want.over}} {
				got := -1.0
				if c.p.Point >= 0 {
					got = c.p.Lambda
					if tc.pts[c.p.Point].Lambda != c.p.Lambda { // exact: the λ is copied
						t.Errorf("%s: Point %d has λ %g, Lambda %g", c.name, c.p.Point, tc.pts[c.p.Point].Lambda, c.p.Lambda)
					}
				}
				if got != c.want { // exact: λ values are copied, not computed
					t.Errorf("%s = %g (note %q), want %g", c.name, got, c.p.Note, c.want)
				}
				if i < len(tc.want.notes) && !strings.Contains(c.p.Note, tc.want.notes[i]) {
					t.Errorf("%s note = %q, want it to contain %q", c.name, c.p.Note, tc.want.notes[i])
				}
			}
			if len(b.Excluded) != tc.want.excluded {
				t.Errorf("Excluded = %q, want %d entries", b.Excluded, tc.want.excluded)
			}
		})
	}
}

func TestBalancePoints_AllExcluded(t *testing.T) {
	p := cp(0, 0.8, 0.01, 3, 0.79, 0.81, 0)
	p.Excluded = "3 of 3 runs diverged"
	b := balancePoints([]curvePoint{p}, 0, true, true)
	if b.Best.Point >= 0 || b.OneSE.Point >= 0 || b.Knee.Point >= 0 || b.Overshadow.Point >= 0 {
		t.Errorf("balance points defined with every point excluded: %+v", b)
	}
	if !strings.Contains(b.Best.Note, "no grid point") {
		t.Errorf("note = %q", b.Best.Note)
	}
}

func TestPairedTest(t *testing.T) {
	// d = (1, 2, 3, 4): mean 2.5, sd 1.2909944, se 0.6454972, t = 3.8729833
	// on 3 df; CI half width t(0.975, 3)·se = 3.182446305·0.6454972 =
	// 2.0542603. p: for ν = 3, F(t) = 1/2 + (1/π)(u/(1+u²) + atan u) with
	// u = t/√3 = √5, so p = 2(1 − F) = 0.0304658.
	const tol = 1e-6
	got := PairedTest([]float64{1, 2, 3, 4}, []float64{0, 0, 0, 0})
	u := math.Sqrt(5)
	p := 2 * (0.5 - (u/(1+u*u)+math.Atan(u))/math.Pi)
	if got.N != 4 || got.DF != 3 || !closeTo(got.Mean, 2.5, tol) || !closeTo(got.Std, 1.2909944, tol) ||
		!closeTo(got.T, 3.8729833, tol) || !closeTo(got.CILow, 2.5-2.0542603, tol) || !closeTo(got.CIHigh, 2.5+2.0542603, tol) ||
		!closeTo(got.P, p, tol) || !closeTo(p, 0.0304658, tol) {
		t.Errorf("PairedTest = %+v, want mean 2.5, t 3.8729833, CI 2.5 ± 2.0542603, p %.7f", got, p)
	}
	// Pairing matters: the same values unpaired would differ by 0 on
	// average; here every pair moves by +0.1 but the levels vary a lot.
	x := []float64{0.6, 0.9, 0.75}
	ref := []float64{0.5, 0.8, 0.65}
	if g := PairedTest(x, ref); g.Note == "" || !math.IsNaN(g.P) || !closeTo(g.Mean, 0.1, 1e-12) || g.CILow != g.CIHigh {
		t.Errorf("constant difference: %+v, want mean 0.1, degenerate CI, no test, a note", g)
	}
	for _, tc := range []struct {
		name   string
		x, ref []float64
		n      int
		mean   float64
		note   string
	}{
		{"no pairs", nil, nil, 0, math.NaN(), "no pairs"},
		{"single pair", []float64{0.9}, []float64{0.8}, 1, 0.1, "single pair"},
		{"identical", []float64{0.8, 0.7}, []float64{0.8, 0.7}, 2, 0, "identical"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := PairedTest(tc.x, tc.ref)
			if g.N != tc.n || !closeTo(g.Mean, tc.mean, 1e-12) || !math.IsNaN(g.T) || !math.IsNaN(g.P) || !strings.Contains(g.Note, tc.note) {
				t.Errorf("PairedTest = %+v, want n %d mean %g, no t and p, note %q", g, tc.n, tc.mean, tc.note)
			}
			if tc.n < 2 && (!math.IsNaN(g.CILow) || !math.IsNaN(g.CIHigh)) {
				t.Errorf("CI [%g, %g] invented for n = %d", g.CILow, g.CIHigh, tc.n)
			}
		})
	}
}

func TestPaired_Effect(t *testing.T) {
	for _, tc := range []struct {
		name            string
		lo, hi, mean, q float64
		higher          bool
		want            string
	}{
		{"significant up, higher better", 0.01, 0.05, 0.03, 0.01, true, "better"},
		{"significant up, lower better", 0.01, 0.05, 0.03, 0.01, false, "worse"},
		{"significant down", -0.05, -0.01, -0.03, 0.04, true, "worse"},
		// The raw CI excludes 0 (raw p < 0.05) but the Holm-adjusted p
		// does not reach 0.05: not significant.
		{"raw only", 0.01, 0.05, 0.03, 0.06, true, "n.s."},
		{"constant difference", 0.1, 0.1, 0.1, math.NaN(), true, "better"},
		{"identical pairs", 0, 0, 0, math.NaN(), true, "n.s."},
		{"no test", math.NaN(), math.NaN(), 0.1, math.NaN(), true, ""},
	} {
		p := Paired{Higher: tc.higher, PHolm: tc.q, PairedDiff: PairedDiff{CILow: tc.lo, CIHigh: tc.hi, Mean: tc.mean}}
		if got := p.Effect(); got != tc.want {
			t.Errorf("%s: Effect(CI [%g, %g], p_holm %g, higher %v) = %q, want %q", tc.name, tc.lo, tc.hi, tc.q, tc.higher, got, tc.want)
		}
	}
}

// TestHolmAdjust checks Holm's method against values computed by hand.
// p = (0.01, 0.04, 0.03, 0.005, NaN): m = 4 finite; sorted 0.005, 0.01,
// 0.03, 0.04 → 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06,
// max(0.06, 1·0.04) = 0.06 (monotone). R's p.adjust(c(.01,.04,.03,.005),
// "holm") gives the same 0.03 0.06 0.06 0.02.
func TestHolmAdjust(t *testing.T) {
	got := HolmAdjust([]float64{0.01, 0.04, 0.03, 0.005, math.NaN()})
	want := []float64{0.03, 0.06, 0.06, 0.02, math.NaN()}
	for i := range want {
		if math.IsNaN(want[i]) != math.IsNaN(got[i]) || (!math.IsNaN(want[i]) && !closeTo(got[i], want[i], 1e-12)) {
			t.Errorf("HolmAdjust[%d] = %g, want %g (all: %v)", i, got[i], want[i], got)
		}
	}
	// Capped at 1; a single test is its own adjusted value.
	if got := HolmAdjust([]float64{0.6, 0.7}); got[0] != 1 || got[1] != 1 {
		t.Errorf("HolmAdjust(0.6, 0.7) = %v, want [1 1]", got)
	}
	if got := HolmAdjust([]float64{0.02}); got[0] != 0.02 {
		t.Errorf("HolmAdjust(0.02) = %v, want [0.02]", got)
	}
}

func TestParetoFront(t *testing.T) {
	// (1,1) dominates (0.5,0.5) and (1,0.5); (0,2) and (2,0) trade off;
	// the duplicate (1,1) points are both optimal; NaN is never optimal.
	x := []float64{1, 0.5, 1, 0, 2, 1, math.NaN()}
	y := []float64{1, 0.5, 0.5, 2, 0, 1, 3}
	want := []bool{true, false, false, true, true, true, false}
	if got := ParetoFront(x, y); !slices.Equal(got, want) {
		t.Errorf("ParetoFront = %v, want %v", got, want)
	}
}

func TestRatioCrossing(t *testing.T) {
	pt := func(l, r float64) GradPoint { return GradPoint{Lambda: l, Ratio: Stat{Mean: r}} }
	// Between (0.1, 0.5) and (1, 2) on log–log axes: halfway, 0.1·√10.
	x, note := ratioCrossing([]GradPoint{pt(0, 0), pt(0.01, 0.1), pt(0.1, 0.5), pt(1, 2)})
	if !closeTo(x, 0.1*math.Sqrt(10), 1e-12) || !strings.Contains(note, "interpolated") {
		t.Errorf("crossing = %g (%s), want %g", x, note, 0.1*math.Sqrt(10))
	}
	if x, note := ratioCrossing([]GradPoint{pt(0.01, 0.1), pt(0.1, 0.5)}); !math.IsNaN(x) || !strings.Contains(note, "stays below 1") {
		t.Errorf("no crossing: %g, %q", x, note)
	}
	if x, note := ratioCrossing([]GradPoint{pt(0.01, 3), pt(0.1, 5)}); !math.IsNaN(x) || !strings.Contains(note, "already") {
		t.Errorf("dominant everywhere: %g, %q", x, note)
	}
}
