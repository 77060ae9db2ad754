package report

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
)

// renderFiles renders a copy of a results folder made by fill with the
// given worker count and returns every file it holds, by name.
func renderFiles(t *testing.T, fill func(*testing.T, string), workers int) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	fill(t, dir)
	if err := Render(dir, figure.PlotOptions{Title: "t", Workers: workers}); err != nil {
		t.Fatalf("Render with %d workers: %v", workers, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// TestRender_WorkersSameBytes: figures drawn on several goroutines give
// the same files, byte for byte, as one after another (report.html lists
// them in the same order), on the two fixtures with the most figures.
func TestRender_WorkersSameBytes(t *testing.T) {
	for _, fx := range []struct {
		name string
		fill func(*testing.T, string)
	}{{"sample", writeSample}, {"tradeoff", writeTradeoff}} {
		t.Run(fx.name, func(t *testing.T) {
			serial := renderFiles(t, fx.fill, 1)
			pngs := 0
			for name := range serial {
				if strings.HasSuffix(name, ".png") {
					pngs++
				}
			}
			if pngs < 3 {
				t.Fatalf("only %d figures: the fixture does not exercise the workers", pngs)
			}
			for _, workers := range []int{2, 8} {
				par := renderFiles(t, fx.fill, workers)
				if a, b := slices.Sorted(maps.Keys(serial)), slices.Sorted(maps.Keys(par)); !slices.Equal(a, b) {
					t.Fatalf("%d workers wrote %v, one wrote %v", workers, b, a)
				}
				for name, want := range serial {
					if !bytes.Equal(par[name], want) {
						t.Errorf("%d workers: %s differs from the serial one", workers, name)
					}
				}
			}
		})
	}
}

// tmpName matches the random part of WriteFileAtomic's temporary names.
var tmpName = regexp.MustCompile(`\.tmp-[0-9]+`)

// TestRender_WorkersError: a figure that cannot be written fails Render
// with the same error whatever the worker count (the earliest failing
// figure's), and no report.html links to the missing files.
func TestRender_WorkersError(t *testing.T) {
	var msgs []string
	for _, workers := range []int{1, 4} {
		dir := t.TempDir()
		writeSample(t, dir)
		if err := Render(dir, figure.PlotOptions{Title: "t"}); err != nil {
			t.Fatal(err)
		}
		pngs, _ := filepath.Glob(filepath.Join(dir, "*.png"))
		if len(pngs) < 3 {
			t.Fatalf("only %d figures", len(pngs))
		}
		for _, f := range append(pngs, filepath.Join(dir, table.HTMLFile)) {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
		// A folder where the second and the last figure go: renaming the
		// finished file onto it fails.
		slices.Sort(pngs)
		for _, p := range []string{pngs[1], pngs[len(pngs)-1]} {
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(p, "keep"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		err := Render(dir, figure.PlotOptions{Title: "t", Workers: workers})
		if err == nil {
			t.Fatalf("%d workers: Render succeeded with a folder in the way", workers)
		}
		msgs = append(msgs, tmpName.ReplaceAllString(strings.ReplaceAll(err.Error(), dir, "DIR"), ".tmp-N"))
		if _, err := os.Stat(filepath.Join(dir, table.HTMLFile)); err == nil {
			t.Errorf("%d workers: report.html written although a figure failed", workers)
		}
	}
	if msgs[0] != msgs[1] {
		t.Errorf("errors differ:\n 1 worker:  %s\n 4 workers: %s", msgs[0], msgs[1])
	}
}
