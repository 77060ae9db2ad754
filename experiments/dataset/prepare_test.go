package dataset

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// idTable makes a classification table whose group column carries the row
// id (Group[i] = i), so tests can tell which rows went where.
func idTable(counts []int) *Table {
	t := &Table{Name: "ids", Task: Classification, NumNames: []string{"x"}}
	for c, m := range counts {
		t.Classes = append(t.Classes, "c"+strconv.Itoa(c))
		for range m {
			t.NumX = append(t.NumX, float64(t.N))
			t.Y = append(t.Y, float64(c))
			t.Group = append(t.Group, t.N)
			t.GroupNames = append(t.GroupNames, strconv.Itoa(t.N))
			t.N++
		}
	}
	return t
}

func classCounts(ds *Dataset, k int) []int {
	if ds == nil {
		return nil
	}
	out := make([]int, k)
	for _, y := range ds.Y {
		out[int(y)]++
	}
	return out
}

func TestPrepare_Splits(t *testing.T) {
	tests := []struct {
		name             string
		counts           []int
		opt              PrepareOptions
		train, val, test []int // per-class counts; nil for an absent split
	}{
		{"stratified exact", []int{60, 30, 10}, PrepareOptions{Test: 0.2, Validation: 0.1, Stratify: true},
			[]int{42, 21, 7}, []int{6, 3, 1}, []int{12, 6, 2}},
		// Quotas 1.75 and 1.25 of round(0.25·12) = 3: floors 1+1, the
		// remaining row goes to the larger remainder (class 0).
		{"stratified largest remainder", []int{7, 5}, PrepareOptions{Test: 0.25, Stratify: true},
			[]int{5, 4}, nil, []int{2, 1}},
		{"test zero trains on all rows", []int{3, 4}, PrepareOptions{Stratify: true},
			[]int{3, 4}, nil, nil},
		{"validation only", []int{10, 10}, PrepareOptions{Validation: 0.5, Stratify: true},
			[]int{5, 5}, []int{5, 5}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab := idTable(tc.counts)
			s, err := Prepare(tab, tc.opt, 42)
			if err != nil {
				t.Fatal(err)
			}
			k := len(tc.counts)
			if got := classCounts(s.Train, k); !slices.Equal(got, tc.train) {
				t.Errorf("train counts %v, want %v", got, tc.train)
			}
			if got := classCounts(s.Validation, k); !slices.Equal(got, tc.val) {
				t.Errorf("validation counts %v, want %v", got, tc.val)
			}
			if got := classCounts(s.Test, k); !slices.Equal(got, tc.test) {
				t.Errorf("test counts %v, want %v", got, tc.test)
			}
			// Every row lands in exactly one split.
			var ids []int
			for _, ds := range []*Dataset{s.Train, s.Validation, s.Test} {
				if ds != nil {
					ids = append(ids, ds.Group...)
				}
			}
			slices.Sort(ids)
			for i, id := range ids {
				if id != i {
					t.Fatalf("rows %v are not a partition of 0..%d", ids, tab.N-1)
				}
			}
			if len(ids) != tab.N {
				t.Fatalf("%d rows in splits, want %d", len(ids), tab.N)
			}
		})
	}
}

func TestPrepare_Unstratified(t *testing.T) {
	tab := idTable([]int{50, 50})
	s, err := Prepare(tab, PrepareOptions{Test: 0.3, Validation: 0.2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.N != 50 || s.Validation.N != 20 || s.Test.N != 30 {
		t.Errorf("sizes %d/%d/%d, want 50/20/30", s.Train.N, s.Validation.N, s.Test.N)
	}
	// The rows are shuffled, not taken in table order.
	if slices.IsSorted(s.Train.Group) {
		t.Error("training rows are in table order")
	}
}

func TestPrepare_Deterministic(t *testing.T) {
	tab, err := Builtin("blobs", map[string]float64{"features": 3}, 1)
	if err != nil {
		t.Fatal(err)
	}
	opt := PrepareOptions{Test: 0.25, Validation: 0.1, Stratify: true, Standardize: true}
	a, _ := Prepare(tab, opt, 9)
	b, _ := Prepare(tab, opt, 9)
	c, _ := Prepare(tab, opt, 10)
	// Bit-identity is the point here, so == on floats is intended.
	for _, pair := range [][2]*Dataset{{a.Train, b.Train}, {a.Validation, b.Validation}, {a.Test, b.Test}} {
		if !slices.Equal(pair[0].X, pair[1].X) || !slices.Equal(pair[0].Y, pair[1].Y) {
			t.Error("same seed gave different splits")
		}
	}
	if slices.Equal(a.Train.X, c.Train.X) {
		t.Error("different seeds gave the same split")
	}
	if a.K() != 3 || a.Task != Classification || !slices.Equal(a.Classes, []string{"0", "1", "2"}) {
		t.Errorf("K %d, task %v, classes %v", a.K(), a.Task, a.Classes)
	}
}

// findSeed returns a seed for which row id lands in the test split.
func findSeed(t *testing.T, tab *Table, opt PrepareOptions, id int) (uint64, *Splits) {
	t.Helper()
	for seed := range uint64(1000) {
		s, err := Prepare(tab, opt, seed)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(s.Test.Group, id) {
			return seed, s
		}
	}
	t.Fatalf("no seed puts row %d in the test split", id)
	return 0, nil
}

func TestPrepare_OneHotFittedOnTrain(t *testing.T) {
	// Row 5 is the only one with category "z".
	tab := &Table{
		Name: "cats", Task: Classification, N: 6,
		NumNames: []string{"x"}, NumX: []float64{1, 2, 3, 4, 5, 6},
		CatNames: []string{"color", "size"},
		CatX:     []string{"red", "s", "blue", "m", "red", "s", "blue", "m", "red", "s", "z", "m"},
		Y:        []float64{0, 1, 0, 1, 0, 1}, Classes: []string{"a", "b"},
		Group: []int{0, 1, 2, 3, 4, 5}, GroupNames: []string{"0", "1", "2", "3", "4", "5"},
	}
	opt := PrepareOptions{Test: 1.0 / 6, Standardize: true}
	_, s := findSeed(t, tab, opt, 5)
	want := []string{"x", "color=blue", "color=red", "size=m", "size=s"}
	for _, ds := range []*Dataset{s.Train, s.Test} {
		if !slices.Equal(ds.Features, want) || ds.D != len(want) {
			t.Errorf("features %v (D %d), want %v", ds.Features, ds.D, want)
		}
	}
	// The unseen category encodes as all zeros; size=m is still known.
	row := s.Test.X[:s.Test.D]
	if !slices.Equal(row[1:], []float64{0, 0, 1, 0}) {
		t.Errorf("test row one-hot %v, want [0 0 1 0]", row[1:])
	}
	// One-hot columns are 0/1 in training, never standardized.
	for i := range s.Train.N {
		r := s.Train.X[i*s.Train.D : (i+1)*s.Train.D]
		if r[1]+r[2] != 1 || r[3]+r[4] != 1 {
			t.Errorf("train row %d one-hot %v", i, r[1:])
		}
	}
}

func TestPrepare_StandardizeUsesTrainStats(t *testing.T) {
	tab := &Table{
		Name: "std", Task: Regression, N: 6,
		NumNames: []string{"x", "const"},
		NumX:     []float64{0, 0.1, 2, 0.1, 4, 0.1, 6, 0.1, 8, 0.1, 100, 0.1},
		Y:        []float64{1, 2, 3, 4, 5, 6},
		Group:    []int{0, 1, 2, 3, 4, 5}, GroupNames: []string{"0", "1", "2", "3", "4", "5"},
	}
	// Stratify is ignored for regression.
	opt := PrepareOptions{Test: 1.0 / 6, Standardize: true, Stratify: true}
	_, s := findSeed(t, tab, opt, 5)
	// Train x = 0, 2, 4, 6, 8: mean 4, population std sqrt(8). The test
	// row x = 100 becomes (100-4)/sqrt(8) = 33.9411254969…; had the test
	// row leaked into the statistics it would be about 2.2.
	const tol = 1e-12 // a few ulps of the two-pass mean/variance
	if got, want := s.Test.X[0], 96/math.Sqrt(8); math.Abs(got-want) > tol {
		t.Errorf("test x %v, want %v", got, want)
	}
	for i := range s.Train.N {
		id := s.Train.Group[i]
		want := (tab.NumX[2*id] - 4) / math.Sqrt(8)
		if got := s.Train.X[2*i]; math.Abs(got-want) > tol {
			t.Errorf("train row %d x %v, want %v", id, got, want)
		}
		// A constant column is centered exactly and not scaled.
		if got := s.Train.X[2*i+1]; got != 0 {
			t.Errorf("train row %d const %v, want 0", id, got)
		}
		if s.Train.Y[i] != tab.Y[id] {
			t.Errorf("train row %d y %v, want %v", id, s.Train.Y[i], tab.Y[id])
		}
	}
	if s.Test.X[1] != 0 || s.K() != 1 || s.Classes != nil {
		t.Errorf("test const %v, K %d, classes %v", s.Test.X[1], s.K(), s.Classes)
	}

	// Without Standardize the values pass through.
	raw, err := Prepare(tab, PrepareOptions{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw.Train.N {
		id := raw.Train.Group[i]
		if raw.Train.X[2*i] != tab.NumX[2*id] {
			t.Errorf("unstandardized row %d changed", id)
		}
	}
	if raw.Test != nil || raw.Validation != nil || raw.Train.N != 6 {
		t.Errorf("test=0: got test %v, validation %v, train N %d", raw.Test, raw.Validation, raw.Train.N)
	}
}

func TestPrepare_DoesNotModifyTable(t *testing.T) {
	tab, _ := Builtin("moons", nil, 1)
	before := slices.Clone(tab.NumX)
	if _, err := Prepare(tab, PrepareOptions{Test: 0.25, Standardize: true, Stratify: true}, 1); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, tab.NumX) {
		t.Error("Prepare modified the table")
	}
}

func TestPrepare_Errors(t *testing.T) {
	ok := func() *Table { return idTable([]int{5, 5}) }
	tests := []struct {
		name string
		tab  *Table
		opt  PrepareOptions
		want string
	}{
		{"nil table", nil, PrepareOptions{}, "prepare: nil table"},
		{"negative test", ok(), PrepareOptions{Test: -0.1}, "prepare: test fraction must be in [0, 1), got -0.1"},
		{"validation one", ok(), PrepareOptions{Validation: 1}, "prepare: validation fraction must be in [0, 1), got 1"},
		{"nan test", ok(), PrepareOptions{Test: math.NaN()}, "prepare: test fraction must be in [0, 1), got NaN"},
		{"sum one", ok(), PrepareOptions{Test: 0.5, Validation: 0.5}, "prepare: test (0.5) plus validation (0.5) fractions must be below 1"},
		{"empty test", ok(), PrepareOptions{Test: 0.01}, "prepare ids: test fraction 0.01 of 10 rows leaves the test split empty"},
		{"empty validation", ok(), PrepareOptions{Validation: 0.04}, "prepare ids: validation fraction 0.04 of 10 rows leaves the validation split empty"},
		{"no train rows", ok(), PrepareOptions{Test: 0.5, Validation: 0.45}, "prepare ids: test 0.5 and validation 0.45 of 10 rows leave no rows for training"},
		{"class without rows", func() *Table { t := ok(); t.Classes = append(t.Classes, "ghost"); return t }(), PrepareOptions{},
			`prepare ids: the training split has no rows of class "ghost" (0 in the table); lower the test/validation fractions or enable stratify`},
		{"bad class index", func() *Table { t := ok(); t.Y[3] = 2; return t }(), PrepareOptions{},
			"prepare ids: row 3 has class index 2, want an integer in 0..1"},
		{"short NumX", func() *Table { t := ok(); t.NumX = t.NumX[:9]; return t }(), PrepareOptions{},
			"prepare ids: 9 numeric values, want 10 rows × 1 columns"},
		{"nan feature", func() *Table { t := ok(); t.NumX[4] = math.NaN(); return t }(), PrepareOptions{},
			`prepare ids: row 4, feature "x" is NaN`},
		{"overflow when standardized", &Table{Name: "big", Task: Regression, N: 2, NumNames: []string{"x"}, NumX: []float64{1.5e308, 1.7e308}, Y: []float64{0, 1}},
			PrepareOptions{Standardize: true}, `prepare big: feature "x" is too large to standardize (values near ±1e308)`},
		{"bad group", func() *Table { t := ok(); t.Group[0] = 99; return t }(), PrepareOptions{},
			"prepare ids: row 0 has group index 99, want 0..9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Prepare(tc.tab, tc.opt, 1)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got error %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestPrepare_RareClassMissingFromTrain(t *testing.T) {
	// One row of class c1 and a large test fraction without stratify: some
	// seed puts it in the test split, and the error names the class.
	tab := idTable([]int{9, 1})
	for seed := range uint64(100) {
		_, err := Prepare(tab, PrepareOptions{Test: 0.5}, seed)
		if err != nil {
			want := `prepare ids: the training split has no rows of class "c1" (1 in the table); lower the test/validation fractions or enable stratify`
			if err.Error() != want {
				t.Fatalf("got %v\nwant %s", err, want)
			}
			return
		}
	}
	t.Fatal("no seed left class c1 out of training")
}

// TestPrepare_ContinuousTargetHint: a numeric target read as classes
// (every value its own class) is refused with the cure, task: regression,
// not a hint about split fractions.
func TestPrepare_ContinuousTargetHint(t *testing.T) {
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := range 40 {
		fmt.Fprintf(&b, "%d,%.3f\n", i, 6.981+float64(i)*0.37)
	}
	// Fractional labels are refused as soon as they are read (cells.go);
	// either way the cure is task: regression.
	tab, err := ReadCSV(strings.NewReader(b.String()), "f.csv", CSVOptions{Target: "y"})
	if err == nil {
		_, err = Prepare(tab, PrepareOptions{Test: 0.25, Stratify: true}, 1)
	}
	if err == nil || !strings.Contains(err.Error(), "dataset.task: regression") || strings.Contains(err.Error(), "lower the test") {
		t.Errorf("error %v, want the task: regression cure", err)
	}
	for _, tc := range []struct {
		classes []string
		rows    int
		want    bool
	}{
		{[]string{"a", "b", "c"}, 10, false},
		{[]string{"0", "1"}, 4, false},
		{[]string{"0", "1", "2"}, 300, false},  // digit classes
		{[]string{"0", "1", "2.5"}, 300, true}, // fractional
		{[]string{"1", "2", "3", "4", "5"}, 12, true},
	} {
		if got := looksContinuous(tc.classes, tc.rows); got != tc.want {
			t.Errorf("looksContinuous(%v, %d) = %v", tc.classes, tc.rows, got)
		}
	}
}
