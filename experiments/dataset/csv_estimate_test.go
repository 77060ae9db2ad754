package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fixedRows is a CSV of n rows of 16 bytes each after a 10-byte header:
// two numeric features, a categorical one of 3 levels, a group, a class.
func fixedRows(n int) []byte {
	var b bytes.Buffer
	b.WriteString("a,b,c,g,y\n")
	for i := range n {
		fmt.Fprintf(&b, "%04d,%.2f,%c,%c,%d\n", i%10000, float64(i%7)/4, "xyz"[i%3], "FM"[i%2], i%2)
	}
	return b.Bytes()
}

// TestSniffCSV: the shape of a file of 3 SniffBytes is judged from its
// first MiB: the rows from the size at the sample's bytes per row, the
// one-hot levels from the sample; a small file is read whole (exact).
func TestSniffCSV(t *testing.T) {
	opt := CSVOptions{Target: "y", Categorical: []string{"c"}, Group: "g"}
	for _, n := range []int{50, 3 * SniffBytes / 16} {
		data := fixedRows(n)
		if len(data) != 10+16*n {
			t.Fatalf("rows of %d bytes, want 16", (len(data)-10)/n)
		}
		sh, err := SniffCSV(bytes.NewReader(data), int64(len(data)), "f.csv", opt)
		if err != nil {
			t.Fatal(err)
		}
		want := CSVShape{Size: int64(len(data)), Rows: float64(n), Exact: n == 50, Numeric: 2, Categorical: 1, Levels: 3, Targets: 1, Group: true, Classification: true}
		if math.Abs(sh.Rows-want.Rows) < 1e-6 {
			sh.Rows = want.Rows // the division may round
		}
		if sh != want {
			t.Errorf("%d rows: shape %+v, want %+v", n, sh, want)
		}
	}
	// A missing value dropped takes room in the file, none in the table.
	data := []byte("a,y\n1,u\n?,v\n3,u\n?,v\n")
	sh, err := SniffCSV(bytes.NewReader(data), int64(len(data))*1000, "f.csv", CSVOptions{Target: "y", Missing: "drop"})
	if err != nil {
		t.Fatal(err)
	}
	if want := float64(len(data)*1000-4) / 4 / 2; math.Abs(sh.Rows-want) > 1e-9*want {
		t.Errorf("half the rows dropped: %v rows, want %v", sh.Rows, want)
	}
}

// TestReadCSV_SizeHint: with the file's size known, the reader reserves
// its slices once after the first rows (no growth, no old copy held
// beside the new), and the values are bit for bit those read without.
func TestReadCSV_SizeHint(t *testing.T) {
	data := fixedRows(100_000)
	opt := CSVOptions{Target: "y", Categorical: []string{"c"}, Group: "g"}
	plain, err := ReadCSV(bytes.NewReader(data), "f.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.SizeHint = int64(len(data))
	hinted, err := ReadCSV(bytes.NewReader(data), "f.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	sameTable(t, "f.csv", plain, hinted)
	if c, n := cap(hinted.NumX), len(hinted.NumX); c < n || float64(c) > 1.06*float64(n) {
		t.Errorf("NumX: %d values in a capacity of %d; want the room reserved once, at most 6%% over", n, c)
	}
}

// sameTable fails unless b holds the values of a bit for bit.
func sameTable(t *testing.T, name string, a, b *Table) {
	t.Helper()
	bits := func(v []float64) []uint64 {
		out := make([]uint64, len(v))
		for i, x := range v {
			out[i] = math.Float64bits(x) // bit identity is the point
		}
		return out
	}
	if a.N != b.N || a.Checksum != b.Checksum || !slices.Equal(bits(a.NumX), bits(b.NumX)) || !slices.Equal(bits(a.Y), bits(b.Y)) ||
		!slices.Equal(bits(a.Aux), bits(b.Aux)) || !slices.Equal(a.CatX, b.CatX) || !slices.Equal(a.Group, b.Group) || !slices.Equal(a.Classes, b.Classes) {
		t.Errorf("%s: the tables read with and without the size hint differ", name)
	}
}

// TestReadCSV_SizeHintShipped: the shipped and the shared real datasets
// read with their size as the hint give the values read without it.
func TestReadCSV_SizeHintShipped(t *testing.T) {
	var files []string
	for _, g := range []string{"../../datasets/*/*.csv", "../../datasets/*/*/*.csv"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if dir := os.Getenv("LOSSEXP_SHARED_DATASETS"); dir != "" {
		m, _ := filepath.Glob(filepath.Join(dir, "*", "*.csv"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no shipped datasets found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		head := strings.SplitN(string(data), "\n", 2)[0]
		opt := CSVOptions{Target: "target", Missing: "drop"}
		for _, c := range strings.Split(head, ",") {
			if c == "target" {
				continue
			}
			// Text columns as categorical, the rest numeric.
			first := strings.Split(strings.SplitN(string(data), "\n", 3)[1], ",")
			if _, err := strconv.ParseFloat(first[slices.Index(strings.Split(head, ","), c)], 64); err != nil {
				opt.Categorical = append(opt.Categorical, c)
			}
		}
		plain, err := ReadCSV(bytes.NewReader(data), f, opt)
		if err != nil {
			t.Logf("%s: %v (skipped)", f, err)
			continue
		}
		opt.SizeHint = int64(len(data))
		hinted, err := ReadCSV(bytes.NewReader(data), f, opt)
		if err != nil {
			t.Fatalf("%s with its size: %v", f, err)
		}
		sameTable(t, f, plain, hinted)
	}
}

// TestReadCSV_UnterminatedQuote: a quote never closed is reported at the
// line where its field opens, not at the end of the file.
func TestReadCSV_UnterminatedQuote(t *testing.T) {
	data := "a,y\n1,u\n\"2,v\n3,u\n4,v\n5,u\n"
	_, err := ReadCSV(strings.NewReader(data), "q.csv", CSVOptions{Target: "y"})
	var ce *CSVError
	if !errors.As(err, &ce) || ce.Row != 3 || !strings.Contains(err.Error(), "runs to line 6") {
		t.Fatalf("error %v, want row 3 (where the quote opens), running to line 6", err)
	}
}

// TestReadCSV_ImagePixelRange: a pixel outside [0, max] is refused with
// the file, line and column; 0 and max themselves pass.
func TestReadCSV_ImagePixelRange(t *testing.T) {
	img := &ImageOptions{Width: 2, Height: 1, Channels: 1, Max: 255, Downsample: 1}
	ok := "p0,p1,y\n0,255,a\n3,4,b\n"
	if _, err := ReadCSV(strings.NewReader(ok), "i.csv", CSVOptions{Target: "y", Image: img}); err != nil {
		t.Fatalf("pixels 0 and max: %v", err)
	}
	for _, bad := range []string{"256", "-1", "255.5"} {
		data := "p0,p1,y\n0,1,a\n3," + bad + ",b\n"
		_, err := ReadCSV(strings.NewReader(data), "i.csv", CSVOptions{Target: "y", Image: img})
		var ce *CSVError
		if !errors.As(err, &ce) || ce.File != "i.csv" || ce.Row != 3 || ce.Column != "p1" || !strings.Contains(err.Error(), "outside [0, 255]") {
			t.Errorf("pixel %s: %v, want i.csv row 3, column p1, outside [0, 255]", bad, err)
		}
	}
}

// cancelAfter reads n bytes of r, then fails as a cancelled read does
// (saferead.Reader once Ctrl-C lands).
type cancelAfter struct {
	r io.Reader
	n int
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, context.Canceled
	}
	k, err := c.r.Read(p[:min(len(p), c.n)])
	c.n -= k
	return k, err
}

// TestReadCSV_CancelledRead: a read that fails mid-file (a cancelled
// context) stops the load at once with an error that wraps the cause, so
// the command can map it to exit 130.
func TestReadCSV_CancelledRead(t *testing.T) {
	data := fixedRows(100_000)
	r := &cancelAfter{r: bytes.NewReader(data), n: len(data) / 3}
	_, err := ReadCSV(r, "f.csv", CSVOptions{Target: "y", Categorical: []string{"c"}, Group: "g", SizeHint: int64(len(data))})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want one wrapping context.Canceled", err)
	}
	if r.n < 0 {
		t.Fatalf("read past the cancellation")
	}
}

// TestShapeOf_SniffOfWholeFile: the shape of a table read whole is what
// SniffCSV says of the file it samples whole, for classes, categories,
// groups, auxiliary targets and dropped
// rows; the loader relies on it to read a small file once (issue 28).
func TestShapeOf_SniffOfWholeFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		opt  CSVOptions
	}{
		{"classes, categories, group", string(fixedRows(300)), CSVOptions{Target: "y", Categorical: []string{"c"}, Group: "g"}},
		{"regression, aux", "a,b,y,z\n1,2,0.5,3\n2,3,0.7,4\n4,1,0.1,5\n", CSVOptions{Target: "y", Task: "regression", AuxTargets: []string{"z"}}},
		{"dropped rows", "a,c,y\n1,p,u\n?,q,v\n3,r,u\n4,p,v\n", CSVOptions{Target: "y", Categorical: []string{"c"}, Missing: "drop"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			size := int64(len(tc.data))
			sniff, err := SniffCSV(strings.NewReader(tc.data), size, "f.csv", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			tab, err := ReadCSV(strings.NewReader(tc.data), "f.csv", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := ShapeOf(tab, size); got != sniff {
				t.Errorf("ShapeOf %+v, SniffCSV %+v", got, sniff)
			}
		})
	}
}
