package figure

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/report/table"
)

// Colors and dashes of the balance-point marks.
var (
	colBest       = color.NRGBA{0, 158, 115, 255}   // bluish green
	col1SE        = color.NRGBA{230, 159, 0, 255}   // orange
	colKnee       = color.NRGBA{204, 121, 167, 255} // reddish purple
	colOvershadow = color.NRGBA{213, 94, 0, 255}    // vermillion
	colCross      = color.NRGBA{86, 180, 233, 255}  // sky blue
)

// BalanceMarks returns the balance points of a as marks for PlotOptions.
func BalanceMarks(a *table.Analysis) []Mark {
	var ms []Mark
	seen := map[string]int{} // axis points of each term so far
	for _, ta := range a.Terms {
		b := ta.Balance
		if len(ta.Axes) > 0 {
			// One curve per axis value: mark its λ_1se in the curve's
			// color (MetricFigure colors curves in axis order), and
			// leave the other points to balance.csv.
			k := seen[ta.Term]
			seen[ta.Term]++
			if b.OneSE.Point >= 0 {
				ms = append(ms, Mark{Term: ta.Term, Label: "λ_1se (" + ta.Tag() + ") = " + table.FormatLambda(b.OneSE.Lambda),
					Lambda: b.OneSE.Lambda, Color: Palette[k%len(Palette)], Dashes: []vg.Length{vg.Points(2), vg.Points(2)}})
			}
			continue
		}
		for _, m := range []struct {
			label string
			p     table.BalancePoint
			col   color.Color
			dash  []vg.Length
		}{
			{"λ_best", b.Best, colBest, []vg.Length{vg.Points(6), vg.Points(2)}},
			{"λ_1se", b.OneSE, col1SE, []vg.Length{vg.Points(2), vg.Points(2)}},
			{"knee", b.Knee, colKnee, []vg.Length{vg.Points(4), vg.Points(2), vg.Points(1), vg.Points(2)}},
			{"λ_overshadow", b.Overshadow, colOvershadow, []vg.Length{vg.Points(1), vg.Points(1.5)}},
		} {
			if m.p.Point < 0 {
				continue
			}
			ms = append(ms, Mark{Term: ta.Term, Label: m.label + " = " + table.FormatLambda(m.p.Lambda), Lambda: m.p.Lambda, Color: m.col, Dashes: m.dash})
		}
	}
	return ms
}

// sliceSummary is a Summary over the points pts of s with the metrics
// names, whose statistics stat gives: it lets MetricFigure draw derived
// quantities (gradient statistics, seconds) against λ.
func sliceSummary(s *table.Summary, pts []int, names []string, stat func(k, m int) table.Stat) *table.Summary {
	out := &table.Summary{Terms: s.Terms, Metrics: names}
	for k, pi := range pts {
		p := table.Point{Lambdas: s.Points[pi].Lambdas, N: s.Points[pi].N, Diverged: s.Points[pi].Diverged}
		for m := range names {
			p.Stats = append(p.Stats, stat(k, m))
		}
		out.Points = append(out.Points, p)
	}
	return out
}

// gradFigures writes, per swept term with gradient statistics,
// grad_ratio_vs_<term>.png (log–log, the line ratio = 1 and the crossing
// marked) and, when the cosine is measured, grad_cos_vs_<term>.png (mean
// cosine and fraction of conflicting steps).
func gradFigures(a *table.Analysis, fw *Writer, opts PlotOptions) ([]string, error) {
	var written []string
	for _, ta := range a.Terms {
		g := ta.Grad
		if g.Source == "" || len(g.Points) == 0 {
			continue
		}
		if f := gradRatioFig(&ta, opts); f != nil {
			if err := fw.write("grad_ratio_vs_"+ta.FileName()+".png", f, &written); err != nil {
				return written, err
			}
		}
		if !g.HasCos || g.NoShared {
			continue
		}
		if cf := gradCosFig(a, &ta, opts); cf != nil {
			if err := fw.write("grad_cos_vs_"+ta.FileName()+".png", cf, &written); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// gradRatioFig is the gradient norm ratio of term ta against λ (log–log,
// the line ratio = 1 and the crossing marked); nil with fewer than two λ
// that a log axis can show.
func gradRatioFig(ta *table.TermAnalysis, opts PlotOptions) *figure {
	g := ta.Grad
	f := &figure{logY: true, subtitle: opts.Description}
	sr := series{label: "mean ± 95% CI", col: Palette[0]}
	for _, gp := range g.Points {
		st := gp.Ratio
		if !(st.Mean > 0) || !table.IsFinite(st.Mean) {
			continue // λ = 0 (ratio 0) cannot stand on a log axis
		}
		if !(st.CILow > 0) {
			st.CILow, st.CIHigh = math.NaN(), math.NaN()
		}
		sr.xs, sr.pts = append(sr.xs, gp.Lambda), append(sr.pts, st)
	}
	if len(sr.xs) < 2 {
		return nil
	}
	f.logX = sr.xs[0] > 0
	f.series = []series{sr}
	f.hlines = []hLine{{1, "ratio = 1", refGray}}
	if table.IsFinite(g.Crossing) {
		f.marks = []Mark{{Term: ta.Term, Label: "crosses 1 at λ ≈ " + table.FormatLambda(g.Crossing), Lambda: g.Crossing, Color: colCross, Dashes: []vg.Length{vg.Points(4), vg.Points(2)}}}
	}
	f.title = titled(opts, "gradient norm ratio ‖λ·grad L_"+ta.Term+"‖ / ‖grad L_task‖")
	f.xLabel = xLabel(ta.Term, f.logX)
	f.yLabel = "gradient norm ratio (log scale, " + f.nLabel() + ")"
	if g.Source == table.CurvesFile {
		f.yLabel = "gradient norm ratio, last epoch (log, " + f.nLabel() + ")"
	}
	return f
}

// gradCosFig is the mean cosine between the task's and term ta's
// gradients and the fraction of conflicting steps against λ; nil with
// fewer than two λ with a value.
func gradCosFig(a *table.Analysis, ta *table.TermAnalysis, opts PlotOptions) *figure {
	g := ta.Grad
	names := []string{"mean cosine", "fraction of steps with cosine < 0"}
	ss := sliceSummary(a.Summary, ta.Points, names, func(k, m int) table.Stat {
		if m == 0 {
			return g.Points[k].Cos
		}
		return g.Points[k].Conflict
	})
	fig, err := MetricFigure(ss, ta.Index, []int{0, 1}, PlotOptions{})
	if err != nil {
		return nil // fewer than two λ with a value
	}
	cf := fig.(*figure)
	cf.title = titled(opts, "cosine between the task gradient and the "+ta.Term+" gradient")
	cf.subtitle = opts.Description
	cf.yLabel = "cosine / fraction (mean ± 95% CI, " + cf.nLabel() + ")"
	cf.hlines = []hLine{{0, "cosine = 0", refGray}}
	return cf
}

func titled(opts PlotOptions, t string) string {
	if opts.Title != "" {
		return opts.Title + ": " + t
	}
	return t
}

func xLabel(term string, logX bool) string {
	if logX {
		return "λ (" + term + ", log scale)"
	}
	return "λ (" + term + ")"
}

// costFigures writes cost_vs_<term>.png per swept term: seconds per epoch
// against λ along the term's slice.
func costFigures(a *table.Analysis, fw *Writer, opts PlotOptions) ([]string, error) {
	var written []string
	if a.Cost == nil {
		return nil, nil
	}
	for _, ta := range a.Terms {
		ss := sliceSummary(a.Summary, ta.Points, []string{"seconds per epoch"}, func(k, _ int) table.Stat {
			return a.Cost.Points[ta.Points[k]].Epoch
		})
		fig, err := MetricFigure(ss, ta.Index, []int{0}, PlotOptions{Title: opts.Title, Description: opts.Description})
		if err != nil {
			continue
		}
		if err := fw.write("cost_vs_"+ta.FileName()+".png", fig, &written); err != nil {
			return written, err
		}
	}
	return written, nil
}

// TrainingLambdas returns the λ of term ta whose training curves the report
// shows: 0, the balance points and the largest λ, at most five, ascending.
func TrainingLambdas(a *table.Analysis, ta *table.TermAnalysis) []int {
	var pts []int
	add := func(pi int) {
		if pi >= 0 && !slices.Contains(pts, pi) && len(pts) < 5 {
			pts = append(pts, pi)
		}
	}
	add(ta.Ref)
	add(ta.Balance.Best.Point)
	add(ta.Balance.Knee.Point)
	add(ta.Balance.OneSE.Point)
	add(ta.Balance.Overshadow.Point)
	if len(ta.Points) > 0 {
		add(ta.Points[len(ta.Points)-1])
	}
	if len(pts) < 3 && len(ta.Points) > 2 {
		add(ta.Points[len(ta.Points)/2])
	}
	slices.SortFunc(pts, func(x, y int) int {
		return table.CmpFloat(a.Summary.Points[x].Lambdas[ta.Index], a.Summary.Points[y].Lambdas[ta.Index])
	})
	return pts
}

// epochAcc accumulates one column of curves.csv per epoch at one point.
type epochAcc struct {
	sum []float64
	n   []int
}

// epochSums are the epoch sums loadEpochMeans gathered, by grid point and
// curves.csv column.
type epochSums map[[2]int]*epochAcc

// epochMeans returns, for grid point pi, the mean over its ok runs of
// curves.csv column col at each epoch (index e = epoch−1; NaN where no run
// has a value).
func epochMeans(m epochSums, pi int, col int) []float64 {
	acc := m[[2]int{pi, col}]
	if acc == nil {
		return []float64{}
	}
	out := make([]float64, len(acc.sum))
	for i := range acc.sum {
		out[i] = math.NaN()
		if acc.n[i] > 0 {
			out[i] = acc.sum[i] / float64(acc.n[i])
		}
	}
	return out
}

// loadEpochMeans reads, in one pass over runs.csv and one over
// curves.csv, the per-epoch sums of columns cols at points pts over their
// ok runs; only the runs of those points are held.
func loadEpochMeans(a *table.Analysis, pts, cols []int) (epochSums, error) {
	sums := epochSums{}
	if len(pts) == 0 || len(cols) == 0 {
		return sums, nil
	}
	index := table.PointIndex(a.Summary)
	want := map[int]bool{}
	for _, p := range pts {
		want[p] = true
	}
	runPoint := map[string]int{}
	if err := a.EachRun(func(r *table.Run) error {
		if p, ok := index[table.PointKey(r)]; ok && want[p] && r.Status == experiments.StatusOK {
			runPoint[r.RunID] = p
			for _, id := range r.FoldIDs { // the folds PoolFolds pooled
				runPoint[id] = p
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	c := a.Curves
	idC, epC := c.Col(table.ColRunID), c.Col(table.ColEpoch)
	return sums, c.Each(func(_ int, row []string) error {
		if len(row) != len(c.Header) {
			return nil
		}
		pi, ok := runPoint[row[idC]]
		if !ok {
			return nil
		}
		ep, err := strconv.Atoi(row[epC])
		if err != nil || ep < 1 {
			return nil
		}
		for _, col := range cols {
			v, err := table.ParseCell(row[col])
			if err != nil || !table.IsFinite(v) {
				continue
			}
			k := [2]int{pi, col}
			acc := sums[k]
			if acc == nil {
				acc = &epochAcc{}
				sums[k] = acc
			}
			for len(acc.sum) < ep {
				acc.sum, acc.n = append(acc.sum, 0), append(acc.n, 0)
			}
			acc.sum[ep-1] += v
			acc.n[ep-1]++
		}
		return nil
	})
}

// TrainingFigures writes training_<term>_<k>.png for the points of
// TrainingLambdas: the loss components per epoch (mean over the ok runs):
// the task loss on the batches, λ·L_term of every term with λ > 0, and
// the test loss, on a log axis.
func TrainingFigures(a *table.Analysis, fw *Writer, opts PlotOptions) (map[string][]string, error) {
	out := map[string][]string{}
	if a.Curves == nil {
		return out, nil
	}
	lc := lossCols{task: a.Curves.Col("loss.task"), test: a.Curves.Col("test.loss"), total: a.Curves.Col("loss.total")}
	if lc.task < 0 && lc.total < 0 {
		return out, nil
	}
	means, err := loadTrainingMeans(a, lc)
	if err != nil {
		return out, err
	}
	for _, ta := range a.Terms {
		for k, pi := range TrainingLambdas(a, &ta) {
			lf := trainingFig(a, &ta, pi, lc, means, opts)
			if len(lf.lines) == 0 {
				continue
			}
			var w []string
			if err := fw.write(fmt.Sprintf("training_%s_%d.png", ta.FileName(), k+1), lf, &w); err != nil {
				return out, err
			}
			out[ta.FileName()] = append(out[ta.FileName()], w...)
		}
	}
	return out, nil
}

// lossCols are the curves.csv columns of the training figures' losses
// (-1 where absent).
type lossCols struct{ task, test, total int }

// loadTrainingMeans loads, in one reading, the epoch means of every point
// and loss column the training figures need.
func loadTrainingMeans(a *table.Analysis, lc lossCols) (epochSums, error) {
	var pts, cols []int
	for _, ta := range a.Terms {
		for _, pi := range TrainingLambdas(a, &ta) {
			if !slices.Contains(pts, pi) {
				pts = append(pts, pi)
			}
		}
	}
	cs := []int{lc.task, lc.test, lc.total}
	for _, t := range a.Summary.Terms {
		cs = append(cs, a.Curves.Col("loss."+t))
	}
	for _, c := range cs {
		if c >= 0 && !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	return loadEpochMeans(a, pts, cols)
}

// trainingFig is the loss-components figure of term ta at point pi.
func trainingFig(a *table.Analysis, ta *table.TermAnalysis, pi int, lc lossCols, means epochSums, opts PlotOptions) *lineFig {
	p := a.Summary.Points[pi]
	lf := &lineFig{logY: true, xLabel: "epoch", yLabel: "loss (mean over ok runs, log scale)", subtitle: opts.Description}
	lf.title = titled(opts, fmt.Sprintf("loss components per epoch at λ_%s = %s", ta.Term, table.FormatLambda(p.Lambdas[ta.Index])))
	taskC, testC, totalC := lc.task, lc.test, lc.total
	if task := epochMeans(means, pi, taskC); anyFinite(task) || totalC < 0 {
		lf.addLogLine("task loss (train batches)", task, 1, Palette[0], nil)
	} else { // a training command that reports loss.total alone
		lf.addLogLine("total loss (train batches; no loss.task reported)", epochMeans(means, pi, totalC), 1, Palette[0], nil)
	}
	for j, t := range a.Summary.Terms {
		c := a.Curves.Col("loss." + t)
		if c < 0 || p.Lambdas[j] == 0 {
			continue
		}
		lf.addLogLine("λ·L_"+t+" (λ = "+table.FormatLambda(p.Lambdas[j])+")", epochMeans(means, pi, c), p.Lambdas[j], Palette[(2+j)%len(Palette)], nil)
	}
	if testC >= 0 {
		lf.addLogLine("test loss", epochMeans(means, pi, testC), 1, Palette[1], []vg.Length{vg.Points(5), vg.Points(3)})
	}
	return lf
}

// addLogLine adds the line of scale·ys per epoch (1-based) for a log
// axis: values ≤ 0 are left out, and a line with nothing else is named in
// a note.
func (lf *lineFig) addLogLine(label string, ys []float64, scale float64, col color.Color, dashes []vg.Length) {
	var xys plotter.XYs
	nonPos := 0
	for e, y := range ys {
		switch v := scale * y; {
		case table.IsFinite(v) && v > 0:
			xys = append(xys, plotter.XY{X: float64(e + 1), Y: v})
		case table.IsFinite(v):
			nonPos++
		}
	}
	switch {
	case len(xys) >= 1:
		lf.lines = append(lf.lines, lineSeries{label: label, xys: xys, col: col, dashes: dashes})
	case nonPos > 0: // a log axis cannot show it: say so
		lf.notes = append(lf.notes, label+": ≤ 0, not shown")
	}
}

// anyFinite reports whether x holds a finite value.
func anyFinite(x []float64) bool {
	return slices.ContainsFunc(x, table.IsFinite)
}

// lineFigDecades is how many decades below its largest value a log axis of
// a lineFig reaches at most.
const lineFigDecades = 8

// lineFig is a figure of plain lines (training curves).
type lineFig struct {
	title, subtitle string
	xLabel, yLabel  string
	logY            bool
	notes           []string // legend lines without a curve
	lines           []lineSeries
}

type lineSeries struct {
	label  string
	xys    plotter.XYs
	col    color.Color
	dashes []vg.Length
}

// WriteTo draws the figure and writes it as a PNG.
func (f *lineFig) WriteTo(w io.Writer) (int64, error) {
	c := vgimg.NewWith(vgimg.UseWH(FigureWidth, FigureHeight), vgimg.UseDPI(FigureDPI))
	if err := DrawFramed(draw.New(c), f.title, f.subtitle, f.plot); err != nil {
		return 0, err
	}
	return WritePNG(w, c)
}

func (f *lineFig) plot() (*plot.Plot, plot.Legend, error) {
	p := NewPlot(f.xLabel, f.yLabel)
	floor := math.Inf(-1)
	if f.logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = clipTicks{LogTicks{}}
		// A curve that falls towards 0 (a penalty driven to 1e-110) would
		// squeeze every other curve into a band at the top: the axis
		// spans at most lineFigDecades below the largest value, and the
		// label says so.
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, l := range f.lines {
			for _, xy := range l.xys {
				lo, hi = min(lo, xy.Y), max(hi, xy.Y)
			}
		}
		if f := hi * math.Pow10(-lineFigDecades); lo < f {
			floor = f
			p.Y.Label.Text += fmt.Sprintf("; below %s not shown", table.FormatLambda(floor))
		}
	}
	legend := NewLegend()
	for _, l := range f.lines {
		line := &plotter.Line{XYs: l.xys, LineStyle: draw.LineStyle{Color: l.col, Width: vg.Points(1.5), Dashes: l.dashes}}
		p.Add(line)
		LegendAdd(&legend, l.label, line)
	}
	for _, n := range f.notes {
		legend.Add(n)
	}
	p.Y.Min = max(p.Y.Min, floor) // after the lines set the range
	if f.logY && p.Y.Min == p.Y.Max && p.Y.Min > 0 {
		// One value (a full-batch run has a single epoch): gonum would
		// widen the range by ±1, below 0 on a log axis, and panic.
		p.Y.Min, p.Y.Max = p.Y.Min/2, p.Y.Max*2
	}
	return p, legend, nil
}

// NewPlot returns a plot with the house style: labels, ticks and a grid.
func NewPlot(xl, yl string) *plot.Plot {
	p := plot.New()
	p.X.Label.Text, p.Y.Label.Text = xl, yl
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = labelSize
		a.Tick.Label.Font.Size = tickSize
		a.Tick.Length = vg.Points(5)
		a.Tick.Marker = linTicks{}
	}
	addGrid(p)
	return p
}

// addGrid draws the light grey grid of every figure.
func addGrid(p *plot.Plot) {
	p.Add(&plotter.Grid{
		Vertical:   draw.LineStyle{Color: color.Gray{Y: 225}, Width: vg.Points(0.5)},
		Horizontal: draw.LineStyle{Color: color.Gray{Y: 225}, Width: vg.Points(0.5)},
	})
}

// NewLegend returns the legend style of every figure.
func NewLegend() plot.Legend {
	legend := plot.NewLegend()
	legend.TextStyle = textStyle(legendSize, color.Black)
	legend.Padding = vg.Points(3)
	legend.ThumbnailWidth = vg.Points(22)
	return legend
}

// clipTicks keeps the ticks of a marker that fall inside the axis range:
// on a vertical axis, labels outside it would still take room.
type clipTicks struct{ plot.Ticker }

func (c clipTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range c.Ticker.Ticks(lo, hi) {
		if t.Value >= lo*(1-1e-9) && t.Value <= hi*(1+1e-9) {
			out = append(out, t)
		}
	}
	return out
}
