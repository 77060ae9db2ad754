package experiments

import (
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
