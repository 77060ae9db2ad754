package dataset

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestBuiltin_Shapes(t *testing.T) {
	tests := []struct {
		name    string
		params  map[string]float64
		task    Task
		n, d    int
		classes int   // 0 for regression
		counts  []int // rows per class, nil to skip
	}{
		{"moons", nil, Classification, 600, 2, 2, []int{300, 300}},
		{"moons", map[string]float64{"samples": 11, "noise": 0}, Classification, 11, 2, 2, []int{5, 6}},
		{"circles", nil, Classification, 600, 2, 2, []int{300, 300}},
		{"blobs", nil, Classification, 600, 2, 3, []int{200, 200, 200}},
		{"blobs", map[string]float64{"samples": 100, "classes": 4, "features": 7}, Classification, 100, 7, 4, []int{25, 25, 25, 25}},
		{"spirals", nil, Classification, 600, 2, 3, []int{200, 200, 200}},
		{"spirals", map[string]float64{"samples": 101, "classes": 2}, Classification, 101, 2, 2, []int{51, 50}},
		{"regression", nil, Regression, 400, 5, 0, nil},
		{"regression", map[string]float64{"degree": 3, "features": 8, "informative": 2}, Regression, 400, 8, 0, nil},
		{"sparse", nil, Classification, 300, 100, 2, nil},
		{"sparse", map[string]float64{"redundant": 3, "features": 20}, Classification, 300, 20, 2, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Builtin(tc.name, tc.params, 7)
			if err != nil {
				t.Fatal(err)
			}
			if tab.Task != tc.task || tab.N != tc.n || len(tab.NumNames) != tc.d || len(tab.NumX) != tc.n*tc.d || len(tab.Y) != tc.n {
				t.Fatalf("got task %v, N %d, D %d, len(NumX) %d, len(Y) %d; want %v, %d, %d", tab.Task, tab.N, len(tab.NumNames), len(tab.NumX), len(tab.Y), tc.task, tc.n, tc.d)
			}
			if tab.NumNames[0] != "x0" || tab.NumNames[tc.d-1] != "x"+itoa(tc.d-1) {
				t.Errorf("feature names %v", tab.NumNames)
			}
			if len(tab.CatNames) != 0 || tab.Group != nil || len(tab.Checksum) != 64 {
				t.Errorf("unexpected categorical %v, group %v or checksum %q", tab.CatNames, tab.Group, tab.Checksum)
			}
			for _, v := range tab.NumX {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite feature %v", v)
				}
			}
			if tc.task == Regression {
				if tab.Classes != nil {
					t.Errorf("regression has classes %v", tab.Classes)
				}
				return
			}
			if !slices.Equal(tab.Classes, classLabels(tc.classes)) {
				t.Errorf("classes %v, want %d labels", tab.Classes, tc.classes)
			}
			counts := make([]int, tc.classes)
			for _, y := range tab.Y {
				counts[int(y)]++
			}
			if tc.counts != nil && !slices.Equal(counts, tc.counts) {
				t.Errorf("class counts %v, want %v", counts, tc.counts)
			}
			for c, m := range counts {
				if m == 0 {
					t.Errorf("class %d is empty", c)
				}
			}
		})
	}
}

func itoa(i int) string { return classLabels(i + 1)[i] }

func TestBuiltin_Deterministic(t *testing.T) {
	for _, g := range Builtins() {
		t.Run(g.Name, func(t *testing.T) {
			a, err := Builtin(g.Name, nil, 3)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := Builtin(g.Name, nil, 3)
			c, _ := Builtin(g.Name, nil, 4)
			// Bit-identity is the point here, so == on floats is intended.
			if !slices.Equal(a.NumX, b.NumX) || !slices.Equal(a.Y, b.Y) || a.Checksum != b.Checksum {
				t.Error("same seed gave different data")
			}
			if slices.Equal(a.NumX, c.NumX) || a.Checksum == c.Checksum {
				t.Error("different seeds gave the same data or checksum")
			}
			// Spelling out the defaults is the same dataset.
			defaults := map[string]float64{}
			for _, p := range g.Params {
				defaults[p.Name] = p.Default
			}
			d, err := Builtin(g.Name, defaults, 3)
			if err != nil {
				t.Fatal(err)
			}
			if d.Checksum != a.Checksum || !slices.Equal(d.NumX, a.NumX) {
				t.Error("explicit defaults changed the data or checksum")
			}
		})
	}
}

func TestBuiltin_Errors(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]float64
		want   string
	}{
		{"nope", nil, `unknown builtin "nope" (valid: moons, circles, blobs, spirals, regression, sparse, fair, factors, sequences, edges, multimodal, glyphs)`},
		{"moons", map[string]float64{"x": 1}, `unknown parameter "x" for builtin moons (valid: samples, noise)`},
		{"moons", map[string]float64{"samples": 5}, `builtin moons: parameter samples must be at least 10, got 5`},
		{"moons", map[string]float64{"samples": 100.5}, `builtin moons: parameter samples must be an integer, got 100.5`},
		{"moons", map[string]float64{"noise": -0.1}, `builtin moons: parameter noise must be at least 0, got -0.1`},
		{"moons", map[string]float64{"noise": math.NaN()}, `builtin moons: parameter noise must be a finite number, got NaN`},
		{"circles", map[string]float64{"factor": 1}, `builtin circles: parameter factor must be between 0 and 1 (exclusive), got 1`},
		{"blobs", map[string]float64{"classes": 1}, `builtin blobs: parameter classes must be at least 2, got 1`},
		{"blobs", map[string]float64{"spread": 0}, `builtin blobs: parameter spread must be positive, got 0`},
		{"blobs", map[string]float64{"samples": 10, "classes": 11}, `builtin blobs: parameter samples (10) must be at least classes (11)`},
		{"spirals", map[string]float64{"turns": 0}, `builtin spirals: parameter turns must be positive, got 0`},
		{"regression", map[string]float64{"informative": 7}, `builtin regression: parameter informative (7) must not exceed features (5)`},
		{"regression", map[string]float64{"degree": 6}, `builtin regression: parameter degree must be at most 5, got 6`},
		{"sparse", map[string]float64{"informative": 0}, `builtin sparse: parameter informative must be at least 1, got 0`},
		{"sparse", map[string]float64{"features": 10, "informative": 8, "redundant": 3}, `builtin sparse: parameters informative (8) plus redundant (3) must not exceed features (10)`},
		{"sparse", map[string]float64{"flip": 0.6}, `builtin sparse: parameter flip must be at most 0.5, got 0.6`},
		{"sparse", map[string]float64{"samples": 1e6, "features": 1e6}, `builtin sparse: samples × features = 1e+12 exceeds the limit of 268435456 cells`},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			_, err := Builtin(tc.name, tc.params, 1)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got error %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestBuiltins(t *testing.T) {
	infos := Builtins()
	var names []string
	for _, g := range infos {
		names = append(names, g.Name)
		if g.Summary == "" || len(g.Params) == 0 {
			t.Errorf("%s: missing summary or params", g.Name)
		}
		for _, p := range g.Params {
			if p.Meaning == "" || p.Default < p.Min {
				t.Errorf("%s.%s: empty meaning or default below minimum", g.Name, p.Name)
			}
		}
	}
	want := "moons circles blobs spirals regression sparse fair factors sequences edges multimodal glyphs"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("names %q, want %q", got, want)
	}
	// The result is a copy.
	infos[0].Params[0].Default = -1
	if Builtins()[0].Params[0].Default == -1 {
		t.Error("Builtins returned the internal table")
	}
}

func TestBuiltin_Sanity(t *testing.T) {
	// Moons without noise lie on unit half circles.
	tab, err := Builtin("moons", map[string]float64{"noise": 0, "samples": 50}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range tab.N {
		x, y := tab.NumX[2*i], tab.NumX[2*i+1]
		if tab.Y[i] == 1 {
			x, y = 1-x, 0.5-y
		}
		// Tolerance: a few ulps of cos/sin.
		if r := math.Hypot(x, y); math.Abs(r-1) > 1e-12 {
			t.Fatalf("row %d (class %v) at radius %v, want 1", i, tab.Y[i], r)
		}
	}
	// A noise-free linear target has weights of magnitude ≥ 0.5 on five
	// standard normal features, so its mean square is well above 0.5.
	reg, err := Builtin("regression", map[string]float64{"noise": 0}, 1)
	if err != nil {
		t.Fatal(err)
	}
	v := 0.0
	for _, y := range reg.Y {
		v += y * y
	}
	if v/float64(reg.N) < 0.5 {
		t.Errorf("regression target has mean square %v, want a clear signal", v/float64(reg.N))
	}
}
