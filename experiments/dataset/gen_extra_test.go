package dataset

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// genTable runs an unlisted generator as Builtin would.
func genTable(t *testing.T, g *generator, params map[string]float64, seed uint64) *Table {
	t.Helper()
	tab, p, rng, err := newGeneratorTable(g, params, seed)
	if err != nil {
		t.Fatal(err)
	}
	g.gen(tab, p, rng)
	nameFeatures(tab)
	return tab
}

func TestGenerators_Errors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		g      *generator
		params map[string]float64
		want   string
	}{
		{"multimodal separation", &multimodalGenerator, map[string]float64{"separation": 0.4}, "separation"},
		{"multimodal positive", &multimodalGenerator, map[string]float64{"positive": 1.5}, "positive"},
		{"sequences stay", &sequencesGenerator, map[string]float64{"stay": 1.2}, "stay"},
		{"sequences states", &sequencesGenerator, map[string]float64{"states": 1}, "states"},
		{"sequences unknown", &sequencesGenerator, map[string]float64{"samples": 10}, "unknown parameter"},
		{"glyphs classes", &glyphsGenerator, map[string]float64{"classes": 9}, "classes"},
		{"glyphs shift", &glyphsGenerator, map[string]float64{"shift": 2}, "shift"},
		{"glyphs downsample", &glyphsGenerator, map[string]float64{"downsample": 3}, "downsample"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := newGeneratorTable(tc.g, tc.params, 1)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.g.info.Name) {
				t.Errorf("err = %v, want it to name %s and %q", err, tc.g.info.Name, tc.want)
			}
		})
	}
}

func TestGenerators_Deterministic(t *testing.T) {
	for _, g := range []*generator{&multimodalGenerator, &sequencesGenerator, &glyphsGenerator} {
		t.Run(g.info.Name, func(t *testing.T) {
			a, b, c := genTable(t, g, nil, 7), genTable(t, g, nil, 7), genTable(t, g, nil, 8)
			// Bit identity is the point: a pure function of (params, seed).
			if !slices.Equal(a.NumX, b.NumX) || !slices.Equal(a.Y, b.Y) || a.Checksum != b.Checksum {
				t.Error("two tables from one seed differ")
			}
			if slices.Equal(a.NumX, c.NumX) || a.Checksum == c.Checksum {
				t.Error("tables from seeds 7 and 8 are equal")
			}
			for _, v := range a.NumX {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatal("non-finite feature")
				}
			}
			if len(a.NumNames)*a.N != len(a.NumX) {
				t.Errorf("%d names for %d values over %d rows", len(a.NumNames), len(a.NumX), a.N)
			}
		})
	}
}

func TestMultimodal(t *testing.T) {
	// Without noise |y| = f(x) exactly, with both signs.
	tab := genTable(t, &multimodalGenerator, map[string]float64{"samples": 4000, "noise": 0, "separation": 0.75}, 1)
	if tab.N != 4000 || len(tab.NumX) != 4000 || len(tab.Y) != 4000 || tab.Task != Regression {
		t.Fatalf("shape N=%d len(x)=%d len(y)=%d task %v", tab.N, len(tab.NumX), len(tab.Y), tab.Task)
	}
	pos, mean := 0, 0.0
	for i, x := range tab.NumX {
		f := 0.75 + 0.5*math.Sin(math.Pi*x)
		if x < -1 || x >= 1 || math.Abs(math.Abs(tab.Y[i])-f) > 1e-15 {
			t.Fatalf("row %d: x = %v, y = %v, f(x) = %v", i, x, tab.Y[i], f)
		}
		if tab.Y[i] > 0 {
			pos++
		}
		mean += tab.Y[i]
	}
	// Binomial(4000, ½): sd ≈ 32, so ±200 is > 6 sd.
	if pos < 1800 || pos > 2200 {
		t.Errorf("%d positive of 4000", pos)
	}
	// The mean of y (what MSE learns) sits between the modes, where no
	// sample lies: every |y| ≥ separation − ½.
	if mean /= 4000; math.Abs(mean) > 0.1 {
		t.Errorf("mean of y %v, want near 0", mean)
	}
	one := genTable(t, &multimodalGenerator, map[string]float64{"positive": 1, "noise": 0}, 2)
	for i, y := range one.Y {
		if y <= 0 {
			t.Fatalf("positive = 1 but y[%d] = %v", i, y)
		}
	}
}

func TestSequences(t *testing.T) {
	tab, s, err := GenerateSequences(map[string]float64{"sequences": 200, "length": 50, "states": 4, "stay": 0.9}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if tab.N != 10000 || len(tab.NumX) != 10000*4 || len(s.SeqID) != tab.N || len(s.Order) != tab.N || len(tab.Classes) != 4 {
		t.Fatalf("shape: N = %d, len(x) = %d, len(seq) = %d, classes %v", tab.N, len(tab.NumX), len(s.SeqID), tab.Classes)
	}
	// Rows sequence after sequence, frames in order.
	for i := range tab.N {
		if s.SeqID[i] != i/50 || s.Order[i] != i%50 {
			t.Fatalf("row %d: seq %d order %d", i, s.SeqID[i], s.Order[i])
		}
	}
	// The true label changes at about 1 − stay of the frame pairs (9800
	// pairs: sd ≈ 0.003).
	if r := changeRate(tab.Y, s.SeqID); math.Abs(r-0.1) > 0.02 {
		t.Errorf("true change rate %v, want about 0.1", r)
	}
	// Same table as the generator table entry.
	if g := genTable(t, &sequencesGenerator, map[string]float64{"sequences": 200, "length": 50, "states": 4, "stay": 0.9}, 3); !slices.Equal(g.NumX, tab.NumX) || g.Checksum != tab.Checksum {
		t.Error("GenerateSequences and the generator entry differ")
	}
	// A nearest-class-mean classifier, frame by frame, flickers: its label
	// changes several times as often as the truth.
	K, d := 4, 4
	mu := make([]float64, K*d)
	cnt := make([]float64, K)
	for i := range tab.N {
		c := int(tab.Y[i])
		cnt[c]++
		for j := range d {
			mu[c*d+j] += tab.NumX[i*d+j]
		}
	}
	for c := range K {
		for j := range d {
			mu[c*d+j] /= cnt[c]
		}
	}
	pred := make([]float64, tab.N)
	for i := range tab.N {
		best := math.Inf(1)
		for c := range K {
			var q float64
			for j := range d {
				r := tab.NumX[i*d+j] - mu[c*d+j]
				q += r * r
			}
			if q < best {
				best, pred[i] = q, float64(c)
			}
		}
	}
	acc := 0.0
	for i, p := range pred {
		if p == tab.Y[i] { // exact: labels are integers
			acc++
		}
	}
	t.Logf("per-frame accuracy %.3f, change rate %.3f (truth %.3f)", acc/float64(tab.N), changeRate(pred, s.SeqID), changeRate(tab.Y, s.SeqID))
	if r := changeRate(pred, s.SeqID); r < 3*changeRate(tab.Y, s.SeqID) {
		t.Errorf("per-frame classifier change rate %v, want at least 3× the true rate", r)
	}

	// stay = 1: constant labels; stay = 0: a change at every frame.
	for _, tc := range []struct{ stay, want float64 }{{1, 0}, {0, 1}} {
		tb, sq, err := GenerateSequences(map[string]float64{"stay": tc.stay, "noise": 0}, 5)
		if err != nil {
			t.Fatal(err)
		}
		if r := changeRate(tb.Y, sq.SeqID); r != tc.want { // exact: counts of all or none
			t.Errorf("stay %v: change rate %v, want %v", tc.stay, r, tc.want)
		}
		// Without noise a frame's features are its state's mean.
		for i := range tb.N {
			for k := range tb.N {
				same := slices.Equal(tb.NumX[i*4:(i+1)*4], tb.NumX[k*4:(k+1)*4])
				if same != (tb.Y[i] == tb.Y[k]) { // exact: labels are integers
					t.Fatalf("rows %d and %d: labels %v, %v but equal features %v", i, k, tb.Y[i], tb.Y[k], same)
				}
			}
			if i > 30 {
				break
			}
		}
	}
}

// changeRate is the fraction of frame pairs whose labels differ.
func changeRate(y []float64, seq []int) float64 {
	pairs, ch := 0, 0
	for i := 0; i+1 < len(y); i++ {
		if seq[i] != seq[i+1] {
			continue
		}
		pairs++
		if y[i] != y[i+1] { // exact: labels are integers
			ch++
		}
	}
	return float64(ch) / float64(pairs)
}

func TestDegradeGlyph_HandValues(t *testing.T) {
	img, dst, tmp := make([]float64, 64), make([]float64, 64), make([]float64, 64)
	img[0] = 1
	// 2×2 blocks: the top-left block is ¼ everywhere, the rest 0.
	DegradeGlyph(dst, img, 0, 2, tmp)
	for i, v := range dst {
		want := 0.0
		if r, c := i/8, i%8; r < 2 && c < 2 {
			want = 0.25
		}
		if v != want { // exact: a quarter of 1
			t.Fatalf("down 2: pixel %d = %v, want %v", i, v, want)
		}
	}
	DegradeGlyph(dst, img, 0, 4, tmp)
	if dst[3*8+3] != 1.0/16 || dst[4*8+4] != 0 { // exact
		t.Errorf("down 4: %v, %v; want 1/16, 0", dst[27], dst[36])
	}
	// Blur of a centre pixel (3, 3) with σ = 0.3: taps |k| ≤ ⌈0.9⌉ = 1,
	// all inside the image for every pixel the delta reaches, so the 1-D
	// weights are (e^{−k²/0.18})/Z with Z = 1 + 2e^{−1/0.18}: the centre
	// keeps 1/Z², its 4-neighbours e^{−1/0.18}/Z², the image sums to 1.
	clear(img)
	img[3*8+3] = 1
	DegradeGlyph(dst, img, 0.3, 1, tmp)
	e := math.Exp(-1 / 0.18)
	z := 1 + 2*e
	if c := dst[3*8+3]; math.Abs(c-1/(z*z)) > 1e-15 {
		t.Errorf("centre %v, want %v", c, 1/(z*z))
	}
	if r := dst[3*8+2]; math.Abs(r-e/(z*z)) > 1e-15 || math.Abs(dst[3*8+4]-r) > 1e-15 || math.Abs(dst[2*8+3]-r) > 1e-15 {
		t.Errorf("neighbours %v %v %v, want %v", dst[26], dst[28], dst[19], e/(z*z))
	}
	var sum float64
	for _, v := range dst {
		sum += v
	}
	if math.Abs(sum-1) > 1e-14 {
		t.Errorf("blurred mass %v, want 1", sum)
	}
	// A constant image stays constant, borders included.
	for i := range img {
		img[i] = 0.7
	}
	DegradeGlyph(dst, img, 1.3, 2, tmp)
	for i, v := range dst {
		if math.Abs(v-0.7) > 1e-15 {
			t.Fatalf("constant image: pixel %d = %v", i, v)
		}
	}
}

func TestGlyphs(t *testing.T) {
	// No degradation: input = clean image; each clean image is the
	// template of its class, shifted.
	g, err := GenerateGlyphs(map[string]float64{"samples": 80, "classes": 8, "blur": 0, "downsample": 1, "noise": 0}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if g.N != 80 || len(g.X) != 80*64 || len(g.Clean) != 80*64 || len(g.Label) != 80 || len(g.Classes) != 8 {
		t.Fatalf("shape: %d rows, %d, %d, %d, classes %v", g.N, len(g.X), len(g.Clean), len(g.Label), g.Classes)
	}
	if !slices.Equal(g.X, g.Clean) {
		t.Error("undegraded input differs from the clean image")
	}
	counts := make([]int, 8)
	for i := range g.N {
		c, r0, c0 := g.Label[i], g.ShiftR[i], g.ShiftC[i]
		counts[c]++
		if r0 < 0 || r0 > 2 || c0 < 0 || c0 > 2 {
			t.Fatalf("row %d: offsets (%d, %d)", i, r0, c0)
		}
		for r := range 8 {
			for cc := range 8 {
				want := 0.0
				if tr, tc := r-r0, cc-c0; tr >= 0 && tr < 6 && tc >= 0 && tc < 6 && glyphTemplates[c].rows[tr][tc] == '#' {
					want = 1
				}
				if g.Clean[i*64+r*8+cc] != want { // exact: 0 or 1
					t.Fatalf("row %d (class %d at %d, %d): pixel (%d, %d) = %v, want %v", i, c, r0, c0, r, cc, g.Clean[i*64+r*8+cc], want)
				}
			}
		}
	}
	for c, n := range counts {
		if n != 10 {
			t.Errorf("class %d has %d images, want 10", c, n)
		}
	}
	// shift 0: every glyph centred.
	g, err = GenerateGlyphs(map[string]float64{"shift": 0}, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.N {
		if g.ShiftR[i] != 1 || g.ShiftC[i] != 1 {
			t.Fatalf("shift 0: row %d at (%d, %d)", i, g.ShiftR[i], g.ShiftC[i])
		}
	}
	// The defaults degrade: the input differs from the target.
	g, err = GenerateGlyphs(nil, 9)
	if err != nil {
		t.Fatal(err)
	}
	var diff float64
	for i, v := range g.X {
		diff += (v - g.Clean[i]) * (v - g.Clean[i])
	}
	if diff/float64(len(g.X)) < 0.01 {
		t.Errorf("default degradation: mean squared difference %v", diff/float64(len(g.X)))
	}
	tab := genTable(t, &glyphsGenerator, nil, 9)
	if !slices.Equal(tab.NumX, g.X) || !slices.Equal(tab.Y, g.Clean) || len(tab.Factors) != 3*g.N || tab.Factors[3] != float64(g.Label[1]) {
		t.Error("the generator entry's table does not hold GenerateGlyphs' data")
	}
	if len(tab.NumNames) != 64 || tab.NumNames[63] != "x63" {
		t.Errorf("feature names %v", tab.NumNames)
	}
}
