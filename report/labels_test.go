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
	boxes, ok := l.place(pts, nil, area)
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
