package report

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
)

// TestHTML_RegisteredFamilyShown: a figure family added to the registry (a
// function and one row of figure.Families, nothing else) is shown by
// report.html: one in a section the page knows (the trade-off section,
// after that section's own figures, in the registry's order), one in a
// section of its own that the page does not know (its heading and its
// link, after the training curves, before the runs). A section with
// neither text nor figure (the methods section of a study without
// sweep.balance) is left out, its link too.
func TestHTML_RegisteredFamilyShown(t *testing.T) {
	dir := t.TempDir()
	writeTradeoff(t, dir)
	toy := func(name string) func(*table.Analysis, *figure.Writer, figure.PlotOptions) ([]string, error) {
		return func(*table.Analysis, *figure.Writer, figure.PlotOptions) ([]string, error) {
			path := filepath.Join(dir, name)
			img := image.NewGray(image.Rect(0, 0, 4, 4))
			img.Set(1, 1, color.White)
			f, err := os.Create(path)
			if err != nil {
				return nil, err
			}
			if err := png.Encode(f, img); err != nil {
				f.Close()
				return nil, err
			}
			return []string{path}, f.Close()
		}
	}
	own := figure.Section{ID: "toy", Nav: "Toy figures", Title: "Figures of a throwaway family"}
	keep := figure.Families
	t.Cleanup(func() { figure.Families = keep })
	figure.Families = append(append([]figure.Family(nil), keep...),
		figure.Family{Name: "a throwaway trade-off figure", Draw: toy("toy_tradeoff.png"), Section: figure.SectionTradeoff, Files: "toy_tradeoff.png"},
		figure.Family{Name: "a throwaway section", Draw: toy("toy_own.png"), Section: own, Files: "toy_own.png"},
	)
	if err := Render(dir, figure.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, table.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	checkSelfContained(t, b)
	pos := func(s string) int {
		t.Helper()
		i := strings.Index(page, s)
		if i < 0 {
			t.Errorf("report.html lacks %s", s)
		}
		return i
	}
	heading := func(id string) int { return pos(`<h2 id="` + id + `">`) }
	fig := func(name string) int { return pos(`alt="` + name + `"`) }
	if !(heading("tradeoff") < fig("tradeoff_l1.png") && fig("tradeoff_l1.png") < fig("heat_sparsity.png") &&
		fig("heat_sparsity.png") < fig("toy_tradeoff.png") && fig("toy_tradeoff.png") < heading("paired")) {
		t.Errorf("toy_tradeoff.png is not shown after the trade-off section's own figures, within it")
	}
	if !(heading("training") < heading("toy") && heading("toy") < fig("toy_own.png") && fig("toy_own.png") < heading("runs")) {
		t.Errorf("the throwaway section is not shown with its figure between the training curves and the runs")
	}
	pos(`<h2 id="toy">Figures of a throwaway family</h2>`)
	pos(`<a href="#toy">Toy figures</a>`)
	// Every figure drawn is embedded: the data: URI of each toy figure.
	for _, name := range []string{"toy_tradeoff.png", "toy_own.png"} {
		if !strings.Contains(page, `" alt="`+name+`"`) || !strings.Contains(page[:fig(name)], `<img src="data:image/png;base64,`) {
			t.Errorf("%s is not embedded", name)
		}
	}
	if strings.Contains(page, `id="methods"`) || strings.Contains(page, `href="#methods"`) {
		t.Error("a study without sweep.balance shows a methods section or its link")
	}
}
