package figure

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/lossexp/lossexp/report/table"
)

// balancingStudy is the analysis of configs/balancing-methods.yaml's
// study (8 repeats, λ 0 and 0.1–10, six adaptive methods), from its
// runs.csv and spec.yaml in testdata/balancing-methods.
func balancingStudy(t *testing.T) *table.Analysis {
	t.Helper()
	dir := filepath.Join("testdata", "balancing-methods")
	s, runs, n, err := table.SummarizeRuns(filepath.Join(dir, table.RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	a, err := table.AnalyzeStream(dir, runs, n, s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// holds fails unless every value of vs (NaN aside) lies inside the axis
// range [lo, hi] with at least 1% of the range to spare on each side (on
// a log axis, 1% of its span in decades): a band or whisker that ends on
// the frame reads as cut off.
func holds(t *testing.T, what string, lo, hi float64, log bool, vs ...float64) {
	t.Helper()
	for _, v := range vs {
		if math.IsNaN(v) || (log && v <= 0) {
			continue
		}
		a, b, x := lo, hi, v
		if log {
			a, b, x = math.Log10(lo), math.Log10(hi), math.Log10(v)
		}
		if m := 0.01 * (b - a); !(x >= a+m && x <= b-m) {
			t.Errorf("%s: %.6g is not inside the axis range [%.6g, %.6g] with a margin", what, v, lo, hi)
		}
	}
}

// TestFigureRanges_HoldBandsAndWhiskers: on the balancing study every
// figure kind with intervals holds every mean and every band or whisker
// end inside its axis range: the metric-vs-λ figures (the
// validation.accuracy one's λ = 10 band ran below the axis and its λ = 0
// band above it), the trade-off figure and the methods front, both axes.
// The bounds are read from the summary, not from the figure.
func TestFigureRanges_HoldBandsAndWhiskers(t *testing.T) {
	a := balancingStudy(t)
	s := a.Summary
	xi := slices.Index(s.Terms, "fairness")
	for mi, m := range s.Metrics {
		if !table.HasValues(s, mi) {
			continue
		}
		fig, err := MetricFigure(s, xi, []int{mi}, PlotOptions{})
		if err != nil {
			continue
		}
		p, _, err := fig.(*figure).plot()
		if err != nil {
			t.Fatal(err)
		}
		for _, pt := range s.Points {
			st := pt.Stats[mi]
			holds(t, fmt.Sprintf("%s at λ=%g", m, pt.Lambdas[xi]), p.Y.Min, p.Y.Max, false, st.Mean, st.CILow, st.CIHigh)
		}
	}

	ta := &a.Terms[0]
	tf := tradeoffFigure(a, ta, PlotOptions{})
	p, _, err := tf.plot()
	if err != nil {
		t.Fatal(err)
	}
	for _, pi := range ta.Points {
		pt := s.Points[pi]
		x, y := pt.Stats[a.Task.Index], pt.Stats[ta.Metric.Index]
		holds(t, fmt.Sprintf("trade-off x at λ=%g", pt.Lambdas[xi]), p.X.Min, p.X.Max, false, x.Mean, x.CILow, x.CIHigh)
		holds(t, fmt.Sprintf("trade-off y at λ=%g", pt.Lambdas[xi]), p.Y.Min, p.Y.Max, tf.logY, y.Mean, y.CILow, y.CIHigh)
	}

	mf := methodsFront(a.Methods, nil, PlotOptions{}, "")
	p, _, err = mf.plot()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range a.Methods.Rows {
		name := r.Method + " λ=" + table.FormatLambda(r.Lambda)
		holds(t, "methods front x, "+name, p.X.Min, p.X.Max, false, r.Task.Mean, r.Task.CILow, r.Task.CIHigh)
		holds(t, "methods front y, "+name, p.Y.Min, p.Y.Max, false, r.Side.Mean, r.Side.CILow, r.Side.CIHigh)
	}
}

// TestFigureRanges_LogAxis: a gradient-ratio figure (log y) holds its
// band, from 1e-3 to 40, with a margin in decades; a band end at or below
// 0 has no place on it and does not break the range.
func TestFigureRanges_LogAxis(t *testing.T) {
	sr := series{label: "mean ± 95% CI", col: Palette[0], xs: []float64{0.01, 0.1, 1}, pts: []table.Stat{
		{Mean: 0.01, CILow: 1e-3, CIHigh: 0.05, N: 5},
		{Mean: 0.5, CILow: 0.2, CIHigh: 0.9, N: 5},
		{Mean: 20, CILow: 5, CIHigh: 40, N: 5},
	}}
	f := &figure{logX: true, logY: true, series: []series{sr}, hlines: []hLine{{1, "ratio = 1", refGray}}}
	p, _, err := f.plot()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range sr.pts {
		holds(t, "log band", p.Y.Min, p.Y.Max, true, st.Mean, st.CILow, st.CIHigh)
	}
	if !(p.Y.Min > 0) {
		t.Errorf("log axis from %g", p.Y.Min)
	}
}

// whiskerEnds is every whisker the labels of lab keep clear of, as
// "h y x0 x1" (horizontal) or "v x y0 y1" (vertical).
func whiskerEnds(lab *pointLabels) map[string]bool {
	out := map[string]bool{}
	for _, ln := range lab.lines {
		a, b := ln[0], ln[1]
		if a.Y == b.Y { // bit identity: a horizontal whisker is drawn at y = mean
			out[fmt.Sprintf("h %.9g %.9g %.9g", float64(a.Y), float64(a.X), float64(b.X))] = true
		}
		if a.X == b.X {
			out[fmt.Sprintf("v %.9g %.9g %.9g", float64(a.X), float64(a.Y), float64(b.Y))] = true
		}
	}
	return out
}

// TestWhiskers_AreTheCIs: the whiskers of the trade-off figure and of the
// methods front's static λ run from each CI's lower to its upper bound on
// both axes, exactly (not a multiple of the half-width).
func TestWhiskers_AreTheCIs(t *testing.T) {
	a := balancingStudy(t)
	s := a.Summary
	ta := &a.Terms[0]
	tf := tradeoffFigure(a, ta, PlotOptions{})
	if _, _, err := tf.plot(); err != nil {
		t.Fatal(err)
	}
	got := whiskerEnds(tf.labels)
	for _, pi := range ta.Points {
		x, y := s.Points[pi].Stats[a.Task.Index], s.Points[pi].Stats[ta.Metric.Index]
		for _, w := range []string{
			fmt.Sprintf("h %.9g %.9g %.9g", y.Mean, x.CILow, x.CIHigh),
			fmt.Sprintf("v %.9g %.9g %.9g", x.Mean, y.CILow, y.CIHigh),
		} {
			if !got[w] {
				t.Errorf("trade-off λ=%g: no whisker %q among %v", s.Points[pi].Lambdas[ta.Index], w, got)
			}
		}
	}
	mf := methodsFront(a.Methods, nil, PlotOptions{}, "")
	if _, _, err := mf.plot(); err != nil {
		t.Fatal(err)
	}
	got = whiskerEnds(mf.labels)
	n := 0
	for _, r := range mf.static {
		n++
		for _, w := range []string{
			fmt.Sprintf("h %.9g %.9g %.9g", r.Side.Mean, r.Task.CILow, r.Task.CIHigh),
			fmt.Sprintf("v %.9g %.9g %.9g", r.Task.Mean, r.Side.CILow, r.Side.CIHigh),
		} {
			if !got[w] {
				t.Errorf("methods front static λ=%g: no whisker %q", r.Lambda, w)
			}
		}
	}
	if n < 5 {
		t.Errorf("%d static λ on the methods front", n)
	}
}

// rectsOverlap is an independent overlap test of two rectangles
// (touching edges do not overlap).
func rectsOverlap(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

// segHitsRect is an independent check of a segment through a rectangle's
// inside: 2000 points along it.
func segHitsRect(a, b vg.Point, r vg.Rectangle) bool {
	for k := 1; k < 2000; k++ {
		q := a.Add(b.Sub(a).Scale(vg.Length(k) / 2000))
		if q.X > r.Min.X+1e-9 && q.X < r.Max.X-1e-9 && q.Y > r.Min.Y+1e-9 && q.Y < r.Max.Y-1e-9 {
			return true
		}
	}
	return false
}

// checkLabels fails when a placed label leaves area, overlaps another
// label, covers a marker box, or has a leader that crosses another label
// or a marker other than its own point's; it returns how many were placed.
func checkLabels(t *testing.T, name string, placed []placedLabel, pts []vg.Point, marks []vg.Rectangle, area vg.Rectangle) int {
	t.Helper()
	n := 0
	for i, lb := range placed {
		if !lb.ok {
			continue
		}
		n++
		if lb.box.Min.X < area.Min.X || lb.box.Min.Y < area.Min.Y || lb.box.Max.X > area.Max.X || lb.box.Max.Y > area.Max.Y {
			t.Errorf("%s: label %q outside the area: %v", name, lb.text, lb.box)
		}
		for j, other := range placed[:i] {
			if other.ok && rectsOverlap(lb.box, other.box) {
				t.Errorf("%s: labels %q and %q overlap", name, lb.text, placed[j].text)
			}
		}
		for k, m := range marks {
			if rectsOverlap(lb.box, m) {
				t.Errorf("%s: label %q covers marker %d", name, lb.text, k)
			}
		}
		if lb.leader == [2]vg.Point{} {
			continue
		}
		for j, other := range placed {
			if j != i && other.ok && segHitsRect(lb.leader[0], lb.leader[1], other.box) {
				t.Errorf("%s: the leader of %q crosses label %q", name, lb.text, other.text)
			}
		}
		for k, m := range marks {
			p := pts[i] // a leader leaves the markers its point sits in
			if !(p.X >= m.Min.X && p.X <= m.Max.X && p.Y >= m.Min.Y && p.Y <= m.Max.Y) && segHitsRect(lb.leader[0], lb.leader[1], m) {
				t.Errorf("%s: the leader of %q crosses marker %d", name, lb.text, k)
			}
		}
	}
	return n
}

// TestPointLabels_Hostile: labels on hostile layouts (many points on one
// spot and around it, points at the corners and edges of the area, a row
// of points closer than a label is wide, big markers beside small ones)
// never overlap one another or any marker, stay inside the area, and
// their leaders cross nothing; the placement is the same every time.
func TestPointLabels_Hostile(t *testing.T) {
	area := vg.Rectangle{Min: vg.Point{X: 10, Y: 10}, Max: vg.Point{X: vg.Points(300), Y: vg.Points(200)}}
	type mark struct {
		p vg.Point
		r vg.Length
	}
	type layout struct {
		name    string
		pts     []vg.Point
		marks   []mark
		atLeast int
	}
	var crowd, spot, row, edge []vg.Point
	for i := range 16 { // a crowd within a few points
		crowd = append(crowd, vg.Point{X: vg.Points(150 + 2.5*float64(i%4)), Y: vg.Points(100 + 2.5*float64(i/4))})
	}
	for range 8 { // eight points on one spot, one more a marker away
		spot = append(spot, vg.Point{X: vg.Points(150), Y: vg.Points(100)})
	}
	spot = append(spot, vg.Point{X: vg.Points(158), Y: vg.Points(100)})
	for i := range 40 { // closer than a label is wide
		row = append(row, vg.Point{X: vg.Points(40 + 6*float64(i)), Y: vg.Points(100 + 2*float64(i%3))})
	}
	edge = append(edge, area.Min, vg.Point{X: area.Max.X, Y: area.Min.Y}, area.Max, vg.Point{X: area.Min.X, Y: area.Max.Y},
		vg.Point{X: area.Min.X + 1, Y: vg.Points(100)}, vg.Point{X: area.Max.X - 1, Y: vg.Points(100)}, vg.Point{X: vg.Points(150), Y: area.Max.Y - 1})
	big := []mark{{vg.Point{X: vg.Points(165), Y: vg.Points(100)}, vg.Points(8)}, {vg.Point{X: vg.Points(135), Y: vg.Points(100)}, vg.Points(8)}, {crowd[0], vg.Points(9)}}
	cases := []layout{
		{"crowd", crowd, nil, 6},
		{"one spot", spot, nil, 2},
		{"row", row, nil, 12},
		{"edges", edge, nil, 7},
		{"big markers", crowd[:4], big, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := &pointLabels{radius: vg.Points(4)}
			for i := range tc.pts {
				l.add(0, 0, "λ="+table.FormatLambda(math.Pow(10, -float64(i)/2)), textStyle(7, color.Black))
			}
			var marks []vg.Rectangle
			for _, p := range tc.pts {
				marks = append(marks, markBox(p, l.radius))
			}
			for _, m := range tc.marks {
				marks = append(marks, markBox(m.p, m.r))
			}
			// A whisker through the middle, which labels avoid where they can.
			lines := [][2]vg.Point{{{X: area.Min.X, Y: vg.Points(100)}, {X: area.Max.X, Y: vg.Points(100)}}}
			placed := l.placeAmong(tc.pts, marks, lines, area)
			if n := checkLabels(t, tc.name, placed, tc.pts, marks, area); n < tc.atLeast {
				t.Errorf("%d labels placed, want at least %d: too timid", n, tc.atLeast)
			}
			again := l.placeAmong(tc.pts, marks, lines, area)
			for i := range placed {
				if placed[i].box != again[i].box || placed[i].ok != again[i].ok || placed[i].text != again[i].text || placed[i].leader != again[i].leader {
					t.Fatalf("label %d placed at %v, then at %v: not deterministic", i, placed[i].box, again[i].box)
				}
			}
		})
	}
}

// drawnLabels draws wt (to nowhere) and checks where lab put its labels:
// clear of one another and of the markers the placer kept clear of, and
// of the glyphs (data coordinates, radius) the figure draws besides.
func drawnLabels(t *testing.T, name string, wt io.WriterTo, lab func() *pointLabels, glyphs []labelMark) []placedLabel {
	t.Helper()
	if _, err := wt.WriteTo(io.Discard); err != nil {
		t.Fatal(err)
	}
	l := lab()
	var pts []vg.Point
	for _, xy := range l.xys {
		pts = append(pts, l.drawn.at(float64(xy.X), float64(xy.Y)))
	}
	marks := slices.Clone(l.drawn.marks)
	for _, g := range glyphs {
		marks = append(marks, markBox(l.drawn.at(float64(g.xy.X), float64(g.xy.Y)), g.r))
	}
	var area vg.Rectangle // the labels' boxes stay inside the figure
	area.Max = vg.Point{X: FigureWidth, Y: FigureHeight}
	checkLabels(t, name, l.drawn.labels, pts, marks, area)
	return l.drawn.labels
}

// methodGlyphs are the markers of f's methods (radius 3.5 points).
func methodGlyphs(f *methodsFig) []labelMark {
	var gs []labelMark
	for _, r := range f.methods {
		gs = append(gs, labelMark{xy: vg.Point{X: vg.Length(r.Task.Mean), Y: vg.Length(r.Side.Mean)}, r: vg.Points(3.5)})
	}
	return gs
}

// TestMethodsFront_Labels: on the methods front two static λ whose means
// almost coincide ("λ=0.01" and "λ=0.05623" printed over each other) get
// labels apart, and a method's marker on the spot where "λ=10" went is
// left uncovered; on the balancing study's own front and trade-off figure
// no label overlaps another or a marker, and every static λ is labelled.
func TestMethodsFront_Labels(t *testing.T) {
	st := func(m, h float64) table.Stat { return table.Stat{Mean: m, CILow: m - h, CIHigh: m + h, N: 8} }
	f := &methodsFig{title: "hostile", xLabel: "x", yLabel: "y"}
	for _, r := range []struct{ lam, x, y float64 }{
		{0, 0.83, 0.47}, {0.01, 0.8290, 0.4650}, {0.05623, 0.8286, 0.4640}, {0.3162, 0.82, 0.38}, {1, 0.80, 0.26}, {3.162, 0.757, 0.09}, {10, 0.70, 0.10},
	} {
		f.static = append(f.static, table.MethodRow{Method: table.MethodStatic, Lambda: r.lam, Task: st(r.x, 0.02), Side: st(r.y, 0.04), Pareto: r.lam != 10})
	}
	// A method right where "λ=10" was printed (beside its point), without
	// whiskers (one repeat: no CI), and one on λ=1.
	nan := math.NaN()
	f.methods = []table.MethodRow{
		{Method: "uncertainty", Position: "on", Task: table.Stat{Mean: 0.706, CILow: nan, CIHigh: nan}, Side: table.Stat{Mean: 0.10, CILow: nan, CIHigh: nan}},
		{Method: "dwa", Position: "on", Task: st(0.80, 0.01), Side: st(0.262, 0.04)},
	}
	placed := drawnLabels(t, "hostile front", f, func() *pointLabels { return f.labels }, methodGlyphs(f))
	for _, lb := range placed {
		if !lb.ok && lb.text != "" {
			t.Errorf("label %q left out", lb.text)
		}
	}

	a := balancingStudy(t)
	mf := methodsFront(a.Methods, nil, PlotOptions{}, "")
	for _, lb := range drawnLabels(t, "balancing front", mf, func() *pointLabels { return mf.labels }, methodGlyphs(mf)) {
		if !lb.ok && lb.text != "" {
			t.Errorf("balancing front: label %q left out", lb.text)
		}
	}
	tf := tradeoffFigure(a, &a.Terms[0], PlotOptions{})
	drawnLabels(t, "balancing trade-off", tf, func() *pointLabels { return tf.labels }, nil)
}

// TestWhiskers_UndefinedCIDrawsNone: a point without a CI (one repeat)
// gets no bar on that axis, rather than its two caps drawn across its
// marker; the other points keep theirs.
func TestWhiskers_UndefinedCIDrawsNone(t *testing.T) {
	nan := math.NaN()
	var e errPoints
	e.addCI(table.Stat{Mean: 1, CILow: nan, CIHigh: nan}, table.Stat{Mean: 2, CILow: 1.5, CIHigh: 2.5}, false)
	e.addCI(table.Stat{Mean: 3, CILow: 2, CIHigh: 4}, table.Stat{Mean: 5, CILow: nan, CIHigh: nan}, false)
	e.addCI(table.Stat{Mean: 6, CILow: nan, CIHigh: nan}, table.Stat{Mean: 7, CILow: nan, CIHigh: nan}, false)
	bars, err := e.whiskers(draw.LineStyle{Width: 1}, 3)
	if err != nil {
		t.Fatal(err)
	}
	var xs, ys []float64
	for _, b := range bars {
		switch b := b.(type) {
		case *plotter.XErrorBars:
			for _, xy := range b.XYs {
				xs = append(xs, xy.X)
			}
		case *plotter.YErrorBars:
			for _, xy := range b.XYs {
				ys = append(ys, xy.X)
			}
		}
	}
	if !slices.Equal(xs, []float64{3}) || !slices.Equal(ys, []float64{1}) {
		t.Errorf("x bars at x = %v, y bars at x = %v; want [3] and [1]", xs, ys)
	}
}
