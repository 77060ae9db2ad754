package study

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestKeepAfterRung_Paired: the keep rule on hand-made rungs of two
// repeats, integer values (exact in binary), larger is better. With two
// repeats a paired difference's standard error is |d₁ − d₂|/2 and a
// mean's is |x₁ − x₂|/2; the comments give both, computed by hand. eta 10
// makes the best ⌈n/10⌉ = 1 by mean the floor's only point, so what else
// goes on is the paired rule's doing.
func TestKeepAfterRung_Paired(t *testing.T) {
	// rp is the point i at λ with the values of its two repeats.
	rp := func(i int, lambdas []float64, a, b float64) rungPoint {
		m := (a + b) / 2
		return rungPoint{point: i, lambdas: lambdas, mean: m, se: max(a-b, b-a) / 2, reps: []float64{a, b}}
	}
	l := func(v ...float64) []float64 { return v }
	// Rung A, one term: the best is λ = 1 (12, SE 2).
	//   λ=0.01 [8 12]: D = (−2, −2) → −2, SE 0: surely worse, below the best's λ: dropped
	//          (the marginal rule kept it: 10 is within one SE, 2, of 12);
	//   λ=0.1 [9 11]: D = (−1, −3) → −2, SE 1: D + k·SE = −1 (k=1): dropped; 0 (k=2): kept;
	//   λ=3 [11 11]: D = (1, −3) → −1, SE 2: D + SE = 1 ≥ 0: could be the best;
	//   λ=10 [6 8]: D = (−4, −6) → −5, SE 1: D + SE = −4 < −2 (the band): the next λ
	//          above λ=3, the largest within reach of the band: kept;
	//   λ=30 [0 2]: D = (−10, −12) → −11, SE 1: dropped.
	rungA := []rungPoint{rp(0, l(0.01), 8, 12), rp(1, l(0.1), 9, 11), rp(2, l(1), 10, 14), rp(3, l(3), 11, 11), rp(4, l(10), 6, 8), rp(5, l(30), 0, 2)}
	// Rung B, one term: the best is λ = 0.1 (12, SE 2); the band is D ≥ −2.
	//   λ=0.3 [9 13]: D = (−1, −1) → −1, SE 0: not the best (−1 < 0), within the band: kept;
	//   λ=1 [8 10]: D = (−2, −4) → −3, SE 1: D + SE = −2, on the band's edge: kept;
	//   λ=3 [5 9]: D = (−5, −5) → −5, SE 0: outside, but the next λ above λ=1: kept;
	//   λ=10 [4 6]: D = (−6, −8) → −7, SE 1: dropped.
	rungB := []rungPoint{rp(0, l(0.1), 10, 14), rp(1, l(0.3), 9, 13), rp(2, l(1), 8, 10), rp(3, l(3), 5, 9), rp(4, l(10), 4, 6)}
	// Rung C, ties: λ = 0.1 and λ = 1 both 12; the best is the larger λ
	// (as λ_best's ties). Against λ=1 [14 10]:
	//   λ=0.1 [10 14]: D = (−4, 4) → 0, SE 4: kept;
	//   λ=3 [6 8]: D = (−8, −2) → −5, SE 3: D + SE = −2, the band's edge: kept;
	//   λ=10 [4 8]: D = (−10, −2) → −6, SE 4: D + SE = −2: kept; nothing above.
	// (Against λ=0.1, λ=3 would be the next λ above the band and λ=10,
	// D = (−6, −6), dropped.)
	rungC := []rungPoint{rp(0, l(0.1), 10, 14), rp(1, l(1), 14, 10), rp(2, l(3), 6, 8), rp(3, l(10), 4, 8)}
	// Rung D, two terms (reference λ 0 and 0): term 0's slice is λ₁ = 0,
	// term 1's λ₀ = 0; (1, 1) and (10, 10) are on neither.
	//   (0.1, 0) [10 14]: the best of all and of term 0's slice (12, SE 2);
	//   (1, 0) [5 9]: D = −5, SE 0: the next λ above the slice's best: kept;
	//   (10, 0) [0 2]: dropped;
	//   (0, 0.1) [6 8]: the best of term 1's slice (7, SE 1): kept;
	//   (0, 1) [5 7]: against (0, 0.1) D = (−1, −1) → −1, SE 0: the band's edge, −1: kept;
	//   (0, 10) [1 1]: D = (−5, −7) → −6, SE 1: the next above (0, 1): kept;
	//   (1, 1) [11 11]: against (0.1, 0) D = (1, −3) → −1, SE 2: could be the best: kept;
	//   (10, 10) [9 11]: D = (−1, −3) → −2, SE 1: −1 < 0 and on no slice: dropped.
	rungD := []rungPoint{rp(0, l(0.1, 0), 10, 14), rp(1, l(1, 0), 5, 9), rp(2, l(10, 0), 0, 2), rp(3, l(0, 0.1), 6, 8),
		rp(4, l(0, 1), 5, 7), rp(5, l(0, 10), 1, 1), rp(6, l(1, 1), 11, 11), rp(7, l(10, 10), 9, 11)}
	// Rung E, three repeats: a repeat without a value (a failed run) is
	// left out of the pairs. λ=0.1 [11 11 –] pairs two repeats with the
	// best λ=1 [10 14 12]: D = (1, −3) → −1, SE 2: could be the best, and
	// only so (third by mean, below the best's λ). λ=10 [11.5 11.5 11.5]:
	// D = (1.5, −2.5, −0.5) → −0.5, SE √(8/2/3) ≈ 1.15: could be the best,
	// the largest λ in the band (nothing above it); λ=3 [0 0 0] dropped.
	rungE := []rungPoint{{point: 0, lambdas: l(0.1), mean: 11, se: 0, reps: []float64{11, 11, math.NaN()}},
		{point: 1, lambdas: l(1), mean: 12, se: 2 / math.Sqrt(3), reps: []float64{10, 14, 12}},
		{point: 2, lambdas: l(3), mean: 0, se: 0, reps: []float64{0, 0, 0}}, {point: 3, lambdas: l(10), mean: 11.5, se: 0, reps: []float64{11.5, 11.5, 11.5}}}
	tests := []struct {
		name   string
		pts    []rungPoint
		grid   []float64
		keepSE float64
		want   []int
		last   bool // the decision before the full budget: no next λ above the band
	}{
		{"paired SE, not the marginal one", rungA, l(0), 1, []int{2, 3, 4}, false},
		{"keep_se 2: D + 2·SE = 0 is kept", rungA, l(0), 2, []int{1, 2, 3, 4}, false},
		{"keep_se 0", rungA, l(0), 0, []int{2, 3, 4}, false},
		{"the 1-SE band and the next λ above it", rungB, l(0), 1, []int{0, 1, 2, 3}, false},
		{"ties go to the larger λ", rungC, l(0), 1, []int{0, 1, 2, 3}, false},
		{"two terms: each slice, the rest by the best", rungD, l(0, 0), 1, []int{0, 1, 3, 4, 5, 6}, false},
		{"a missing repeat is left out of the pairs", rungE, l(0), 1, []int{0, 1, 3}, false},
		// The last decision: the same rungs without the next λ above the
		// band. Rung A: λ=10 (outside the band, the next above λ=3) goes.
		{"last decision: rung A", rungA, l(0), 1, []int{2, 3}, true},
		// Rung B: λ=3 (outside, the next above λ=1) goes; λ=1 on the
		// band's edge stays.
		{"last decision: the 1-SE band alone", rungB, l(0), 1, []int{0, 1, 2}, true},
		// Rung D: (1, 0) and (0, 10), each slice's next above, go.
		{"last decision: two terms", rungD, l(0, 0), 1, []int{0, 3, 4, 6}, true},
		// Rung C: nothing above the band, so nothing changes.
		{"last decision: nothing above the band", rungC, l(0), 1, []int{0, 1, 2, 3}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := keepAfterRung(tc.pts, tc.grid, 10, tc.keepSE, 2, !tc.last); !slices.Equal(got, tc.want) {
				t.Errorf("keepAfterRung = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestInsures: with rungs 3, 9, 27, 81 (81 the full budget, eta 3) the
// decisions after 3 and 9 keep the next λ above the band, the last one,
// after 27, does not; with two rungs the only decision is the last; a
// last decision whose full budget adds at most 1/eta of itself (4, 12,
// 36, 40: 4 more epochs of 40; 2, 6, 18, 20) keeps it too, one that adds
// more (7, 21, 60: 39 of 60) does not.
func TestInsures(t *testing.T) {
	for _, tc := range []struct {
		rungs []int
		want  []bool
	}{
		{[]int{3, 9, 27, 81}, []bool{true, true, false}},
		{[]int{9, 27}, []bool{false}},
		{[]int{4, 12, 36, 40}, []bool{true, true, true}},
		{[]int{2, 6, 18, 20}, []bool{true, true, true}},
		{[]int{7, 21, 60}, []bool{true, false}},
		{[]int{9, 27, 80}, []bool{true, false}},
	} {
		for k, want := range tc.want {
			if got := insures(k, tc.rungs, 3); got != want {
				t.Errorf("insures(%d, %v, 3) = %v, want %v", k, tc.rungs, got, want)
			}
		}
	}
}

func TestPairedDiff(t *testing.T) {
	p := rungPoint{reps: []float64{3, 5, 10}}
	q := rungPoint{reps: []float64{1, 4, 6}}
	// d = (2, 1, 4): mean 7/3, sd √(7/3) (deviations −1/3, −4/3, 5/3:
	// squares 1/9 + 16/9 + 25/9 = 42/9, over 2), SE sd/√3 = √7/3.
	d, se := pairedDiff(p, q)
	if math.Abs(d-7.0/3) > 1e-12 || math.Abs(se-math.Sqrt(7)/3) > 1e-12 { // rounding of the sums
		t.Errorf("pairedDiff = %v, %v; want 7/3, √7/3 = 0.8819…", d, se)
	}
}

// TestHalvingRules_GridReference: a term's reference λ, where the keep
// rule's slices hold it, is 0 when the grid has it, else its smallest.
func TestHalvingRules_GridReference(t *testing.T) {
	for _, tc := range []struct {
		name, weight string
		want         []float64
	}{
		{"with λ = 0", "weight: [0, 0.001, 0.01, 0.1, 1, 3, 10, 30]", []float64{0}},
		{"without", "weight: {values: [3, 0.001, 30], zero: false}", []float64{0.001}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := planText(t, strings.Replace(halvingSpec, "weight: [0, 0.001, 0.01, 0.1, 1, 3, 10, 30]", tc.weight, 1), t.TempDir())
			if got := st.gridReference(); !slices.Equal(got, tc.want) {
				t.Errorf("gridReference = %v, want %v", got, tc.want)
			}
		})
	}
}
