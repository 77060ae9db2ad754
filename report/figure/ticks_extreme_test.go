package figure

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/lossexp/lossexp/report/table"
)

// extremeRanges are axis ranges a metric can put on a figure: constant
// (where gonum's ±1 padding is lost to rounding from 2^53 up), huge,
// tiny, the ends of float64 and subnormals (issue 21: a metric constant
// at 1e17 panicked in the tick code).
var extremeRanges = [][2]float64{
	{1e17, 1e17}, {-1e17, -1e17}, {1e16, 1e16}, {1e300, 1e300}, {math.MaxFloat64, math.MaxFloat64},
	{-math.MaxFloat64, math.MaxFloat64}, {-1e308, 1e308}, {-8e307, 8e307}, {8e307, 8e307}, {0, math.MaxFloat64}, {1e308, math.MaxFloat64},
	{1e17, 1e17 + 16}, {1e17, 1.0000001e17}, {0, 0}, {5e-324, 5e-324}, {5e-324, 1e-323},
	{0, 5e-324}, {-5e-324, 5e-324}, {1e-310, 3e-310}, {1e-300, 1e-300}, {-1e-300, 1e-300},
	{0.48, 0.93}, {1, 1},
}

// checkTicks fails unless ticks are finite, inside [lo, hi] (up to
// rounding) and carry 1 to 11 labels.
func checkTicks(t *testing.T, lo, hi float64, ticks []plot.Tick) {
	t.Helper()
	labels := 0
	for _, tk := range ticks {
		if math.IsNaN(tk.Value) || math.IsInf(tk.Value, 0) {
			t.Fatalf("[%g, %g]: tick at %g", lo, hi, tk.Value)
		}
		if slack := 1e-9 * max(hi-lo, math.Abs(lo)*1e-6, math.Abs(hi)*1e-6); tk.Value < lo-slack || tk.Value > hi+slack {
			t.Errorf("[%g, %g]: tick %g outside the range", lo, hi, tk.Value)
		}
		if tk.Label != "" {
			labels++
		}
	}
	if labels < 1 || labels > 11 {
		t.Errorf("[%g, %g]: %d labels: %v", lo, hi, labels, ticks)
	}
}

// TestLinTicks_ExtremeRanges: every finite range gets 1 to 11 labels
// inside it, never a panic.
func TestLinTicks_ExtremeRanges(t *testing.T) {
	for _, r := range extremeRanges {
		checkTicks(t, r[0], r[1], linTicks{}.Ticks(r[0], r[1]))
	}
	// A range whose width overflows float64 still gets round steps.
	labels := 0
	for _, tk := range (linTicks{}).Ticks(-1e308, 1e308) {
		if tk.Label != "" {
			labels++
		}
	}
	if labels < 5 {
		t.Errorf("[-1e308, 1e308]: %d labels, want round steps (5 to 11)", labels)
	}
	// Not a range: nothing, no panic.
	for _, r := range [][2]float64{{1, 0}, {math.NaN(), 1}, {0, math.Inf(1)}} {
		if ts := (linTicks{}).Ticks(r[0], r[1]); len(ts) != 0 {
			t.Errorf("[%g, %g]: %v", r[0], r[1], ts)
		}
	}
}

// FuzzLinTicks: any finite lo ≤ hi gets ticks inside [lo, hi] with 1 to 11
// labels. Seeds: the extreme ranges above.
func FuzzLinTicks(f *testing.F) {
	for _, r := range extremeRanges {
		f.Add(r[0], r[1])
	}
	f.Fuzz(func(t *testing.T, lo, hi float64) {
		if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			return
		}
		if lo > hi {
			lo, hi = hi, lo
		}
		checkTicks(t, lo, hi, linTicks{}.Ticks(lo, hi))
	})
}

// TestMetricFigure_ExtremeValues: a metric figure whose values span one of
// the extreme ranges (constant at 1e17 among them) is drawn and written,
// with no panic and no temporary file left.
func TestMetricFigure_ExtremeValues(t *testing.T) {
	for _, r := range extremeRanges {
		runs := &table.Runs{Terms: []string{"l2"}, Metrics: []string{"test.big"}}
		for i, l := range []float64{0, 0.01, 0.1, 1} {
			for rep := range 2 {
				v := r[0]
				if i%2 == 1 {
					v = r[1]
				}
				runs.Runs = append(runs.Runs, table.Run{Status: "ok", Repeat: rep, Lambdas: []float64{l}, Metrics: []float64{v}})
			}
		}
		wt, err := MetricFigure(table.Summarize(runs), 0, []int{0}, PlotOptions{})
		if err != nil {
			// Summarize's mean of two values beyond MaxFloat64/2 overflows:
			// no value to draw, and MetricFigure says so (an error, not a
			// panic). The tick code meets such ranges on other figures.
			if math.Abs(r[0]) > math.MaxFloat64/2 || math.Abs(r[1]) > math.MaxFloat64/2 {
				continue
			}
			t.Fatalf("[%g, %g]: %v", r[0], r[1], err)
		}
		dir := t.TempDir()
		var written []string
		if err := NewWriter(dir, 1).write("test.big_vs_l2.png", wt, &written); err != nil {
			t.Errorf("[%g, %g]: %v", r[0], r[1], err)
		}
		noTemps(t, dir)
	}
}

func noTemps(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

type panicFig struct{}

func (panicFig) WriteTo(io.Writer) (int64, error) { panic("illegal range") }

type failFig struct{}

var errFig = errors.New("no room")

func (failFig) WriteTo(w io.Writer) (int64, error) {
	w.Write([]byte("partial"))
	return 7, errFig
}

// TestFigureWriter_PanicIsAnError: a figure that panics while drawing (a
// bug) or fails is an error naming the file, on one worker and on several;
// no temporary file is left and no file appears under the final name.
func TestFigureWriter_PanicIsAnError(t *testing.T) {
	for _, workers := range []int{1, 3} {
		for _, fig := range []io.WriterTo{panicFig{}, failFig{}} {
			dir := t.TempDir()
			fw := NewWriter(dir, workers)
			var written []string
			err := fw.write("x.png", fig, &written)
			if werr := fw.Wait(); err == nil {
				err = werr
			}
			if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "x.png")) {
				t.Errorf("workers=%d %T: error %v, want one naming x.png", workers, fig, err)
			}
			if _, ok := fig.(panicFig); ok && (err == nil || !strings.Contains(err.Error(), "internal error")) {
				t.Errorf("workers=%d: a panic reported as %v, want an internal error", workers, err)
			}
			noTemps(t, dir)
			if _, serr := os.Stat(filepath.Join(dir, "x.png")); serr == nil {
				t.Errorf("workers=%d %T: x.png written", workers, fig)
			}
		}
	}
}

// TestPadFlat: an axis on one value that gonum's ±1 padding cannot widen
// (|v| ≥ 2^53) gets v ± |v|/2; any other axis is left to gonum, as before.
func TestPadFlat(t *testing.T) {
	for _, tc := range []struct{ v, lo, hi float64 }{
		{1e17, 5e16, 1.5e17}, {-1e17, -1.5e17, -5e16}, {1e300, 5e299, 1.5e300},
		{1, 1, 1}, {0, 0, 0}, {1e15, 1e15, 1e15},
	} {
		a := plot.Axis{Min: tc.v, Max: tc.v}
		padFlat(&a)
		if a.Min != tc.lo || a.Max != tc.hi { // == on purpose: exact halves
			t.Errorf("%g: [%g, %g], want [%g, %g]", tc.v, a.Min, a.Max, tc.lo, tc.hi)
		}
	}
	a := plot.Axis{Min: 1e17, Max: 2e17}
	if padFlat(&a); a.Min != 1e17 || a.Max != 2e17 {
		t.Errorf("a range was changed: [%g, %g]", a.Min, a.Max)
	}
}
