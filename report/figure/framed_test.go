package figure

import (
	"image/color"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestDrawFramed_PaintsNoBackground: DrawFramed leaves the canvas's own
// background where it draws nothing (a corner, inside the margin). Every
// figure's canvas is a new vgimg canvas, which paints its background
// white as it is made; a second fill of the whole canvas, anti-aliased
// pixel by pixel, cost about a tenth of a report's drawing and changed no
// pixel. A transparent background shows whether DrawFramed fills again.
func TestDrawFramed_PaintsNoBackground(t *testing.T) {
	c := vgimg.NewWith(vgimg.UseWH(FigureWidth, FigureHeight), vgimg.UseDPI(FigureDPI), vgimg.UseBackgroundColor(color.Transparent))
	build := func() (*plot.Plot, plot.Legend, error) { return plot.New(), plot.NewLegend(), nil }
	if err := DrawFramed(draw.New(c), "title", "subtitle", build); err != nil {
		t.Fatal(err)
	}
	img := c.Image()
	b := img.Bounds()
	for _, p := range [][2]int{{b.Min.X, b.Min.Y}, {b.Max.X - 1, b.Max.Y - 1}} {
		if _, _, _, a := img.At(p[0], p[1]).RGBA(); a != 0 {
			t.Errorf("pixel %v: alpha %d, want 0: DrawFramed painted the background again", p, a)
		}
	}
}
