package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// longCSV is three sequences in long format, rows out of order, with ids
// that sort numerically (10 after 9) and orders that start at 5.
const longCSV = `seq,t,x,y
10,6,1.5,b
9,5,0.1,a
9,6,0.2,a
10,5,1.4,b
9,7,0.3,b
2,0,7,a
2,1,8,b
`

// TestReadCSV_Sequence: sequence ids numbered in numeric order, frames
// numbered from 0 in order, the id and order columns kept out of the
// features.
func TestReadCSV_Sequence(t *testing.T) {
	tb, err := ReadCSV(strings.NewReader(longCSV), "long.csv", CSVOptions{Target: "y", Sequence: &SequenceOptions{ID: "seq", Order: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tb.NumNames, []string{"x"}) {
		t.Errorf("features %v, want [x]", tb.NumNames)
	}
	// ids 2 < 9 < 10 → 0, 1, 2.
	if want := []int{2, 1, 1, 2, 1, 0, 0}; !slices.Equal(tb.SeqID, want) {
		t.Errorf("SeqID %v, want %v", tb.SeqID, want)
	}
	if want := []int{1, 0, 1, 0, 2, 0, 1}; !slices.Equal(tb.Order, want) {
		t.Errorf("Order %v, want %v", tb.Order, want)
	}
	// Prepare keeps each split's rows in (sequence, frame) order.
	sp, err := Prepare(tb, PrepareOptions{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{7, 8, 0.1, 0.2, 0.3, 1.4, 1.5}; !slices.Equal(sp.Train.X, want) {
		t.Errorf("train X %v, want %v", sp.Train.X, want)
	}
}

// TestReadCSV_SequenceContext: with context 1 a row holds frames t−1, t,
// t+1 of its own sequence, clamped at its ends, named x@-1, x@0, x@+1.
func TestReadCSV_SequenceContext(t *testing.T) {
	tb, err := ReadCSV(strings.NewReader(longCSV), "long.csv", CSVOptions{Target: "y", Sequence: &SequenceOptions{ID: "seq", Order: "t", Context: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"x@-1", "x@0", "x@+1"}; !slices.Equal(tb.NumNames, want) {
		t.Errorf("names %v, want %v", tb.NumNames, want)
	}
	want := map[int][]float64{ // file row → features
		0: {1.4, 1.5, 1.5}, // seq 10, last frame
		1: {0.1, 0.1, 0.2}, // seq 9, first frame
		2: {0.1, 0.2, 0.3},
		4: {0.2, 0.3, 0.3},
		5: {7, 7, 8},
	}
	for i, w := range want {
		if got := tb.NumX[i*3 : i*3+3]; !slices.Equal(got, w) {
			t.Errorf("row %d: %v, want %v", i, got, w)
		}
	}
}

// TestReadCSV_SequenceErrors: each bad long-format file is refused with
// the file, the line and the cause.
func TestReadCSV_SequenceErrors(t *testing.T) {
	seq := &SequenceOptions{ID: "seq", Order: "t"}
	for _, tt := range []struct {
		name, csv string
		opt       CSVOptions
		want      []string
	}{
		{"missing id column", "s,t,x,y\n1,0,1,a\n", CSVOptions{Target: "y", Sequence: seq}, []string{"f.csv", `sequence id column "seq" not found`, "columns: s, t, x, y"}},
		{"missing order column", "seq,u,x,y\n1,0,1,a\n", CSVOptions{Target: "y", Sequence: seq}, []string{`sequence order column "t" not found`}},
		{"order is the target", "seq,t,x\n1,0,1\n", CSVOptions{Target: "t", Sequence: seq}, []string{`"t" cannot be both target and sequence order`}},
		{"id is a listed feature", "seq,t,x,y\n1,0,1,a\n", CSVOptions{Target: "y", Features: []string{"x", "seq"}, Sequence: seq}, []string{`"seq" cannot be both sequence column and feature`}},
		{"id equals order", "seq,t,x,y\n1,0,1,a\n", CSVOptions{Target: "y", Sequence: &SequenceOptions{ID: "t", Order: "t"}}, []string{"both sequence id and sequence order"}},
		{"duplicate frame", "seq,t,x,y\n1,0,1,a\n1,1,1,a\n1,1,2,b\n", CSVOptions{Target: "y", Sequence: seq}, []string{"f.csv: row 4", `column "t"`, `sequence "1" has frame 1 twice (also on line 3)`}},
		{"gap", "seq,t,x,y\n1,0,1,a\n1,1,1,a\n1,3,2,b\n", CSVOptions{Target: "y", Sequence: seq}, []string{"f.csv: row 4", `sequence "1" jumps from frame 1 (line 3) to frame 3`}},
		{"single frame", "seq,t,x,y\n1,0,1,a\n1,1,1,a\nz,4,2,b\n", CSVOptions{Target: "y", Sequence: seq}, []string{"f.csv: row 4", `column "seq"`, `sequence "z" has a single frame`}},
		{"order not an integer", "seq,t,x,y\n1,0,1,a\n1,0.5,1,b\n", CSVOptions{Target: "y", Sequence: seq}, []string{"f.csv: row 3", `column "t"`, `frame order "0.5" is not an integer`}},
		{"missing order", "seq,t,x,y\n1,0,1,a\n1,,1,b\n", CSVOptions{Target: "y", Sequence: seq}, []string{"f.csv: row 3", `column "t"`, "missing value"}},
		{"context with a categorical feature", "seq,t,x,c,y\n1,0,1,u,a\n1,1,1,v,b\n", CSVOptions{Target: "y", Categorical: []string{"c"}, Sequence: &SequenceOptions{ID: "seq", Order: "t", Context: 1}}, []string{`categorical feature "c" cannot have context`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tt.csv), "f.csv", tt.opt)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestPrepare_SequenceSplits: on a long-format table, no sequence is in
// two splits, and each split's rows are whole sequences in frame order.
func TestPrepare_SequenceSplits(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,t,x,y\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for q := range 12 {
		for f := range 5 + q%3 {
			b.WriteString(strings.Join([]string{strconv.Itoa(q), strconv.Itoa(f), strconv.FormatFloat(rng.NormFloat64(), 'g', -1, 64), []string{"a", "b"}[rng.IntN(2)]}, ",") + "\n")
		}
	}
	tb, err := ReadCSV(strings.NewReader(b.String()), "s.csv", CSVOptions{Target: "y", Sequence: &SequenceOptions{ID: "id", Order: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(5) {
		sp, err := Prepare(tb, PrepareOptions{Test: 0.25, Validation: 0.25}, seed)
		if err != nil {
			t.Fatal(err)
		}
		owner := map[int]string{}
		for name, ds := range map[string]*Dataset{"train": sp.Train, "validation": sp.Validation, "test": sp.Test} {
			for i, q := range ds.Seq {
				if o, ok := owner[q]; ok && o != name {
					t.Fatalf("seed %d: sequence %d in %s and %s", seed, q, o, name)
				}
				owner[q] = name
				if i > 0 && ds.Seq[i-1] > q {
					t.Errorf("seed %d: %s rows not in sequence order", seed, name)
				}
			}
		}
		if len(owner) != 12 {
			t.Errorf("seed %d: %d sequences placed, want 12", seed, len(owner))
		}
	}
}

// TestAppendTest: a separate test file is the test split; classes and
// groups keep the training file's indices; categorical levels are fitted
// on training rows only; an unseen level is an error naming the line, or
// all zeros with a warning under policy zero; a class or group the
// training file lacks is an error.
func TestAppendTest(t *testing.T) {
	train := "x,c,g,y\n1,red,m,no\n2,blue,f,yes\n3,red,f,no\n4,blue,m,yes\n"
	opt := CSVOptions{Target: "y", Categorical: []string{"c"}, Group: "g", Features: []string{"x", "c"}}
	tr, err := ReadCSV(strings.NewReader(train), "train.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	o := opt
	o.Known = tr
	test := "x,c,g,y\n5,red,f,yes\n6,green,m,no\n"
	_, err = ReadCSV(strings.NewReader(test), "test.csv", o)
	if err == nil || !strings.Contains(err.Error(), `test.csv: row 3, column "c"`) || !strings.Contains(err.Error(), `level "green" does not occur in the training file`) {
		t.Fatalf("unseen level: err = %v", err)
	}
	o.Unseen = "zero"
	te, err := ReadCSV(strings.NewReader(test), "test.csv", o)
	if err != nil {
		t.Fatal(err)
	}
	if len(te.Warnings) != 1 || !strings.Contains(te.Warnings[0], "c=green (1 rows, first on line 3)") {
		t.Errorf("warnings %q", te.Warnings)
	}
	all, err := AppendTest(tr, te)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := Prepare(all, PrepareOptions{Validation: 0.25, Stratify: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Train.N+sp.Validation.N != 4 || sp.Test.N != 2 {
		t.Fatalf("train %d, validation %d, test %d rows; want 3, 1, 2", sp.Train.N, sp.Validation.N, sp.Test.N)
	}
	// Test rows in file order: x = 5 (red, f, yes), x = 6 (green → zeros, m, no).
	if sp.Test.X[0] != 5 || sp.Test.X[sp.Test.D] != 6 {
		t.Errorf("test X %v", sp.Test.X)
	}
	if sp.Test.Y[0] != 1 || sp.Test.Y[1] != 0 || sp.Test.Group[0] != 0 || sp.Test.Group[1] != 1 {
		t.Errorf("test Y %v, groups %v; want [1 0], [0 1] (classes no, yes; groups f, m)", sp.Test.Y, sp.Test.Group)
	}
	for j := 1; j < sp.Test.D; j++ {
		if sp.Test.X[sp.Test.D+j] != 0 {
			t.Errorf("unseen level encodes %v, want all zeros", sp.Test.X[sp.Test.D:])
		}
		if strings.Contains(sp.Test.Features[j], "green") {
			t.Errorf("a column for a level seen only in the test file: %v", sp.Test.Features)
		}
	}
	if _, err := Prepare(all, PrepareOptions{Test: 0.2}, 3); err == nil {
		t.Error("a test fraction with a test file was accepted")
	}

	for _, tt := range []struct{ name, csv, want string }{
		{"unseen class", "x,c,g,y\n5,red,f,maybe\n", `test.csv: row 2, column "y": class "maybe" does not occur in the training file train.csv`},
		{"unseen group", "x,c,g,y\n5,red,x,no\n", `test.csv: row 2, column "g": group "x" does not occur`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tt.csv), "test.csv", o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestAppendTest_Sequences: the test file's sequence ids follow the
// training file's, so equal ids in the two files stay two sequences.
func TestAppendTest_Sequences(t *testing.T) {
	opt := CSVOptions{Target: "y", Sequence: &SequenceOptions{ID: "id", Order: "t"}}
	tr, err := ReadCSV(strings.NewReader("id,t,x,y\n0,0,1,a\n0,1,2,b\n1,0,3,a\n1,1,4,b\n"), "a.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Known = tr
	te, err := ReadCSV(strings.NewReader("id,t,x,y\n0,0,5,a\n0,1,6,b\n"), "b.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	all, err := AppendTest(tr, te)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 0, 1, 1, 2, 2}; !slices.Equal(all.SeqID, want) {
		t.Errorf("SeqID %v, want %v", all.SeqID, want)
	}
	if all.Checksum == tr.Checksum || all.Checksum == te.Checksum {
		t.Error("the checksum of train+test is one file's")
	}
	sp, err := Prepare(all, PrepareOptions{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sp.Test.Seq, []int{2, 2}) || !slices.Equal(sp.Train.Seq, []int{0, 0, 1, 1}) {
		t.Errorf("train seq %v, test seq %v", sp.Train.Seq, sp.Test.Seq)
	}
}

// referenceDegradeGlyph is DegradeGlyph as it was written before
// DegradeImage generalized it: the glyphs built-in's data must not move.
func referenceDegradeGlyph(dst, img []float64, sigma float64, down int, tmp []float64) {
	const S, P = GlyphSide, GlyphSide * GlyphSide
	if len(dst) != P || len(img) != P || len(tmp) != P || (down != 1 && down != 2 && down != 4) || sigma < 0 {
		panic(fmt.Sprintf("dataset: degrade glyph: len(dst) = %d, len(img) = %d, len(tmp) = %d, down = %d, sigma = %v", len(dst), len(img), len(tmp), down, sigma))
	}
	copy(dst, img)
	if sigma > 0 {
		rad := int(math.Ceil(3 * sigma))
		var w [2*S + 1]float64 // offsets −S … S; taps beyond S−1 never fall inside
		for k := -min(rad, S); k <= min(rad, S); k++ {
			w[k+S] = math.Exp(-float64(k*k) / (2 * sigma * sigma))
		}
		// Rows: img → tmp; columns: tmp → dst.
		for pass := range 2 {
			src, out := img, tmp
			if pass == 1 {
				src, out = tmp, dst
			}
			for r := range S {
				for c := range S {
					var s, z float64
					for k := -min(rad, S); k <= min(rad, S); k++ {
						rr, cc := r, c+k
						if pass == 1 {
							rr, cc = r+k, c
						}
						if rr < 0 || rr >= S || cc < 0 || cc >= S {
							continue
						}
						s += w[k+S] * src[rr*S+cc]
						z += w[k+S]
					}
					out[r*S+c] = s / z
				}
			}
		}
	}
	if down > 1 {
		for br := 0; br < S; br += down {
			for bc := 0; bc < S; bc += down {
				var s float64
				for r := br; r < br+down; r++ {
					for c := bc; c < bc+down; c++ {
						s += dst[r*S+c]
					}
				}
				s /= float64(down * down)
				for r := br; r < br+down; r++ {
					for c := bc; c < bc+down; c++ {
						dst[r*S+c] = s
					}
				}
			}
		}
	}
}

// TestDegradeImage_Glyph: on 8×8 one-channel images DegradeImage is
// the glyphs' original degradation bit for bit (== on purpose: the same operations in the
// same order).
func TestDegradeImage_Glyph(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	img := make([]float64, 64)
	a, b, tmp := make([]float64, 64), make([]float64, 64), make([]float64, 64)
	for _, sigma := range []float64{0, 0.5, 1, 2, 5} {
		for _, down := range []int{1, 2, 4} {
			for i := range img {
				img[i] = rng.Float64()
			}
			referenceDegradeGlyph(a, img, sigma, down, tmp)
			DegradeImage(b, img, 8, 8, 1, sigma, down, tmp)
			for i := range a {
				if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
					t.Fatalf("sigma %v, down %d: pixel %d: %v vs %v", sigma, down, i, a[i], b[i])
				}
			}
		}
	}
}

// TestDegradeImage_Channels: channels are degraded separately (a
// two-channel image is two one-channel images), a constant image stays
// constant, and a non-square image blurs along both axes.
func TestDegradeImage_Channels(t *testing.T) {
	const w, h = 6, 4
	rng := rand.New(rand.NewPCG(6, 7))
	img := make([]float64, w*h*2)
	for i := range img {
		img[i] = rng.Float64()
	}
	out, tmp := make([]float64, len(img)), make([]float64, len(img))
	DegradeImage(out, img, w, h, 2, 1.3, 2, tmp)
	for ch := range 2 {
		one, o1, t1 := make([]float64, w*h), make([]float64, w*h), make([]float64, w*h)
		for p := range w * h {
			one[p] = img[p*2+ch]
		}
		DegradeImage(o1, one, w, h, 1, 1.3, 2, t1)
		for p := range w * h {
			if math.Abs(o1[p]-out[p*2+ch]) > 1e-15 {
				t.Fatalf("channel %d pixel %d: %v alone, %v interleaved", ch, p, o1[p], out[p*2+ch])
			}
		}
	}
	for i := range img {
		img[i] = 0.7
	}
	DegradeImage(out, img, w, h, 2, 1.3, 2, tmp)
	for i, v := range out {
		if math.Abs(v-0.7) > 1e-15 {
			t.Fatalf("constant image: pixel %d = %v", i, v)
		}
	}
}

// imageCSV is four 2×2 one-channel images with pixels 0–4 and a class.
const imageCSV = "p0,p1,p2,p3,k\n0,4,0,4,v\n4,4,0,0,h\n0,4,0,4,v\n4,4,0,0,h\n"

// TestReadCSV_Image: the clean image (pixels / max) is the target, the
// input its degraded version, the class in Label; noise is a function of
// (file, seed).
func TestReadCSV_Image(t *testing.T) {
	im := &ImageOptions{Width: 2, Height: 2, Channels: 1, Max: 4, Blur: 0, Downsample: 2, Noise: 0}
	tb, err := ReadCSV(strings.NewReader(imageCSV), "img.csv", CSVOptions{Target: "k", Image: im})
	if err != nil {
		t.Fatal(err)
	}
	if tb.Task != Regression || tb.T != 4 || !slices.Equal(tb.LabelNames, []string{"h", "v"}) || !slices.Equal(tb.Label, []int{1, 0, 1, 0}) || tb.Classes != nil {
		t.Fatalf("task %v, T %d, labels %v %v, classes %v", tb.Task, tb.T, tb.LabelNames, tb.Label, tb.Classes)
	}
	if want := []float64{0, 1, 0, 1}; !slices.Equal(tb.Y[:4], want) {
		t.Errorf("clean image %v, want %v", tb.Y[:4], want)
	}
	if want := []float64{0.5, 0.5, 0.5, 0.5}; !slices.Equal(tb.NumX[:4], want) { // 2×2 block mean
		t.Errorf("input %v, want %v", tb.NumX[:4], want)
	}
	im.Noise, im.Seed = 0.1, 9
	a, _ := ReadCSV(strings.NewReader(imageCSV), "img.csv", CSVOptions{Target: "k", Image: im})
	b, _ := ReadCSV(strings.NewReader(imageCSV), "img.csv", CSVOptions{Target: "k", Image: im})
	if !slices.Equal(a.NumX, b.NumX) || slices.Equal(a.NumX, tb.NumX) {
		t.Error("noise is not a function of (file, seed), or absent")
	}
	im.Seed = 10
	c, _ := ReadCSV(strings.NewReader(imageCSV), "img.csv", CSVOptions{Target: "k", Image: im})
	if slices.Equal(a.NumX, c.NumX) {
		t.Error("the seed does not change the noise")
	}
	if sp, err := Prepare(tb, PrepareOptions{Test: 0.5}, 1); err != nil || sp.Train.Label == nil || sp.Train.T != 4 {
		t.Errorf("prepare: %v", err)
	}

	for _, tt := range []struct {
		name string
		im   ImageOptions
		task string
		want string
	}{
		{"pixel count", ImageOptions{Width: 3, Height: 2, Channels: 1, Max: 1, Downsample: 1}, "", "image 3×2×1 has 6 pixels, the file has 4 feature columns (p0 … p3)"},
		{"regression", ImageOptions{Width: 2, Height: 2, Channels: 1, Max: 1, Downsample: 1}, "regression", "the task must be classification"},
		{"downsample", ImageOptions{Width: 2, Height: 2, Channels: 1, Max: 1, Downsample: 3}, "", "downsample 3 must be ≥ 1 and divide"},
		{"max", ImageOptions{Width: 2, Height: 2, Channels: 1, Max: 0, Downsample: 1}, "", "max must be"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			im := tt.im
			target := "k"
			_, err := ReadCSV(strings.NewReader(strings.ReplaceAll(imageCSV, ",v", ",1")), "img.csv", CSVOptions{Target: target, Task: tt.task, Image: &im})
			if tt.task == "regression" {
				_, err = ReadCSV(strings.NewReader(strings.ReplaceAll(strings.ReplaceAll(imageCSV, ",v", ",1"), ",h", ",2")), "img.csv", CSVOptions{Target: target, Task: tt.task, Image: &im})
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "img.csv") {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
