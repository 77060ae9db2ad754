package study

import (
	"context"
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/report"
	"github.com/lossexp/lossexp/spec"
)

// ReportOptions are what Report draws: the term whose λ is the x axis and
// the metrics plotted ("" and nil: the spec's report section, else every
// one), and the figures drawn at once (0: the number of CPUs).
type ReportOptions struct {
	X       string
	Metrics []string
	Workers int
}

// Report writes again, without training and under the folder's lock, the
// tables, figures and report.html of the results folder dir from its
// CSVs, and returns the files it wrote: the tables, the figures,
// report.html. A spec.yaml that does not read is noted on log and
// ignored.
func Report(ctx context.Context, dir string, o ReportOptions, log io.Writer) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, RunsFile)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, inputf("%s has no %s: is it a results folder written by lossexp sweep?", dir, RunsFile)
		}
		return nil, &InputError{Err: err}
	}
	if fi, err := os.Lstat(filepath.Join(dir, RunsFile)); err == nil && !fi.Mode().IsRegular() && fi.Mode()&fs.ModeSymlink == 0 {
		return nil, inputf("%s is %s, not a regular file", filepath.Join(dir, RunsFile), saferead.Kind(fi.Mode())) // said before the folder's links
	}
	lock, err := LockFolder(dir, "lossexp report", true)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	if err := refuseLinksIn(dir); err != nil { // as a sweep of dir would
		return nil, err
	}
	atomicfile.RemoveTemps(dir) // a crashed draw's half-written files
	if o.Workers == 0 {
		o.Workers = runtime.NumCPU()
	}
	spec, err := spec.Load(filepath.Join(dir, SpecFile))
	if err != nil {
		spec = nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(log, "note: ignoring %s: %v\n", filepath.Join(dir, SpecFile), err)
	}
	opt := plotOptions(spec, o)
	if err := report.RenderContext(ctx, dir, opt); err != nil {
		if ctx.Err() != nil {
			return nil, err // interrupted: exit 130 or 143
		}
		return nil, &InputError{Err: err}
	}
	noteUnreported(log, dir, opt.Metrics)
	return reportWritten(dir, SummaryFile), nil
}

// reportWritten lists the files a report drawn in dir wrote, as
// `lossexp report` prints them: first (those of them there), the
// report's tables (ReportFiles: balance, paired, stability, cost,
// methods and weights), the figures, then report.html.
func reportWritten(dir string, first ...string) []string {
	var files []string
	for _, name := range append(first, ReportFiles...) {
		if name == HTMLFile {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			files = append(files, filepath.Join(dir, name))
		}
	}
	figures, _ := atomicfile.GlobIn(dir, "*.png")
	return append(append(files, figures...), filepath.Join(dir, HTMLFile))
}

// plotOptions are the report's options for spec (nil: none read): what o
// gives, else the spec's report section; the title and description are
// the spec's.
func plotOptions(spec *spec.Spec, o ReportOptions) figure.PlotOptions {
	opt := figure.PlotOptions{X: o.X, Metrics: o.Metrics, Workers: o.Workers}
	if spec == nil {
		return opt
	}
	opt.Title, opt.Description = spec.Name, spec.Description
	if opt.X == "" {
		opt.X = spec.Report.X
	}
	if len(opt.Metrics) == 0 {
		opt.Metrics = spec.Report.Metrics
	}
	return opt
}

// Answer is what a study found: the balance points of every swept term
// and the report's path.
type Answer = table.Answer

// ReadAnswer reads the answer of the results folder dir from its
// balance.csv; a folder without one has an empty answer.
func ReadAnswer(dir string) (*Answer, error) { return table.ReadAnswer(dir) }
