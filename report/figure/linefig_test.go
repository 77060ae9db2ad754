package figure

import (
	"bytes"
	"gonum.org/v1/plot/plotter"
	"testing"
)

// TestLineFig_SingleValueLogAxis: training curves of a full-batch run have
// one epoch, so every line may be one point at one value; on a log axis
// gonum's ±1 widening went below 0 and panicked.
func TestLineFig_SingleValueLogAxis(t *testing.T) {
	f := &lineFig{logY: true, xLabel: "epoch", yLabel: "loss", title: "one epoch"}
	f.lines = []lineSeries{{label: "task loss", xys: plotter.XYs{{X: 1, Y: 0.07}}, col: Palette[0]}}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.Len() == 0 {
		t.Fatal("no PNG written")
	}
}
