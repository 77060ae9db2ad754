package compare

import (
	"testing"

	"github.com/lossexp/lossexp/report/table"
)

// TestComparison_Label: compare labels a point as the report does
// (table.PointLabel: FormatLambda's 1e-4, "(single point)" without a
// swept term), its axis values after it by their short names.
func TestComparison_Label(t *testing.T) {
	for _, c := range []struct {
		cmp  Comparison
		lam  []float64
		axes []string
		want string
	}{
		{Comparison{Terms: []string{"l2", "l1"}}, []float64{1e-4, 0}, nil, "l2=1e-4, l1=0"},
		{Comparison{Terms: []string{"l2"}, Axes: []string{"dataset.params.samples"}}, []float64{0.3}, []string{"200"}, "l2=0.3 (samples=200)"},
		{Comparison{}, nil, nil, "(single point)"},
		{Comparison{Axes: []string{"train.epochs"}}, nil, []string{"5"}, "(single point) (epochs=5)"},
	} {
		if got := c.cmp.label(c.lam, c.axes); got != c.want {
			t.Errorf("label(%v, %v) = %q, want %q", c.lam, c.axes, got, c.want)
		}
		if len(c.cmp.Axes) > 0 {
			continue
		}
		if got, want := c.cmp.label(c.lam, nil), table.PointLabel(c.cmp.Terms, c.lam); got != want {
			t.Errorf("label %q, the report's %q", got, want)
		}
	}
}
