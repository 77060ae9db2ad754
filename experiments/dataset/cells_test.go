package dataset

import (
	"strings"
	"testing"
)

// TestReadCSV_HugeCellIsClipped: a 1 MB cell (and a 1 MB column name) is
// quoted in the error cut to a few dozen bytes, with its length.
func TestReadCSV_HugeCellIsClipped(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	for name, data := range map[string]string{
		"cell":   "a,y\n1,0\n" + big + ",1\n2,0\n",
		"column": big + ",y\n1,0\nz,1\n",
	} {
		_, err := ReadCSV(strings.NewReader(data), "f.csv", CSVOptions{Target: "y"})
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		if msg := err.Error(); len(msg) > 500 || !strings.Contains(msg, "(1048576 bytes)") {
			t.Errorf("%s: message of %d bytes: %.200s", name, len(msg), msg)
		}
	}
}

// TestReadCSV_ClassLabels: a classification label that is a number but
// not a class (non-finite, fractional) is refused naming the row and the
// cure; names and whole numbers (1.0 too) are classes.
func TestReadCSV_ClassLabels(t *testing.T) {
	for _, tt := range []struct {
		labels []string
		want   string // "" = accepted
	}{
		{[]string{"0", "1", "-Inf"}, `f.csv: row 4, column "y": class label "-Inf" is not a finite number`},
		{[]string{"0", "1", "0.5"}, `f.csv: row 4, column "y": class label "0.5" is not a whole number: a classification target holds class names or whole-number codes; for a numeric target set dataset.task: regression`},
		{[]string{"1", "NaN", "0"}, `class label "NaN" is not a finite number`},
		{[]string{"0", "1", "1e400"}, `class label "1e400" is not a finite number`},
		{[]string{"0", "1.0", "2"}, ""},
		{[]string{"yes", "no", "yes"}, ""},
		{[]string{"-1", "1", "-1"}, ""},
	} {
		data := "a,y\n1," + tt.labels[0] + "\n2," + tt.labels[1] + "\n3," + tt.labels[2] + "\n4," + tt.labels[0] + "\n"
		_, err := ReadCSV(strings.NewReader(data), "f.csv", CSVOptions{Target: "y"})
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%v refused: %v", tt.labels, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%v: err = %v, want %q", tt.labels, err, tt.want)
		}
	}
}
