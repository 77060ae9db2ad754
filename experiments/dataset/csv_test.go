package dataset

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestReadCSV_Errors(t *testing.T) {
	tests := []struct {
		name string
		data string
		opt  CSVOptions
		want string
		cell bool // want a *CSVError
	}{
		{"bad number", "age,y\n1,a\n2,b\nabc,a\n", CSVOptions{Target: "y"},
			`data/x.csv: row 4, column "age": value "abc" is not a number: column "age" holds text; list it under dataset.categorical to one-hot encode it, or leave it out of dataset.features`, true},
		{"text in a numeric feature", "age,country,y\n1,France,a\n2,United-States,b\n", CSVOptions{Target: "y"},
			`data/x.csv: row 2, column "country": value "France" is not a number: column "country" holds text; list it under dataset.categorical to one-hot encode it, or leave it out of dataset.features`, true},
		{"malformed number gets no categorical hint", "age,y\n1,a\n5.2.1,b\n", CSVOptions{Target: "y"},
			`data/x.csv: row 3, column "age": value "5.2.1" is not a number`, true},
		{"nan cell", "age,y\n1,a\nNaN,b\n", CSVOptions{Target: "y"},
			`data/x.csv: row 3, column "age": value "NaN" is not a finite number`, true},
		{"inf cell", "age,y\n1,a\n-Inf,b\n", CSVOptions{Target: "y"},
			`data/x.csv: row 3, column "age": value "-Inf" is not a finite number`, true},
		{"overflow", "age,y\n1e999,a\n2,b\n", CSVOptions{Target: "y"},
			`data/x.csv: row 2, column "age": value "1e999" is not a finite number`, true},
		{"missing empty", "age,y\n1,a\n,b\n", CSVOptions{Target: "y"},
			`data/x.csv: row 3, column "age": missing value "" (use missing: drop to skip rows with missing values)`, true},
		{"missing question mark", "age,c,y\n1,u,a\n2,?,b\n", CSVOptions{Target: "y", Categorical: []string{"c"}},
			`data/x.csv: row 3, column "c": missing value "?" (use missing: drop to skip rows with missing values)`, true},
		{"missing target", "age,y\n1,a\n2,\n", CSVOptions{Target: "y"},
			`data/x.csv: row 3, column "y": missing value "" (use missing: drop to skip rows with missing values)`, true},
		{"ragged short", "a,b,y\n1,2,x\n1,2\n", CSVOptions{Target: "y"},
			`data/x.csv: row 3: row has 2 fields, the header has 3`, true},
		{"ragged long", "a,b,y\n1,2,x\n1,2,x,4\n", CSVOptions{Target: "y"},
			`data/x.csv: row 3: row has 4 fields, the header has 3`, true},
		{"bare quote", "a,y\n1,x\n2,b\"c\n", CSVOptions{Target: "y"},
			`data/x.csv: row 3: bare " in non-quoted-field`, true},
		{"unknown target", "a,b\n1,2\n", CSVOptions{Target: "label"},
			`data/x.csv: target column "label" not found (columns: a, b)`, false},
		{"no target", "a,b\n1,2\n", CSVOptions{},
			`data/x.csv: no target column given (columns: a, b)`, false},
		{"unknown feature", "a,b,y\n1,2,x\n", CSVOptions{Target: "y", Features: []string{"a", "zz"}},
			`data/x.csv: feature column "zz" not found (columns: a, b, y)`, false},
		{"unknown categorical", "a,b,y\n1,2,x\n", CSVOptions{Target: "y", Categorical: []string{"c"}},
			`data/x.csv: categorical column "c" not found (columns: a, b, y)`, false},
		{"categorical not a feature", "a,b,y\n1,2,x\n", CSVOptions{Target: "y", Features: []string{"a"}, Categorical: []string{"b"}},
			`data/x.csv: categorical column "b" is not among the features`, false},
		{"unknown group", "a,b,y\n1,2,x\n", CSVOptions{Target: "y", Group: "sex"},
			`data/x.csv: group column "sex" not found (columns: a, b, y)`, false},
		{"target as feature", "a,y\n1,x\n", CSVOptions{Target: "y", Features: []string{"a", "y"}},
			`data/x.csv: column "y" cannot be both target and feature`, false},
		{"feature twice", "a,y\n1,x\n", CSVOptions{Target: "y", Features: []string{"a", "a"}},
			`data/x.csv: feature column "a" is listed twice`, false},
		{"no features", "y\n1\n", CSVOptions{Target: "y"},
			`data/x.csv: no feature columns (columns: y)`, false},
		{"empty file", "", CSVOptions{Target: "y"},
			`data/x.csv: empty file (a header row is required)`, false},
		{"header only", "a,y\n", CSVOptions{Target: "y"},
			`data/x.csv: no data rows after the header`, false},
		{"all dropped", "a,y\n?,0\n1,\n", CSVOptions{Target: "y", Missing: "drop"},
			`data/x.csv: no rows left after dropping 2 rows with missing values`, false},
		{"regression string target", "a,y\n1,2.5\n2,high\n", CSVOptions{Target: "y", Task: "regression"},
			`data/x.csv: row 3, column "y": value "high" is not a number (task regression needs a numeric target)`, true},
		{"single class", "a,y\n1,x\n2,x\n", CSVOptions{Target: "y"},
			`data/x.csv: target column "y" has a single class "x" (classification needs at least 2)`, false},
		{"duplicate header", "a,b,a,y\n1,2,3,x\n", CSVOptions{Target: "y"},
			`data/x.csv: row 1, column "a": column name appears twice (fields 1 and 3)`, true},
		{"unnamed header field", "a,,y\n1,2,x\n", CSVOptions{Target: "y"},
			`data/x.csv: row 1: header field 2 has no name`, true},
		{"value in unnamed trailing field", "a,y,,\n1,x,,\n2,z,5,\n", CSVOptions{Target: "y"},
			`data/x.csv: row 3: value "5" in unnamed field 3`, true},
		{"bad task", "a,y\n1,x\n", CSVOptions{Target: "y", Task: "ranking"},
			`data/x.csv: unknown task "ranking" (valid: classification, regression)`, false},
		{"bad missing policy", "a,y\n1,x\n", CSVOptions{Target: "y", Missing: "impute"},
			`data/x.csv: unknown missing policy "impute" (valid: error, drop)`, false},
		{"bad number with drop", "a,y\n?,0\nx1,1\n", CSVOptions{Target: "y", Missing: "drop"},
			`data/x.csv: row 3, column "a": value "x1" is not a number: column "a" holds text; list it under dataset.categorical to one-hot encode it, or leave it out of dataset.features`, true},
		{"multiline quoted row number", "a,b,y\n1,\"two\nlines\",x\n3,bad,z\n", CSVOptions{Target: "y", Categorical: []string{"b"}, Features: []string{"b", "a"}},
			``, false},
		{"line after multiline field", "a,b,y\n1,\"two\nlines\",x\nbad,u,z\n", CSVOptions{Target: "y", Categorical: []string{"b"}},
			`data/x.csv: row 4, column "a": value "bad" is not a number: column "a" holds text; list it under dataset.categorical to one-hot encode it, or leave it out of dataset.features`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := ReadCSV(strings.NewReader(tc.data), "data/x.csv", tc.opt)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got table with %d rows, want error %s", tab.N, tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
			var ce *CSVError
			if errors.As(err, &ce) != tc.cell {
				t.Errorf("errors.As(*CSVError) = %v, want %v", !tc.cell, tc.cell)
			}
		})
	}
}

func TestReadCSV_CSVErrorFields(t *testing.T) {
	_, err := ReadCSV(strings.NewReader("age,y\n1,a\n,b\n"), "f.csv", CSVOptions{Target: "y"})
	var ce *CSVError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a *CSVError", err)
	}
	if ce.File != "f.csv" || ce.Row != 3 || ce.Column != "age" || ce.Value != "" || !errors.Is(err, ErrMissingValue) {
		t.Errorf("got %+v", *ce)
	}
}

func TestReadCSV(t *testing.T) {
	data := "\ufeffnum, cat ,grp,label\n" +
		"1.5,b,m,10\n" +
		"2,a,f,2\n" +
		"?,a,f,2\n" +
		" -3e1 ,c,m,10\n" +
		"4,?,f,1\n" +
		"5,a,m,2\n"
	tab, err := ReadCSV(strings.NewReader(data), "t.csv", CSVOptions{
		Target: "label", Categorical: []string{"cat"}, Group: "grp", Missing: "drop",
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(data))
	want := &Table{
		Name: "t.csv", Task: Classification, N: 4,
		NumNames: []string{"num"}, NumX: []float64{1.5, 2, -30, 5},
		CatNames: []string{"cat"}, CatX: []string{"b", "a", "c", "a"},
		// Numeric labels sort numerically: 2 < 10 (and "1" was dropped).
		Y: []float64{1, 0, 1, 0}, Classes: []string{"2", "10"},
		Group: []int{1, 0, 1, 1}, GroupNames: []string{"f", "m"},
		Checksum: hex.EncodeToString(sum[:]), Dropped: 2,
	}
	checkTableEqual(t, tab, want)

	t.Run("string labels sort lexically", func(t *testing.T) {
		tab, err := ReadCSV(strings.NewReader("x,y\n1,pear\n2,10\n3,apple\n"), "s.csv", CSVOptions{Target: "y"})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tab.Classes, []string{"10", "apple", "pear"}) || !slices.Equal(tab.Y, []float64{2, 0, 1}) {
			t.Errorf("classes %v, y %v", tab.Classes, tab.Y)
		}
	})
	t.Run("regression", func(t *testing.T) {
		tab, err := ReadCSV(strings.NewReader("x,y\n1,0.5\n2,-1e3\n"), "r.csv", CSVOptions{Target: "y", Task: "regression"})
		if err != nil {
			t.Fatal(err)
		}
		if tab.Task != Regression || tab.Classes != nil || !slices.Equal(tab.Y, []float64{0.5, -1000}) {
			t.Errorf("got %+v", tab)
		}
	})
	t.Run("explicit features keep their order", func(t *testing.T) {
		tab, err := ReadCSV(strings.NewReader("a,b,c,y\n1,2,u,0\n4,5,v,1\n"), "f.csv",
			CSVOptions{Target: "y", Features: []string{"c", "b"}, Categorical: []string{"c"}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tab.NumNames, []string{"b"}) || !slices.Equal(tab.NumX, []float64{2, 5}) || !slices.Equal(tab.CatNames, []string{"c"}) {
			t.Errorf("got %v %v %v", tab.NumNames, tab.NumX, tab.CatNames)
		}
	})
	t.Run("group is a feature when categorical", func(t *testing.T) {
		tab, err := ReadCSV(strings.NewReader("a,sex,y\n1,m,0\n4,f,1\n"), "g.csv",
			CSVOptions{Target: "y", Group: "sex", Categorical: []string{"sex"}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tab.CatNames, []string{"sex"}) || !slices.Equal(tab.Group, []int{1, 0}) {
			t.Errorf("got %v %v", tab.CatNames, tab.Group)
		}
	})
	t.Run("trailing empty header fields", func(t *testing.T) {
		// Like breast_cancer.csv on main: the header ends in commas, the
		// data rows do not (or carry empty cells there).
		tab, err := ReadCSV(strings.NewReader("a,y,,,\n1,0\n2,1,,,\n"), "b.csv", CSVOptions{Target: "y"})
		if err != nil {
			t.Fatal(err)
		}
		if tab.N != 2 || !slices.Equal(tab.NumNames, []string{"a"}) {
			t.Errorf("got N %d, names %v", tab.N, tab.NumNames)
		}
	})
	t.Run("no trailing newline and CRLF", func(t *testing.T) {
		tab, err := ReadCSV(strings.NewReader("a,y\r\n1,0\r\n2,1"), "c.csv", CSVOptions{Target: "y"})
		if err != nil {
			t.Fatal(err)
		}
		if tab.N != 2 || !slices.Equal(tab.NumX, []float64{1, 2}) {
			t.Errorf("got %+v", tab)
		}
	})
}

// checkTableEqual compares tables field by field; exact float equality is
// intended (the values are parsed from text).
func checkTableEqual(t *testing.T, got, want *Table) {
	t.Helper()
	switch {
	case got.Name != want.Name, got.Task != want.Task, got.N != want.N, got.Dropped != want.Dropped:
		t.Errorf("name/task/N/dropped = %q %v %d %d, want %q %v %d %d", got.Name, got.Task, got.N, got.Dropped, want.Name, want.Task, want.N, want.Dropped)
	case !slices.Equal(got.NumNames, want.NumNames), !slices.Equal(got.NumX, want.NumX):
		t.Errorf("numeric %v %v, want %v %v", got.NumNames, got.NumX, want.NumNames, want.NumX)
	case !slices.Equal(got.CatNames, want.CatNames), !slices.Equal(got.CatX, want.CatX):
		t.Errorf("categorical %v %v, want %v %v", got.CatNames, got.CatX, want.CatNames, want.CatX)
	case !slices.Equal(got.Y, want.Y), !slices.Equal(got.Classes, want.Classes):
		t.Errorf("target %v %v, want %v %v", got.Y, got.Classes, want.Y, want.Classes)
	case !slices.Equal(got.Group, want.Group), !slices.Equal(got.GroupNames, want.GroupNames):
		t.Errorf("group %v %v, want %v %v", got.Group, got.GroupNames, want.Group, want.GroupNames)
	case got.Checksum != want.Checksum:
		t.Errorf("checksum %s, want %s", got.Checksum, want.Checksum)
	}
}
