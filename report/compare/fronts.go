package compare

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"

	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// frontsFig is both studies' trade-off along one term, drawn as the
// sweep draws tradeoff_<term>.png: the task metric on x, the term's
// metric on y (on a log axis when its means are all positive and span
// more than 1.5 decades), each point's 95% CIs as whiskers on both axes,
// each study's Pareto-optimal points joined and its dominated ones in a
// lighter shade; one colour and marker per study, every point labelled
// with its λ in its study's colour (points on the same spot share a
// label only within a study).
type frontsFig struct {
	title, subtitle  string
	xLabel, yLabel   string
	xHigher, yHigher bool
	studies          []studyFront
	logY             bool
	labels           *figure.Labels // the λ labels of the last plot (tests read them)
	bars             []plot.Plotter // the whiskers of the last plot, study by study (tests read them)
}

// studyFront is one study's points on a frontsFig.
type studyFront struct {
	name    string // the study's title: "quickstart (a)"
	lambda  []float64
	x, y    []table.Stat // task metric, term metric
	optimal []bool
}

// glyphs are the studies' markers, in order.
var glyphs = []vgdraw.GlyphDrawer{vgdraw.CircleGlyph{}, vgdraw.TriangleGlyph{}}

// newFrontsFig builds the figure of the fronts; nil when no study has two
// points.
func newFrontsFig(title, subtitle, task string, taskHigher bool, t *table.TermAnalysis, fronts []studyFront) *frontsFig {
	f := &frontsFig{title: title, subtitle: subtitle, xHigher: taskHigher, yHigher: t.Metric.Higher}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range fronts {
		if len(s.lambda) < 2 {
			continue
		}
		xs, ys := make([]float64, len(s.x)), make([]float64, len(s.y))
		for i := range s.x {
			xs[i], ys[i] = orient(s.x[i].Mean, taskHigher), orient(s.y[i].Mean, t.Metric.Higher)
			lo, hi = min(lo, s.y[i].Mean), max(hi, s.y[i].Mean)
		}
		s.optimal = table.ParetoFront(xs, ys)
		f.studies = append(f.studies, s)
	}
	if len(f.studies) == 0 {
		return nil
	}
	// the sweep's rule (report's tradeoffFigure): log y when the term's
	// metric is positive and spans more than 1.5 decades
	f.logY = lo > 0 && hi/lo > 30
	scale := ""
	if f.logY {
		scale = ", log scale"
	}
	f.xLabel = task + " (mean, 95% CI; " + better(taskHigher) + " is better)"
	f.yLabel = t.Metric.Name + " (mean, 95% CI" + scale + "; " + better(t.Metric.Higher) + " is better for " + t.Term + ")"
	return f
}

// lighter is c mixed with white, opaque: a dominated point's marker and
// label (opaque, so that a label joined with a Pareto-optimal point's
// takes the darker colour).
func lighter(c color.NRGBA) color.NRGBA {
	mix := func(v uint8) uint8 { return v + uint8((255-int(v))*55/100) }
	return color.NRGBA{mix(c.R), mix(c.G), mix(c.B), 255}
}

// orient makes larger better.
func orient(v float64, higher bool) float64 {
	if higher {
		return v
	}
	return -v
}

// WriteTo draws the figure and writes it as a PNG.
func (f *frontsFig) WriteTo(w io.Writer) (int64, error) {
	c := vgimg.NewWith(vgimg.UseWH(figure.FigureWidth, figure.FigureHeight), vgimg.UseDPI(figure.FigureDPI))
	if err := figure.DrawFramed(vgdraw.New(c), f.title, f.subtitle, f.plot); err != nil {
		return 0, err
	}
	return figure.WritePNG(w, c)
}

func (f *frontsFig) plot() (*plot.Plot, plot.Legend, error) {
	p := figure.NewPlot(f.xLabel, f.yLabel)
	if f.logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = figure.ClipLogTicks()
	}
	legend := figure.NewLegend()
	lab := figure.NewLabels(vg.Points(4))
	f.labels, f.bars = lab, nil
	cut := 0
	var xs, ys []table.Stat
	for g := range f.studies {
		n, err := f.addStudy(p, &legend, lab, g)
		if err != nil {
			return nil, legend, err
		}
		cut += n
		xs, ys = append(xs, f.studies[g].x...), append(ys, f.studies[g].y...)
	}
	p.Add(lab)
	legend.Add("joined: Pareto-optimal")
	legend.Add("lighter: dominated")
	legend.Add("labels: λ")
	if cut > 0 {
		legend.Add(fmt.Sprintf("%d lower whisker(s) reach 0: not drawn", cut))
	}
	figure.HoldStats(&p.X, false, xs...)
	figure.HoldStats(&p.Y, f.logY, ys...)
	figure.RoomForLabels(p, f.logY)
	return p, legend, nil
}

// addStudy draws study g's whiskers, dominated points, front and labels
// in its colour and marker; it returns the lower whiskers the log axis
// cut.
func (f *frontsFig) addStudy(p *plot.Plot, legend *plot.Legend, lab *figure.Labels, g int) (int, error) {
	s := f.studies[g]
	col := figure.Palette[g%len(figure.Palette)]
	light := lighter(col)
	bars, cut, err := figure.Whiskers(s.x, s.y, f.logY, vgdraw.LineStyle{Color: figure.WithAlpha(col, 150), Width: vg.Points(0.8)}, lab)
	if err != nil {
		return 0, err
	}
	p.Add(bars...)
	f.bars = append(f.bars, bars...)
	var front, dominated plotter.XYs
	for i := range s.x {
		xy := plotter.XY{X: s.x[i].Mean, Y: s.y[i].Mean}
		if s.optimal[i] {
			front = append(front, xy)
		} else {
			dominated = append(dominated, xy)
		}
	}
	slices.SortFunc(front, func(a, b plotter.XY) int {
		if a.X != b.X {
			return cmp.Compare(a.X, b.X)
		}
		return cmp.Compare(a.Y, b.Y)
	})
	glyph := glyphs[g%len(glyphs)]
	if len(dominated) > 0 { // under the front's markers
		p.Add(&plotter.Scatter{XYs: dominated, GlyphStyle: vgdraw.GlyphStyle{Color: light, Radius: vg.Points(2.5), Shape: glyph}})
	}
	line := &plotter.Line{XYs: front, LineStyle: vgdraw.LineStyle{Color: col, Width: vg.Points(1.5)}}
	sc := &plotter.Scatter{XYs: front, GlyphStyle: vgdraw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: glyph}}
	p.Add(line, sc)
	lab.AvoidLine(front)
	figure.LegendAdd(legend, s.name, line, sc)
	for _, i := range figure.LabelOrder(s.lambda, s.optimal) {
		c := color.Color(col)
		if !s.optimal[i] {
			c = light
		}
		lab.Add(g, s.x[i].Mean, s.y[i].Mean, table.FormatLambda(s.lambda[i]), figure.TextStyle(7, c))
	}
	return cut, nil
}
