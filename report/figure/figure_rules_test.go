package figure

import (
	"image/color"

	"github.com/lossexp/lossexp/report/table"
	"math"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// The rules of the figure intervals (intervals.go) and the label placer
// (labels.go), each on a hand-worked case. (Tests of unexported helpers:
// this file moves with intervals.go and labels.go.)

// TestIntervalRules_Whiskers: a whisker is the CI's reach below and above
// the mean (1 − 0.5 and 1.75 − 1); a CI undefined on one side gives no
// whisker at all; on a log y axis a lower end at 0 (or below) has no
// place (addCI leaves it out and says so), one above 0 is kept.
func TestIntervalRules_Whiskers(t *testing.T) {
	nan := math.NaN()
	if w := ciErr(table.Stat{Mean: 1, CILow: 0.5, CIHigh: 1.75}); w.Low != 0.5 || w.High != 0.75 {
		t.Errorf("whisker of 1 in [0.5, 1.75]: %+v, want 0.5 below, 0.75 above", w)
	}
	if w := ciErr(table.Stat{Mean: 1, CILow: nan, CIHigh: 2}); w.Low != 0 || w.High != 0 {
		t.Errorf("whisker of a CI undefined below: %+v, want none", w)
	}
	x := table.Stat{Mean: 3, CILow: 2, CIHigh: 4}
	for _, tc := range []struct {
		y         table.Stat
		log       bool
		low, high float64
		whole     bool
	}{
		{table.Stat{Mean: 1, CILow: 0, CIHigh: 2}, true, 0, 1, false},
		{table.Stat{Mean: 1, CILow: 0.25, CIHigh: 2}, true, 0.75, 1, true},
		{table.Stat{Mean: 1, CILow: -1, CIHigh: 2}, false, 2, 1, true},
	} {
		var e errPoints
		whole := e.addCI(x, tc.y, tc.log)
		lo, hi := e.YError(0)
		if whole != tc.whole || lo != tc.low || hi != tc.high {
			t.Errorf("y %+v (log %v): whisker %g below, %g above, whole %v; want %g, %g, %v", tc.y, tc.log, lo, hi, whole, tc.low, tc.high, tc.whole)
		}
		if xl, xh := e.XError(0); xl != 1 || xh != 1 {
			t.Errorf("x whisker %g, %g; want 1, 1", xl, xh)
		}
	}
}

// TestIntervalRules_Extent: the range holds every finite mean and end
// with 4% of the span on each side: [0, 10] on an axis gonum set to
// [2, 8] becomes [−0.4, 10.4]; on a log axis the margin is 4% of the
// decades, [1, 100] becomes [100^−0.04, 100^1.04], and 0 or below has no
// place; a single value leaves the axis as it is.
func TestIntervalRules_Extent(t *testing.T) {
	e := newExtent(false)
	e.add(0, 10, math.NaN(), math.Inf(1))
	a := plot.Axis{Min: 2, Max: 8}
	e.hold(&a)
	if math.Abs(a.Min+0.4) > 1e-12 || math.Abs(a.Max-10.4) > 1e-12 {
		t.Errorf("linear axis [%g, %g], want [-0.4, 10.4]", a.Min, a.Max)
	}
	l := newExtent(true)
	l.add(0, -1, 1, 100)
	if l.lo != 1 || l.hi != 100 {
		t.Fatalf("log extent [%g, %g], want [1, 100]", l.lo, l.hi)
	}
	a = plot.Axis{Min: 1, Max: 100}
	l.hold(&a)
	if f := math.Pow(100, 0.04); math.Abs(a.Min-1/f) > 1e-12 || math.Abs(a.Max-100*f) > 1e-9 {
		t.Errorf("log axis [%g, %g], want [%g, %g]", a.Min, a.Max, 1/f, 100*f)
	}
	one := newExtent(false)
	one.add(5, 5)
	a = plot.Axis{Min: 4, Max: 6}
	one.hold(&a)
	if a.Min != 4 || a.Max != 6 {
		t.Errorf("a single value moved the axis to [%g, %g]", a.Min, a.Max)
	}
}

// TestLabelRules_Geometry: a segment crosses a box only through its
// inside (along an edge, or ending on a corner or an edge, it does not);
// a box on the area's edge is inside it; a leader runs from the marker's
// edge (radius 2 from (0, 0): (2, 0)) to the box's nearest point (10, 0).
func TestLabelRules_Geometry(t *testing.T) {
	pt := func(x, y float64) vg.Point { return vg.Point{X: vg.Length(x), Y: vg.Length(y)} }
	box := vg.Rectangle{Min: pt(0, 0), Max: pt(10, 10)}
	for _, tc := range []struct {
		name string
		a, b vg.Point
		want bool
	}{
		{"through", pt(-5, 5), pt(15, 5), true},
		{"inside", pt(2, 2), pt(3, 3), true},
		{"along the top edge", pt(-5, 10), pt(15, 10), false},
		{"ending on a corner", pt(-5, -5), pt(0, 0), false},
		{"ending on the left edge", pt(-5, 5), pt(0, 5), false},
		{"passing by", pt(-5, 11), pt(15, 11), false},
	} {
		if got := segmentCrosses(tc.a, tc.b, box); got != tc.want {
			t.Errorf("%s: crosses %v, want %v", tc.name, got, tc.want)
		}
	}
	if !inside(box, box) || inside(vg.Rectangle{Min: pt(0, 0), Max: pt(10, 10.5)}, box) {
		t.Error("a box on the area's edge is not inside it, or one over it is")
	}
	from, to := leaderEnds(pt(0, 0), 2, vg.Rectangle{Min: pt(10, -1), Max: pt(20, 5)})
	if from != pt(2, 0) || to != pt(10, 0) {
		t.Errorf("leader %v → %v, want (2, 0) → (10, 0)", from, to)
	}
}

// TestLabelRules_Candidates: a 10×6 label beside a marker of radius 3
// (gap 2) is tried right (5, −3), left (−15, −3), above (−5, 5), below
// (−5, −11) first; 24 places in all, the last 16 farther out (8 points
// more for the second ring: right at (13, −3)) with a leader.
func TestLabelRules_Candidates(t *testing.T) {
	p := vg.Points
	cs := labelCandidates(p(3), p(10), p(6))
	want := []vg.Point{{X: p(5), Y: p(-3)}, {X: p(-15), Y: p(-3)}, {X: p(-5), Y: p(5)}, {X: p(-5), Y: p(-11)}}
	if len(cs) != 24 {
		t.Fatalf("%d candidates, want 24", len(cs))
	}
	for i, w := range want {
		if cs[i].off != w || cs[i].leader {
			t.Errorf("candidate %d: %v (leader %v), want %v without a leader", i, cs[i].off, cs[i].leader, w)
		}
	}
	if cs[7].leader || !cs[8].leader || cs[8].off != (vg.Point{X: p(13), Y: p(-3)}) || !cs[23].leader {
		t.Errorf("candidates 7, 8, 23: %+v %+v %+v; want the second ring from 8 on, with leaders", cs[7], cs[8], cs[23])
	}
}

// TestLabelRules_SameSpot: points within half a marker's radius (2 of 4,
// the boundary included) share one label in the darker colour; 2.01 away
// they keep their own.
func TestLabelRules_SameSpot(t *testing.T) {
	grey := color.NRGBA{170, 170, 170, 255}
	l := &pointLabels{radius: 4}
	l.add(0, 0, "a", textStyle(7, grey))
	l.add(0, 0, "b", textStyle(7, color.Black))
	l.add(0, 0, "c", textStyle(7, grey))
	got := l.joinSameSpot([]vg.Point{{X: 100, Y: 50}, {X: 102, Y: 50}, {X: 100, Y: 52.01}})
	if got[0].text != "a, b" || got[1].text != "" || got[2].text != "c" {
		t.Errorf("labels %q %q %q, want \"a, b\", \"\", \"c\"", got[0].text, got[1].text, got[2].text)
	}
	if r, g, b, _ := got[0].style.Color.RGBA(); r|g|b != 0 {
		t.Errorf("shared label in %v, want the darker black", got[0].style.Color)
	}
}
