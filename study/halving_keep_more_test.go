package study

import (
	"math"
	"slices"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/report/table"
)

// keepPoint is grid point i of one term at λ with its repeats' values
// (NaN: none), its mean and SE computed here from the values present
// (SE NaN with fewer than two: the 1-SE rule has none).
func keepPoint(i int, lambda float64, reps ...float64) rungPoint {
	var s, n float64
	for _, v := range reps {
		if !math.IsNaN(v) {
			s += v
			n++
		}
	}
	mean, se := s/n, math.NaN()
	if n >= 2 {
		var ss float64
		for _, v := range reps {
			if !math.IsNaN(v) {
				ss += (v - mean) * (v - mean)
			}
		}
		se = math.Sqrt(ss / (n - 1) / n)
	}
	return rungPoint{point: i, lambdas: []float64{lambda}, mean: mean, se: se, reps: reps}
}

// TestKeepAfterRung_Edges: the keep rule on hand-made rungs of one term
// (reference λ 0, not in the rung), eta 10 so that the floor is the best
// point by mean and the least two; keep_se 1.
func TestKeepAfterRung_Edges(t *testing.T) {
	// One repeat: no SE anywhere, so neither the paired test, the 1-SE
	// band nor the next λ above it keeps a point: the floor alone, the
	// best (λ=0.1, 9) and the second (λ=0.01, 8). (A rule that took the
	// next λ above the best without an SE would keep λ=1 too.)
	oneRepeat := []rungPoint{keepPoint(0, 0.01, 8), keepPoint(1, 0.1, 9), keepPoint(2, 1, 5), keepPoint(3, 10, 3)}

	// A tie within rounding: λ=1's mean is 12·(1 − 1e-12), λ=0.1's 12; the
	// balance points call that a tie and take the larger λ, so the best is
	// λ=1 [14 10] (SE 2, the band D ≥ −2), as in the exact tie:
	//   λ=0.1 [10 14]: D = (−4, 4) → 0, SE 4: kept;
	//   λ=3 [6 8]: D = (−8, −2) → −5, SE 3: D + SE = −2, the band's edge: kept;
	//   λ=10 [4 8]: D = (−10, −2) → −6, SE 4: D + SE = −2: kept.
	// Were λ=0.1 the best (a tie read as "strictly larger wins"), λ=3
	// would be the next λ above the band and λ=10, D = (−6, −6), dropped.
	nearTie := []rungPoint{keepPoint(0, 0.1, 10, 14), keepPoint(1, 1, 14, 10), keepPoint(2, 3, 6, 8), keepPoint(3, 10, 4, 8)}
	nearTie[1].mean = 12 * (1 - 1e-12)

	// Repeats of unequal length (λ=3's third repeat stored, the best's
	// not yet): pairs are the repeats both have. Best λ=1 [10 14] (12,
	// SE 2, the band D ≥ −2).
	//   λ=0.1 [11 12 NaN]: 11.5, second by mean (the floor); D = (1, −2) → −0.5, SE 1.5: could be the best;
	//   λ=3 [9 13 2]: D = (−1, −1) → −1, SE 0: not the best, within the band: kept;
	//   λ=10 [0 0 0]: D = (−10, −14) → −12, SE 2: the next λ above λ=3: kept;
	//   λ=30 [1 1 1]: D = (−9, −13) → −11, SE 2: dropped.
	unequal := []rungPoint{keepPoint(0, 0.1, 11, 12, math.NaN()), keepPoint(1, 1, 10, 14), keepPoint(2, 3, 9, 13, 2),
		keepPoint(3, 10, 0, 0, 0), keepPoint(4, 30, 1, 1, 1)}

	// The best has no value in repeat 1 (a failed run): it pairs with
	// the others on repeats 0 and 2 only. Best λ=1 [10 NaN 12] (11, SE 1),
	// at the last decision (no next λ above the band):
	//   λ=0.01 [10.5 10.5 10.5]: second by mean (the floor);
	//   λ=0.1 [4 4 4]: D = (−6, −8) → −7, SE 1: dropped;
	//   λ=3 [9 5 11]: D = (−1, −1) → −1, SE 0: on the band's edge (−1): kept
	//          (paired on repeat 1 too, NaN: dropped);
	//   λ=10 [0 0 0]: D = (−10, −12) → −11, SE 1: dropped.
	bestMissing := []rungPoint{keepPoint(0, 0.01, 10.5, 10.5, 10.5), keepPoint(1, 0.1, 4, 4, 4), keepPoint(2, 1, 10, math.NaN(), 12),
		keepPoint(3, 3, 9, 5, 11), keepPoint(4, 10, 0, 0, 0)}

	tests := []struct {
		name string
		pts  []rungPoint
		last bool // the decision before the full budget: no next λ above the band
		want []int
	}{
		{"one repeat: the floor alone", oneRepeat, false, []int{0, 1}},
		{"a tie within rounding goes to the larger λ", nearTie, false, []int{0, 1, 2, 3}},
		{"repeats of unequal length", unequal, false, []int{0, 1, 2, 3}},
		{"a missing value at the best", bestMissing, true, []int{0, 2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := keepAfterRung(tc.pts, []float64{0}, 10, 1, 2, !tc.last); !slices.Equal(got, tc.want) {
				t.Errorf("keepAfterRung = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRepeatValues_LowerIsBetter: with a task metric where lower is better
// (a loss) the values the paired differences use are negated, so that
// larger is better as the mean's (rungResults); a repeat whose run is not
// ok has none (NaN), and the list runs to the last repeat of the point.
// By hand: λ = 0.1 has repeat 0 ok at 0.5, repeat 1 diverged at 0.3,
// repeat 2 ok at 0.25 → (−0.5, NaN, −0.25); λ = 1's rows are not its.
func TestRepeatValues_LowerIsBetter(t *testing.T) {
	runs := &table.Runs{Terms: []string{"l2"}, Metrics: []string{"accuracy", "loss"}, Runs: []table.Run{
		{Repeat: 0, Status: experiments.StatusOK, Lambdas: []float64{0.1}, Metrics: []float64{0.9, 0.5}},
		{Repeat: 0, Status: experiments.StatusOK, Lambdas: []float64{1}, Metrics: []float64{0.1, 7}},
		{Repeat: 1, Status: experiments.StatusDiverged, Lambdas: []float64{0.1}, Metrics: []float64{0.8, 0.3}},
		{Repeat: 2, Status: experiments.StatusOK, Lambdas: []float64{0.1}, Metrics: []float64{0.7, 0.25}},
	}}
	loss := table.MetricChoice{Name: "loss", Index: 1, Higher: false}
	got := repeatValues(runs, []float64{0.1}, loss)
	want := []float64{-0.5, math.NaN(), -0.25}
	if len(got) != len(want) || got[0] != want[0] || !math.IsNaN(got[1]) || got[2] != want[2] { // exact: negation
		t.Errorf("repeatValues(loss) = %v, want %v", got, want)
	}
	acc := table.MetricChoice{Name: "accuracy", Index: 0, Higher: true}
	if got := repeatValues(runs, []float64{0.1}, acc); len(got) != 3 || got[0] != 0.9 || !math.IsNaN(got[1]) || got[2] != 0.7 {
		t.Errorf("repeatValues(accuracy) = %v, want [0.9 NaN 0.7]", got)
	}
}

// TestKeepAfterRung_OverallTieByPointOrder: two terms, three points on
// neither term's slice (every λ non-zero), so only the floor and the
// overall "could be the best" test keep them. (1, 1) [14 10] and (10, 10)
// [10 14] tie at 12; the overall best is then the later point, (10, 10)
// (point order, as the file's top says). Against it (3, 3) [12 6]:
// D = (2, −8) → −3, SE 5: could be the best, kept. Against (1, 1) it
// would be D = (−2, −4) → −3, SE 1: dropped. The floor (eta 10, least 2)
// keeps the two tied points.
func TestKeepAfterRung_OverallTieByPointOrder(t *testing.T) {
	pt := func(i int, l float64, a, b float64) rungPoint {
		p := keepPoint(i, l, a, b)
		p.lambdas = []float64{l, l}
		return p
	}
	pts := []rungPoint{pt(0, 1, 14, 10), pt(1, 10, 10, 14), pt(2, 3, 12, 6)}
	if got := keepAfterRung(pts, []float64{0, 0}, 10, 1, 2, true); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("keepAfterRung = %v, want [0 1 2]", got)
	}
}
