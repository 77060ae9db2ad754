package table

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/lossexp/lossexp/experiments"
)

// Names of the tables a sweep writes.
const (
	RunsFile    = "runs.csv"
	CurvesFile  = "curves.csv"
	TimingsFile = "timings.csv"
	SummaryFile = "summary.csv"
)

// Fixed column names. Column names are part of the interface: users'
// scripts and `lossexp check` read them.
const (
	ColRunID    = "run_id"
	ColRepeat   = "repeat"
	ColSeed     = "seed" // runs.csv, after repeat: the run's seed (experiments.Result.Seed)
	ColFold     = "fold" // runs.csv of a spec with dataset.split.cv, after repeat
	ColStatus   = "status"
	ColReason   = "reason"
	ColEpoch    = "epoch"
	ColSeconds  = "seconds"
	ColN        = "n"
	ColDiverged = "diverged"
	ColFailed   = "failed" // summary.csv, after diverged: runs of the point that failed
	ColBudget   = "budget" // runs.csv of a sweep.halving study, after reason: the epochs the run trained to

	// LambdaPrefix starts the column of every term's weight: lambda.<term>.
	LambdaPrefix = "lambda."

	// AxisPrefix starts the column of every sweep axis: axis.<field>
	// (spec.AxisPrefix).
	AxisPrefix = "axis."

	// LambdaEffPrefix starts the runs.csv column of a scaled term's
	// effective λ: lambda_eff.<term>. It reads back as a metric, so
	// summary.csv holds its mean per grid point.
	LambdaEffPrefix = "lambda_eff."

	// EpochTotal is the epoch of the timings.csv row that holds a run's
	// whole wall time.
	EpochTotal = "total"
)

// Layout names the columns of a sweep's tables.
type Layout struct {
	Terms   []string // term names in spec order: columns lambda.<name>
	Metrics []string // metric columns, e.g. train.accuracy, test.accuracy, sparsity
	Curves  []string // per-epoch curve columns, e.g. loss.total, grad.l1, test.loss
	// Axes are the sweep axes (columns axis.<field>, after the λ columns
	// of every table); Scaled the terms with a scale (columns
	// lambda_eff.<term> of runs.csv, after the axis columns). Both empty
	// for a spec without them, whose tables keep their columns.
	Axes   []string
	Scaled []string
	// Method adds runs.csv's method column (after status): the balancing
	// method of each run of a sweep.balance study ("static" for the λ
	// grid; spec.BalanceSpec.Label otherwise). False for any other
	// spec, whose tables keep their columns.
	Method bool
	// Folds is set for a spec with dataset.split.cv: runs.csv has a fold
	// column after repeat (tables of other specs keep their columns).
	Folds bool
	// Extras are the metrics training commands reported beyond Metrics
	// (experiments.Result.ExtraNames of every stored run, in name order):
	// runs.csv columns after Metrics. Empty for the built-in trainer.
	Extras []string
	// Budget adds runs.csv's budget column, after reason (a sweep.halving
	// study: the epochs each run trained to, Extra.Budget). False for any
	// other spec, whose tables keep their columns.
	Budget bool
}

// Extra holds a run's values of the optional columns: its axis values
// (formatted, aligned with Layout.Axes) and the effective λ of the scaled
// terms (aligned with Layout.Scaled).
type Extra struct {
	Axes      []string
	LambdaEff []float64
	Metrics   []float64 // aligned with Layout.Extras (NaN: the run did not report it)
	Budget    int       // the epochs the run trained to (Layout.Budget)
}

// Writer streams a sweep's results to runs.csv, curves.csv and
// timings.csv. Add must be called in index order; the Writer holds one row
// at a time, so its memory does not grow with the number of runs.
//
// The tables are written to temporary files in the output folder and
// appear under their final names only when Close succeeds; Abort removes
// them. A Writer is not safe for concurrent use.
type Writer struct {
	dir    string
	layout Layout
	tables [3]table // runs, curves, timings
	row    []string // reused record buffer
	err    error    // first error; sticky
	done   bool

	samples samplesTable // repeat 0's figure samples (samples.go)
}

// table is one CSV file being written.
type table struct {
	path string // final name
	f    *os.File
	bw   *bufio.Writer
	cw   *csv.Writer
}

// NewWriter creates dir if needed and opens the three tables in it, each
// with its header written. It fails before any training starts if dir
// cannot be created or written to.
func NewWriter(dir string, layout Layout) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, folderError(dir, err)
	}
	w := &Writer{dir: dir, layout: layout}
	for i, name := range []string{RunsFile, CurvesFile, TimingsFile} {
		path := filepath.Join(dir, name)
		f, err := os.CreateTemp(dir, "."+name+".tmp-*")
		if err != nil {
			w.Abort()
			return nil, folderError(dir, err)
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		w.tables[i] = table{path: path, f: f, bw: bw, cw: csv.NewWriter(bw)}
	}
	terms := make([]string, len(layout.Terms))
	for i, t := range layout.Terms {
		terms[i] = LambdaPrefix + t
	}
	for _, a := range layout.Axes {
		terms = append(terms, AxisPrefix+a)
	}
	var eff []string
	for _, t := range layout.Scaled {
		eff = append(eff, LambdaEffPrefix+t)
	}
	var fold []string
	if layout.Folds {
		fold = []string{ColFold}
	}
	headers := [3][]string{
		concat([]string{ColRunID, ColRepeat, ColSeed}, fold, []string{ColStatus}, method(layout), terms, eff, layout.Metrics, layout.Extras, []string{ColReason}, budget(layout)),
		concat([]string{ColRunID, ColRepeat}, terms, []string{ColEpoch}, layout.Curves),
		concat([]string{ColRunID, ColRepeat}, terms, []string{ColEpoch, ColSeconds}),
	}
	for i, h := range headers {
		if err := w.tables[i].cw.Write(h); err != nil {
			w.Abort()
			return nil, fmt.Errorf("write %s: %w", w.tables[i].path, err)
		}
	}
	return w, nil
}

// budget is runs.csv's budget column of a sweep.halving study (none
// otherwise).
func budget(l Layout) []string {
	if l.Budget {
		return []string{ColBudget}
	}
	return nil
}

// folderError reports that dir cannot be created or written to, naming
// dir rather than a temporary file inside it:
// "create output folder results/x: permission denied".
func folderError(dir string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && (filepath.Clean(pe.Path) == filepath.Clean(dir) || filepath.Dir(pe.Path) == filepath.Clean(dir)) {
		err = pe.Err
	}
	return fmt.Errorf("create output folder %s: %w", dir, err)
}

// method returns the method column's header, if the layout has it.
func method(l Layout) []string {
	if l.Method {
		return []string{ColMethod}
	}
	return nil
}

// MethodOf returns the balancing method of a run as runs.csv writes it.
func MethodOf(r *experiments.Result) string {
	if r.Balance != nil {
		return r.Balance.Method
	}
	return MethodStatic
}

func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Add writes r's row of runs.csv, its rows of curves.csv (one per epoch)
// and of timings.csv (one per epoch and one "total"). r's slices must be
// aligned with the Layout; a mismatch is an error and nothing of r is
// written. A Layout with axes or scaled terms needs AddRun.
func (w *Writer) Add(r experiments.Result) error {
	return w.AddRun(r, Extra{})
}

// AddRun is Add with the run's axis values and effective λ.
func (w *Writer) AddRun(r experiments.Result, x Extra) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return errors.New("report: Add after Close or Abort")
	}
	if err := w.check(r); err != nil {
		return err
	}
	if len(x.Axes) != len(w.layout.Axes) || len(x.LambdaEff) != len(w.layout.Scaled) || len(x.Metrics) != len(w.layout.Extras) {
		return fmt.Errorf("add run %s: %d axis values for %d axes, %d effective λ for %d scaled terms, %d extra metric values for %d",
			r.RunID, len(x.Axes), len(w.layout.Axes), len(x.LambdaEff), len(w.layout.Scaled), len(x.Metrics), len(w.layout.Extras))
	}
	if err := w.write(0, w.runsRow(&r, x)); err != nil {
		return err
	}
	if r.Status == experiments.StatusPruned {
		return nil // a pruned run is in runs.csv alone: no curve, no figure
	}
	if err := w.writeEpochs(&r, x); err != nil {
		return err
	}
	w.samples.add(r)
	return nil
}

// runsRow is run r's row of runs.csv, in w's reused row buffer.
func (w *Writer) runsRow(r *experiments.Result, x Extra) []string {
	row := w.row[:0]
	row = append(row, r.RunID, strconv.Itoa(r.Repeat), strconv.FormatUint(r.Seed, 10))
	if w.layout.Folds {
		row = append(row, strconv.Itoa(r.Fold))
	}
	row = append(row, r.Status)
	if w.layout.Method {
		row = append(row, MethodOf(r))
	}
	for _, v := range r.Lambdas {
		row = append(row, formatExact(v))
	}
	row = append(row, x.Axes...)
	for _, v := range x.LambdaEff {
		row = append(row, formatExact(v))
	}
	for _, v := range r.Metrics {
		row = append(row, formatExact(v))
	}
	for _, v := range x.Metrics {
		row = append(row, formatExact(v))
	}
	row = append(row, r.Reason)
	if w.layout.Budget {
		row = append(row, strconv.Itoa(x.Budget))
	}
	w.row = row
	return row
}

// writeEpochs writes run r's rows of curves.csv and timings.csv; they
// start with run_id, repeat, λ….
func (w *Writer) writeEpochs(r *experiments.Result, x Extra) error {
	row := append(w.row[:0], r.RunID, strconv.Itoa(r.Repeat))
	for _, v := range r.Lambdas {
		row = append(row, formatExact(v))
	}
	row = append(row, x.Axes...)
	prefix := len(row)
	defer func() { w.row = row }()
	for e, c := range r.Curves {
		row = append(row[:prefix], strconv.Itoa(e+1))
		for _, v := range c {
			row = append(row, formatExact(v))
		}
		if err := w.write(1, row); err != nil {
			return err
		}
	}
	for e, s := range r.EpochSeconds {
		row = append(row[:prefix], strconv.Itoa(e+1), formatSeconds(s))
		if err := w.write(2, row); err != nil {
			return err
		}
	}
	row = append(row[:prefix], EpochTotal, formatSeconds(r.Seconds))
	return w.write(2, row)
}

// check validates r against the layout before anything of it is written.
func (w *Writer) check(r experiments.Result) error {
	if len(r.Lambdas) != len(w.layout.Terms) {
		return fmt.Errorf("add run %s: %d lambdas for %d terms", r.RunID, len(r.Lambdas), len(w.layout.Terms))
	}
	if len(r.Metrics) != len(w.layout.Metrics) {
		return fmt.Errorf("add run %s: %d metric values for %d metrics", r.RunID, len(r.Metrics), len(w.layout.Metrics))
	}
	for e, c := range r.Curves {
		if len(c) != len(w.layout.Curves) {
			return fmt.Errorf("add run %s: epoch %d has %d curve values for %d curves", r.RunID, e+1, len(c), len(w.layout.Curves))
		}
	}
	return nil
}

func (w *Writer) write(i int, row []string) error {
	t := &w.tables[i]
	if err := t.cw.Write(row); err != nil {
		w.err = fmt.Errorf("write %s: %w", t.path, err)
		return w.err
	}
	return nil
}

// Close flushes, syncs and closes the three tables and renames each to its
// final name. If any step fails, the tables not yet renamed are removed
// and the first error is returned. Close after Close or Abort does
// nothing.
func (w *Writer) Close() error {
	if w.done {
		return w.err
	}
	w.done = true
	for i := range w.tables {
		t := &w.tables[i]
		if t.f == nil {
			continue
		}
		if w.err == nil {
			w.err = t.commit()
		} else {
			t.f.Close()
		}
		if w.err != nil {
			os.Remove(t.f.Name())
		}
		t.f = nil
	}
	if w.err == nil {
		w.err = w.samples.write(w.dir, w.layout.Terms)
	}
	return w.err
}

func (t *table) commit() error {
	t.cw.Flush()
	if err := t.cw.Error(); err != nil {
		t.f.Close()
		return fmt.Errorf("write %s: %w", t.path, err)
	}
	if err := t.bw.Flush(); err != nil {
		t.f.Close()
		return fmt.Errorf("write %s: %w", t.path, err)
	}
	return commitTemp(t.f, t.path)
}

// Abort closes and removes the temporary tables; files already in place
// from an earlier sweep are left untouched. Abort after Close does
// nothing.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.err == nil {
		w.err = errors.New("report: writer aborted")
	}
	for i := range w.tables {
		t := &w.tables[i]
		if t.f == nil {
			continue
		}
		t.f.Close()
		os.Remove(t.f.Name())
		t.f = nil
	}
}

// formatExact formats v with the shortest decimal that parses back to the
// same float64; NaN ("no value") is the empty string and the infinities
// are "+Inf" and "-Inf".
func formatExact(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// formatSeconds formats a duration in seconds to 6 significant digits:
// timings are noisy, and more digits would only add noise to the file.
func formatSeconds(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// HTMLFile is the one-page report of a results folder.
const HTMLFile = "report.html"
