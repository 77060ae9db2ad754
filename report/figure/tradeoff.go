package figure

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"

	"gonum.org/v1/plot"
	plotpalette "gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/lossexp/lossexp/report/table"
)

// tradeoffPoint is one grid point of a trade-off figure.
type tradeoffPoint struct {
	lambda  float64
	x, y    float64 // task metric, term metric (means)
	optimal bool
	cx, cy  table.Stat // their statistics: the 95% CIs drawn as whiskers
}

// tradeoffFig is the term's metric against the task metric, one point per
// grid point of the term's slice labelled with λ, with the 95% CIs of both
// metrics as whiskers; the Pareto-optimal points are joined, the dominated
// ones muted; balance points are ringed.
type tradeoffFig struct {
	title, subtitle string
	xLabel, yLabel  string
	pts             []tradeoffPoint
	rings           []ring
	note            string
	logY            bool         // the term's metric spans more than 1.5 decades, all positive
	cut             int          // lower whiskers a log y axis cannot show (they reach 0)
	labels          *pointLabels // the λ labels of the last plot (tests read where they went)
}

type ring struct {
	x, y  float64
	label string
	col   color.Color
}

// tradeoffFigures writes tradeoff_<term>.png for every term that has one.
func tradeoffFigures(a *table.Analysis, fw *Writer, opts PlotOptions) ([]string, error) {
	var written []string
	for _, ta := range a.Terms {
		if f := tradeoffFigure(a, &ta, opts); f != nil {
			if err := fw.write("tradeoff_"+ta.FileName()+".png", f, &written); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// tradeoffFigure builds the trade-off figure of ta; nil when the term has
// no metric or fewer than two points with both values.
func tradeoffFigure(a *table.Analysis, ta *table.TermAnalysis, opts PlotOptions) *tradeoffFig {
	if ta.Metric.Index < 0 || a.Task.Index < 0 {
		return nil
	}
	f := &tradeoffFig{subtitle: opts.Description}
	var xs, ys []float64
	excluded := 0
	for _, pi := range ta.Points {
		p := a.Summary.Points[pi]
		x, y := p.Stats[a.Task.Index].Mean, p.Stats[ta.Metric.Index].Mean
		if !table.IsFinite(x) || !table.IsFinite(y) || p.Diverged > 0 {
			excluded++
			continue
		}
		f.pts = append(f.pts, tradeoffPoint{lambda: p.Lambdas[ta.Index], x: x, y: y, cx: p.Stats[a.Task.Index], cy: p.Stats[ta.Metric.Index]})
		ox, oy := x, y
		if !a.Task.Higher {
			ox = -ox
		}
		if !ta.Metric.Higher {
			oy = -oy
		}
		xs, ys = append(xs, ox), append(ys, oy)
	}
	if len(f.pts) < 2 {
		return nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, pt := range f.pts {
		lo, hi = min(lo, pt.y), max(hi, pt.y)
	}
	f.logY = lo > 0 && hi/lo > 30
	for i, o := range table.ParetoFront(xs, ys) {
		f.pts[i].optimal = o
	}
	b := ta.Balance
	for _, r := range []struct {
		name string
		p    table.BalancePoint
		col  color.Color
	}{{"λ_best", b.Best, colBest}, {"λ_1se", b.OneSE, col1SE}, {"knee", b.Knee, colKnee}, {"λ_overshadow", b.Overshadow, colOvershadow}} {
		if r.p.Point < 0 {
			continue
		}
		p := a.Summary.Points[r.p.Point]
		f.rings = append(f.rings, ring{p.Stats[a.Task.Index].Mean, p.Stats[ta.Metric.Index].Mean, r.name + " = " + table.FormatLambda(r.p.Lambda), r.col})
	}
	f.title = titled(opts, ta.Metric.Name+" against "+a.Task.Name+" as λ_"+ta.Term+" grows")
	f.xLabel = a.Task.Name + " (mean, 95% CI; " + table.Better(a.Task.Higher) + " is better)"
	f.yLabel = ta.Metric.Name + " (mean, 95% CI; " + table.Better(ta.Metric.Higher) + " is better for " + ta.Term + ")"
	if f.logY {
		f.yLabel = ta.Metric.Name + " (mean, 95% CI, log scale; " + table.Better(ta.Metric.Higher) + " is better for " + ta.Term + ")"
	}
	if excluded > 0 {
		f.note = fmt.Sprintf("%d point(s) left out (diverged runs or no value)", excluded)
	}
	return f
}

// WriteTo draws the figure and writes it as a PNG.
func (f *tradeoffFig) WriteTo(w io.Writer) (int64, error) {
	c := vgimg.NewWith(vgimg.UseWH(FigureWidth, FigureHeight), vgimg.UseDPI(FigureDPI))
	if err := DrawFramed(draw.New(c), f.title, f.subtitle, f.plot); err != nil {
		return 0, err
	}
	return WritePNG(w, c)
}

// labelOrder is the order in which the points get their λ labels: ringed
// points, the smallest and the largest λ, the other Pareto-optimal points,
// the dominated ones; within a group, in λ order.
func (f *tradeoffFig) labelOrder() []int {
	rank := func(i int) int {
		pt := f.pts[i]
		for _, r := range f.rings {
			if r.x == pt.x && r.y == pt.y { // the same point: bit identity is the point
				return 0
			}
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, q := range f.pts {
			lo, hi = min(lo, q.lambda), max(hi, q.lambda)
		}
		switch {
		case pt.lambda == lo || pt.lambda == hi:
			return 1
		case pt.optimal:
			return 2
		}
		return 3
	}
	idx := make([]int, len(f.pts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		return cmp.Compare(f.pts[a].lambda, f.pts[b].lambda)
	})
	return idx
}

func (f *tradeoffFig) plot() (*plot.Plot, plot.Legend, error) {
	p := NewPlot(f.xLabel, f.yLabel)
	if f.logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = clipTicks{LogTicks{}}
	}
	legend := NewLegend()
	muted := color.NRGBA{170, 170, 170, 255}
	lab := &pointLabels{radius: vg.Points(4)}
	f.labels = lab
	if err := f.addWhiskers(p, lab, muted); err != nil {
		return nil, legend, err
	}
	keepLabelsOffLine(lab, f.addFront(p, &legend, muted))
	// λ labels beside the points, muted for dominated ones, placed so
	// that none collides with another or with a point: the ringed
	// balance points first, then the ends of the λ range, the rest of
	// the front and the dominated points; a label with no room left is
	// left out.
	for _, i := range f.labelOrder() {
		pt := f.pts[i]
		col := color.Color(color.Black)
		if !pt.optimal {
			col = muted
		}
		lab.add(pt.x, pt.y, table.FormatLambda(pt.lambda), textStyle(7, col))
	}
	for i, r := range f.rings {
		rad := vg.Points(4.5 + 1.2*float64(i))
		sc := &plotter.Scatter{XYs: plotter.XYs{{X: r.x, Y: r.y}},
			GlyphStyle: draw.GlyphStyle{Color: r.col, Radius: rad, Shape: draw.RingGlyph{}}}
		p.Add(sc)
		LegendAdd(&legend, r.label, sc)
		lab.avoidMark(r.x, r.y, rad+vg.Points(0.5)) // the ring and its stroke
	}
	p.Add(lab) // over everything, clear of the rings
	if f.note != "" {
		legend.Add(f.note)
	}
	if f.cut > 0 {
		legend.Add(fmt.Sprintf("%d lower whisker(s) reach 0: not shown on the log axis", f.cut))
	}
	f.holdIntervals(p)
	f.roomForLabels(p)
	return p, legend, nil
}

// addWhiskers adds to p the 95% CIs of both metrics at every point as
// whiskers (in the front's colour, lighter, or muted for dominated
// points), below the markers, and makes lab's labels keep clear of them.
func (f *tradeoffFig) addWhiskers(p *plot.Plot, lab *pointLabels, muted color.Color) error {
	var front, dominated errPoints
	f.cut = 0
	for _, pt := range f.pts {
		e := &dominated
		if pt.optimal {
			e = &front
		}
		if !e.addCI(pt.cx, pt.cy, f.logY) {
			f.cut++
		}
	}
	for _, w := range []struct {
		e   errPoints
		col color.Color
	}{{dominated, withAlpha(muted, 200)}, {front, withAlpha(Palette[0], 150)}} {
		if len(w.e.XYs) == 0 {
			continue
		}
		bars, err := w.e.whiskers(draw.LineStyle{Color: w.col, Width: vg.Points(0.8)}, vg.Points(3))
		if err != nil {
			return err
		}
		p.Add(bars...)
		w.e.keepLabelsOff(lab)
	}
	return nil
}

// holdIntervals widens p's ranges to hold every mean and CI end, with a
// margin.
func (f *tradeoffFig) holdIntervals(p *plot.Plot) {
	ex, ey := newExtent(false), newExtent(f.logY)
	for _, pt := range f.pts {
		ex.addStat(pt.cx)
		ey.addStat(pt.cy)
	}
	ex.hold(&p.X)
	ey.hold(&p.Y)
}

// addFront adds to p and legend the dominated points (in muted) and the
// Pareto-optimal ones joined by a line in x order, which it returns.
func (f *tradeoffFig) addFront(p *plot.Plot, legend *plot.Legend, muted color.Color) plotter.XYs {
	var front, dominated plotter.XYs
	for _, pt := range f.pts {
		if pt.optimal {
			front = append(front, plotter.XY{X: pt.x, Y: pt.y})
		} else {
			dominated = append(dominated, plotter.XY{X: pt.x, Y: pt.y})
		}
	}
	slices.SortFunc(front, func(a, b plotter.XY) int {
		if c := table.CmpFloat(a.X, b.X); c != 0 {
			return c
		}
		return table.CmpFloat(a.Y, b.Y)
	})
	if len(dominated) > 0 {
		sc := &plotter.Scatter{XYs: dominated, GlyphStyle: draw.GlyphStyle{Color: muted, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}}
		p.Add(sc)
		LegendAdd(legend, "dominated", sc)
	}
	if len(front) > 0 {
		line := &plotter.Line{XYs: front, LineStyle: draw.LineStyle{Color: Palette[0], Width: vg.Points(1.5)}}
		sc := &plotter.Scatter{XYs: front, GlyphStyle: draw.GlyphStyle{Color: Palette[0], Radius: vg.Points(3), Shape: draw.CircleGlyph{}}}
		p.Add(line, sc)
		LegendAdd(legend, "Pareto-optimal", line, sc)
	}
	return front
}

// roomForLabels widens p's ranges to make room for the labels on the
// right and on top.
func (f *tradeoffFig) roomForLabels(p *plot.Plot) {
	if p.X.Min == p.X.Max {
		p.X.Min, p.X.Max = p.X.Min-0.01, p.X.Max+0.01
	}
	p.X.Max += 0.08 * (p.X.Max - p.X.Min)
	switch {
	case f.logY:
		p.Y.Max *= 1.3
	case p.Y.Min == p.Y.Max:
		p.Y.Min, p.Y.Max = p.Y.Min-0.01, p.Y.Max+0.01
	default:
		p.Y.Max += 0.04 * (p.Y.Max - p.Y.Min)
	}
}

// heatFig is a metric over the grid of two swept terms: one cell per
// (λ1, λ2), colored by the mean and labelled with it.
type heatFig struct {
	title, subtitle string
	xs, ys          []float64 // distinct λ of the two terms, ascending
	xTerm, yTerm    string
	z               [][]float64 // z[row][col]: mean at (xs[col], ys[row]); NaN = none
	higher          bool
	metric          string
}

func (h *heatFig) Dims() (c, r int)   { return len(h.xs), len(h.ys) }
func (h *heatFig) Z(c, r int) float64 { return h.z[r][c] }
func (h *heatFig) X(c int) float64    { return float64(c) }
func (h *heatFig) Y(r int) float64    { return float64(r) }

// heatmapFigures writes heat_<metric>.png for the task metric and each
// swept term's metric over the first two swept terms, the other swept
// terms (if any) at their reference λ.
func heatmapFigures(a *table.Analysis, fw *Writer, opts PlotOptions) ([]string, error) {
	// The terms of the first axis point (all of them without axes): a
	// term analysed at several axis values is still one term.
	var terms []table.TermAnalysis
	for _, ta := range a.Terms {
		if len(a.Terms) > 0 && slices.Equal(ta.Axes, a.Terms[0].Axes) {
			terms = append(terms, ta)
		}
	}
	if len(terms) < 2 {
		return nil, nil
	}
	t1, t2 := terms[0], terms[1]
	s := a.Summary
	var metrics []table.MetricChoice
	if a.Task.Index >= 0 {
		metrics = append(metrics, a.Task)
	}
	for _, ta := range terms[:2] {
		if ta.Metric.Index >= 0 && !slices.ContainsFunc(metrics, func(m table.MetricChoice) bool { return m.Name == ta.Metric.Name }) {
			metrics = append(metrics, ta.Metric)
		}
	}
	plane, xs, ys := heatPlane(s, t1, t2, terms[2:])
	var written []string
	for _, m := range metrics {
		h := &heatFig{xs: xs, ys: ys, xTerm: t1.Term, yTerm: t2.Term, higher: m.Higher, metric: m.Name, subtitle: opts.Description}
		h.z = make([][]float64, len(ys))
		for r := range h.z {
			h.z[r] = make([]float64, len(xs))
			for c := range h.z[r] {
				h.z[r][c] = math.NaN()
			}
		}
		for _, pi := range plane {
			p := s.Points[pi]
			if p.Diverged > 0 {
				continue
			}
			c, r := slices.Index(xs, p.Lambdas[t1.Index]), slices.Index(ys, p.Lambdas[t2.Index])
			h.z[r][c] = p.Stats[m.Index].Mean
		}
		h.title = titled(opts, m.Name+" over (λ_"+t1.Term+", λ_"+t2.Term+")")
		if err := fw.write("heat_"+m.Name+".png", h, &written); err != nil {
			return written, err
		}
	}
	return written, nil
}

// heatPlane returns the points of s on the (t1, t2) plane, every other
// swept term (rest) at its reference λ, and the distinct λ of t1 (xs) and
// t2 (ys) there, ascending.
func heatPlane(s *table.Summary, t1, t2 table.TermAnalysis, rest []table.TermAnalysis) (plane []int, xs, ys []float64) {
	_, slice1, _ := table.TermSlice(s, t1.Index)
	for pi, p := range s.Points {
		ok := slices.Equal(p.Axes, t1.Axes)
		for _, ta := range rest {
			if p.Lambdas[ta.Index] != s.Points[slice1[0]].Lambdas[ta.Index] {
				ok = false
			}
		}
		if ok {
			plane = append(plane, pi)
		}
	}
	for _, pi := range plane {
		if x := s.Points[pi].Lambdas[t1.Index]; !slices.Contains(xs, x) {
			xs = append(xs, x)
		}
		if y := s.Points[pi].Lambdas[t2.Index]; !slices.Contains(ys, y) {
			ys = append(ys, y)
		}
	}
	slices.Sort(xs)
	slices.Sort(ys)
	return plane, xs, ys
}

// WriteTo draws the heatmap and writes it as a PNG.
func (h *heatFig) WriteTo(w io.Writer) (int64, error) {
	c := vgimg.NewWith(vgimg.UseWH(FigureWidth, FigureHeight), vgimg.UseDPI(FigureDPI))
	if err := DrawFramed(draw.New(c), h.title, h.subtitle, h.plot); err != nil {
		return 0, err
	}
	return WritePNG(w, c)
}

// heatPalette runs from a light red (worse) through a light gray to a
// light blue (better), light enough for black labels on every cell: a
// linear interpolation in RGB over 64 steps.
func heatPalette(higher bool) plotpalette.Palette {
	worse, mid, good := color.NRGBA{235, 140, 120, 255}, color.NRGBA{238, 238, 238, 255}, color.NRGBA{120, 165, 235, 255}
	lo, hi := worse, good
	if !higher {
		lo, hi = good, worse
	}
	const n = 64
	cs := make(heatColors, n)
	lerp := func(a, b color.NRGBA, t float64) color.NRGBA {
		f := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + t*(float64(y)-float64(x)))) }
		return color.NRGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
	}
	for i := range cs {
		t := float64(i) / (n - 1)
		if t < 0.5 {
			cs[i] = lerp(lo, mid, 2*t)
		} else {
			cs[i] = lerp(mid, hi, 2*t-1)
		}
	}
	return cs
}

type heatColors []color.Color

func (c heatColors) Colors() []color.Color { return c }

func (h *heatFig) plot() (*plot.Plot, plot.Legend, error) {
	p := NewPlot("λ ("+h.xTerm+")", "λ ("+h.yTerm+")")
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range h.z {
		for _, v := range row {
			if table.IsFinite(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	legend := NewLegend()
	if !(lo <= hi) {
		return nil, legend, fmt.Errorf("heatmap %s: no value", h.metric)
	}
	hm := plotter.NewHeatMap(h, heatPalette(h.higher))
	hm.NaN = color.NRGBA{255, 255, 255, 255}
	if lo == hi {
		hm.Min, hm.Max = lo-1, hi+1
	}
	p.Add(hm)
	lab := &plotter.Labels{}
	for r, row := range h.z {
		for c, v := range row {
			txt := table.FormatNum(v)
			if !table.IsFinite(v) {
				txt = "n/a"
			}
			st := textStyle(7, color.Black)
			st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
			lab.XYs = append(lab.XYs, plotter.XY{X: float64(c), Y: float64(r)})
			lab.Labels = append(lab.Labels, txt)
			lab.TextStyle = append(lab.TextStyle, st)
		}
	}
	p.Add(lab)
	p.X.Tick.Marker = indexTicks(h.xs)
	p.Y.Tick.Marker = indexTicks(h.ys)
	p.X.Min, p.X.Max = -0.5, float64(len(h.xs))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(h.ys))-0.5
	legend.Add("cell = mean " + h.metric)
	legend.Add("bluer = better (" + table.Better(h.higher) + ")")
	legend.Add("white = no value")
	return p, legend, nil
}

// indexTicks labels the integer positions of a categorical axis with λ.
type indexTicks []float64

func (t indexTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for i, v := range t {
		ts = append(ts, plot.Tick{Value: float64(i), Label: table.FormatLambda(v)})
	}
	return ts
}
