package dataset

import (
	"fmt"
	"math/rand/v2"
)

// GlyphSide is the side of a glyph image: images have GlyphSide² = 64
// pixels, row-major (pixel (r, c) at r·GlyphSide + c), values in [0, 1]
// before noise.
const GlyphSide = 8

// glyphTemplates are 6×6 bitmaps of the glyph classes, in class order.
var glyphTemplates = [...]struct {
	name string
	rows [6]string
}{
	{"ring", [6]string{".####.", "#....#", "#....#", "#....#", "#....#", ".####."}},
	{"bar", [6]string{"..##..", "..##..", "..##..", "..##..", "..##..", "..##.."}},
	{"plus", [6]string{"..##..", "..##..", "######", "######", "..##..", "..##.."}},
	{"cross", [6]string{"#....#", ".#..#.", "..##..", "..##..", ".#..#.", "#....#"}},
	{"ell", [6]string{"#.....", "#.....", "#.....", "#.....", "#.....", "######"}},
	{"tee", [6]string{"######", "..#...", "..#...", "..#...", "..#...", "..#..."}},
	{"box", [6]string{"######", "#....#", "#.##.#", "#.##.#", "#....#", "######"}},
	{"dash", [6]string{"......", "......", "######", "######", "......", "......"}},
}

// glyphsGenerator is the `glyphs` built-in (the perceptual term's
// dataset): a multi-output regression whose Table's Y is the clean image,
// N × 64 (T = 64), with the glyph class in Table.Label.
var glyphsGenerator = generator{
	info: GeneratorInfo{
		Name:    "glyphs",
		Task:    Regression,
		Summary: "image restoration: 8×8 images of simple glyph classes (ring, bar, plus, cross, …) at random shifts; the input is the image blurred, downsampled and noisy, the target the clean image (64 values), plus the class label for the perceptual term's classifier",
		Params: []ParamInfo{
			{Name: "samples", Default: 800, Meaning: "number of images", Integer: true, Min: 10},
			{Name: "classes", Default: 4, Meaning: "number of glyph classes, at most 8 (ring, bar, plus, cross, ell, tee, box, dash)", Integer: true, Min: 2},
			{Name: "shift", Default: 1, Meaning: "largest displacement, per axis, of the 6×6 glyph from the centre of the 8×8 image: 0 (always centred) or 1", Integer: true, Min: 0},
			{Name: "blur", Default: 1.0, Meaning: "standard deviation in pixels of the Gaussian blur of the input (0: none)", Min: 0},
			{Name: "downsample", Default: 2, Meaning: "the input is averaged over blocks of downsample×downsample pixels and repeated back to 8×8: 1 (none), 2 or 4", Integer: true, Min: 1},
			{Name: "noise", Default: 0.1, Meaning: "standard deviation of the Gaussian noise added to each input pixel", Min: 0},
		},
		Images: true,
	},
	check: func(p genParams) error {
		if p["classes"] > float64(len(glyphTemplates)) {
			return fmt.Errorf("parameter classes must be at most %d, got %v", len(glyphTemplates), p["classes"])
		}
		if p["shift"] > 1 {
			return fmt.Errorf("parameter shift must be 0 or 1, got %v", p["shift"])
		}
		if d := p["downsample"]; d != 1 && d != 2 && d != 4 {
			return fmt.Errorf("parameter downsample must be 1, 2 or 4, got %v", d)
		}
		return nil
	},
	gen: genGlyphs,
}

// Glyphs is the glyphs built-in's data: N images of GlyphSide² = 64
// pixels, row-major per image. Its Table has the degraded images as
// features x0…x63, the clean images as targets (T = 64), the classes as
// Table.Label and (class, shift_r, shift_c) as generating factors.
type Glyphs struct {
	N       int
	X       []float64 // N × 64 degraded images: the model's input
	Clean   []float64 // N × 64 clean images: the target
	Label   []int     // N class indices in [0, len(Classes))
	Classes []string  // class names in index order
	ShiftR  []int     // N row shifts of the glyph
	ShiftC  []int     // N column shifts of the glyph
}

// GenerateGlyphs returns the glyphs built-in's data for params and seed;
// the same draws as Builtin("glyphs", params, seed) once the generator is
// listed. Unknown parameters and values out of range are errors.
func GenerateGlyphs(params map[string]float64, seed uint64) (*Glyphs, error) {
	_, p, rng, err := newGeneratorTable(&glyphsGenerator, params, seed)
	if err != nil {
		return nil, err
	}
	return glyphsData(p, rng), nil
}

// genGlyphs fills the table: features, targets (N × 64), labels and the
// label and shifts as generating factors.
func genGlyphs(t *Table, p genParams, rng *rand.Rand) {
	glyphsData(p, rng).fill(t)
}

// fill sets t's features to the degraded images, its target to the clean
// images (N × 64, row-major, T = 64), its labels to the classes and its
// factors to (class, shift_r, shift_c).
func (g *Glyphs) fill(t *Table) {
	t.N, t.NumX, t.Y, t.T = g.N, g.X, g.Clean, GlyphSide*GlyphSide
	t.Label, t.LabelNames = g.Label, g.Classes
	t.Factors = make([]float64, 3*g.N)
	for i := range g.N {
		t.Factors[3*i] = float64(g.Label[i])
		t.Factors[3*i+1] = float64(g.ShiftR[i])
		t.Factors[3*i+2] = float64(g.ShiftC[i])
	}
	t.FactorNames = []string{"class", "shift_r", "shift_c"}
}

// glyphsData draws a random permutation of the rows; row i gets class
// perm[i] mod K (so the classes are balanced and in random order). Then,
// per image: the offsets (r, c) of the class's 6×6 template in the 8×8
// image, each uniform over {1 − shift, …, 1 + shift} (1 is centred); the
// clean image has 1 on the glyph's pixels and 0 elsewhere; the input is
// DegradeGlyph(clean, blur, downsample) plus noise·N(0, 1) per pixel.
func glyphsData(p genParams, rng *rand.Rand) *Glyphs {
	n, K, shift := p.int("samples"), p.int("classes"), p.int("shift")
	blur, down, noise := p["blur"], p.int("downsample"), p["noise"]
	const P = GlyphSide * GlyphSide
	g := &Glyphs{N: n, X: make([]float64, n*P), Clean: make([]float64, n*P),
		Label: make([]int, n), ShiftR: make([]int, n), ShiftC: make([]int, n), Classes: make([]string, K)}
	for c := range K {
		g.Classes[c] = glyphTemplates[c].name
	}
	order := rng.Perm(n)
	tmp := make([]float64, P)
	for i := range n {
		c := order[i] % K
		r0 := 1 - shift + rng.IntN(2*shift+1)
		c0 := 1 - shift + rng.IntN(2*shift+1)
		img := g.Clean[i*P : (i+1)*P]
		for r, line := range glyphTemplates[c].rows {
			for cc, ch := range line {
				if ch == '#' {
					img[(r+r0)*GlyphSide+cc+c0] = 1
				}
			}
		}
		g.Label[i], g.ShiftR[i], g.ShiftC[i] = c, r0, c0
		x := g.X[i*P : (i+1)*P]
		DegradeGlyph(x, img, blur, down, tmp)
		for j := range x {
			x[j] += noise * rng.NormFloat64()
		}
	}
	return g
}

// DegradeGlyph writes to dst the degraded version of the 8×8 image img
// (both GlyphSide² = 64 pixels, row-major), without noise:
//
//  1. a Gaussian blur of standard deviation sigma pixels (none when
//     sigma = 0): separable, with weights exp(−k²/(2σ²)) for offsets
//     |k| ≤ ⌈3σ⌉, renormalised over the taps inside the image at the
//     borders (a constant image stays constant);
//  2. block averaging: each down×down block (down = 1, 2 or 4) is
//     replaced by its mean, repeated over the block (the image stays
//     8×8, at 8/down × 8/down resolution).
//
// tmp is scratch space of 64 values. dst must not alias img or tmp.
func DegradeGlyph(dst, img []float64, sigma float64, down int, tmp []float64) {
	const S, P = GlyphSide, GlyphSide * GlyphSide
	if len(dst) != P || len(img) != P || len(tmp) != P || (down != 1 && down != 2 && down != 4) || sigma < 0 {
		panic(fmt.Sprintf("dataset: degrade glyph: len(dst) = %d, len(img) = %d, len(tmp) = %d, down = %d, sigma = %v", len(dst), len(img), len(tmp), down, sigma))
	}
	DegradeImage(dst, img, S, S, 1, sigma, down, tmp)
}
