package report_test

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/report"
	"github.com/lossexp/lossexp/spec"
)

// Golden images of the figures a reader trusts most, drawn by report.Render
// from small results folders committed under testdata/golden/<study>/
// (written once by `lossexp sweep`, never by the tests: see
// testdata/golden/README.md) and compared pixel by pixel with
// testdata/golden/<study>/want/<figure>.png. After a change that moves a
// figure on purpose, look at the new images and rewrite them with
//
//	go test ./report -run Golden -update
//
// Tolerance. A pixel differs when one of its channels (R, G, B, A, 8 bits)
// differs by more than goldenChannelDelta; a figure fails when more than
// goldenMaxShare of its pixels differ. The figures are drawn by gonum/plot's
// pure-Go rasteriser, so on one machine they are the same bytes (the
// determinism test pins that); the tolerance is for another CPU or Go
// release, where floating-point rounding (FMA on arm64, say) can move the
// anti-aliasing of an edge by a few levels (absorbed by the channel delta)
// or shift an edge here and there by a pixel (absorbed by the share). It is
// tight enough that each planted bug of scripts/mutate.sh's issue 26 golden
// section fails it by a wide margin: the smallest, a λ label moved by 2
// points, changes about 500 pixels of the methods front, nine times the 55
// allowed (a colour changed by 22 levels: 768).
const (
	goldenChannelDelta = 8      // of 255
	goldenMaxShare     = 0.0001 // 0.01%: 55 of the 558,495 pixels of a 945×591 figure
)

// goldenUpdate is -update. report's own tests may define the flag already
// (they are linked into the same test binary): then it is that one.
var goldenUpdate = boolFlag("update", "rewrite the golden files under testdata/")

func boolFlag(name, usage string) func() bool {
	if f := flag.Lookup(name); f != nil {
		return func() bool { return f.Value.String() == "true" }
	}
	p := flag.Bool(name, false, usage)
	return func() bool { return *p }
}

// goldenStudies are the frozen figures of each fixture folder.
var goldenStudies = []struct {
	study   string
	figures []string
}{
	// quickstart, 15 epochs, 5 λ: the trade-off (intervals on both axes,
	// balance points ringed, λ labels placed), test accuracy against λ
	// with its CI band and the λ = 0 band, the training curves at λ_best.
	{"quickstart", []string{"tradeoff_l2.png", "test.accuracy_vs_l2.png", "training_l2_2.png"}},
	// configs/balancing-methods.yaml as shipped: the methods against the
	// static front, both CIs of every method.
	{"balancing-methods", []string{"methods_front.png"}},
}

// renderGolden copies the fixture folder testdata/golden/<study> (without
// want/) into a temporary folder and renders it as the end of a sweep
// does, with the spec's name, description and metrics.
func renderGolden(t testing.TB, study string, workers int) string {
	t.Helper()
	src := filepath.Join("testdata", "golden", study)
	dir := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sp, err := spec.Load(filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	opts := report.PlotOptions{Title: sp.Name, Description: sp.Description, X: sp.Report.X, Metrics: sp.Report.Metrics, Workers: workers}
	if err := report.Render(dir, opts); err != nil {
		t.Fatalf("render %s: %v", study, err)
	}
	return dir
}

// TestGoldenFigures renders each fixture folder and compares its frozen
// figures with the golden images within the tolerance above. It is cheap
// (no training) and runs with -short.
func TestGoldenFigures(t *testing.T) {
	for _, g := range goldenStudies {
		t.Run(g.study, func(t *testing.T) {
			dir := renderGolden(t, g.study, 1)
			for _, name := range g.figures {
				t.Run(name, func(t *testing.T) {
					checkGoldenPNG(t, filepath.Join(dir, name), filepath.Join("testdata", "golden", g.study, "want", name))
				})
			}
		})
	}
}

// TestGoldenFigures_Deterministic renders each fixture folder twice, on one
// worker and on two, and requires every PNG to be the same bytes: the
// tolerance of the golden comparison is for other machines, never for
// two renderings on this one.
func TestGoldenFigures_Deterministic(t *testing.T) {
	for _, g := range goldenStudies {
		t.Run(g.study, func(t *testing.T) {
			a, b := renderGolden(t, g.study, 1), renderGolden(t, g.study, 2)
			pngs, err := filepath.Glob(filepath.Join(a, "*.png"))
			if err != nil || len(pngs) == 0 {
				t.Fatalf("no figure in %s (%v)", a, err)
			}
			for _, pa := range pngs {
				name := filepath.Base(pa)
				x, err := os.ReadFile(pa)
				if err != nil {
					t.Fatal(err)
				}
				y, err := os.ReadFile(filepath.Join(b, name))
				if err != nil {
					t.Errorf("%s: drawn on one worker, not on two: %v", name, err)
					continue
				}
				if !bytes.Equal(x, y) {
					t.Errorf("%s differs between two renderings of the same folder", name)
				}
			}
		})
	}
}

// checkGoldenPNG compares the PNG at got with the golden image want, or,
// with -update, rewrites want from it. On failure it leaves the new figure
// and a diff image (the differing pixels in red over a faded copy of want)
// in a temporary folder (keepFailure) and names them.
func checkGoldenPNG(t *testing.T, got, want string) {
	t.Helper()
	gb, err := os.ReadFile(got)
	if err != nil {
		t.Fatalf("the figure was not drawn: %v", err)
	}
	if goldenUpdate() {
		if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(want, gb, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wb, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("%v (look at the figure, then run go test ./report -run Golden -update to create it)", err)
	}
	gi, err := png.Decode(bytes.NewReader(gb))
	if err != nil {
		t.Fatalf("decode %s: %v", got, err)
	}
	wi, err := png.Decode(bytes.NewReader(wb))
	if err != nil {
		t.Fatalf("decode %s: %v", want, err)
	}
	if gi.Bounds() != wi.Bounds() {
		t.Fatalf("%s is %v, the golden image %v", filepath.Base(got), gi.Bounds().Size(), wi.Bounds().Size())
	}
	d := comparePixels(gi, wi, goldenChannelDelta)
	if share := float64(d.n) / float64(d.total); share > goldenMaxShare {
		keep, err := keepFailure(want, gb, d.img)
		if err != nil {
			t.Logf("could not keep the images: %v", err)
		}
		t.Errorf("%s differs from %s: %d of %d pixels (%.3f%%, at most %.3f%% allowed) differ by more than %d in a channel, the largest difference %d, in %v; %s",
			filepath.Base(got), want, d.n, d.total, 100*share, 100*goldenMaxShare, goldenChannelDelta, d.maxDelta, d.box, keep)
	}
}

// pixelDiff is the outcome of comparePixels.
type pixelDiff struct {
	n, total int             // pixels that differ, pixels
	maxDelta int             // the largest channel difference, 0–255
	box      image.Rectangle // the smallest rectangle holding the differing pixels
	img      *image.NRGBA    // the differing pixels in red over a faded want
}

// comparePixels counts the pixels of got and want (same bounds) whose
// channels differ by more than delta (8-bit, non-premultiplied).
func comparePixels(got, want image.Image, delta int) pixelDiff {
	r := want.Bounds()
	d := pixelDiff{total: r.Dx() * r.Dy(), img: image.NewNRGBA(r)}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			g := color.NRGBAModel.Convert(got.At(x, y)).(color.NRGBA)
			w := color.NRGBAModel.Convert(want.At(x, y)).(color.NRGBA)
			m := max(absDiff(g.R, w.R), absDiff(g.G, w.G), absDiff(g.B, w.B), absDiff(g.A, w.A))
			d.maxDelta = max(d.maxDelta, m)
			if m > delta {
				d.n++
				d.box = d.box.Union(image.Rect(x, y, x+1, y+1))
				d.img.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 255})
				continue
			}
			grey := uint8((int(w.R) + int(w.G) + int(w.B)) / 3)
			fade := 255 - (255-grey)/4
			d.img.SetNRGBA(x, y, color.NRGBA{fade, fade, fade, 255})
		}
	}
	return d
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// keepFailure writes the new figure and the diff image of the golden
// image want to <temp>/lossexp-golden/<study>/<figure>.got.png and
// .diff.png (one place per figure, rewritten by the next failure, so that
// repeated runs such as scripts/mutate.sh's leave nothing behind) and
// returns a sentence naming them.
func keepFailure(want string, got []byte, diff image.Image) (string, error) {
	study := filepath.Base(filepath.Dir(filepath.Dir(want)))
	dir := filepath.Join(os.TempDir(), "lossexp-golden", study)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	base := strings.TrimSuffix(filepath.Base(want), ".png")
	gp, dp := filepath.Join(dir, base+".got.png"), filepath.Join(dir, base+".diff.png")
	if err := os.WriteFile(gp, got, 0o644); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, diff); err != nil {
		return "", err
	}
	if err := os.WriteFile(dp, buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	return fmt.Sprintf("the new figure is %s, the differing pixels (red) %s", gp, dp), nil
}

// TestGoldenCompare_Tolerance pins the comparison itself: a channel
// difference of goldenChannelDelta is the same pixel, one more a differing
// one, in any channel alpha included; the box and the largest difference
// are those of the differing pixels.
func TestGoldenCompare_Tolerance(t *testing.T) {
	base := image.NewNRGBA(image.Rect(0, 0, 20, 10))
	for i := range base.Pix {
		base.Pix[i] = 200
	}
	for _, tc := range []struct {
		name    string
		channel int // 0 R, 1 G, 2 B, 3 A
		delta   int
		want    int
	}{
		{"equal", 0, 0, 0},
		{"red at the delta", 0, goldenChannelDelta, 0},
		{"red one past", 0, goldenChannelDelta + 1, 1},
		{"blue one past, downwards", 2, -(goldenChannelDelta + 1), 1},
		{"alpha one past", 3, goldenChannelDelta + 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := image.NewNRGBA(base.Rect)
			copy(got.Pix, base.Pix)
			i := got.PixOffset(7, 3) + tc.channel
			got.Pix[i] = uint8(int(got.Pix[i]) + tc.delta)
			d := comparePixels(got, base, goldenChannelDelta)
			if d.n != tc.want || d.total != 200 || d.maxDelta != max(tc.delta, -tc.delta) {
				t.Errorf("n, total, largest = %d, %d, %d, want %d, 200, %d", d.n, d.total, d.maxDelta, tc.want, max(tc.delta, -tc.delta))
			}
			if wantBox := image.Rect(7, 3, 8, 4); tc.want == 1 && d.box != wantBox {
				t.Errorf("box = %v, want %v", d.box, wantBox)
			}
		})
	}
}
