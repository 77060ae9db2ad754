package report

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
)

// gridSummary is a synthetic sweep over l1 (with λ = 0) and, when l2s has
// several values, l2; test.f1 has no value anywhere.
func gridSummary(l1s, l2s []float64) *table.Summary {
	runs := &table.Runs{Terms: []string{"l1", "l2"}, Metrics: []string{"train.accuracy", "test.accuracy", "test.f1", "sparsity"}}
	for _, l2 := range l2s {
		for _, l1 := range l1s {
			for r := range 3 {
				d := float64(r-1) / 100
				runs.Runs = append(runs.Runs, table.Run{
					Status: "ok", Repeat: r, Lambdas: []float64{l1, l2},
					Metrics: []float64{0.95 - 2*l1 + d, 0.85 + l1 - 10*l2 + d, nan, math.Min(1, 10*l1) + d},
				})
			}
		}
	}
	return table.Summarize(runs)
}

// checkPNG decodes path and checks its size and that it is not blank.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	b := img.Bounds()
	// 16×10 cm at 150 dpi.
	if b.Dx() != 945 || b.Dy() != 591 {
		t.Errorf("%s is %dx%d, want 945x591", path, b.Dx(), b.Dy())
	}
	if n := colorCount(img); n < 10 {
		t.Errorf("%s has %d colors: blank?", path, n)
	}
}

func colorCount(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

func basenames(paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return out
}

func TestPlot(t *testing.T) {
	logspace := []float64{0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1}
	for _, tc := range []struct {
		name     string
		l1s, l2s []float64
		opts     figure.PlotOptions
		want     []string
	}{
		{"1-D", logspace, []float64{1e-4}, figure.PlotOptions{Title: "l1"},
			[]string{"train.accuracy_vs_l1.png", "test.accuracy_vs_l1.png", "sparsity_vs_l1.png", "accuracy_train_vs_test.png"}},
		{"2-D", logspace, []float64{0, 1e-4, 1e-2}, figure.PlotOptions{X: "l1", Metrics: []string{"test.accuracy"}, Title: "grid", Description: "l1 against l2"},
			[]string{"test.accuracy_vs_l1.png", "accuracy_train_vs_test.png"}},
		{"2-D against l2", logspace, []float64{0, 1e-4, 1e-2}, figure.PlotOptions{X: "l2", Metrics: []string{"sparsity"}},
			[]string{"sparsity_vs_l2.png", "accuracy_train_vs_test.png"}},
		{"no zero", logspace[1:], []float64{1e-4}, figure.PlotOptions{Metrics: []string{"test.accuracy"}},
			[]string{"test.accuracy_vs_l1.png", "accuracy_train_vs_test.png"}},
		{"linear axis", []float64{0, 0.5}, []float64{1e-4}, figure.PlotOptions{Metrics: []string{"test.accuracy"}},
			[]string{"test.accuracy_vs_l1.png", "accuracy_train_vs_test.png"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files, err := figure.Plot(dir, gridSummary(tc.l1s, tc.l2s), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := basenames(files); !slices.Equal(got, tc.want) {
				t.Errorf("files = %v, want %v", got, tc.want)
			}
			for _, f := range files {
				checkPNG(t, f)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != len(tc.want) {
				t.Errorf("%d files in the folder, want %d", len(entries), len(tc.want))
			}
		})
	}
}

func TestPlot_Errors(t *testing.T) {
	s := gridSummary([]float64{0, 1e-3, 1e-2}, []float64{1e-4})
	for _, tc := range []struct {
		name string
		opts figure.PlotOptions
		err  string
	}{
		{"unknown term", figure.PlotOptions{X: "l3"}, "plot against l3: no such term in runs.csv (have l1, l2)"},
		{"single value", figure.PlotOptions{X: "l2"}, "plot against l2: λ takes a single value (1e-4)"},
		{"unknown metric", figure.PlotOptions{Metrics: []string{"test.auc"}}, "plot test.auc: no such metric"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := figure.Plot(t.TempDir(), s, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error = %v, want it to contain %q", err, tc.err)
			}
		})
	}
	// The all-NaN test.f1 is asked for: no file, no error.
	files, err := figure.Plot(t.TempDir(), s, figure.PlotOptions{Metrics: []string{"test.f1"}})
	if err != nil || slices.Contains(basenames(files), "test.f1_vs_l1.png") {
		t.Errorf("all-NaN metric: files %v, error %v", files, err)
	}
}

func TestRender(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir)
	if err := Render(dir, figure.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{table.SummaryFile, "train.accuracy_vs_l1.png", "accuracy_train_vs_test.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	// Only one point of sparsity has a finite mean: no figure.
	if _, err := os.Stat(filepath.Join(dir, "sparsity_vs_l1.png")); err == nil {
		t.Error("sparsity_vs_l1.png written for a single finite point")
	}
	if err := Render(t.TempDir(), figure.PlotOptions{}); err == nil || !strings.Contains(err.Error(), "runs.csv") {
		t.Errorf("Render of an empty folder: error = %v", err)
	}
}
