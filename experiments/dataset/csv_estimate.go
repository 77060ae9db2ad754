package dataset

import (
	"bytes"
	"fmt"
	"io"
)

// SniffBytes is how much of a CSV file SniffCSV reads: the header and
// the first rows, enough to learn a row's average length and the
// categorical levels, cheap even for a file of gigabytes.
const SniffBytes = 1 << 20

// CSVShape is what the first rows of a CSV file tell about the table
// ReadCSV will build from the whole file: the number of rows (estimated
// from the file's size and the sample's bytes per row) and the widths
// ReadCSV and Prepare allocate per row.
type CSVShape struct {
	// Size is the file's size in bytes; Rows the estimated number of
	// data rows (exact when the whole file was sampled, Exact).
	Size  int64
	Rows  float64
	Exact bool
	// Numeric and Categorical are the feature columns of each kind;
	// Levels the one-hot columns of the categorical ones (the levels seen
	// in the sample).
	Numeric, Categorical, Levels int
	// Targets are the target values per row (1, or the pixels of an
	// image file); Aux the auxiliary targets; Group tells whether the
	// file has a group column.
	Targets, Aux int
	Group        bool
	// Classification tells whether the target is a class (the table then
	// holds a class index and a float64 label per row).
	Classification bool
	// Image tells that the features are pixels (ImageOptions): the table
	// holds the clean and the degraded images, and the pixels read.
	Image bool
}

// SniffCSV reads the header and the first rows of a CSV file of size
// bytes from r (at most SniffBytes) and returns the shape of the table
// ReadCSV would build from the whole file with the same options. It reads
// nothing more, so the memory a load needs can be judged before the load.
// A sample that ReadCSV refuses is an error (the load would refuse it too,
// or the sample cut a quoted field: the caller then knows nothing better
// than the file's size).
func SniffCSV(r io.Reader, size int64, file string, opt CSVOptions) (CSVShape, error) {
	buf := make([]byte, min(max(size, 0), SniffBytes))
	n, err := io.ReadFull(r, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return CSVShape{}, fmt.Errorf("read %s: %w", file, err)
	}
	buf = buf[:n]
	exact := int64(n) >= size
	if !exact {
		// Whole lines only: a row cut in two is not a row.
		cut := bytes.LastIndexByte(buf, '\n')
		if cut < 0 {
			return CSVShape{}, fmt.Errorf("%s: no line break in the first %d bytes", file, n)
		}
		buf = buf[:cut+1]
	}
	head := bytes.IndexByte(buf, '\n') + 1
	if head == 0 {
		head = len(buf)
	}
	img := opt.Image
	opt.Image, opt.Known, opt.sniff = nil, nil, true
	t, err := ReadCSV(bytes.NewReader(buf), file, opt)
	if err != nil {
		return CSVShape{}, err
	}
	sh := ShapeOf(t, size)
	sh.Exact, sh.Image = exact, img != nil
	if !exact {
		// Dropped rows take room in the file but not in the table.
		perRow := float64(len(buf)-head) / float64(t.N+t.Dropped)
		sh.Rows = float64(size-int64(head)) / perRow * float64(t.N) / float64(t.N+t.Dropped)
	}
	if img != nil {
		sh.Targets, sh.Classification = sh.Numeric, false
	}
	return sh, nil
}

// ShapeOf is the shape of t, read whole from a CSV file of size bytes
// without image options: what SniffCSV returns for a file it reads
// whole (Exact), so that a caller that loaded such a file need not read
// it a second time to learn its shape.
func ShapeOf(t *Table, size int64) CSVShape {
	sh := CSVShape{
		Size: size, Rows: float64(t.N), Exact: true,
		Numeric: len(t.NumNames), Categorical: len(t.CatNames),
		Targets: t.targetsPerRow(), Aux: len(t.AuxNames), Group: t.Group != nil,
		Classification: t.Task == Classification,
	}
	if q := len(t.CatNames); q > 0 {
		seen := make([]map[string]bool, q)
		for i, v := range t.CatX {
			if seen[i%q] == nil {
				seen[i%q] = map[string]bool{}
			}
			if !seen[i%q][v] {
				seen[i%q][v] = true
				sh.Levels++
			}
		}
	}
	return sh
}
