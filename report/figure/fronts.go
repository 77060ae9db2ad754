package figure

import (
	"io"
	"math"

	"github.com/lossexp/lossexp/report/table"
)

// FrontCurve is one curve of a FrontsFigure: a study's trade-off along a
// term's λ, the points in λ order (the λ = 0 point among them).
type FrontCurve struct {
	Term  string // the term whose λ labels the points
	Label string // what sets the curve apart in the legend ("A: quickstart")
	// Lambda, X and Y are aligned: the term's λ, the x metric's mean and
	// the task metric's mean at each point. Points without both values
	// are left out.
	Lambda, X, Y []float64
}

// FrontsFigure draws several trade-off curves of a task metric (y)
// against another metric (x) on one plot, each point labelled with its λ,
// with the drawing of the several-terms trade-off figure (compareFig):
// `lossexp compare` puts two studies' fronts on it. It draws nothing until
// written with WriteTo; nil when no curve has two points.
func FrontsFigure(title, subtitle, xLabel, yLabel string, curves []FrontCurve) io.WriterTo {
	f := &compareFig{title: title, subtitle: subtitle, xLabel: xLabel, yLabel: yLabel}
	for _, c := range curves {
		cc := compareCurve{term: c.Term, fixed: c.Label}
		for i := range c.Lambda {
			if table.IsFinite(c.X[i]) && table.IsFinite(c.Y[i]) && !math.IsNaN(c.Lambda[i]) {
				cc.pts = append(cc.pts, tradeoffPoint{lambda: c.Lambda[i], x: c.X[i], y: c.Y[i]})
			}
		}
		if len(cc.pts) >= 2 {
			f.curves = append(f.curves, cc)
		}
	}
	if len(f.curves) == 0 {
		return nil
	}
	return f
}
