package check

import (
	"fmt"
	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// CheckFigures writes one overlay PNG per checked metric into dir,
// check_<metric>.png: the baseline's mean and its tolerance band, this
// sweep's mean, and the regressed points marked. x is the term on the x
// axis ("" = the first swept term); the other swept terms are held at
// their reference λ. It returns the files written.
func CheckFigures(dir string, base, cur *table.Summary, rep *CheckReport, x, title string) ([]string, error) {
	if x == "" {
		x = figure.DefaultX(base)
	}
	xi := slices.Index(base.Terms, x)
	if xi < 0 || table.Distinct(base, xi) < 2 {
		return nil, nil // nothing swept: the table says it all
	}
	fixed, pts, _ := table.TermSlice(base, xi)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	var files []string
	for _, m := range rep.Metrics {
		bi, ci := slices.Index(base.Metrics, m), slices.Index(cur.Metrics, m)
		if bi < 0 || ci < 0 || !table.HasValues(base, bi) {
			continue
		}
		f := &overlayFig{metric: m, xTerm: x, fixed: fixed, title: title}
		for _, p := range pts {
			pc := findCheck(rep, m, p)
			if pc == nil {
				continue
			}
			f.lam = append(f.lam, base.Points[p].Lambdas[xi])
			f.checks = append(f.checks, *pc)
		}
		path := filepath.Join(dir, figure.FigureFileName("check_"+table.FileSafe(m)+".png"))
		if err := table.WriteFileAtomic(path, figure.WriteTo(f)); err != nil {
			return files, err
		}
		files = append(files, path)
	}
	return files, nil
}

func findCheck(rep *CheckReport, m string, point int) *PointCheck {
	for i := range rep.Points {
		if rep.Points[i].Metric == m && rep.Points[i].Point == point {
			return &rep.Points[i]
		}
	}
	return nil
}

// overlayFig is the baseline-versus-sweep figure of one metric.
type overlayFig struct {
	metric, xTerm, fixed, title string
	lam                         []float64 // λ of the x term, ascending
	checks                      []PointCheck
}

var (
	baseGray   = color.NRGBA{70, 70, 70, 255}
	bandFill   = color.NRGBA{150, 150, 150, 70}
	newBlue    = figure.Palette[0]
	regressRed = color.NRGBA{213, 0, 0, 255}
)

func (f *overlayFig) WriteTo(w io.Writer) (int64, error) {
	c := vgimg.NewWith(vgimg.UseWH(figure.FigureWidth, figure.FigureHeight), vgimg.UseDPI(figure.FigureDPI))
	n := 0
	for _, pc := range f.checks {
		if pc.Regressed {
			n++
		}
	}
	dir := map[string]string{"higher": "higher is better", "lower": "lower is better", "both": "either way is a change"}
	sub := fmt.Sprintf("%d of %d points regressed · %s", n, len(f.checks), dir[f.checks[0].Better])
	if f.fixed != "" {
		sub += " · " + f.fixed
	}
	title := f.metric + ": this sweep against the baseline"
	if f.title != "" {
		title = f.title + " — " + title
	}
	if err := figure.DrawFramed(draw.New(c), title, sub, f.plot); err != nil {
		return 0, err
	}
	return figure.WritePNG(w, c)
}

// xPos places λ on the axis: log10 λ, and λ = 0 one decade left of the
// smallest positive λ (a log axis cannot show 0), labelled "0".
func (f *overlayFig) xPos() (xs []float64, zero float64, logX bool) {
	minPos := math.Inf(1)
	for _, l := range f.lam {
		if l > 0 {
			minPos = math.Min(minPos, l)
		}
	}
	positives := 0
	for _, l := range f.lam {
		if l > 0 {
			positives++
		}
	}
	if positives < 2 || math.IsInf(minPos, 1) {
		return slices.Clone(f.lam), math.NaN(), false
	}
	zero = math.Floor(math.Log10(minPos)) - 1
	for _, l := range f.lam {
		if l > 0 {
			xs = append(xs, math.Log10(l))
		} else {
			xs = append(xs, zero)
		}
	}
	return xs, zero, true
}

func (f *overlayFig) plot() (*plot.Plot, plot.Legend, error) {
	p := figure.NewPlot("λ ("+f.xTerm+")", f.metric)
	xs, zero, logX := f.xPos()
	if logX {
		p.X.Tick.Marker = zeroLogTicks{zero: zero}
		p.X.Label.Text = "λ (" + f.xTerm + ", log scale; λ = 0 set one decade left of the smallest λ)"
	}
	legend := figure.NewLegend()

	// A metric that spans more than two decades, all positive (weight_l2
	// from λ = 0 to 1), reads on a log axis; the band's lower edge is
	// then clipped above 0.
	logY, floor := f.logY()
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = figure.LogTicks{}
	}
	lower := func(v float64) float64 {
		if logY {
			return math.Max(v, floor)
		}
		return v
	}
	band, baseXY, newXY, badXY := f.points(xs, lower)
	if len(baseXY) == 0 {
		return nil, legend, figure.ErrTooFewPoints
	}
	var bandPoly *plotter.Polygon
	if len(band) > 0 {
		bandPoly = &plotter.Polygon{XYs: band, Color: bandFill}
		bandPoly.LineStyle.Width = 0
		p.Add(bandPoly)
	}
	bl, bp, err := plotter.NewLinePoints(baseXY)
	if err != nil {
		return nil, legend, err
	}
	bl.LineStyle = draw.LineStyle{Color: baseGray, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
	bp.Shape, bp.Color, bp.Radius = draw.CircleGlyph{}, baseGray, vg.Points(2)
	p.Add(bl, bp)
	figure.LegendAdd(&legend, "baseline mean", bl, bp)
	if bandPoly != nil {
		figure.LegendAdd(&legend, "tolerance band", bandPoly)
	}
	if err := addSweepAndRegressed(p, &legend, newXY, badXY); err != nil {
		return nil, legend, err
	}
	return p, legend, nil
}

// points places the checks at xs: the rings of the tolerance band around
// the baseline mean (over the runs of consecutive points that have one,
// its lower edge through lower), the baseline's means, this sweep's means,
// and the regressed ones.
func (f *overlayFig) points(xs []float64, lower func(float64) float64) (band []plotter.XYs, baseXY, newXY, badXY plotter.XYs) {
	var cur plotter.XYs
	var lowers plotter.XYs
	flush := func() {
		if len(cur) > 0 {
			ring := slices.Clone(cur)
			for i := len(lowers) - 1; i >= 0; i-- {
				ring = append(ring, lowers[i])
			}
			band = append(band, ring)
		}
		cur, lowers = nil, nil
	}
	for i, pc := range f.checks {
		if table.IsFinite(pc.Base) {
			baseXY = append(baseXY, plotter.XY{X: xs[i], Y: pc.Base})
			cur = append(cur, plotter.XY{X: xs[i], Y: pc.Base + pc.Band})
			lowers = append(lowers, plotter.XY{X: xs[i], Y: lower(pc.Base - pc.Band)})
		} else {
			flush()
		}
		if table.IsFinite(pc.New) {
			newXY = append(newXY, plotter.XY{X: xs[i], Y: pc.New})
			if pc.Regressed {
				badXY = append(badXY, plotter.XY{X: xs[i], Y: pc.New})
			}
		}
	}
	flush()
	return band, baseXY, newXY, badXY
}

// addSweepAndRegressed adds to p and legend this sweep's means newXY and
// the regressed points badXY, when there are any.
func addSweepAndRegressed(p *plot.Plot, legend *plot.Legend, newXY, badXY plotter.XYs) error {
	if len(newXY) > 0 {
		nl, np, err := plotter.NewLinePoints(newXY)
		if err != nil {
			return err
		}
		nl.LineStyle = draw.LineStyle{Color: newBlue, Width: vg.Points(1.8)}
		np.Shape, np.Color, np.Radius = draw.CircleGlyph{}, newBlue, vg.Points(2.5)
		p.Add(nl, np)
		figure.LegendAdd(legend, "this sweep", nl, np)
	}
	if len(badXY) > 0 {
		rs, err := plotter.NewScatter(badXY)
		if err != nil {
			return err
		}
		rs.GlyphStyle = draw.GlyphStyle{Shape: figure.ThickCross{}, Color: regressRed, Radius: vg.Points(6)}
		ring, _ := plotter.NewScatter(badXY)
		ring.GlyphStyle = draw.GlyphStyle{Shape: draw.RingGlyph{}, Color: regressRed, Radius: vg.Points(7)}
		p.Add(rs, ring)
		figure.LegendAdd(legend, fmt.Sprintf("regressed (%d)", len(badXY)), rs)
	}
	return nil
}

// zeroLogTicks labels an axis in log10 λ units: integers as powers of
// ten, and the λ = 0 position as "0".
type zeroLogTicks struct{ zero float64 }

func (t zeroLogTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := []plot.Tick{{Value: t.zero, Label: "0"}}
	for k := math.Ceil(t.zero + 0.5); k <= math.Floor(hi); k++ {
		ticks = append(ticks, plot.Tick{Value: k, Label: figure.PowerOfTen(int(k))})
	}
	return ticks
}

// logY reports whether the figure's values are all positive and span more
// than two decades, and the floor below which the band is clipped.
func (f *overlayFig) logY() (bool, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, pc := range f.checks {
		for _, v := range []float64{pc.Base, pc.New} {
			if math.IsNaN(v) {
				continue
			}
			if v <= 0 || math.IsInf(v, 0) {
				return false, 0
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if !(hi > 100*lo) {
		return false, 0
	}
	return true, lo / 3
}
