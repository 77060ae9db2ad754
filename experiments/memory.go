package experiments

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/lossexp/lossexp/datasets"
	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/spec"
)

// SniffData looks at the first rows of the spec's CSV files (see
// dataset.SniffCSV), reading at most dataset.SniffBytes of each, so that
// the memory of loading them can be judged before they are read. It
// returns nil shapes for a built-in generator, a trainer, and a file that
// is not a regular file or whose first rows the reader refuses (the load
// itself then says why); test is nil without dataset.split.test_csv.
func SniffData(s *spec.Spec, dirs Folders) (train, test *dataset.CSVShape) {
	if s.Trainer != nil || s.Dataset.Builtin != "" {
		return nil, nil
	}
	opt := csvOptions(s)
	train = sniffCSV(s, "dataset.csv", s.Dataset.CSV, dirs, opt)
	if tc := s.Dataset.Split.TestCSV; tc != "" && train != nil {
		if test = sniffCSV(s, "dataset.split.test_csv", tc, dirs, opt); test == nil {
			return nil, nil
		}
	}
	return train, test
}

func sniffCSV(s *spec.Spec, field, p string, dirs Folders, opt dataset.CSVOptions) *dataset.CSVShape {
	path, shipped, err := resolveCSV(s, field, p, dirs)
	if err != nil {
		return nil
	}
	var r io.ReadCloser
	var st fs.FileInfo
	if shipped {
		rc, _ := datasets.Open(p)
		if f, ok := rc.(fs.File); ok {
			st, err = f.Stat()
		} else {
			err = fmt.Errorf("no size")
		}
		r = rc
	} else {
		// Only a regular file: a named pipe would block the open.
		var f *os.File
		if f, err = saferead.Open(path); err == nil {
			r = f
			st, err = f.Stat()
		}
	}
	if r != nil {
		defer r.Close() // read-only
	}
	if err != nil || r == nil {
		return nil
	}
	if !st.Mode().IsRegular() {
		return nil
	}
	sh, err := dataset.SniffCSV(r, st.Size(), path, opt)
	if err != nil {
		return nil
	}
	return &sh
}

// OpenSmallData is OpenDataContext for a spec whose data SniffData would
// read whole and parse as the load does: one CSV file of at most
// dataset.SniffBytes, without a test file, image or sequence options. It
// loads the data and returns with it the shape SniffData would have
// returned (dataset.ShapeOf the loaded table), so that the file is read
// and parsed once instead of twice (issue 28). ok is false for any other
// spec (and for a file that is not found, not regular or larger): the
// caller then sniffs, judges the memory, and loads.
func OpenSmallData(ctx context.Context, s *spec.Spec, dirs Folders) (d *DataSource, shape *dataset.CSVShape, ok bool, err error) {
	ds := &s.Dataset
	if s.Trainer != nil || ds.Builtin != "" || ds.Split.TestCSV != "" || ds.Image != nil || ds.Sequence != nil {
		return nil, nil, false, nil
	}
	size, ok := csvSize(s, "dataset.csv", ds.CSV, dirs)
	if !ok || size > dataset.SniffBytes {
		return nil, nil, false, nil
	}
	if d, err = OpenDataContext(ctx, s, dirs); err != nil {
		return nil, nil, true, err
	}
	sh := dataset.ShapeOf(d.table, size)
	return d, &sh, true, nil
}

// csvSize is the size of the CSV file p, if it is found and regular.
func csvSize(s *spec.Spec, field, p string, dirs Folders) (int64, bool) {
	path, shipped, err := resolveCSV(s, field, p, dirs)
	if err != nil {
		return 0, false
	}
	var st fs.FileInfo
	if shipped {
		st, err = shippedStat(p)
	} else {
		st, err = os.Stat(path)
	}
	if err != nil || !st.Mode().IsRegular() {
		return 0, false
	}
	return st.Size(), true
}

// shippedStat is the FileInfo of the file p shipped with lossexp.
func shippedStat(p string) (fs.FileInfo, error) {
	rc, ok := datasets.Open(p)
	if !ok {
		return nil, fmt.Errorf("%s: not shipped", p)
	}
	defer rc.Close() // read-only
	f, isFile := rc.(fs.File)
	if !isFile {
		return nil, fmt.Errorf("%s: no size", p)
	}
	return f.Stat()
}
