package report

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
	_, boxes, ok := l.place(pts, nil, area)
	placed := 0
	for i := range boxes {
		if !ok[i] {
			continue
		}
		placed++
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
	if placed < 4 {
		t.Errorf("only %d labels placed around a crowd of 6 points: too timid", placed)
	}
}

// TestPointLabels_SameSpotShareALabel: two points drawn on one spot (the
// quickstart's λ = 0.3162 and λ = 1, both at chance accuracy with almost
// the same weights) get one label naming both, in priority order, instead
// of the first hiding the second; a point a marker's width away keeps its
// own.
func TestPointLabels_SameSpotShareALabel(t *testing.T) {
	l := &pointLabels{radius: vg.Points(4)}
	for _, txt := range []string{"0.3162", "1", "0.1"} {
		l.add(0, 0, txt, textStyle(7, color.Black))
	}
	pts := []vg.Point{{X: vg.Points(100), Y: vg.Points(50)}, {X: vg.Points(100), Y: vg.Points(50.2)}, {X: vg.Points(108), Y: vg.Points(50)}}
	area := vg.Rectangle{Max: vg.Point{X: vg.Points(400), Y: vg.Points(200)}}
	texts, _, ok := l.place(pts, nil, area)
	if texts[0] != "0.3162, 1" || !ok[0] {
		t.Errorf("the shared label is %q (placed %v), want \"0.3162, 1\"", texts[0], ok[0])
	}
	if texts[1] != "" || ok[1] {
		t.Errorf("the second point on the spot has its own label %q", texts[1])
	}
	if texts[2] != "0.1" {
		t.Errorf("a point a marker away lost its label: %q", texts[2])
	}
}
