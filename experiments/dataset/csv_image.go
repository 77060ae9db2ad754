package dataset

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
)

// ImageOptions declare that a CSV file's feature columns are the pixels
// of one image per row, row-major with the channels of a pixel adjacent
// (pixel (r, c), channel k in column (r·Width + c)·Channels + k), and that
// the target column is the image's class. The table becomes an image
// restoration task as the glyphs built-in is: the clean image (pixels
// divided by Max) is the target, the input is it blurred, block-averaged
// and noisy (DegradeImage, then Noise·N(0, 1) per pixel), and the class
// moves to Table.Label for the perceptual term's classifier.
type ImageOptions struct {
	Width, Height, Channels int
	// Max is the pixel value that maps to 1 (the clean images are the
	// pixels divided by Max).
	Max float64
	// Blur is the standard deviation in pixels of the Gaussian blur (0:
	// none); Downsample the side of the averaged blocks (1: none; it must
	// divide Width and Height); Noise the standard deviation of the
	// Gaussian noise added to each input pixel.
	Blur       float64
	Downsample int
	Noise      float64
	// Seed seeds the noise, together with the file's checksum: the same
	// file and seed give the same inputs, and a test file gets noise of
	// its own.
	Seed uint64
}

// imageStream is the second PCG word of the noise of CSV images.
const imageStream = 0x696d6167656e6f69 // "imagenoi"

// maxImageSide bounds ImageOptions.Width and Height.
const maxImageSide = 4096

// buildImages turns a classification table whose numeric features are
// pixels into the restoration task opt describes; badPixel, when not nil,
// is the reader's error for the first pixel outside [0, opt.Max], returned
// once the options are found sound.
func buildImages(t *Table, file, target string, opt ImageOptions, badPixel error) error {
	W, H, C := opt.Width, opt.Height, opt.Channels
	P := W * H * C
	switch {
	case W < 1 || H < 1 || C < 1 || W > maxImageSide || H > maxImageSide || C > 4:
		return fmt.Errorf("%s: image %d×%d with %d channels: width and height must be 1…%d, channels 1…4", file, W, H, C, maxImageSide)
	case t.Task != Classification:
		return fmt.Errorf("%s: an image dataset's target %q is the image's class, for the perceptual term's classifier; the task must be classification (the restoration target is the clean image)", file, target)
	case len(t.CatNames) > 0:
		return fmt.Errorf("%s: image pixels must be numeric; categorical feature %q is not a pixel", file, t.CatNames[0])
	case len(t.NumNames) != P:
		return fmt.Errorf("%s: image %d×%d×%d has %d pixels, the file has %d feature columns (%s … %s); list the pixel columns in features", file, W, H, C, P, len(t.NumNames), t.NumNames[0], t.NumNames[len(t.NumNames)-1])
	case !(opt.Max > 0) || math.IsInf(opt.Max, 0):
		return fmt.Errorf("%s: image max must be a finite number > 0, got %v", file, opt.Max)
	case opt.Downsample < 1 || W%opt.Downsample != 0 || H%opt.Downsample != 0:
		return fmt.Errorf("%s: image downsample %d must be ≥ 1 and divide the width %d and the height %d", file, opt.Downsample, W, H)
	case opt.Blur < 0 || math.IsNaN(opt.Blur) || math.IsInf(opt.Blur, 0) || opt.Noise < 0 || math.IsNaN(opt.Noise) || math.IsInf(opt.Noise, 0):
		return fmt.Errorf("%s: image blur and noise must be finite and ≥ 0, got %v and %v", file, opt.Blur, opt.Noise)
	case badPixel != nil:
		return badPixel
	}
	clean := make([]float64, len(t.NumX))
	for i, v := range t.NumX {
		clean[i] = v / opt.Max
	}
	sum, _ := hex.DecodeString(t.Checksum)
	var word uint64
	if len(sum) >= 8 {
		word = binary.LittleEndian.Uint64(sum)
	}
	rng := rand.New(rand.NewPCG(opt.Seed^word, imageStream))
	x := make([]float64, len(clean))
	tmp := make([]float64, P)
	for i := range t.N {
		in := x[i*P : (i+1)*P]
		DegradeImage(in, clean[i*P:(i+1)*P], W, H, C, opt.Blur, opt.Downsample, tmp)
		for j := range in {
			in[j] += opt.Noise * rng.NormFloat64()
		}
	}
	t.Label = make([]int, t.N)
	for i, y := range t.Y {
		t.Label[i] = int(y)
	}
	t.LabelNames, t.Classes = t.Classes, nil
	t.Task, t.T, t.Y, t.NumX = Regression, P, clean, x
	return nil
}

// DegradeImage writes to dst the degraded version of the image img
// (w×h pixels of c channels, layout as in ImageOptions), without noise:
// per channel, a separable Gaussian blur of standard deviation sigma
// pixels (weights exp(−k²/(2σ²)) for |k| ≤ ⌈3σ⌉, renormalised over the
// taps inside the image; none when sigma = 0), then each down×down block
// replaced by its mean (down must divide w and h). DegradeGlyph is the
// 8×8, one-channel case, bit for bit. tmp is scratch space of len(img);
// dst must not alias img or tmp.
func DegradeImage(dst, img []float64, w, h, c int, sigma float64, down int, tmp []float64) {
	P := w * h * c
	if w < 1 || h < 1 || c < 1 || len(dst) != P || len(img) != P || len(tmp) != P || down < 1 || w%down != 0 || h%down != 0 || sigma < 0 {
		panic(fmt.Sprintf("dataset: degrade image: %d×%d×%d, len(dst) = %d, len(img) = %d, len(tmp) = %d, down = %d, sigma = %v", w, h, c, len(dst), len(img), len(tmp), down, sigma))
	}
	copy(dst, img)
	if sigma > 0 {
		blurImage(dst, img, tmp, w, h, c, sigma)
	}
	if down > 1 {
		downsampleImage(dst, w, h, c, down)
	}
}

// blurImage sets dst to img blurred by a Gaussian of width sigma, rows
// then columns (tmp holds the rows' pass).
func blurImage(dst, img, tmp []float64, w, h, c int, sigma float64) {
	at := func(r, col, k int) int { return (r*w+col)*c + k }
	S := max(w, h)
	rad := min(int(math.Ceil(3*sigma)), S)
	wt := make([]float64, 2*rad+1)
	for k := -rad; k <= rad; k++ {
		wt[k+rad] = math.Exp(-float64(k*k) / (2 * sigma * sigma))
	}
	// Rows: img → tmp; columns: tmp → dst.
	for pass := range 2 {
		src, out := img, tmp
		if pass == 1 {
			src, out = tmp, dst
		}
		for ch := range c {
			for r := range h {
				for col := range w {
					var s, z float64
					for k := -rad; k <= rad; k++ {
						rr, cc := r, col+k
						if pass == 1 {
							rr, cc = r+k, col
						}
						if rr < 0 || rr >= h || cc < 0 || cc >= w {
							continue
						}
						s += wt[k+rad] * src[at(rr, cc, ch)]
						z += wt[k+rad]
					}
					out[at(r, col, ch)] = s / z
				}
			}
		}
	}
}

// downsampleImage replaces each down×down block of dst by its mean.
func downsampleImage(dst []float64, w, h, c, down int) {
	at := func(r, col, k int) int { return (r*w+col)*c + k }
	for ch := range c {
		for br := 0; br < h; br += down {
			for bc := 0; bc < w; bc += down {
				var s float64
				for r := br; r < br+down; r++ {
					for col := bc; col < bc+down; col++ {
						s += dst[at(r, col, ch)]
					}
				}
				s /= float64(down * down)
				for r := br; r < br+down; r++ {
					for col := bc; col < bc+down; col++ {
						dst[at(r, col, ch)] = s
					}
				}
			}
		}
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
