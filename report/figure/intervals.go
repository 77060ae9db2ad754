package figure

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/lossexp/lossexp/report/table"
)

// rangeMargin is the share of an axis's span (on a log axis, of its span
// in decades) left on each side between the outermost mean, band end or
// whisker end and the frame, so that no interval ends on the frame and
// reads as cut off.
const rangeMargin = 0.04

// extent is the smallest and largest value a figure draws on one axis:
// every mean and every end of a band or whisker. On a log axis values ≤ 0
// have no place and are left out.
type extent struct {
	lo, hi float64
	log    bool
}

func newExtent(log bool) extent { return extent{lo: math.Inf(1), hi: math.Inf(-1), log: log} }

// add takes in the finite values of vs.
func (e *extent) add(vs ...float64) {
	for _, v := range vs {
		if table.IsFinite(v) && (!e.log || v > 0) {
			e.lo, e.hi = min(e.lo, v), max(e.hi, v)
		}
	}
}

// addStat takes in a mean and both ends of its 95% CI.
func (e *extent) addStat(st table.Stat) { e.add(st.Mean, st.CILow, st.CIHigh) }

// hold widens axis a (already ranged by gonum over what was added to the
// plot) so that it holds e with rangeMargin on each side; an empty extent
// or a single value leaves a as it is.
func (e extent) hold(a *plot.Axis) {
	if !(e.lo < e.hi) {
		return
	}
	if e.log {
		f := math.Pow(e.hi/e.lo, rangeMargin)
		a.Min, a.Max = min(a.Min, e.lo/f), max(a.Max, e.hi*f)
		return
	}
	m := rangeMargin * (e.hi - e.lo)
	a.Min, a.Max = min(a.Min, e.lo-m), max(a.Max, e.hi+m)
}

// ciErr is the whisker of st: how far its 95% CI reaches below and above
// the mean (0 and 0 when the CI is undefined).
func ciErr(st table.Stat) struct{ Low, High float64 } {
	lo, hi := st.Mean-st.CILow, st.CIHigh-st.Mean
	if !table.IsFinite(lo) || !table.IsFinite(hi) {
		lo, hi = 0, 0
	}
	return struct{ Low, High float64 }{lo, hi}
}

// errPoints are points with asymmetric error bars on both axes.
type errPoints struct {
	plotter.XYs
	xe, ye plotter.Errors
}

func (e errPoints) XError(i int) (float64, float64) { return e.xe[i].Low, e.xe[i].High }
func (e errPoints) YError(i int) (float64, float64) { return e.ye[i].Low, e.ye[i].High }

// addCI appends the point (x.Mean, y.Mean) with the 95% CIs of x and y as
// its whiskers. On a log y axis (logY) a lower whisker reaching 0 or below
// has no place: it is left out, and addCI returns false.
func (e *errPoints) addCI(x, y table.Stat, logY bool) bool {
	e.XYs = append(e.XYs, plotter.XY{X: x.Mean, Y: y.Mean})
	e.xe = append(e.xe, ciErr(x))
	ye := ciErr(y)
	whole := true
	if logY && !(y.Mean-ye.Low > 0) {
		ye.Low, whole = 0, false
	}
	e.ye = append(e.ye, ye)
	return whole
}

// whiskers returns the error bars of e on both axes, drawn in style with
// caps capWidth wide. A point whose CI on an axis is undefined or of no
// width gets no bar on that axis (gonum would draw its two caps on the
// marker, a cross that reads as a glyph).
func (e errPoints) whiskers(style draw.LineStyle, capWidth vg.Length) ([]plot.Plotter, error) {
	var xs, ys errPoints
	for i, xy := range e.XYs {
		if e.xe[i].Low+e.xe[i].High > 0 {
			xs.XYs, xs.xe, xs.ye = append(xs.XYs, xy), append(xs.xe, e.xe[i]), append(xs.ye, e.ye[i])
		}
		if e.ye[i].Low+e.ye[i].High > 0 {
			ys.XYs, ys.xe, ys.ye = append(ys.XYs, xy), append(ys.xe, e.xe[i]), append(ys.ye, e.ye[i])
		}
	}
	var bars []plot.Plotter
	if len(xs.XYs) > 0 {
		xb, err := plotter.NewXErrorBars(xs)
		if err != nil {
			return nil, err
		}
		xb.LineStyle, xb.CapWidth = style, capWidth
		bars = append(bars, xb)
	}
	if len(ys.XYs) > 0 {
		yb, err := plotter.NewYErrorBars(ys)
		if err != nil {
			return nil, err
		}
		yb.LineStyle, yb.CapWidth = style, capWidth
		bars = append(bars, yb)
	}
	return bars, nil
}

// keepLabelsOff makes the labels of lab keep clear, where they can, of
// e's whiskers.
func (e errPoints) keepLabelsOff(lab *pointLabels) {
	for i, xy := range e.XYs {
		xl, xh := e.XError(i)
		yl, yh := e.YError(i)
		if xl+xh > 0 { // an undefined CI draws no whisker
			lab.avoidLine(xy.X-xl, xy.Y, xy.X+xh, xy.Y)
		}
		if yl+yh > 0 {
			lab.avoidLine(xy.X, xy.Y-yl, xy.X, xy.Y+yh)
		}
	}
}

// keepLabelsOffLine makes the labels of lab keep clear, where they can, of
// the polyline through xys.
func keepLabelsOffLine(lab *pointLabels, xys plotter.XYs) {
	for i := 1; i < len(xys); i++ {
		lab.avoidLine(xys[i-1].X, xys[i-1].Y, xys[i].X, xys[i].Y)
	}
}
