package figure

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/lossexp/lossexp/report/table"
	"github.com/lossexp/lossexp/spec"
)

// maxSamplePanels is the most λ values a samples figure shows.
const maxSamplePanels = 4

// sampleKinds are the kinds of samples.csv that have a figure: its file
// name and how the panel of one run is drawn on p (titled already). A new
// kind is one row here.
var sampleKinds = map[string]struct {
	file  string
	panel func(p *plot.Plot, r table.SampleRun) error
}{
	"scatter":  {"samples_adversarial.png", scatterPanel},
	"images":   {"samples_perceptual.png", imagesPanel},
	"sequence": {"samples_temporal.png", sequencePanel},
}

// samplesFigures draws the figure of dir/samples.csv, when present:
// samples_adversarial.png (real and generated (x, y) at a few λ),
// samples_perceptual.png (input / restored / target images at a few λ)
// or samples_temporal.png (one test sequence's true and predicted labels
// at a few λ). It returns the files written.
func samplesFigures(fw *Writer) ([]string, error) {
	s, err := table.ReadSamples(filepath.Join(fw.dir, table.SamplesFile))
	if err != nil || s == nil || len(s.Runs) == 0 {
		return nil, err
	}
	kind, ok := sampleKinds[s.Kind]
	if !ok {
		return nil, nil
	}
	runs := pickRuns(s.Runs, maxSamplePanels)
	var plots []*plot.Plot
	for _, r := range runs {
		p := plot.New()
		p.Title.Text = lambdaTitle(s.Terms, r.Lambdas)
		if err := kind.panel(p, r); err != nil {
			return nil, fmt.Errorf("samples figure: %w", err)
		}
		plots = append(plots, p)
	}
	fig := samplesFigure{plots: plots, cols: 1}
	if s.Kind == "images" {
		fig.width = 26 * vg.Centimeter // six input|restored|target triples a row
		fig.rowH = 2.6 * vg.Centimeter
	}
	if s.Kind == "scatter" {
		fig.cols = len(plots)
	}
	var written []string
	err = fw.write(kind.file, fig, &written)
	return written, err
}

// scatterPanel draws the real and the generated (x, y) of an adversarial
// run.
func scatterPanel(p *plot.Plot, r table.SampleRun) error {
	real, fake := make(plotter.XYs, len(r.Rows)), make(plotter.XYs, len(r.Rows))
	for i, row := range r.Rows {
		real[i] = plotter.XY{X: row[0], Y: row[1]}
		fake[i] = plotter.XY{X: row[0], Y: row[2]}
	}
	for j, xy := range []plotter.XYs{real, fake} {
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return err
		}
		sc.GlyphStyle.Radius = vg.Points(1.6)
		sc.GlyphStyle.Color = []color.Color{color.Gray{Y: 150}, color.RGBA{R: 214, G: 39, B: 40, A: 255}}[j]
		p.Add(sc)
		p.Legend.Add([]string{"real (x, y)", "generated (x, ŷ)"}[j], sc)
	}
	p.X.Label.Text, p.Y.Label.Text = "x (standardized)", "y"
	p.Legend.Top, p.Legend.Left = true, true
	// Headroom above the data so the legend does not hide points.
	p.Y.Max += 0.35 * (p.Y.Max - p.Y.Min)
	return nil
}

// imagesPanel draws the input, restored and target images of a
// perceptual run.
func imagesPanel(p *plot.Plot, r table.SampleRun) error {
	p.Add(&imageStrip{rows: r.Rows})
	p.HideAxes()
	p.Title.Text += "    (input | restored | target)"
	return nil
}

// sequencePanel draws a test sequence's true and predicted labels.
func sequencePanel(p *plot.Plot, r table.SampleRun) error {
	truth, pred := make(plotter.XYs, len(r.Rows)), make(plotter.XYs, len(r.Rows))
	for i, row := range r.Rows {
		truth[i] = plotter.XY{X: row[0], Y: row[1]}
		pred[i] = plotter.XY{X: row[0], Y: row[2] + 0.08}
	}
	for j, xy := range []plotter.XYs{truth, pred} {
		l, err := plotter.NewLine(xy)
		if err != nil {
			return err
		}
		l.StepStyle = plotter.PreStep
		l.Color = []color.Color{color.Black, color.RGBA{R: 31, G: 119, B: 180, A: 255}}[j]
		l.Width = vg.Points([]float64{1.5, 1}[j])
		p.Add(l)
		p.Legend.Add([]string{"true label", "predicted"}[j], l)
	}
	p.X.Label.Text, p.Y.Label.Text = "frame", "label"
	p.Legend.Top = true
	// Headroom above the labels so the legend does not hide the
	// last frames' steps.
	top := p.Y.Max
	p.Y.Min, p.Y.Max = math.Min(p.Y.Min, 0), top+1.2*(top-math.Min(p.Y.Min, 0))
	// Ticks at the labels that exist, not in the headroom.
	var ticks []plot.Tick
	for v := 0.0; v <= math.Floor(top); v++ {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	return nil
}

// pickRuns returns up to k runs spread evenly over rs (the first and the
// last included): the λ = 0 reference and the largest λ.
func pickRuns(rs []table.SampleRun, k int) []table.SampleRun {
	if len(rs) <= k {
		return rs
	}
	out := make([]table.SampleRun, k)
	for i := range k {
		out[i] = rs[int(math.Round(float64(i)*float64(len(rs)-1)/float64(k-1)))]
	}
	return out
}

func lambdaTitle(terms []string, l []float64) string {
	return spec.TupleLabel(terms, l, func(t string, v float64) string { return fmt.Sprintf("λ(%s) = %.3g", t, v) })
}

// samplesFigure lays its plots out in tiles, one column per plot when
// cols > 1, else one row per plot.
type samplesFigure struct {
	plots []*plot.Plot
	cols  int
	width vg.Length // 0 = the default
	rowH  vg.Length // height of a row of plots when stacked (0 = 4 cm)
}

func (f samplesFigure) WriteTo(w io.Writer) (int64, error) {
	rows, cols := len(f.plots), 1
	if f.cols > 1 {
		rows, cols = 1, len(f.plots)
	}
	h := FigureHeight
	if rows > 1 {
		rh := 4 * vg.Centimeter
		if f.rowH > 0 {
			rh = f.rowH
		}
		h = vg.Length(rows) * rh
	}
	width := FigureWidth
	if f.width > 0 {
		width = f.width
	}
	if cols > 1 {
		width = vg.Length(cols) * 8 * vg.Centimeter
	}
	c := vgimg.NewWith(vgimg.UseWH(width, h), vgimg.UseDPI(FigureDPI))
	dc := draw.New(c) // white already: vgimg.NewWith paints its background
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
		for j := range grid[i] {
			grid[i][j] = f.plots[i*cols+j]
			padFlat(&grid[i][j].X)
			padFlat(&grid[i][j].Y)
		}
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 3, PadY: vg.Millimeter * 3,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j := range grid[i] {
			grid[i][j].Draw(canvases[i][j])
		}
	}
	return WritePNG(w, c)
}

// imageStrip draws rows of (image, role, 64 pixels) side by side as 8×8
// gray images, the three roles of an image next to each other and a gap
// between images. Each image is scaled to its own range (the input is
// standardized, the others in [0, 1]).
type imageStrip struct{ rows [][]float64 }

const stripSide = 8

func (s *imageStrip) DataRange() (xmin, xmax, ymin, ymax float64) {
	n := len(s.rows)
	return 0, float64(n*(stripSide+1) + (n/3)*stripSide/2), 0, stripSide
}

func (s *imageStrip) Plot(c draw.Canvas, p *plot.Plot) {
	// Square pixels: the cell size is what fits both the width and the
	// height of the canvas, whatever the plot's aspect.
	_, xmax, _, ymax := s.DataRange()
	w, h := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
	cell := min(w/vg.Length(xmax), h/vg.Length(ymax))
	left := c.Min.X + (w-cell*vg.Length(xmax))/2
	top := c.Max.Y
	x0 := 0.0
	for k, row := range s.rows {
		if k > 0 && int(row[1]) == 0 {
			x0 += stripSide / 2 // gap between images
		}
		px := row[2:]
		lo, hi := px[0], px[0]
		for _, v := range px {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		for r := range stripSide {
			for cc := range stripSide {
				v := 0.0
				if hi > lo {
					v = (px[r*stripSide+cc] - lo) / (hi - lo)
				}
				g := uint8(255 * (1 - v)) // ink is dark
				c.SetColor(color.Gray{Y: g})
				x := left + cell*vg.Length(x0+float64(cc))
				y := top - cell*vg.Length(r+1)
				rect := vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + cell, Y: y + cell}}
				c.Fill(rect.Path())
			}
		}
		x0 += stripSide + 1
	}
}
