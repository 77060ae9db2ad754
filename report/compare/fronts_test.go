package compare

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// frontsStudy is a study of an l2 sweep with test.accuracy and weight_l2:
// at λ, repeat r, accuracy acc(λ) + 0.01 r and weight_l2 w(λ) (1 + 0.1 r).
func frontsStudy(t *testing.T, label, spec string, lambdas []float64, acc, w func(l float64) float64) *Study {
	t.Helper()
	var b strings.Builder
	b.WriteString("run_id,repeat,seed,status,lambda.l2,test.accuracy,weight_l2,reason\n")
	for i, l := range lambdas {
		for r := range 4 {
			fmt.Fprintf(&b, "%s%d_%d,%d,1,ok,%g,%g,%g,\n", label, i, r, r, l, acc(l)+0.01*float64(r), w(l)*(1+0.1*float64(r)))
		}
	}
	s := studyCSV(t, label, b.String())
	an, err := table.Analyze(s.Dir, s.Runs, s.Summary)
	if err != nil {
		t.Fatal(err)
	}
	s.Analysis, s.Spec = an, spec
	return s
}

// tradeoffOf compares a and b and returns their trade-off figure.
func tradeoffOf(t *testing.T, a, b *Study) (*Comparison, *frontsFig, *table.TermAnalysis) {
	t.Helper()
	c, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Task != "test.accuracy" {
		t.Fatalf("task metric %q, want test.accuracy", c.Task)
	}
	ta := &a.Analysis.Terms[0]
	if ta.Metric.Name != "weight_l2" {
		t.Fatalf("term metric %q, want weight_l2", ta.Metric.Name)
	}
	f := newFrontsFig("t", "", c.Task, true, ta, []studyFront{front(a, ta, c.Task), front(b, &b.Analysis.Terms[0], c.Task)})
	if f == nil {
		t.Fatal("no figure")
	}
	if _, err := f.WriteTo(io.Discard); err != nil {
		t.Fatal(err)
	}
	return c, f, ta
}

var frontsGrid = []float64{0, 1e-4, 1e-3, 0.01, 0.1, 1}

// TestFronts_AxesFollowSweep: as on the sweep's tradeoff_<term>.png, the
// task metric is on x, the term's metric on y, on a log axis when its
// means are positive and span more than 1.5 decades (weight_l2 from 0.5
// to 540 here), on a linear one when they do not.
func TestFronts_AxesFollowSweep(t *testing.T) {
	acc := func(l float64) float64 { return 0.85 - 0.3*l }
	wide := func(l float64) float64 { return 0.5 + 540/(1+1e4*l) } // 540.5 down to ≈ 0.5
	narrow := func(l float64) float64 { return 5 + 10/(1+1e4*l) }  // 15 down to 5
	for _, tc := range []struct {
		name string
		w    func(float64) float64
		log  bool
	}{{"spans decades", wide, true}, {"one decade", narrow, false}, {"negative", func(l float64) float64 { return wide(l) - 1 }, false}} {
		t.Run(tc.name, func(t *testing.T) {
			a := frontsStudy(t, "a", "quickstart", frontsGrid, acc, tc.w)
			b := frontsStudy(t, "b", "quickstart-small", frontsGrid, func(l float64) float64 { return acc(l) + 0.02 }, tc.w)
			_, f, _ := tradeoffOf(t, a, b)
			if f.logY != tc.log {
				t.Errorf("log y %v, want %v", f.logY, tc.log)
			}
			for g, s := range f.studies {
				for i, l := range s.lambda {
					if want := []float64{acc(l), acc(l) + 0.02}[g] + 0.015; math.Abs(s.x[i].Mean-want) > 1e-12 {
						t.Fatalf("study %d λ %g: x %g, want the task metric's mean %g", g, l, s.x[i].Mean, want)
					}
					if want := tc.w(l) * 1.15; math.Abs(s.y[i].Mean-want) > 1e-9*math.Abs(want) {
						t.Fatalf("study %d λ %g: y %g, want weight_l2's mean %g", g, l, s.y[i].Mean, want)
					}
				}
			}
			if !strings.HasPrefix(f.xLabel, "test.accuracy ") || !strings.HasPrefix(f.yLabel, "weight_l2 ") {
				t.Errorf("axes %q, %q: want test.accuracy on x, weight_l2 on y", f.xLabel, f.yLabel)
			}
			p, _, err := f.plot()
			if err != nil {
				t.Fatal(err)
			}
			if _, isLog := p.Y.Scale.(plot.LogScale); isLog != tc.log {
				t.Errorf("y scale log %v, want %v", isLog, tc.log)
			}
		})
	}
}

// TestFronts_WhiskersAreCIs: every point of both studies has whiskers
// reaching exactly its 95% CIs of the task metric (x) and of the term's
// metric (y), and the Pareto-optimal points are those the sweep's rule
// finds (higher accuracy, lower weight_l2).
func TestFronts_WhiskersAreCIs(t *testing.T) {
	acc := func(l float64) float64 { return 0.8 + 0.1*math.Sin(10*l) }
	w := func(l float64) float64 { return 2 + 8/(1+100*l) }
	_, f, _ := tradeoffOf(t, frontsStudy(t, "a", "qa", frontsGrid, acc, w), frontsStudy(t, "b", "qb", frontsGrid, acc, func(l float64) float64 { return w(l) / 2 }))
	type bar struct{ x, y, lo, hi float64 }
	var xb, yb []bar
	for _, p := range f.bars {
		switch e := p.(type) {
		case *plotter.XErrorBars:
			for i, xy := range e.XYs {
				xb = append(xb, bar{xy.X, xy.Y, xy.X - e.XErrors[i].Low, xy.X + e.XErrors[i].High})
			}
		case *plotter.YErrorBars:
			for i, xy := range e.XYs {
				yb = append(yb, bar{xy.X, xy.Y, xy.Y - e.YErrors[i].Low, xy.Y + e.YErrors[i].High})
			}
		}
	}
	n := 0
	for _, s := range f.studies {
		for i := range s.lambda {
			n++
			x, y := s.x[i], s.y[i]
			if !slices.ContainsFunc(xb, func(b bar) bool {
				return b.x == x.Mean && b.y == y.Mean && math.Abs(b.lo-x.CILow) < 1e-12 && math.Abs(b.hi-x.CIHigh) < 1e-12
			}) {
				t.Errorf("%s λ %g: no x whisker over [%g, %g]", s.name, s.lambda[i], x.CILow, x.CIHigh)
			}
			if !slices.ContainsFunc(yb, func(b bar) bool {
				return b.x == x.Mean && b.y == y.Mean && math.Abs(b.lo-y.CILow) < 1e-12 && math.Abs(b.hi-y.CIHigh) < 1e-12
			}) {
				t.Errorf("%s λ %g: no y whisker over [%g, %g]", s.name, s.lambda[i], y.CILow, y.CIHigh)
			}
		}
		var ox, oy []float64
		for i := range s.x {
			ox, oy = append(ox, s.x[i].Mean), append(oy, -s.y[i].Mean)
		}
		if want := table.ParetoFront(ox, oy); !slices.Equal(s.optimal, want) {
			t.Errorf("%s: Pareto-optimal %v, want %v", s.name, s.optimal, want)
		}
	}
	if len(xb) != n || len(yb) != n {
		t.Errorf("%d x and %d y whiskers, want %d each", len(xb), len(yb), n)
	}
}

// TestFronts_LabelsPerStudy: a point of A and a point of B on the same
// spot keep a label each, in their study's colour; two points of one
// study on the same spot share one.
func TestFronts_LabelsPerStudy(t *testing.T) {
	// At λ = 0.3 and 1 both studies collapse to accuracy 0.5 and
	// weight_l2 0.1: four points on one spot, two per study.
	acc := func(l float64) float64 {
		if l >= 0.3 {
			return 0.485
		}
		return 0.85 - l
	}
	w := func(l float64) float64 {
		if l >= 0.3 {
			return 0.1 / 1.15
		}
		return 5 / (1 + 10*l)
	}
	grid := []float64{0, 0.01, 0.1, 0.3, 1}
	c, f, _ := tradeoffOf(t, frontsStudy(t, "a", "qa", grid, acc, w), frontsStudy(t, "b", "qb", grid, acc, w))
	texts, cols := f.labels.Drawn()
	colOf := map[string][]color.Color{}
	for i, s := range texts {
		colOf[s] = append(colOf[s], cols[i])
	}
	want := []color.Color{figure.Palette[0], figure.Palette[1]}
	if got := colOf["1, 0.3"]; len(got) != 2 || !slices.ContainsFunc(got, func(c color.Color) bool { return c == want[0] }) || !slices.ContainsFunc(got, func(c color.Color) bool { return c == want[1] }) {
		t.Errorf(`labels %q (colours %v): want "1, 0.3" twice, once in each study's colour %v`, texts, cols, want)
	}
	for _, s := range texts {
		if strings.Count(s, "1") > 1 || strings.Count(s, "0.3") > 1 {
			t.Errorf("label %q joins the two studies' points", s)
		}
	}
	if got, want := c.a.title()+" vs "+c.b.title(), "qa (a) vs qb (b)"; got != want {
		t.Errorf("studies named %q, want %q (spec's name and folder)", got, want)
	}
}
