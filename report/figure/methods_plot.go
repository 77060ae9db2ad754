package figure

import (
	"image/color"
	"io"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/lossexp/lossexp/report/table"
)

// methodsFig is the trade-off figure of a sweep.balance study at one axis
// point: the static front (means of the λ slice, the Pareto-optimal ones
// joined) and every adaptive method's mean with its 95% CI on both axes.
type methodsFig struct {
	title, subtitle, xLabel, yLabel string
	static, methods                 []table.MethodRow
	taskHigher, sideHigher          bool
	term                            string
	labels                          *pointLabels // the static λ's labels of the last plot (tests read where they went)
}

// methodsWeightsFig is the effective weight of a balanced term relative to
// the task's, w_term/w_task, per epoch for every adaptive method (mean
// over its runs of weights.csv's ratio), with the static λ grid as
// horizontal references: the λ a method effectively trains with.
type methodsWeightsFig struct {
	title, subtitle string
	term            string
	series          []weightSeries
	lambdas         []float64
}

type weightSeries struct {
	method string
	xy     plotter.XYs
}

// methodsFigures writes methods_front[_<axes>].png and
// methods_weights_<term>[_<axes>].png.
func methodsFigures(a *table.Analysis, fw *Writer, opts PlotOptions) ([]string, error) {
	m := a.Methods
	if m == nil {
		return nil, nil
	}
	var written []string
	axesSeen := [][]string{}
	for _, r := range m.Rows {
		if !slices.ContainsFunc(axesSeen, func(ax []string) bool { return slices.Equal(ax, r.Axes) }) {
			axesSeen = append(axesSeen, r.Axes)
		}
	}
	for _, ax := range axesSeen {
		suffix := ""
		tag := ""
		if len(ax) > 0 {
			var parts []string
			for k, v := range ax {
				parts = append(parts, table.AxisLabel(m.Axes[k])+"="+v)
			}
			tag = " (" + strings.Join(parts, ", ") + ")"
			// As the other figures of an axis point: _samples-400.
			suffix = "_" + table.FileSafe(strings.ReplaceAll(strings.Join(parts, ","), "=", "-"))
		}
		f := methodsFront(m, ax, opts, tag)
		if err := fw.write("methods_front"+suffix+".png", f, &written); err != nil {
			return nil, err
		}
		// Effective weights of each balanced term.
		for j, col := range m.WeightCols {
			term := strings.TrimPrefix(col, "weight.")
			if term == "task" {
				continue
			}
			wf := methodsWeights(m, j, ax, f.static, opts, tag)
			if wf == nil {
				continue
			}
			if err := fw.write("methods_weights_"+table.FileSafe(term)+suffix+".png", wf, &written); err != nil {
				return nil, err
			}
		}
	}
	return written, nil
}

// methodsFront is the figure of m's rows at the axis point ax (tag names
// it in the title).
func methodsFront(m *table.Methods, ax []string, opts PlotOptions, tag string) *methodsFig {
	f := &methodsFig{subtitle: opts.Description, taskHigher: m.Task.Higher, sideHigher: m.Side.Higher, term: m.Term}
	for _, r := range m.Rows {
		if !slices.Equal(r.Axes, ax) {
			continue
		}
		if r.Method == table.MethodStatic {
			f.static = append(f.static, r)
		} else if table.IsFinite(r.Task.Mean) && table.IsFinite(r.Side.Mean) {
			f.methods = append(f.methods, r)
		}
	}
	f.title = titled(opts, "balancing methods against the static λ_"+m.Term+" front"+tag)
	f.xLabel = m.Task.Name + " (mean, 95% CI; " + table.Better(m.Task.Higher) + " is better)"
	f.yLabel = m.Side.Name + " (mean, 95% CI; " + table.Better(m.Side.Higher) + " is better)"
	return f
}

// methodsWeights is the figure of the effective weight in m.WeightCols[j]
// relative to the task's at the axis point ax, with the positive λ of
// static as references; nil when no method has a ratio to draw.
func methodsWeights(m *table.Methods, j int, ax []string, static []table.MethodRow, opts PlotOptions, tag string) *methodsWeightsFig {
	term := strings.TrimPrefix(m.WeightCols[j], "weight.")
	wf := &methodsWeightsFig{subtitle: opts.Description, term: term}
	wf.title = titled(opts, "effective weight of "+term+" relative to the task over training"+tag)
	ti := slices.Index(m.WeightCols, "weight.task")
	var cur *weightSeries
	for _, e := range m.Weights {
		if !slices.Equal(e.Axes, ax) && !(len(ax) == 0 && len(e.Axes) == 0) {
			continue
		}
		r := e.Weights[j] / e.Weights[ti]
		if !table.IsFinite(r) || r <= 0 {
			continue // a method that ignores the term in this epoch
		}
		if cur == nil || cur.method != e.Method {
			wf.series = append(wf.series, weightSeries{method: e.Method})
			cur = &wf.series[len(wf.series)-1]
		}
		cur.xy = append(cur.xy, plotter.XY{X: float64(e.Epoch), Y: r})
	}
	if len(wf.series) == 0 {
		return nil
	}
	for _, r := range static {
		if r.Lambda > 0 {
			wf.lambdas = append(wf.lambdas, r.Lambda)
		}
	}
	return wf
}

// WriteTo draws the figure and writes it as a PNG.
func (f *methodsFig) WriteTo(w io.Writer) (int64, error) {
	c := vgimg.NewWith(vgimg.UseWH(FigureWidth, FigureHeight), vgimg.UseDPI(FigureDPI))
	if err := DrawFramed(draw.New(c), f.title, f.subtitle, f.plot); err != nil {
		return 0, err
	}
	return WritePNG(w, c)
}

func (f *methodsFig) plot() (*plot.Plot, plot.Legend, error) {
	p := NewPlot(f.xLabel, f.yLabel)
	legend := NewLegend()
	lab, err := f.addStatic(p, &legend)
	if err != nil {
		return nil, legend, err
	}
	f.labels = lab
	shapes := []draw.GlyphDrawer{draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}, draw.BoxGlyph{}, draw.RingGlyph{}}
	for i, r := range f.methods {
		col := Palette[i%len(Palette)]
		var ep errPoints
		ep.addCI(r.Task, r.Side, false)
		bars, err := ep.whiskers(draw.LineStyle{Color: col, Width: vg.Points(1)}, plotter.DefaultCapWidth)
		if err != nil {
			return nil, legend, err
		}
		sc := &plotter.Scatter{XYs: ep.XYs, GlyphStyle: draw.GlyphStyle{Color: col, Radius: vg.Points(3.5), Shape: shapes[i%len(shapes)]}}
		p.Add(bars...)
		p.Add(sc)
		LegendAdd(&legend, r.Method+" ("+r.Position+")", sc)
		// The glyph's half-width and its stroke: no λ label covers it.
		lab.avoidMark(r.Task.Mean, r.Side.Mean, vg.Points(4.5))
		ep.keepLabelsOff(lab)
	}
	p.Add(lab)
	f.holdIntervals(p)
	if p.X.Min == p.X.Max {
		p.X.Min, p.X.Max = p.X.Min-0.01, p.X.Max+0.01
	}
	if p.Y.Min == p.Y.Max {
		p.Y.Min, p.Y.Max = p.Y.Min-0.01, p.Y.Max+0.01
	}
	p.X.Max += 0.1 * (p.X.Max - p.X.Min)
	p.Y.Max += 0.04 * (p.Y.Max - p.Y.Min)
	return p, legend, nil
}

// holdIntervals widens p's ranges to hold every mean and CI end of the
// static λ and the methods, with a margin.
func (f *methodsFig) holdIntervals(p *plot.Plot) {
	ex, ey := newExtent(false), newExtent(false)
	for _, r := range slices.Concat(f.static, f.methods) {
		if table.IsFinite(r.Task.Mean) && table.IsFinite(r.Side.Mean) {
			ex.addStat(r.Task)
			ey.addStat(r.Side)
		}
	}
	ex.hold(&p.X)
	ey.hold(&p.Y)
}

// addStatic adds to p and legend the static λ with their 95% CIs on both
// axes as whiskers: the dominated ones, the front joined by a line. It
// returns their λ labels, to be added last (over everything) once the
// methods' markers they must keep clear of are known.
func (f *methodsFig) addStatic(p *plot.Plot, legend *plot.Legend) (*pointLabels, error) {
	muted := color.NRGBA{150, 150, 150, 255}
	var front, rest plotter.XYs
	var ci errPoints
	lab := &pointLabels{radius: vg.Points(4)}
	for _, r := range f.staticOrder() {
		pt := plotter.XY{X: r.Task.Mean, Y: r.Side.Mean}
		if r.Pareto {
			front = append(front, pt)
		} else {
			rest = append(rest, pt)
		}
		ci.addCI(r.Task, r.Side, false)
		lab.add(pt.X, pt.Y, "λ="+table.FormatLambda(r.Lambda), textStyle(7, muted))
	}
	if len(ci.XYs) > 0 {
		bars, err := ci.whiskers(draw.LineStyle{Color: color.NRGBA{190, 190, 190, 255}, Width: vg.Points(0.8)}, vg.Points(3))
		if err != nil {
			return nil, err
		}
		p.Add(bars...)
		ci.keepLabelsOff(lab)
	}
	slices.SortFunc(front, func(a, b plotter.XY) int { return table.CmpFloat(a.X, b.X) })
	if len(rest) > 0 {
		sc := &plotter.Scatter{XYs: rest, GlyphStyle: draw.GlyphStyle{Color: muted, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}}
		p.Add(sc)
		LegendAdd(legend, "static λ, dominated", sc)
	}
	if len(front) > 0 {
		keepLabelsOffLine(lab, front)
		line := &plotter.Line{XYs: front, LineStyle: draw.LineStyle{Color: refGray, Width: vg.Points(1.5)}}
		sc := &plotter.Scatter{XYs: front, GlyphStyle: draw.GlyphStyle{Color: refGray, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}}
		p.Add(line, sc)
		LegendAdd(legend, "static λ front (means)", line, sc)
	}
	return lab, nil
}

// staticOrder is the static λ with both means, in the order their labels
// are placed: that of the trade-off figure's λ labels (the ends of the λ
// range, the front, the dominated ones; λ ascending within each).
func (f *methodsFig) staticOrder() []table.MethodRow {
	var rows []table.MethodRow
	var tf tradeoffFig
	for _, r := range f.static {
		if table.IsFinite(r.Task.Mean) && table.IsFinite(r.Side.Mean) {
			rows = append(rows, r)
			tf.pts = append(tf.pts, tradeoffPoint{lambda: r.Lambda, x: r.Task.Mean, y: r.Side.Mean, optimal: r.Pareto})
		}
	}
	out := make([]table.MethodRow, 0, len(rows))
	for _, i := range tf.labelOrder() {
		out = append(out, rows[i])
	}
	return out
}

// WriteTo draws the figure and writes it as a PNG.
func (f *methodsWeightsFig) WriteTo(w io.Writer) (int64, error) {
	c := vgimg.NewWith(vgimg.UseWH(FigureWidth, FigureHeight), vgimg.UseDPI(FigureDPI))
	if err := DrawFramed(draw.New(c), f.title, f.subtitle, f.plot); err != nil {
		return 0, err
	}
	return WritePNG(w, c)
}

func (f *methodsWeightsFig) plot() (*plot.Plot, plot.Legend, error) {
	p := NewPlot("epoch", "w_"+f.term+" / w_task (ratio of the mean weights; log scale)")
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = clipTicks{LogTicks{}}
	legend := NewLegend()
	lo, hi := math.Inf(1), math.Inf(-1)
	x0, x1 := math.Inf(1), math.Inf(-1)
	for i, s := range f.series {
		col := Palette[i%len(Palette)]
		line := &plotter.Line{XYs: s.xy, LineStyle: draw.LineStyle{Color: col, Width: vg.Points(1.5)}}
		p.Add(line)
		LegendAdd(&legend, s.method, line)
		for _, q := range s.xy {
			lo, hi = min(lo, q.Y), max(hi, q.Y)
			x0, x1 = min(x0, q.X), max(x1, q.X)
		}
	}
	// The static λ within a decade of the methods' range, dashed.
	shown := false
	for _, l := range f.lambdas {
		if l < lo/10 || l > hi*10 {
			continue
		}
		ln := hline(x0, x1, l, refGray)
		ln.LineStyle.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		ln.LineStyle.Width = vg.Points(0.8)
		p.Add(ln)
		lab := &plotter.Labels{XYs: plotter.XYs{{X: x1, Y: l}}, Labels: []string{"λ=" + table.FormatLambda(l)},
			Offset: vg.Point{X: vg.Points(2), Y: vg.Points(1)}, TextStyle: []draw.TextStyle{textStyle(7, refGray)}}
		p.Add(lab)
		lo, hi = min(lo, l), max(hi, l)
		if !shown {
			LegendAdd(&legend, "static λ grid", ln)
			shown = true
		}
	}
	if lo == hi {
		lo, hi = lo/2, hi*2
	}
	p.Y.Min, p.Y.Max = lo/1.3, hi*1.3
	p.X.Max = x1 + 0.12*(x1-x0+1)
	return p, legend, nil
}
