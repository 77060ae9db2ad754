package figure

import (
	"image/color"

	"github.com/lossexp/lossexp/report/table"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The bridge for `lossexp compare` (report/compare): the sweep figures'
// drawing pieces, so that its trade-off figure follows tradeoff_<term>.png.

// WithAlpha is c with alpha a.
func WithAlpha(c color.Color, a uint8) color.NRGBA { return withAlpha(c, a) }

// TextStyle is the figures' text style of the given size and colour.
func TextStyle(size vg.Length, c color.Color) text.Style { return textStyle(size, c) }

// ClipLogTicks is the tick marker of the figures' log axes.
func ClipLogTicks() plot.Ticker { return clipTicks{LogTicks{}} }

// HoldStats widens axis a to hold every mean and CI end of sts with the
// figures' margin (on a log axis, the positive ones).
func HoldStats(a *plot.Axis, log bool, sts ...table.Stat) {
	e := newExtent(log)
	for _, st := range sts {
		e.addStat(st)
	}
	e.hold(a)
}

// Labels is the figures' λ label placer (pointLabels) for another room's
// figure: every label belongs to a group (a study), and points on the
// same spot share one label only within their group.
type Labels struct{ pointLabels }

// NewLabels returns a placer for markers of the given radius.
func NewLabels(radius vg.Length) *Labels { return &Labels{pointLabels{radius: radius}} }

// Add labels the point (x, y) of group g.
func (l *Labels) Add(g int, x, y float64, label string, sty text.Style) {
	l.add(x, y, label, sty)
	l.groups = append(l.groups, g)
}

// AvoidLine makes the labels keep clear, where they can, of the polyline
// through xys.
func (l *Labels) AvoidLine(xys plotter.XYs) { keepLabelsOffLine(&l.pointLabels, xys) }

// Drawn returns the labels the last Plot drew, in the order they were
// added (those joined into another's or left out omitted): text and colour.
func (l *Labels) Drawn() (texts []string, cols []color.Color) {
	for _, lb := range l.drawn.labels {
		if lb.ok {
			texts, cols = append(texts, lb.text), append(cols, lb.style.Color)
		}
	}
	return texts, cols
}

// Whiskers returns the 95% CIs of xs[i] and ys[i] at the point of their
// means as error bars on both axes (drawn in style, as the trade-off
// figure draws them) and makes lab's labels keep clear of them; cut
// counts the lower whiskers a log y axis cannot show (they reach 0).
func Whiskers(xs, ys []table.Stat, logY bool, style draw.LineStyle, lab *Labels) (bars []plot.Plotter, cut int, err error) {
	var e errPoints
	for i := range xs {
		if !e.addCI(xs[i], ys[i], logY) {
			cut++
		}
	}
	if len(e.XYs) == 0 {
		return nil, 0, nil
	}
	bars, err = e.whiskers(style, vg.Points(3))
	e.keepLabelsOff(&lab.pointLabels)
	return bars, cut, err
}

// RoomForLabels widens p's ranges to make room for labels on the right
// and on top, as the trade-off figure does (logY: a log y axis).
func RoomForLabels(p *plot.Plot, logY bool) { (&tradeoffFig{logY: logY}).roomForLabels(p) }

// LabelOrder is the order in which the trade-off figure labels points of
// λ lambda (optimal: Pareto-optimal): the ends of the λ range, the other
// Pareto-optimal points, the dominated ones; λ order within each.
func LabelOrder(lambda []float64, optimal []bool) []int {
	f := &tradeoffFig{}
	for i, l := range lambda {
		f.pts = append(f.pts, tradeoffPoint{lambda: l, optimal: optimal[i]})
	}
	return f.labelOrder()
}
