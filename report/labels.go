package report

import (
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// pointLabels labels points without letting two labels collide: labels
// are placed in priority order (the order of the slices), each at the
// first of eight positions around its point where it overlaps no label
// placed before it, no marker and stays inside the plotting area; a label
// with no free position is left out (the point keeps its marker, and the
// labels that remain still tell the curve's λ). Points drawn on the same
// spot (within half a marker's radius) share one label, their texts joined
// in priority order ("0.3162, 1") in the darkest of their colours (a
// Pareto-optimal point's black over a dominated one's grey), so that
// neither reads as the other.
type pointLabels struct {
	xys    []vg.Point // data coordinates, as X and Y
	labels []string
	styles []text.Style
	radius vg.Length  // markers' radius: labels keep clear of every point
	avoid  []vg.Point // other points (data coordinates) labels keep clear of
}

// placedLabel is where place put a point's label.
type placedLabel struct {
	text  string // the point's label, joined with those on the same spot ("" for those)
	style text.Style
	box   vg.Rectangle // on the canvas
	ok    bool         // false: left out
}

func (l *pointLabels) add(x, y float64, label string, sty text.Style) {
	l.xys = append(l.xys, vg.Point{X: vg.Length(x), Y: vg.Length(y)})
	l.labels = append(l.labels, label)
	l.styles = append(l.styles, sty)
}

// place returns, for each point, its label (joined with those of the
// points on the same spot, which get none) and its rectangle on the
// canvas, or ok false when it is left out. pts are the points' canvas
// positions, obstacles those of other markers.
func (l *pointLabels) place(pts, obstacles []vg.Point, area vg.Rectangle) []placedLabel {
	out := make([]placedLabel, len(pts))
	for i := range out {
		out[i].text, out[i].style = l.labels[i], l.styles[i]
	}
	same := l.radius / 2
	for i := range pts {
		if out[i].text == "" {
			continue
		}
		for j := i + 1; j < len(pts); j++ {
			d := pts[j].Sub(pts[i])
			if out[j].text != "" && d.X*d.X+d.Y*d.Y <= same*same {
				out[i].text += ", " + out[j].text
				out[j].text = ""
				if luminance(out[j].style.Color) < luminance(out[i].style.Color) {
					out[i].style.Color = out[j].style.Color
				}
			}
		}
	}
	var taken []vg.Rectangle
	r := l.radius
	for _, p := range append(slices.Clip(pts), obstacles...) {
		taken = append(taken, vg.Rectangle{Min: p.Sub(vg.Point{X: r, Y: r}), Max: p.Add(vg.Point{X: r, Y: r})})
	}
	gap := vg.Points(2)
	for i, p := range pts {
		lb := &out[i]
		if lb.text == "" {
			continue
		}
		w := lb.style.Width(lb.text)
		h := lb.style.FontExtents().Height
		d := r + gap
		for _, off := range []vg.Point{
			{X: d, Y: gap}, {X: d, Y: -h - gap}, {X: -d - w, Y: gap}, {X: -d - w, Y: -h - gap},
			{X: -w / 2, Y: d}, {X: -w / 2, Y: -d - h}, {X: d, Y: -h / 2}, {X: -d - w, Y: -h / 2},
		} {
			b := vg.Rectangle{Min: p.Add(off), Max: p.Add(off).Add(vg.Point{X: w, Y: h})}
			if !inside(b, area) || overlapsAny(b, taken) {
				continue
			}
			lb.box, lb.ok = b, true
			taken = append(taken, b)
			break
		}
	}
	return out
}

// luminance is c's relative brightness, 0 (black) to 1 (white).
func luminance(c color.Color) float64 {
	if c == nil {
		return 0
	}
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// Plot implements plot.Plotter.
func (l *pointLabels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pts := make([]vg.Point, len(l.xys))
	for i, xy := range l.xys {
		pts[i] = vg.Point{X: trX(float64(xy.X)), Y: trY(float64(xy.Y))}
	}
	var obs []vg.Point
	for _, xy := range l.avoid {
		obs = append(obs, vg.Point{X: trX(float64(xy.X)), Y: trY(float64(xy.Y))})
	}
	for _, lb := range l.place(pts, obs, c.Rectangle) {
		if lb.ok {
			// FillText puts the baseline's left end at the point; the
			// box's bottom is the descent below it.
			base := lb.box.Min.Add(vg.Point{Y: lb.style.FontExtents().Descent})
			c.FillText(lb.style, base, lb.text)
		}
	}
}

func inside(b, area vg.Rectangle) bool {
	return b.Min.X >= area.Min.X && b.Min.Y >= area.Min.Y && b.Max.X <= area.Max.X && b.Max.Y <= area.Max.Y
}

func overlapsAny(b vg.Rectangle, rs []vg.Rectangle) bool {
	for _, r := range rs {
		if b.Min.X < r.Max.X && r.Min.X < b.Max.X && b.Min.Y < r.Max.Y && r.Min.Y < b.Max.Y {
			return true
		}
	}
	return false
}
