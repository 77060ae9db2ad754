package figure

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/lossexp/lossexp/report/table"
)

// PlotOptions selects what Plot draws.
type PlotOptions struct {
	X           string   // term whose λ is the x axis; "" = the first swept term
	Metrics     []string // metrics to plot; nil = every metric that has values
	Title       string   // spec name, shown before the metric in each title
	Description string   // one sentence shown under the title

	// Marks are vertical lines drawn on the figures whose x axis is their
	// term: the balance points of the analysis. A mark at λ = 0 on a log
	// axis has no place on it and is named in the legend only.
	Marks []Mark

	// Workers is how many figures are drawn and written at once (a sweep
	// passes its worker count); 0 or 1 draws them one after another. The
	// files are the same bytes either way.
	Workers int
}

// Mark is a labelled λ of one term, drawn as a vertical line.
type Mark struct {
	Term   string
	Label  string // legend entry, e.g. "λ_best = 1e-3"
	Lambda float64
	Color  color.Color
	Dashes []vg.Length
}

// Figure size and resolution: 16×10 cm at 150 dpi (945×591 pixels).
const (
	FigureWidth  = 16 * vg.Centimeter
	FigureHeight = 10 * vg.Centimeter
	FigureDPI    = 150
)

// RefLabel is the legend entry of the λ = 0 reference.
const RefLabel = "λ = 0 (no term)"

// ErrNoSweptTerm is returned by Plot when no term takes more than one λ, so
// there is nothing to plot against.
var ErrNoSweptTerm = errors.New("report: no term is swept")

// ErrTooFewPoints says a metric has values at fewer than two λ of the x
// term: there is no curve to draw, so Plot writes no file for it.
var ErrTooFewPoints = errors.New("fewer than two λ with a value")

// Plot writes into dir one PNG per metric, <metric>_vs_<term>.png: the mean
// of the metric against the λ of the term opts.X, with its 95% confidence
// band, on a log axis when the term has at least two positive λ; the λ = 0
// runs (a log axis cannot show 0) are a dashed horizontal reference with a
// lighter band. When other terms are swept too, there is one curve per
// value of theirs. It also writes <base>_train_vs_test.png, train and test
// of the first of accuracy, loss and r2 that has both, on the same axes.
//
// Metrics without any value (test metrics without a test split), or with
// values at fewer than two λ, get no file. Plot returns the paths written, in order.
func Plot(dir string, s *table.Summary, opts PlotOptions) ([]string, error) {
	fw := NewWriter(dir, opts.Workers)
	written, err := PlotMetrics(fw, s, opts)
	if werr := fw.Wait(); err == nil && werr != nil {
		return written, werr
	}
	return written, err
}

// PlotMetrics is Plot writing through fw.
func PlotMetrics(fw *Writer, s *table.Summary, opts PlotOptions) ([]string, error) {
	xi, err := xTerm(s, opts.X)
	if err != nil {
		return nil, err
	}
	metrics := opts.Metrics
	if len(metrics) == 0 {
		metrics = s.Metrics
	}
	var written []string
	for _, m := range metrics {
		mi := slices.Index(s.Metrics, m)
		if mi < 0 {
			return written, fmt.Errorf("plot %s: no such metric in runs.csv (have %s)", m, strings.Join(s.Metrics, ", "))
		}
		if !table.HasValues(s, mi) {
			continue
		}
		fig, err := MetricFigure(s, xi, []int{mi}, opts)
		if errors.Is(err, ErrTooFewPoints) {
			continue
		}
		if err != nil {
			return written, fmt.Errorf("plot %s: %w", m, err)
		}
		if err := fw.write(m+"_vs_"+s.Terms[xi]+".png", fig, &written); err != nil {
			return written, err
		}
	}
	if base, train, other, ok := trainVsOther(s); ok {
		fig, err := MetricFigure(s, xi, []int{train, other}, opts)
		if errors.Is(err, ErrTooFewPoints) {
			return written, nil
		}
		if err != nil {
			return written, fmt.Errorf("plot %s train vs %s: %w", base, splitOf(s.Metrics[other]), err)
		}
		if err := fw.write(base+"_train_vs_"+splitOf(s.Metrics[other])+".png", fig, &written); err != nil {
			return written, err
		}
	}
	return written, nil
}

// WriteTo returns a write function for WriteFileAtomic that draws wt. A
// panic while drawing (gonum/plot panics on ranges it cannot tick) is a
// bug in lossexp, not bad input: it becomes an error naming it as such,
// so the temporary file is removed, the other figures are still written,
// and the command exits 1, not 2.
func WriteTo(wt io.WriterTo) func(io.Writer) error {
	return func(w io.Writer) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("draw: internal error (a bug in lossexp; please report it): %v", r)
			}
		}()
		_, err = wt.WriteTo(w)
		return err
	}
}

// DefaultX returns the first term with more than one distinct λ, or ""
// when no term is swept.
func DefaultX(s *table.Summary) string {
	for j, t := range s.Terms {
		if table.Distinct(s, j) > 1 {
			return t
		}
	}
	return ""
}

// xTerm resolves the x-axis term.
func xTerm(s *table.Summary, x string) (int, error) {
	if x == "" {
		if x = DefaultX(s); x == "" {
			return -1, ErrNoSweptTerm
		}
	}
	xi := slices.Index(s.Terms, x)
	if xi < 0 {
		return -1, fmt.Errorf("plot against %s: no such term in runs.csv (have %s)", x, strings.Join(s.Terms, ", "))
	}
	if len(s.Points) == 0 {
		return -1, fmt.Errorf("plot against %s: no grid point has runs to plot", x)
	}
	if table.Distinct(s, xi) < 2 {
		return -1, fmt.Errorf("plot against %s: λ takes a single value (%s), nothing to plot against", x, table.FormatLambda(s.Points[0].Lambdas[xi]))
	}
	return xi, nil
}

// trainVsOther finds the metric pair of the train-vs-test figure: train
// and test (else validation) of accuracy, else loss, else r2.
func trainVsOther(s *table.Summary) (base string, train, other int, ok bool) {
	for _, base := range []string{"accuracy", "loss", "r2"} {
		train := slices.Index(s.Metrics, "train."+base)
		if train < 0 || !table.HasValues(s, train) {
			continue
		}
		for _, split := range []string{"test", "validation"} {
			other := slices.Index(s.Metrics, split+"."+base)
			if other >= 0 && table.HasValues(s, other) {
				return base, train, other, true
			}
		}
	}
	return "", -1, -1, false
}

func splitOf(metric string) string {
	split, _, _ := strings.Cut(metric, ".")
	return split
}

// series is one curve of a figure: a metric at the points that share the
// λ of every swept term but x.
type series struct {
	label string
	col   color.Color
	pts   []table.Stat // curve points, x ascending
	xs    []float64    // their λ
	ref   *table.Stat  // the λ = 0 point, drawn as a reference line; nil if none
}

// figure is a rendered-on-demand chart; its WriteTo writes a PNG.
type figure struct {
	title, subtitle string
	xLabel, yLabel  string
	logX            bool
	series          []series
	diverged        []float64 // λ of the x term where every run diverged: marked on the axis
	refEntry        bool      // a generic legend entry for color-matched references

	logY   bool    // log y axis: means and bounds must be positive
	hlines []hLine // labelled horizontal references (e.g. ratio = 1)
	marks  []Mark  // vertical lines at λ
}

// hLine is a labelled horizontal reference line.
type hLine struct {
	y     float64
	label string
	col   color.Color
}

// Colors: the Okabe–Ito palette, safe for color-blind readers.
var Palette = []color.NRGBA{
	{0, 114, 178, 255},   // blue
	{213, 94, 0, 255},    // vermillion
	{0, 158, 115, 255},   // bluish green
	{204, 121, 167, 255}, // reddish purple
	{230, 159, 0, 255},   // orange
	{86, 180, 233, 255},  // sky blue
	{0, 0, 0, 255},       // black
}

var refGray = color.NRGBA{90, 90, 90, 255}

func withAlpha(c color.Color, a uint8) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// MetricFigure builds the figure of the metrics mis (indices in s.Metrics)
// against the λ of term xi; it draws nothing until written with WriteTo.
// One metric gives one curve per value of the other swept terms; several
// metrics (train vs test) one curve per metric and value.
func MetricFigure(s *table.Summary, xi int, mis []int, opts PlotOptions) (io.WriterTo, error) {
	xname := s.Terms[xi]
	var others []int // other swept terms
	for j := range s.Terms {
		if j != xi && table.Distinct(s, j) > 1 {
			others = append(others, j)
		}
	}
	logX, err := logXAxis(s, xi)
	if err != nil {
		return nil, err
	}
	groups := groupPoints(s, others)
	f := &figure{logX: logX}
	for _, mi := range mis {
		for _, g := range groups {
			sr := f.seriesOf(s, xi, mi, g, seriesLabel(s, mis, mi, others, g))
			if len(sr.pts) == 0 && sr.ref == nil {
				continue
			}
			f.series = append(f.series, sr)
		}
	}
	xs := map[float64]bool{}
	for _, sr := range f.series {
		for _, x := range sr.xs {
			xs[x] = true
		}
	}
	if len(xs) < 2 {
		return nil, ErrTooFewPoints
	}
	for i := range f.series {
		f.series[i].col = Palette[i%len(Palette)]
		if len(f.series) == 1 && f.series[i].label == "" {
			f.series[i].label = "mean ± 95% CI"
		}
	}
	f.refEntry = len(f.series) > 1
	f.labelMetrics(s, xname, mis, opts)
	return f, nil
}

// logXAxis reports whether the λ of term xi go on a log axis: all
// non-negative and finite, at least two of them positive. It is an error
// when they take a single value.
func logXAxis(s *table.Summary, xi int) (bool, error) {
	positive, nonneg := 0, true
	seen := map[float64]bool{}
	for _, p := range s.Points {
		x := p.Lambdas[xi]
		if x < 0 || !table.IsFinite(x) {
			nonneg = false
		}
		if x > 0 && !seen[x] {
			positive++
		}
		seen[x] = true
	}
	if len(seen) < 2 {
		return false, fmt.Errorf("λ of %s takes a single value", s.Terms[xi])
	}
	return nonneg && positive >= 2, nil
}

// pointGroup is the points of one curve: those sharing the λ of the other
// swept terms (key) and the axis values.
type pointGroup struct {
	key    []float64
	axes   []string
	points []int
}

// groupPoints groups the points of s by the λ of the terms others and by
// their axis values (one curve per axis value), in grid order.
func groupPoints(s *table.Summary, others []int) []pointGroup {
	var groups []pointGroup
	for pi, p := range s.Points {
		key := make([]float64, len(others))
		for k, j := range others {
			key[k] = p.Lambdas[j]
		}
		g := slices.IndexFunc(groups, func(g pointGroup) bool { return slices.Equal(g.key, key) && slices.Equal(g.axes, p.Axes) })
		if g < 0 {
			g = len(groups)
			groups = append(groups, pointGroup{key: key, axes: p.Axes})
		}
		groups[g].points = append(groups[g].points, pi)
	}
	return groups
}

// seriesLabel is the legend entry of the curve of metric mi over group g:
// the metric when the figure has several, the other terms' λ, the axes.
func seriesLabel(s *table.Summary, mis []int, mi int, others []int, g pointGroup) string {
	var labels []string
	if len(mis) > 1 {
		labels = append(labels, s.Metrics[mi])
	}
	for k, j := range others {
		labels = append(labels, s.Terms[j]+" = "+table.FormatLambda(g.key[k]))
	}
	for k, a := range g.axes {
		labels = append(labels, table.AxisLabel(s.Axes[k])+" = "+a)
	}
	return strings.Join(labels, ", ")
}

// seriesOf is the curve of metric mi over the points of g, λ of term xi
// ascending: the λ = 0 point is its reference on a log axis, and a point
// without a value whose runs all diverged is added to f.diverged.
func (f *figure) seriesOf(s *table.Summary, xi, mi int, g pointGroup, label string) series {
	sr := series{label: label}
	idx := slices.Clone(g.points)
	slices.SortStableFunc(idx, func(a, b int) int {
		return table.CmpFloat(s.Points[a].Lambdas[xi], s.Points[b].Lambdas[xi])
	})
	for _, pi := range idx {
		st := s.Points[pi].Stats[mi]
		x := s.Points[pi].Lambdas[xi]
		if !table.IsFinite(st.Mean) {
			// No value: the point is missing. When its runs all
			// diverged, the axis says so with a mark.
			if p := s.Points[pi]; p.N > 0 && p.Diverged == p.N && !(f.logX && x == 0) && !slices.Contains(f.diverged, x) {
				f.diverged = append(f.diverged, x)
			}
			continue
		}
		if f.logX && x == 0 {
			sr.ref = &st
			continue
		}
		sr.xs = append(sr.xs, x)
		sr.pts = append(sr.pts, st)
	}
	return sr
}

// labelMetrics sets the title, the axis labels and the marks of the figure
// of metrics mis against term xname.
func (f *figure) labelMetrics(s *table.Summary, xname string, mis []int, opts PlotOptions) {
	name := s.Metrics[mis[0]]
	if len(mis) > 1 {
		_, base, _ := strings.Cut(name, ".")
		name = base
		others := make([]string, 0, len(mis))
		for _, mi := range mis {
			others = append(others, splitOf(s.Metrics[mi]))
		}
		f.title = strings.Join(others, " vs ") + " " + base
	} else {
		f.title = name
	}
	if opts.Title != "" {
		f.title = opts.Title + ": " + f.title
	}
	f.subtitle = opts.Description
	if f.logX {
		f.xLabel = "λ (" + xname + ", log scale)"
	} else {
		f.xLabel = "λ (" + xname + ")"
	}
	f.yLabel = name + " (mean ± 95% CI, " + f.nLabel() + ")"
	for _, m := range opts.Marks {
		if m.Term == xname && table.IsFinite(m.Lambda) {
			f.marks = append(f.marks, m)
		}
	}
}

// nLabel says how many runs each mean is over: "n=5", or "n=3–5" when
// divergences or missing values make it vary.
func (f *figure) nLabel() string {
	lo, hi := math.MaxInt, 0
	add := func(st table.Stat) { lo, hi = min(lo, st.N), max(hi, st.N) }
	for _, sr := range f.series {
		for _, st := range sr.pts {
			add(st)
		}
		if sr.ref != nil {
			add(*sr.ref)
		}
	}
	if lo == hi {
		return "n=" + strconv.Itoa(lo)
	}
	return "n=" + strconv.Itoa(lo) + "–" + strconv.Itoa(hi)
}

// Font sizes, in points, for a figure read at 16 cm wide.
const (
	titleSize    = 11
	subtitleSize = 8
	labelSize    = 9
	tickSize     = 8
	legendSize   = 8
)

func textStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{
		Color:   c,
		Font:    font.From(plot.DefaultFont, size),
		Handler: plot.DefaultTextHandler,
	}
}

// WriteTo draws the figure and writes it as a PNG.
func (f *figure) WriteTo(w io.Writer) (int64, error) {
	c := vgimg.NewWith(vgimg.UseWH(FigureWidth, FigureHeight), vgimg.UseDPI(FigureDPI))
	if err := f.Draw(draw.New(c)); err != nil {
		return 0, err
	}
	return WritePNG(w, c)
}

// Draw draws the figure on c: title and subtitle on top, the legend in a
// strip on the right so it never hides data, the plot in the rest.
func (f *figure) Draw(c draw.Canvas) error {
	return DrawFramed(c, f.title, f.subtitle, f.plot)
}

// DrawFramed draws a titled figure whose plot and legend build returns,
// on a canvas whose background is already painted: vgimg.NewWith fills
// its image with white (its background colour) as it makes it, so a
// second, anti-aliased fill of the whole canvas (one pixel at a time,
// about a tenth of a figure's drawing) would change no pixel.
func DrawFramed(c draw.Canvas, title, subtitle string, build func() (*plot.Plot, plot.Legend, error)) error {
	const margin = 0.3 * vg.Centimeter
	c = draw.Crop(c, margin, -margin, margin, -margin)

	// Title and subtitle.
	ts := textStyle(titleSize, color.Black)
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
	ts.Font.Weight = 700
	c.FillText(ts, vg.Point{X: c.Center().X, Y: c.Max.Y}, fit(ts, title, c.Size().X))
	top := ts.Height(title)
	if subtitle != "" {
		ss := textStyle(subtitleSize, color.Gray{Y: 70})
		ss.XAlign, ss.YAlign = draw.XCenter, draw.YTop
		c.FillText(ss, vg.Point{X: c.Center().X, Y: c.Max.Y - top - 2}, fit(ss, subtitle, c.Size().X))
		top += ss.Height(subtitle) + 2
	}
	c = draw.Crop(c, 0, 0, 0, -(top + 0.2*vg.Centimeter))

	p, legend, err := build()
	if err != nil {
		return err
	}
	lw := legendWidth(legend)
	legend.Top, legend.Left = true, true
	legendC := draw.Crop(c, c.Size().X-lw, 0, 0, 0)
	legendC = draw.Crop(legendC, 0, 0, 0, -0.4*vg.Centimeter) // level with the plot's top
	pc := draw.Crop(c, 0, -(lw + 0.3*vg.Centimeter), 0, 0)
	if _, isLog := p.Y.Scale.(plot.LogScale); isLog && p.Y.Label.Text != "" {
		// gonum/plot centres the y label at the linear midpoint of the
		// range, which a log axis puts near the top: the plot then shrinks
		// to make room above. Draw the label here, centred on the canvas.
		ls := p.Y.Label.TextStyle
		ls.Rotation = math.Pi / 2
		ls.XAlign, ls.YAlign = draw.XCenter, draw.YTop
		h := ls.Height(p.Y.Label.Text)
		pc.FillText(ls, vg.Point{X: pc.Min.X, Y: pc.Center().Y}, fit(ls, p.Y.Label.Text, pc.Size().Y))
		p.Y.Label.Text = ""
		pc = draw.Crop(pc, h+p.Y.Label.Padding, 0, 0, 0)
	}
	padFlat(&p.X)
	padFlat(&p.Y)
	p.Draw(pc)
	legend.Draw(legendC)
	return nil
}

// fit shortens txt with an ellipsis until it fits in width.
func fit(sty text.Style, txt string, width vg.Length) string {
	if sty.Width(txt) <= width {
		return txt
	}
	r := []rune(txt)
	for len(r) > 0 && sty.Width(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

func legendWidth(l plot.Legend) vg.Length {
	var c draw.Canvas
	r := l.Rectangle(c)
	return r.Size().X
}

// plot builds the gonum plot and its legend (drawn apart by Draw).
func (f *figure) plot() (*plot.Plot, plot.Legend, error) {
	p := NewPlot(f.xLabel, f.yLabel)
	if f.logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = LogTicks{}
	}
	if f.logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = clipTicks{LogTicks{}}
	}
	legend := NewLegend()

	// The x extent of the reference lines: the curves' λ range.
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, sr := range f.series {
		for _, x := range sr.xs {
			xmin, xmax = min(xmin, x), max(xmax, x)
		}
	}
	if !(xmin < xmax) {
		return nil, legend, ErrTooFewPoints
	}

	// Bands first so that lines and markers are drawn over them.
	refs, refThumbs := f.references(p, xmin, xmax)
	lines := f.curves(p, &legend)
	if refThumbs != nil {
		LegendAdd(&legend, RefLabel, refThumbs...)
	}
	if f.refEntry && len(refs) > 0 {
		LegendAdd(&legend, RefLabel, hline(0, 1, 0, refGray))
	}
	for _, h := range f.hlines {
		l := hline(xmin, xmax, h.y, h.col)
		refs = append(refs, l)
		LegendAdd(&legend, h.label, l)
	}
	p.Add(refs...)
	p.Add(lines...)
	f.addMarks(p, &legend)
	f.yExtent().hold(&p.Y)
	return p, legend, nil
}

// yExtent is what the y axis must hold: every mean and CI end of the
// curves and the λ = 0 references, and the horizontal reference lines.
func (f *figure) yExtent() extent {
	e := newExtent(f.logY)
	for _, sr := range f.series {
		for _, st := range sr.pts {
			e.addStat(st)
		}
		if sr.ref != nil {
			e.addStat(*sr.ref)
		}
	}
	for _, h := range f.hlines {
		e.add(h.y)
	}
	return e
}

// references adds to p the bands of the λ = 0 references from xmin to
// xmax and returns their lines, to be added over the curves' bands, and,
// when the figure has no generic reference entry, the legend entry of the
// (single) reference.
func (f *figure) references(p *plot.Plot, xmin, xmax float64) (refs []plot.Plotter, thumbs []plot.Thumbnailer) {
	for _, sr := range f.series {
		if sr.ref == nil {
			continue
		}
		refCol := sr.col
		if !f.refEntry {
			refCol = refGray
		}
		var band *plotter.Polygon
		if table.IsFinite(sr.ref.CILow) {
			band = polygon([]float64{xmin, xmax}, []table.Stat{*sr.ref, *sr.ref}, withAlpha(refCol, 28))
			p.Add(band)
		}
		line := hline(xmin, xmax, sr.ref.Mean, refCol)
		refs = append(refs, line)
		if !f.refEntry {
			thumbs = []plot.Thumbnailer{band, line}
		}
	}
	return refs, thumbs
}

// curves adds to p the confidence bands of the series and returns their
// lines and markers, entering each series in legend.
func (f *figure) curves(p *plot.Plot, legend *plot.Legend) []plot.Plotter {
	var lines []plot.Plotter
	for _, sr := range f.series {
		var band plot.Thumbnailer
		for _, run := range finiteRuns(sr.pts) {
			if run[1]-run[0] < 2 {
				continue
			}
			poly := polygon(sr.xs[run[0]:run[1]], sr.pts[run[0]:run[1]], withAlpha(sr.col, 56))
			p.Add(poly)
			band = poly
		}
		xys := make(plotter.XYs, len(sr.pts))
		for i, st := range sr.pts {
			xys[i] = plotter.XY{X: sr.xs[i], Y: st.Mean}
		}
		if len(xys) == 0 {
			continue
		}
		line := &plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Color: sr.col, Width: vg.Points(1.5)}}
		marks := &plotter.Scatter{XYs: xys, GlyphStyle: draw.GlyphStyle{Color: sr.col, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}}
		lines = append(lines, line, marks)
		if band != nil {
			LegendAdd(legend, sr.label, band, line, marks)
		} else {
			LegendAdd(legend, sr.label, line, marks)
		}
	}
	return lines
}

// addMarks adds to p and legend the diverged points and the λ marks.
func (f *figure) addMarks(p *plot.Plot, legend *plot.Legend) {
	if len(f.diverged) > 0 {
		dm := &divergedMarks{xs: f.diverged}
		p.Add(dm)
		LegendAdd(legend, "all runs diverged", dm)
	}
	for _, m := range f.marks {
		v := &vLine{x: m.Lambda, style: markStyle(m)}
		if !(f.logX && m.Lambda <= 0) {
			p.Add(v)
		}
		LegendAdd(legend, m.Label, v)
	}
}

func LegendAdd(l *plot.Legend, name string, thumbs ...plot.Thumbnailer) {
	var ts []plot.Thumbnailer
	for _, t := range thumbs {
		if t != nil && !isNilPolygon(t) {
			ts = append(ts, t)
		}
	}
	l.Add(name, ts...)
}

func isNilPolygon(t plot.Thumbnailer) bool {
	p, ok := t.(*plotter.Polygon)
	return ok && p == nil
}

// finiteRuns returns the [start, end) ranges of consecutive points whose
// confidence interval is defined: a band is drawn over each.
func finiteRuns(pts []table.Stat) [][2]int {
	var runs [][2]int
	start := -1
	for i := 0; i <= len(pts); i++ {
		ok := i < len(pts) && table.IsFinite(pts[i].CILow) && table.IsFinite(pts[i].CIHigh)
		switch {
		case ok && start < 0:
			start = i
		case !ok && start >= 0:
			runs = append(runs, [2]int{start, i})
			start = -1
		}
	}
	return runs
}

// polygon returns the band between the CI bounds of pts over xs.
func polygon(xs []float64, pts []table.Stat, fill color.Color) *plotter.Polygon {
	ring := make(plotter.XYs, 0, 2*len(pts))
	for i, st := range pts {
		ring = append(ring, plotter.XY{X: xs[i], Y: st.CIHigh})
	}
	for i := len(pts) - 1; i >= 0; i-- {
		ring = append(ring, plotter.XY{X: xs[i], Y: pts[i].CILow})
	}
	return &plotter.Polygon{XYs: []plotter.XYs{ring}, Color: fill}
}

// hline is a dashed horizontal line at y from x0 to x1.
func hline(x0, x1, y float64, c color.Color) *plotter.Line {
	return &plotter.Line{
		XYs: plotter.XYs{{X: x0, Y: y}, {X: x1, Y: y}},
		LineStyle: draw.LineStyle{
			Color:  c,
			Width:  vg.Points(1.2),
			Dashes: []vg.Length{vg.Points(5), vg.Points(3)},
		},
	}
}

// LogTicks marks every power of ten, labelled 1e-5 … 1e-1, with unlabelled
// minor ticks between; when the range spans less than two decades it
// labels 2× and 5× too, so that an axis always has several labels.
type LogTicks struct{}

func (LogTicks) Ticks(lo, hi float64) []plot.Tick {
	if lo <= 0 || hi <= 0 || lo > hi {
		return nil
	}
	k0 := int(math.Floor(math.Log10(lo)))
	k1 := int(math.Ceil(math.Log10(hi)))
	decades := 0
	for k := k0; k <= k1; k++ {
		if v := math.Pow10(k); v >= lo && v <= hi {
			decades++
		}
	}
	// On a wide axis (a training curve from 1e-110 to 10) minor ticks
	// would merge into a solid bar: above 12 decades only powers of ten
	// get a tick, above 40 only the labelled ones.
	minor := k1-k0 <= 12
	step := 1 + (k1-k0)/9 // label every step-th decade on very wide axes
	var ticks []plot.Tick
	for k := k0; k <= k1; k++ {
		base := math.Pow10(k)
		for i := 1; i < 10; i++ {
			t := plot.Tick{Value: base * float64(i)}
			switch {
			case i == 1 && (k-k0)%step == 0:
				t.Label = PowerOfTen(k)
			case decades < 2 && (i == 2 || i == 5):
				t.Label = table.FormatLambda(t.Value)
			}
			if t.Label != "" || (i == 1 && k1-k0 <= 40) || (i > 1 && minor) {
				ticks = append(ticks, t)
			}
			if k == k1 || !minor {
				break
			}
		}
	}
	return labelInside(ticks, lo, hi)
}

// labelInside makes sure the log ticks of [lo, hi] label at least two
// values. An axis inside one decade (0.69 to 0.93) may hold no power of
// ten and no 2× or 5×: label every tick in the range, and when fewer than
// three fall in it, use round linear steps instead.
func labelInside(ticks []plot.Tick, lo, hi float64) []plot.Tick {
	in := func(v float64) bool { return v >= lo*(1-1e-9) && v <= hi*(1+1e-9) }
	labelled, inside := 0, 0
	for _, t := range ticks {
		if in(t.Value) {
			inside++
			if t.Label != "" {
				labelled++
			}
		}
	}
	switch {
	case labelled >= 2:
	case inside >= 3:
		for i := range ticks {
			if in(ticks[i].Value) {
				ticks[i].Label = table.FormatLambda(ticks[i].Value)
			}
		}
	default:
		return linTicks{}.Ticks(lo, hi)
	}
	return ticks
}

// PowerOfTen writes 10^k as 1e-5, the notation of the legends: the
// bundled fonts have superscript digits but no superscript minus, and the
// LaTeX text handler does not typeset exponents.
func PowerOfTen(k int) string {
	return table.FormatLambda(math.Pow10(k))
}

// markStyle is the line style of a mark: its color (default dark gray),
// 1.2 points wide, its dashes (default 2-2).
func markStyle(m Mark) draw.LineStyle {
	st := draw.LineStyle{Color: m.Color, Width: vg.Points(1.2), Dashes: m.Dashes}
	if st.Color == nil {
		st.Color = color.Gray{Y: 60}
	}
	if st.Dashes == nil {
		st.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	}
	return st
}

// vLine is a vertical line at x across the whole plot area; it takes no
// part in the axis ranges.
type vLine struct {
	x     float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (v *vLine) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, _ := plt.Transforms(&c)
	x := trX(v.x)
	c.StrokeLines(v.style, []vg.Point{{X: x, Y: c.Min.Y}, {X: x, Y: c.Max.Y}})
}

// Thumbnail implements plot.Thumbnailer: a short vertical stroke.
func (v *vLine) Thumbnail(c *draw.Canvas) {
	x := c.Center().X
	c.StrokeLines(v.style, []vg.Point{{X: x, Y: c.Min.Y}, {X: x, Y: c.Max.Y}})
}

// divergedMarks marks, on the bottom edge of the plotting area, the λ
// where every run diverged: such a point has no value to draw, and
// without a mark it would silently vanish from the curve.
type divergedMarks struct{ xs []float64 }

var divergedRed = color.NRGBA{213, 0, 0, 255}

func (d *divergedMarks) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, _ := plt.Transforms(&c)
	sty := draw.GlyphStyle{Shape: ThickCross{}, Color: divergedRed, Radius: vg.Points(5)}
	for _, x := range d.xs {
		pt := vg.Point{X: trX(x), Y: c.Min.Y + vg.Points(7)}
		if c.Contains(pt) {
			c.DrawGlyph(sty, pt)
		}
	}
}

// DataRange widens the x axis to the marks and leaves y alone.
func (d *divergedMarks) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, x := range d.xs {
		xmin, xmax = min(xmin, x), max(xmax, x)
	}
	return xmin, xmax, math.Inf(1), math.Inf(-1)
}

func (d *divergedMarks) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(draw.GlyphStyle{Shape: ThickCross{}, Color: divergedRed, Radius: vg.Points(4)}, c.Center())
}

// ThickCross is a × drawn with 2-point strokes, readable over a line.
type ThickCross struct{}

func (ThickCross) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(2)})
	r := sty.Radius * 0.75
	var p vg.Path
	p.Move(vg.Point{X: pt.X - r, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y + r})
	p.Move(vg.Point{X: pt.X - r, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y - r})
	c.Stroke(p)
}
