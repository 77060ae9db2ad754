package figure

import (
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// pointLabels labels points without letting two labels collide: labels
// are placed in priority order (the order of the slices), each at the
// first free position around its point (right, left, above, below, the
// four diagonals, then the same eight directions farther out with a short
// leader line back to the point) where its box, measured with the font it
// is drawn in, overlaps no label placed before it and no marker (the
// points themselves and the other markers of the figure, each with its
// own radius) and stays inside the plotting area; a label with no free
// position is left out (the point keeps its marker, and the labels that
// remain still tell the curve's λ). Points drawn on the same spot (within
// half a marker's radius) share one label, their texts joined in priority
// order ("0.3162, 1") in the darkest of their colours (a Pareto-optimal
// point's black over a dominated one's grey), so that neither reads as
// the other. The placement depends on nothing but its input: the same
// figure places its labels the same way every time.
type pointLabels struct {
	xys    []vg.Point // data coordinates, as X and Y
	labels []string
	styles []text.Style
	radius vg.Length  // markers' radius: labels keep clear of every point
	avoid  []vg.Point // other points (data coordinates) labels keep clear of

	// marks are other markers labels keep clear of, each with its own
	// radius (a method's larger glyph, a balance point's ring).
	marks []labelMark
	// lines are segments (data coordinates: whiskers) labels cross only
	// when no position clear of them is free.
	lines [][2]vg.Point
	// groups is each label's group (none: all in group 0): labels on the
	// same spot are joined only within a group (Labels.Add).
	groups []int

	// drawn is what the last Plot did, on the canvas: the labels placed
	// and the markers' boxes they kept clear of (tests read it).
	drawn struct {
		labels []placedLabel
		marks  []vg.Rectangle
		at     func(x, y float64) vg.Point // data to canvas
	}
}

// labelMark is a marker at a data position with its radius on the canvas.
type labelMark struct {
	xy vg.Point
	r  vg.Length
}

// placedLabel is where place put a point's label.
type placedLabel struct {
	text  string // the point's label, joined with those on the same spot ("" for those)
	style text.Style
	box   vg.Rectangle // on the canvas
	ok    bool         // false: left out

	// leader is the line from the point's marker to a label placed away
	// from it (both ends on the canvas); zero when the label sits beside
	// its point.
	leader [2]vg.Point
}

func (l *pointLabels) add(x, y float64, label string, sty text.Style) {
	l.xys = append(l.xys, vg.Point{X: vg.Length(x), Y: vg.Length(y)})
	l.labels = append(l.labels, label)
	l.styles = append(l.styles, sty)
}

// avoidMark makes labels keep clear of a marker of radius r at (x, y).
func (l *pointLabels) avoidMark(x, y float64, r vg.Length) {
	l.marks = append(l.marks, labelMark{xy: vg.Point{X: vg.Length(x), Y: vg.Length(y)}, r: r})
}

// avoidLine makes labels keep clear, where they can, of the segment from
// (x0, y0) to (x1, y1).
func (l *pointLabels) avoidLine(x0, y0, x1, y1 float64) {
	l.lines = append(l.lines, [2]vg.Point{{X: vg.Length(x0), Y: vg.Length(y0)}, {X: vg.Length(x1), Y: vg.Length(y1)}})
}

// markBox is the square a marker of radius r at p covers.
func markBox(p vg.Point, r vg.Length) vg.Rectangle {
	return vg.Rectangle{Min: p.Sub(vg.Point{X: r, Y: r}), Max: p.Add(vg.Point{X: r, Y: r})}
}

// place returns, for each point, its label (joined with those of the
// points on the same spot, which get none) and its rectangle on the
// canvas, or ok false when it is left out. pts are the points' canvas
// positions, obstacles those of other markers (of the labels' radius).
func (l *pointLabels) place(pts, obstacles []vg.Point, area vg.Rectangle) []placedLabel {
	var taken []vg.Rectangle
	for _, p := range append(slices.Clip(pts), obstacles...) {
		taken = append(taken, markBox(p, l.radius))
	}
	return l.placeAmong(pts, taken, nil, area)
}

// placeAmong is place with the markers' boxes given: taken holds every
// marker's box (the points' own included), which no label may cover;
// lines are segments a label crosses only when no position clear of them
// is free. A first pass also wants the label nearer its own point than any
// other (so that it cannot be read as another's); a second pass drops
// both wishes.
func (l *pointLabels) placeAmong(pts []vg.Point, taken []vg.Rectangle, lines [][2]vg.Point, area vg.Rectangle) []placedLabel {
	out := l.joinSameSpot(pts)
	taken = slices.Clone(taken)
	var leaders [][2]vg.Point
	for i, p := range pts {
		lb := &out[i]
		if lb.text == "" {
			continue
		}
		w := lb.style.Width(lb.text)
		h := lb.style.FontExtents().Height
		r := l.ownRadius(p, taken)
		for pass := 0; pass < 2 && !lb.ok; pass++ {
			for _, c := range labelCandidates(r, w, h) {
				b := vg.Rectangle{Min: p.Add(c.off), Max: p.Add(c.off).Add(vg.Point{X: w, Y: h})}
				if !inside(b, area) || overlapsAny(b, taken) || crossesAny(b, leaders) || (pass == 0 && (crossesAny(b, lines) || !l.nearestTo(i, b, pts))) {
					continue
				}
				if c.leader {
					from, to := leaderEnds(p, r, b)
					if segmentHits(from, to, taken, p) {
						continue
					}
					lb.leader = [2]vg.Point{from, to}
					leaders = append(leaders, lb.leader)
				}
				lb.box, lb.ok = b, true
				taken = append(taken, b)
				break
			}
		}
	}
	return out
}

// nearestTo reports whether box b is nearer pts[i] than any other point
// (points on pts[i]'s spot, which share its label, aside).
func (l *pointLabels) nearestTo(i int, b vg.Rectangle, pts []vg.Point) bool {
	own := boxDist(pts[i], b)
	for j, q := range pts {
		if d := q.Sub(pts[i]); j == i || d.X*d.X+d.Y*d.Y <= l.radius*l.radius/4 {
			continue
		}
		if boxDist(q, b) < own {
			return false
		}
	}
	return true
}

// boxDist is the distance from p to the nearest point of b (0 inside it).
func boxDist(p vg.Point, b vg.Rectangle) vg.Length {
	dx := max(b.Min.X-p.X, 0, p.X-b.Max.X)
	dy := max(b.Min.Y-p.Y, 0, p.Y-b.Max.Y)
	return vg.Length(math.Hypot(float64(dx), float64(dy)))
}

// ownRadius is the radius of the largest marker of taken drawn on p's spot
// (a ring around the point), at least the labels' radius: labels start
// beyond it.
func (l *pointLabels) ownRadius(p vg.Point, taken []vg.Rectangle) vg.Length {
	r := l.radius
	for _, b := range taken {
		c := vg.Point{X: (b.Min.X + b.Max.X) / 2, Y: (b.Min.Y + b.Max.Y) / 2}
		if d := c.Sub(p); d.X*d.X+d.Y*d.Y <= l.radius*l.radius/4 {
			r = max(r, (b.Max.X-b.Min.X)/2)
		}
	}
	return r
}

// joinSameSpot returns the labels of pts with those of the points on the
// same spot (within half a marker's radius) joined into the first one's.
func (l *pointLabels) joinSameSpot(pts []vg.Point) []placedLabel {
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
			if out[j].text != "" && d.X*d.X+d.Y*d.Y <= same*same && l.group(i) == l.group(j) {
				out[i].text += ", " + out[j].text
				out[j].text = ""
				if luminance(out[j].style.Color) < luminance(out[i].style.Color) {
					out[i].style.Color = out[j].style.Color
				}
			}
		}
	}
	return out
}

// group is label i's group.
func (l *pointLabels) group(i int) int {
	if i < len(l.groups) {
		return l.groups[i]
	}
	return 0
}

// labelCandidate is an offset of a label box's lower-left corner from its
// point; leader: the box sits away from the point, joined by a line.
type labelCandidate struct {
	off    vg.Point
	leader bool
}

// labelCandidates are the positions tried for a w×h label beside a marker
// of radius r, in order: right, left, above, below, the four diagonals,
// then the same eight twice farther out (8 and 16 points more) with a
// leader line.
func labelCandidates(r, w, h vg.Length) []labelCandidate {
	gap := vg.Points(2)
	var cs []labelCandidate
	for k, extra := range []vg.Length{0, vg.Points(8), vg.Points(16)} {
		d := r + gap + extra
		for _, off := range []vg.Point{
			{X: d, Y: -h / 2}, {X: -d - w, Y: -h / 2}, {X: -w / 2, Y: d}, {X: -w / 2, Y: -d - h},
			{X: d, Y: gap + extra}, {X: d, Y: -h - gap - extra}, {X: -d - w, Y: gap + extra}, {X: -d - w, Y: -h - gap - extra},
		} {
			cs = append(cs, labelCandidate{off: off, leader: k > 0})
		}
	}
	return cs
}

// leaderEnds is the leader line from the edge of p's marker (radius r)
// towards box b to b's nearest point.
func leaderEnds(p vg.Point, r vg.Length, b vg.Rectangle) (from, to vg.Point) {
	to = vg.Point{X: max(b.Min.X, min(p.X, b.Max.X)), Y: max(b.Min.Y, min(p.Y, b.Max.Y))}
	d := to.Sub(p)
	n := vg.Length(math.Hypot(float64(d.X), float64(d.Y)))
	if n == 0 {
		return p, to
	}
	return p.Add(d.Scale(r / n)), to
}

// crossesAny reports whether one of the segments passes through b.
func crossesAny(b vg.Rectangle, segs [][2]vg.Point) bool {
	return slices.ContainsFunc(segs, func(sg [2]vg.Point) bool { return segmentCrosses(sg[0], sg[1], b) })
}

// segmentHits reports whether the segment from–to passes through a box of
// taken other than those that hold p (the labelled point's own markers,
// and a ring drawn around a neighbour that p sits in: a leader has to
// leave it).
func segmentHits(from, to vg.Point, taken []vg.Rectangle, p vg.Point) bool {
	return slices.ContainsFunc(taken, func(b vg.Rectangle) bool {
		holdsP := p.X >= b.Min.X && p.X <= b.Max.X && p.Y >= b.Min.Y && p.Y <= b.Max.Y
		return !holdsP && segmentCrosses(from, to, b)
	})
}

// segmentCrosses reports whether the segment a–b passes through the inside
// of r (touching its edge does not count): Liang–Barsky clipping, exact.
func segmentCrosses(a, b vg.Point, r vg.Rectangle) bool {
	d := b.Sub(a)
	t0, t1 := 0.0, 1.0
	for _, pq := range [4][2]vg.Length{
		{-d.X, a.X - r.Min.X}, {d.X, r.Max.X - a.X}, {-d.Y, a.Y - r.Min.Y}, {d.Y, r.Max.Y - a.Y},
	} {
		p, q := float64(pq[0]), float64(pq[1])
		if p == 0 {
			if q <= 0 {
				return false // parallel to this edge and outside it
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = max(t0, t)
		} else {
			t1 = min(t1, t)
		}
	}
	return t0 < t1
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
	var taken []vg.Rectangle
	for _, p := range pts {
		taken = append(taken, markBox(p, l.radius))
	}
	for _, xy := range l.avoid {
		taken = append(taken, markBox(vg.Point{X: trX(float64(xy.X)), Y: trY(float64(xy.Y))}, l.radius))
	}
	for _, m := range l.marks {
		taken = append(taken, markBox(vg.Point{X: trX(float64(m.xy.X)), Y: trY(float64(m.xy.Y))}, m.r))
	}
	var lines [][2]vg.Point
	for _, ln := range l.lines {
		lines = append(lines, [2]vg.Point{
			{X: trX(float64(ln[0].X)), Y: trY(float64(ln[0].Y))}, {X: trX(float64(ln[1].X)), Y: trY(float64(ln[1].Y))}})
	}
	leaderStyle := draw.LineStyle{Width: vg.Points(0.5)}
	placed := l.placeAmong(pts, taken, lines, c.Rectangle)
	l.drawn.labels, l.drawn.marks = placed, taken
	l.drawn.at = func(x, y float64) vg.Point { return vg.Point{X: trX(x), Y: trY(y)} }
	for _, lb := range placed {
		if lb.ok {
			if lb.leader != [2]vg.Point{} {
				leaderStyle.Color = lb.style.Color
				c.StrokeLines(leaderStyle, lb.leader[:])
			}
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
