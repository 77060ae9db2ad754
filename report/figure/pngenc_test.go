package figure

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// drawnCanvas is a figure-sized canvas with a framed line plot on it:
// text, anti-aliased lines and flat areas, as every figure has.
func drawnCanvas(t testing.TB) *vgimg.Canvas {
	t.Helper()
	c := vgimg.NewWith(vgimg.UseWH(FigureWidth, FigureHeight), vgimg.UseDPI(FigureDPI))
	build := func() (*plot.Plot, plot.Legend, error) {
		p := plot.New()
		p.X.Label.Text, p.Y.Label.Text = "λ", "test.accuracy"
		pts := make(plotter.XYs, 40)
		for i := range pts {
			pts[i].X, pts[i].Y = float64(i), float64(i*i%17)/17
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, plot.Legend{}, err
		}
		l.Color = color.RGBA{R: 200, G: 30, B: 90, A: 255}
		p.Add(l, plotter.NewGrid())
		lg := plot.NewLegend()
		lg.Add("a curve", l)
		return p, lg, nil
	}
	if err := DrawFramed(draw.New(c), "a title", "a subtitle", build); err != nil {
		t.Fatal(err)
	}
	return c
}

// samePixels fails unless a and b have the same size and, pixel by
// pixel from their top left corners (a PNG file has no origin), the same
// colour, compared as 16-bit RGBA, exactly: lossless encodings are the
// point.
func samePixels(t *testing.T, what string, a, b image.Image) {
	t.Helper()
	ra, rb := a.Bounds(), b.Bounds()
	if ra.Size() != rb.Size() {
		t.Fatalf("%s: size %v and %v", what, ra.Size(), rb.Size())
	}
	for y := 0; y < ra.Dy(); y++ {
		for x := 0; x < ra.Dx(); x++ {
			ca, cb := a.At(ra.Min.X+x, ra.Min.Y+y), b.At(rb.Min.X+x, rb.Min.Y+y)
			if color.RGBA64Model.Convert(ca) != color.RGBA64Model.Convert(cb) {
				t.Fatalf("%s: pixel (%d,%d) from the top left is %v, want %v", what, x, y, ca, cb)
			}
		}
	}
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	m, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return m
}

// TestWritePNG_Pixels: WritePNG writes a file that image/png reads back
// as the canvas's own pixels, the same pixels as vgimg's PNG writer; for
// a figure, a sub-image that does not start at (0,0), an image with
// transparent pixels and one that is not RGBA (image/png's path).
func TestWritePNG_Pixels(t *testing.T) {
	c := drawnCanvas(t)
	var got, old bytes.Buffer
	n, err := WritePNG(&got, c)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(got.Len()) {
		t.Errorf("WritePNG returned %d bytes, wrote %d", n, got.Len())
	}
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&old); err != nil {
		t.Fatal(err)
	}
	samePixels(t, "figure against its canvas", decode(t, got.Bytes()), c.Image())
	samePixels(t, "figure against image/png's file", decode(t, got.Bytes()), decode(t, old.Bytes()))
	if cfg, err := png.DecodeConfig(bytes.NewReader(got.Bytes())); err != nil || cfg.ColorModel != color.RGBAModel {
		t.Errorf("colour model %v (%v), want 8-bit RGB read as RGBA", cfg.ColorModel, err)
	}

	rgba := c.Image().(*image.RGBA)
	sub := rgba.SubImage(image.Rect(37, 11, 300, 200)).(*image.RGBA)
	noisy := image.NewRGBA(image.Rect(0, 0, 61, 7))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noisy.Pix {
		noisy.Pix[i] = byte(rng.IntN(256))
	}
	for i := 3; i < len(noisy.Pix); i += 4 {
		noisy.Pix[i] = 255
	}
	transparent := image.NewRGBA(image.Rect(0, 0, 5, 3))
	transparent.Pix[3] = 100 // premultiplied: colour ≤ alpha
	gray := image.NewGray(image.Rect(0, 0, 9, 4))
	gray.Pix[5] = 77
	for _, tc := range []struct {
		name string
		m    image.Image
	}{{"sub-image", sub}, {"noise", noisy}, {"transparent", transparent}, {"gray", gray}} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := encodePNG(&b, tc.m); err != nil {
				t.Fatal(err)
			}
			samePixels(t, tc.name, decode(t, b.Bytes()), tc.m)
		})
	}
}

// TestWritePNG_Concurrent: figures are encoded on several goroutines at
// once, sharing the pool of compressors; each file is still its own
// canvas's pixels (run with -race).
func TestWritePNG_Concurrent(t *testing.T) {
	imgs := make([]*image.RGBA, 8)
	for i := range imgs {
		imgs[i] = image.NewRGBA(image.Rect(0, 0, 300+i, 200))
		for j := range imgs[i].Pix {
			imgs[i].Pix[j] = byte(j*(i+3)) | 0x0f
			if j%4 == 3 {
				imgs[i].Pix[j] = 255
			}
		}
	}
	const rounds = 10
	out := make([][rounds]bytes.Buffer, len(imgs))
	done := make(chan error)
	for i := range imgs {
		go func() {
			for r := range rounds {
				if err := encodePNG(&out[i][r], imgs[i]); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range imgs {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for i := range imgs {
		for r := range rounds {
			samePixels(t, "concurrent", decode(t, out[i][r].Bytes()), imgs[i])
		}
	}
}

// BenchmarkWritePNG: one figure-sized canvas encoded by WritePNG and by
// vgimg's writer (image/png at its default level), as the report did
// before.
func BenchmarkWritePNG(b *testing.B) {
	c := drawnCanvas(b)
	for _, bc := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"WritePNG", func(w *bytes.Buffer) error { _, err := WritePNG(w, c); return err }},
		{"imagepng-default", func(w *bytes.Buffer) error { _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); return err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var w bytes.Buffer
			for b.Loop() {
				w.Reset()
				if err := bc.write(&w); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.Len()), "bytes/file")
		})
	}
}
