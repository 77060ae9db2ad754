package figure

import (
	"image/color"
	"testing"

	"gonum.org/v1/plot/vg"
)

// TestPointLabels_NoCollision: labels of points that crowd together
// (the "0", "1e-4", "3.162e-4" of a trade-off plot at one corner) never
// overlap each other or a point, and stay inside the area; an isolated
// point always gets its label.
func TestPointLabels_NoCollision(t *testing.T) {
	l := &pointLabels{radius: vg.Points(4)}
	var pts []vg.Point
	for i, txt := range []string{"0", "1e-4", "3.162e-4", "1e-3", "3.162e-3", "0.01"} {
		l.add(0, 0, txt, textStyle(7, color.Black))
		pts = append(pts, vg.Point{X: vg.Points(100 + float64(i)), Y: vg.Points(100 + 0.5*float64(i))})
	}
	l.add(0, 0, "1", textStyle(7, color.Black))
	pts = append(pts, vg.Point{X: vg.Points(300), Y: vg.Points(50)})
	area := vg.Rectangle{Max: vg.Point{X: vg.Points(400), Y: vg.Points(200)}}
	placed := l.place(pts, nil, area)
	boxes, ok := make([]vg.Rectangle, len(placed)), make([]bool, len(placed))
	for i, lb := range placed {
		boxes[i], ok[i] = lb.box, lb.ok
	}
	n := 0
	for i := range boxes {
		if !ok[i] {
			continue
		}
		n++
		if !inside(boxes[i], area) {
			t.Errorf("label %q outside the area: %v", l.labels[i], boxes[i])
		}
		for j := range boxes[:i] {
			if ok[j] && overlapsAny(boxes[i], boxes[j:j+1]) {
				t.Errorf("labels %q and %q overlap", l.labels[i], l.labels[j])
			}
		}
		for k, p := range pts {
			r := l.radius
			if overlapsAny(boxes[i], []vg.Rectangle{{Min: p.Sub(vg.Point{X: r, Y: r}), Max: p.Add(vg.Point{X: r, Y: r})}}) {
				t.Errorf("label %q covers point %d", l.labels[i], k)
			}
		}
	}
	if !ok[0] || !ok[len(ok)-1] {
		t.Errorf("the first (highest-priority) or the isolated label was dropped: %v", ok)
	}
	if n < 4 {
		t.Errorf("only %d labels placed around a crowd of 6 points: too timid", n)
	}
}

// TestPointLabels_SameSpotShareALabel: two points drawn on one spot (the
// quickstart's λ = 0.3162 and λ = 1, both at chance accuracy with almost
// the same weights) get one label naming both, in priority order, instead
// of the first hiding the second; a point a marker's width away keeps its
// own.
func TestPointLabels_SameSpotShareALabel(t *testing.T) {
	muted := color.NRGBA{170, 170, 170, 255}
	l := &pointLabels{radius: vg.Points(4)}
	l.add(0, 0, "0.3162", textStyle(7, muted)) // ringed, dominated: labelled first
	l.add(0, 0, "1", textStyle(7, color.Black))
	l.add(0, 0, "0.1", textStyle(7, color.Black))
	pts := []vg.Point{{X: vg.Points(100), Y: vg.Points(50)}, {X: vg.Points(100), Y: vg.Points(50.2)}, {X: vg.Points(108), Y: vg.Points(50)}}
	area := vg.Rectangle{Max: vg.Point{X: vg.Points(400), Y: vg.Points(200)}}
	got := l.place(pts, nil, area)
	if got[0].text != "0.3162, 1" || !got[0].ok {
		t.Errorf("the shared label is %q (placed %v), want \"0.3162, 1\"", got[0].text, got[0].ok)
	}
	if r, g, b, _ := got[0].style.Color.RGBA(); r|g|b != 0 {
		t.Errorf("the shared label is drawn in %v, want the optimal point's black", got[0].style.Color)
	}
	if got[1].text != "" || got[1].ok {
		t.Errorf("the second point on the spot has its own label %q", got[1].text)
	}
	if got[2].text != "0.1" {
		t.Errorf("a point a marker away lost its label: %q", got[2].text)
	}
}
