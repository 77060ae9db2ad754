package figure

import (
	"io"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"

	"github.com/lossexp/lossexp/report/table"
)

func TestLinTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   string // the labels, joined
	}{
		{0.48, 0.93, "0.5 0.6 0.7 0.8 0.9"},
		{0, 150, "0 25 50 75 100 125 150"},
		{-0.03, 0.01, "-0.03 -0.02 -0.01 0.00 0.01"},
		{0.5, 0.51, "0.500 0.502 0.504 0.506 0.508 0.510"},
		{1e6, 5e6, "1e+06 2e+06 3e+06 4e+06 5e+06"},
	} {
		var got []string
		for _, tk := range (linTicks{}).Ticks(tc.lo, tc.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
			if tk.Value < tc.lo-1e-12 || tk.Value > tc.hi+1e-12 {
				t.Errorf("[%g, %g]: tick %g outside the range", tc.lo, tc.hi, tk.Value)
			}
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("[%g, %g]: labels %q, want %q", tc.lo, tc.hi, g, tc.want)
		}
		if len(got) < 5 {
			t.Errorf("[%g, %g]: only %d labels", tc.lo, tc.hi, len(got))
		}
	}
}

// TestLogTicks_WideRange: an axis from 1e-110 to 10 gets a readable
// number of ticks, not a solid bar of minor ones.
func TestLogTicks_WideRange(t *testing.T) {
	ticks := LogTicks{}.Ticks(1e-110, 10)
	labelled := 0
	for _, tk := range ticks {
		if tk.Label != "" {
			labelled++
		}
	}
	if len(ticks) > 30 || labelled < 5 || labelled > 12 {
		t.Errorf("%d ticks, %d labelled, for 111 decades", len(ticks), labelled)
	}
	// A narrow axis keeps its minor ticks and 2×, 5× labels.
	if n := len(LogTicks{}.Ticks(0.01, 1)); n < 15 {
		t.Errorf("two decades: %d ticks", n)
	}
}

// TestLineFig_FloorsWideLogAxis: a training curve falling to 1e-110 does
// not stretch the axis over 111 decades.
func TestLineFig_FloorsWideLogAxis(t *testing.T) {
	f := &lineFig{logY: true, yLabel: "loss", lines: []lineSeries{
		{label: "task", xys: plotter.XYs{{X: 1, Y: 10}, {X: 2, Y: 1}}},
		{label: "term", xys: plotter.XYs{{X: 1, Y: 1}, {X: 2, Y: 1e-110}}},
	}}
	p, _, err := f.plot()
	if err != nil {
		t.Fatal(err)
	}
	if want := 10 * math.Pow10(-lineFigDecades); math.Abs(p.Y.Min-want) > 1e-9*want || !strings.Contains(p.Y.Label.Text, "not shown") {
		t.Errorf("y from %g (label %q), want %g and a note", p.Y.Min, p.Y.Label.Text, want)
	}
}

// TestLogTicks_InsideOneDecade: a log axis from 0.688 to 0.93 (a loss
// that barely moves) still gets labels.
func TestLogTicks_InsideOneDecade(t *testing.T) {
	for _, r := range [][2]float64{{0.688, 0.93}, {0.688, 0.7}, {2.1, 4.4}} {
		n := 0
		for _, tk := range (clipTicks{LogTicks{}}).Ticks(r[0], r[1]) {
			if tk.Label != "" {
				n++
			}
		}
		if n < 2 {
			t.Errorf("[%g, %g]: %d labels", r[0], r[1], n)
		}
	}
}

// TestLinTicks_Count: every range gets 5 to 11 labels.
func TestLinTicks_Count(t *testing.T) {
	for lo := -3.0; lo < 3; lo += 0.37 {
		for span := 0.001; span < 1e4; span *= 1.7 {
			n := 0
			for _, tk := range (linTicks{}).Ticks(lo, lo+span) {
				if tk.Label != "" {
					n++
				}
			}
			if n < 5 || n > 11 {
				t.Fatalf("[%g, %g]: %d labels", lo, lo+span, n)
			}
		}
	}
}

// TestMetricFigure_DivergedMarked: a λ whose runs all diverged has no
// mean to draw; the figure marks it instead of dropping it silently.
func TestMetricFigure_DivergedMarked(t *testing.T) {
	runs := &table.Runs{Terms: []string{"l2"}, Metrics: []string{"test.accuracy"}}
	for _, l := range []float64{0, 0.01, 0.1, 1} {
		for r := range 2 {
			run := table.Run{Status: "ok", Repeat: r, Lambdas: []float64{l}, Metrics: []float64{0.9 - l/10}}
			if l == 1 {
				run.Status, run.Metrics = "diverged", []float64{math.NaN()}
			}
			runs.Runs = append(runs.Runs, run)
		}
	}
	wt, err := MetricFigure(table.Summarize(runs), 0, []int{0}, PlotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := wt.(*figure)
	if len(f.diverged) != 1 || f.diverged[0] != 1 {
		t.Errorf("diverged marks at %v, want [1]", f.diverged)
	}
	if _, err := f.WriteTo(io.Discard); err != nil {
		t.Fatal(err)
	}
}

func TestLogTicks(t *testing.T) {
	var labels []string
	for _, tk := range (LogTicks{}).Ticks(1e-5, 1e-1) {
		if tk.Label != "" && tk.Value >= 1e-5 && tk.Value <= 1e-1 {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "1e-5 1e-4 1e-3 0.01 0.1" {
		t.Errorf("labels = %s", got)
	}
}
