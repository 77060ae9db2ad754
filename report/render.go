package report

import (
	"errors"
	"path/filepath"
)

// Render reads dir/runs.csv and writes dir/summary.csv and the figures of
// Plot. It serves both the end of a sweep and `lossexp report DIR`. When
// opts.X is empty the x axis is the first term with more than one λ; when
// no term is swept, only summary.csv is written. An empty opts.Title
// defaults to the folder's name (results/<spec name>/).
func Render(dir string, opts PlotOptions) error {
	runs, err := ReadRuns(filepath.Join(dir, RunsFile))
	if err != nil {
		return err
	}
	s := Summarize(runs)
	if err := WriteSummary(filepath.Join(dir, SummaryFile), s); err != nil {
		return err
	}
	if opts.Title == "" {
		if base := filepath.Base(filepath.Clean(dir)); base != "." && base != string(filepath.Separator) {
			opts.Title = base
		}
	}
	if _, err := Plot(dir, s, opts); err != nil && !(opts.X == "" && errors.Is(err, ErrNoSweptTerm)) {
		return err
	}
	return nil
}
