package report

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/report/figure"
)

// TestFigureFileName: the names of figures of ordinary metrics, terms and
// axes stay byte for byte what they were; any other name becomes one file
// of the folder (no separator, not . or .., at most 255 bytes), and two
// different names never become the same file.
func TestFigureFileName(t *testing.T) {
	for _, name := range []string{
		"test.accuracy_vs_l1.png", "accuracy_train_vs_test.png", "grad.cos.l2_vs_l2.png",
		"heat_test.accuracy.png", "training_l2_3.png", "tradeoff_l2_samples-100.png",
		"methods_weights_aux_samples-100.png", "compare_test.acc:top5.png", "val-acc_vs_λ.png",
		"test.accuracy.group.Über 50_vs_fair.png", "samples_temporal.png",
	} {
		if got := figure.FigureFileName(name); got != name {
			t.Errorf("FigureFileName(%q) = %q, want it unchanged", name, got)
		}
	}
	long := strings.Repeat("m", 300)
	hostile := []string{
		"x/../../../../victim/pwned_vs_t.png", "val/acc_vs_l2.png", "val_acc_vs_l2.png", "val%2Facc_vs_l2.png",
		`val\acc_vs_l2.png`, "/etc/passwd", "..", ".", "", "%", "%2E", "a\x00b.png", "a\nb.png", "a/",
		long + "_vs_a.png", long + "_vs_b.png", strings.Repeat("é", 200) + ".png", strings.Repeat("/", 200) + ".png",
	}
	seen := map[string]string{}
	for _, name := range hostile {
		got := figure.FigureFileName(name)
		if got == "" || got == "." || got == ".." || strings.ContainsAny(got, "/\\\x00") || len(got) > figure.MaxFileName {
			t.Errorf("FigureFileName(%q) = %q: not one file of the folder", name, got)
		}
		if filepath.Join("study", got) != "study/"+got {
			t.Errorf("FigureFileName(%q) = %q leaves the folder", name, got)
		}
		if prev, dup := seen[got]; dup {
			t.Errorf("FigureFileName(%q) = FigureFileName(%q) = %q", name, prev, got)
		}
		seen[got] = name
		if again := figure.FigureFileName(name); again != got {
			t.Errorf("FigureFileName(%q) not deterministic: %q then %q", name, got, again)
		}
	}
	if got := figure.FigureFileName("val/acc_vs_l2.png"); got != "val%2Facc_vs_l2.png" {
		t.Errorf("val/acc: %q", got)
	}
}

// TestPlot_HostileMetricNames: a runs.csv whose metric columns are named
// like paths (written by a training command, or by hand) gets its figures
// inside the results folder, one per metric; nothing is written outside,
// even where the path would lead to an existing folder.
func TestPlot_HostileMetricNames(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "c", "study")
	victim := filepath.Join(root, "a", "victim") // where the first name leads
	for _, d := range []string{dir, victim} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := gridSummary([]float64{0, 1e-3, 1e-2}, []float64{1e-4})
	// the third column (test.f1's) has no value, hence no figure
	s.Metrics = []string{"x/../../../../victim/pwned", "val/acc", "../none", "val_acc"}
	files, err := figure.Plot(dir, s, figure.PlotOptions{Metrics: s.Metrics})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"x%2F..%2F..%2F..%2F..%2Fvictim%2Fpwned_vs_l1.png", "val%2Facc_vs_l1.png", "val_acc_vs_l1.png"}
	if got := basenames(files); !slices.Equal(got, want) {
		t.Errorf("figures %v, want %v", got, want)
	}
	// one hostile name at a time, in the first column
	for _, name := range []string{
		"/tmp/abs", "val//acc", "", ".", "..", "../", strings.Repeat("../", 40) + "etc/x", `..\..\x`,
		"a\x00b", "a\nb", strings.Repeat("m", 300), strings.Repeat("é", 150), "%2F..%2F",
	} {
		s.Metrics[0] = name
		files, err := figure.Plot(dir, s, figure.PlotOptions{Metrics: s.Metrics[:1]})
		if err != nil || len(files) != 1 || filepath.Dir(files[0]) != dir {
			t.Errorf("metric %q: figures %v, %v; want one in %s", name, files, err, dir)
		}
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if p == dir {
			return filepath.SkipDir
		}
		if err == nil && !d.IsDir() {
			t.Errorf("%s written outside the results folder", p)
		}
		return nil
	})
}
