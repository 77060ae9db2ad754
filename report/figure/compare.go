package figure

import (
	"cmp"
	"image/color"
	"io"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/lossexp/lossexp/report/table"
)

// compareFig puts several swept terms on one trade-off plot: for a metric
// they share (for example test.dp_diff for a fairness penalty and an
// adversary), each term's slice of the grid (the other terms at λ = 0)
// is one curve of task metric against that metric, λ ascending, from the
// common λ = 0 point. It answers "which method buys the most of the
// metric per unit of task metric lost?".
type compareFig struct {
	title, subtitle string
	xLabel, yLabel  string
	curves          []compareCurve
	ref             *plotter.XY // the all-zero point, when the grid has it
}

type compareCurve struct {
	term  string
	fixed string          // the other terms' λ on the slice, "adversary=0"
	pts   []tradeoffPoint // x: shared metric, y: task metric
}

// compareFigures writes compare_<metric>.png for every metric shared by
// two or more swept terms' slices (the terms' own metrics, and the
// spec's report metrics other than the task metric).
func compareFigures(a *table.Analysis, fw *Writer, opts PlotOptions) ([]string, error) {
	if len(a.Terms) < 2 || a.Task.Index < 0 {
		return nil, nil
	}
	var metrics []string
	for _, ta := range a.Terms {
		if ta.Metric.Index >= 0 && !slices.Contains(metrics, ta.Metric.Name) {
			metrics = append(metrics, ta.Metric.Name)
		}
	}
	for _, m := range opts.Metrics {
		if m != a.Task.Name && !slices.Contains(metrics, m) && slices.Contains(a.Summary.Metrics, m) {
			metrics = append(metrics, m)
		}
	}
	var files []string
	for _, m := range metrics {
		f := compareFigure(a, m, opts)
		if f == nil {
			continue
		}
		if err := fw.write("compare_"+m+".png", f, &files); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func compareFigure(a *table.Analysis, metric string, opts PlotOptions) *compareFig {
	mi := slices.Index(a.Summary.Metrics, metric)
	if mi < 0 {
		return nil
	}
	f := &compareFig{subtitle: opts.Description}
	seen := map[string]bool{}
	for _, ta := range a.Terms {
		if seen[ta.Term] {
			continue // one curve per term
		}
		seen[ta.Term] = true
		c := compareCurve{term: ta.Term, fixed: ta.Fixed}
		for _, pi := range ta.Points {
			p := a.Summary.Points[pi]
			x, y := p.Stats[mi].Mean, p.Stats[a.Task.Index].Mean
			if !table.IsFinite(x) || !table.IsFinite(y) || p.Diverged > 0 {
				continue
			}
			if pi == ta.Ref {
				f.ref = &plotter.XY{X: x, Y: y}
				continue
			}
			c.pts = append(c.pts, tradeoffPoint{lambda: p.Lambdas[ta.Index], x: x, y: y})
		}
		if len(c.pts) >= 2 {
			f.curves = append(f.curves, c)
		}
	}
	if len(f.curves) < 2 {
		return nil
	}
	dir := table.BetterHigher(a.Spec, metric)
	f.title = titled(opts, a.Task.Name+" against "+metric+", one curve per term (labels: λ)")
	f.xLabel = metric + " (mean"
	if dir != "" {
		f.xLabel += "; " + dir + " is better"
	}
	f.xLabel += ")"
	f.yLabel = a.Task.Name + " (mean; " + table.Better(a.Task.Higher) + " is better)"
	return f
}

// WriteTo draws the figure and writes it as a PNG.
func (f *compareFig) WriteTo(w io.Writer) (int64, error) {
	c := vgimg.NewWith(vgimg.UseWH(FigureWidth, FigureHeight), vgimg.UseDPI(FigureDPI))
	if err := DrawFramed(draw.New(c), f.title, f.subtitle, f.plot); err != nil {
		return 0, err
	}
	return WritePNG(w, c)
}

func (f *compareFig) plot() (*plot.Plot, plot.Legend, error) {
	p := NewPlot(f.xLabel, f.yLabel)
	legend := NewLegend()
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}}
	// One set of λ labels for every curve, so that no two collide: the
	// ends of each curve first, then the points between.
	lab := &pointLabels{radius: vg.Points(4)}
	if f.ref != nil {
		lab.avoid = append(lab.avoid, vg.Point{X: vg.Length(f.ref.X), Y: vg.Length(f.ref.Y)})
	}
	type labelled struct {
		curve, rank int
		pt          tradeoffPoint
	}
	var order []labelled
	for i, c := range f.curves {
		col := Palette[i%len(Palette)]
		xy := make(plotter.XYs, 0, len(c.pts)+1)
		if f.ref != nil {
			xy = append(xy, *f.ref)
		}
		for k, pt := range c.pts {
			xy = append(xy, plotter.XY{X: pt.x, Y: pt.y})
			rank := 1
			if k == 0 || k == len(c.pts)-1 {
				rank = 0
			}
			order = append(order, labelled{i, rank, pt})
		}
		line := &plotter.Line{XYs: xy, LineStyle: draw.LineStyle{Color: col, Width: vg.Points(1.5)}}
		sc := &plotter.Scatter{XYs: xy[len(xy)-len(c.pts):], GlyphStyle: draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: shapes[i%len(shapes)]}}
		p.Add(line, sc)
		name := "λ_" + c.term
		if c.fixed != "" {
			name += " (" + c.fixed + ")"
		}
		LegendAdd(&legend, name, line, sc)
	}
	slices.SortStableFunc(order, func(a, b labelled) int { return cmp.Compare(a.rank, b.rank) })
	for _, o := range order {
		lab.add(o.pt.x, o.pt.y, table.FormatLambda(o.pt.lambda), textStyle(7, Palette[o.curve%len(Palette)]))
	}
	p.Add(lab)
	if f.ref != nil {
		sc := &plotter.Scatter{XYs: plotter.XYs{*f.ref}, GlyphStyle: draw.GlyphStyle{Color: color.Black, Radius: vg.Points(4.5), Shape: draw.RingGlyph{}}}
		p.Add(sc)
		LegendAdd(&legend, "λ = 0 (no term)", sc)
	}
	if p.X.Min == p.X.Max {
		p.X.Min, p.X.Max = p.X.Min-0.01, p.X.Max+0.01
	}
	p.X.Max += 0.08 * (p.X.Max - p.X.Min)
	if p.Y.Min == p.Y.Max {
		p.Y.Min, p.Y.Max = p.Y.Min-0.01, p.Y.Max+0.01
	}
	p.Y.Max += 0.04 * (p.Y.Max - p.Y.Min)
	return p, legend, nil
}
