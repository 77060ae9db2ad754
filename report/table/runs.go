package table

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/saferead"
)

// Runs is runs.csv read back: one Run per row, in file order.
type Runs struct {
	Terms   []string // term names, from the lambda.<term> columns
	Axes    []string // sweep axes, from the axis.<field> columns
	Metrics []string // metric names, in column order
	// Folds is set when runs.csv has the fold column (a spec with
	// dataset.split.cv): a grid point and repeat then have one run per
	// fold (see PoolFolds).
	Folds bool
	Runs  []Run
	// Methods are the rows of the adaptive balancing methods of a
	// sweep.balance study (column method, not static), kept apart so that
	// every table and figure of the λ grid sees the static runs alone;
	// methods.go compares them with the static front. HasMethod reports
	// that the file has the method column.
	Methods   []Run
	HasMethod bool
}

// Run is one row of runs.csv.
type Run struct {
	RunID   string
	Repeat  int
	Seed    string // the seed column as written ("" without it): runs pair across studies by seed, repeat and fold
	Fold    int    // cross-validation fold; 0 without the fold column
	Status  string
	Lambdas []float64 // aligned with Runs.Terms
	Axes    []string  // axis values as written, aligned with Runs.Axes
	Metrics []float64 // aligned with Runs.Metrics; NaN for an empty cell
	Reason  string
	Method  string // balancing method ("" without the method column)
	Line    int    // line of the row in the file, for messages

	// Folds and FoldSE are set by PoolFolds on a run that pools the
	// cross-validation folds of a grid point and repeat: how many, and
	// per metric the standard error of the fold mean (nil otherwise).
	Folds  int
	FoldSE []float64
	// FoldIDs are the run ids of the pooled folds (RunID is fold 0's):
	// the training curves average over all of them.
	FoldIDs []string
}

// ReadRuns reads a runs.csv file written by a Writer.
//
// Columns are found by name. The fixed columns run_id, repeat and status
// are required; lambda.<term> columns give the terms; every other column
// before reason but seed (absent in tables of earlier versions) is a
// metric. Columns after reason are ignored, so tables
// written by later versions, which add columns there, still read. Errors
// name the file, the line and the column.
func ReadRuns(path string) (*Runs, error) {
	f, err := saferead.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	defer f.Close()
	runs, err := parseRuns(f, path)
	if err != nil {
		return nil, err
	}
	return runs, nil
}

// parseRuns reads runs.csv from r; name is used in messages.
func parseRuns(r io.Reader, name string) (*Runs, error) {
	rr, err := newRunReader(r, name)
	if err != nil {
		return nil, err
	}
	runs := &Runs{Terms: rr.Terms, Axes: rr.Axes, Metrics: rr.Metrics, HasMethod: rr.HasMethod, Folds: rr.Folds}
	for {
		run, err := rr.Next()
		if err == io.EOF {
			return oneMethod(runs), nil
		}
		if err != nil {
			return nil, err
		}
		if run.Adaptive() {
			runs.Methods = append(runs.Methods, *run)
		} else {
			runs.Runs = append(runs.Runs, *run)
		}
	}
}

// oneMethod makes the runs of a table whose every row is one adaptive
// method's (a study with an adaptive loss.balance and no sweep.balance:
// nothing to compare them with) the study's runs: a single grid point
// whose balanced terms' λ are empty.
func oneMethod(runs *Runs) *Runs {
	if len(runs.Runs) > 0 || len(runs.Methods) == 0 {
		return runs
	}
	for _, r := range runs.Methods {
		if r.Method != runs.Methods[0].Method {
			return runs
		}
	}
	runs.Runs, runs.Methods = runs.Methods, nil
	return runs
}

// RunReader reads runs.csv one row at a time, so that nothing but the
// current row is held: the report stage of a sweep of a million runs
// reads it this way (OpenRuns), several times if it must, rather than
// whole.
type RunReader struct {
	Terms   []string
	Axes    []string
	Metrics []string

	name                                string
	f                                   *os.File
	cr                                  *csv.Reader
	header                              []string
	termCols, axisCols, metricCols      []int
	idCol, repCol, statusCol, reasonCol int
	methodCol, foldCol, seedCol         int
	// HasMethod reports that the file has the method column (a
	// sweep.balance study), Folds the fold column (dataset.split.cv).
	HasMethod, Folds bool
}

// OpenRuns opens the runs.csv at path and reads its header; Close it.
func OpenRuns(path string) (*RunReader, error) {
	f, err := saferead.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	rr, err := newRunReader(bufio.NewReaderSize(f, 1<<16), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	rr.f = f
	return rr, nil
}

// Close closes the file.
func (rr *RunReader) Close() error {
	if rr.f == nil {
		return nil
	}
	return rr.f.Close()
}

func newRunReader(r io.Reader, name string) (*RunReader, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file, want a header", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	header = append([]string(nil), header...)

	rr := &RunReader{name: name, cr: cr, header: header, idCol: -1, repCol: -1, statusCol: -1, reasonCol: -1, methodCol: -1, foldCol: -1, seedCol: -1}
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		if seen[h] {
			return nil, fmt.Errorf("%s: line 1, column %d: duplicate column %q", name, i+1, h)
		}
		seen[h] = true
	}
	for i, h := range header {
		if err := rr.addColumn(i, h); err != nil {
			return nil, err
		}
	}
	for _, c := range []struct {
		col  int
		name string
	}{{rr.idCol, ColRunID}, {rr.repCol, ColRepeat}, {rr.statusCol, ColStatus}} {
		if c.col < 0 {
			return nil, fmt.Errorf("%s: line 1: missing column %q", name, c.name)
		}
	}
	return rr, nil
}

// addColumn takes header column i, named h: an identifying column, a λ,
// an axis or a metric.
func (rr *RunReader) addColumn(i int, h string) error {
	switch {
	case h == ColRunID:
		rr.idCol = i
	case h == ColRepeat:
		rr.repCol = i
	case h == ColStatus:
		rr.statusCol = i
	case h == ColSeed && rr.reasonCol < 0: // after repeat since issue 23; not a metric
		rr.seedCol = i
	case h == ColFold:
		rr.foldCol = i
		rr.Folds = true
	case h == ColReason:
		rr.reasonCol = i
	case h == ColMethod && rr.reasonCol < 0:
		rr.methodCol = i
		rr.HasMethod = true
	case strings.HasPrefix(h, LambdaPrefix):
		return rr.addNamed(i, h, LambdaPrefix, "term", &rr.termCols, &rr.Terms)
	case strings.HasPrefix(h, AxisPrefix):
		return rr.addNamed(i, h, AxisPrefix, "axis", &rr.axisCols, &rr.Axes)
	case h == "":
		return fmt.Errorf("%s: line 1, column %d: empty column name", rr.name, i+1)
	default:
		if rr.reasonCol >= 0 {
			return nil // added after reason by a later version
		}
		rr.metricCols = append(rr.metricCols, i)
		rr.Metrics = append(rr.Metrics, h)
	}
	return nil
}

// Next returns the next row (a new Run each time), or io.EOF after the
// last. The rows of pruned runs (status pruned: a sweep.halving study's
// points dropped below the full budget) are passed over: every table and
// figure uses the full budget's runs alone.
func (rr *RunReader) Next() (*Run, error) {
	for {
		run, err := rr.next()
		if err != nil || run.Status != experiments.StatusPruned {
			return run, err
		}
	}
}

// next returns the next row, pruned or not.
func (rr *RunReader) next() (*Run, error) {
	name := rr.name
	rec, err := rr.cr.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: line %d, column %d: %w", name, pe.Line, pe.Column, pe.Err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	line, _ := rr.cr.FieldPos(0)
	run := &Run{
		RunID:   rec[rr.idCol],
		Status:  rec[rr.statusCol],
		Lambdas: make([]float64, len(rr.termCols)),
		Metrics: make([]float64, len(rr.metricCols)),
		Line:    line,
	}
	if rr.reasonCol >= 0 {
		run.Reason = rec[rr.reasonCol]
	}
	adaptive, err := rr.readIdentity(rec, run)
	if err != nil {
		return nil, err
	}
	if err := rr.readValues(rec, run, adaptive); err != nil {
		return nil, err
	}
	return run, nil
}

// addNamed takes column i, named h = prefix + a term's or an axis's
// name, into cols and names.
func (rr *RunReader) addNamed(i int, h, prefix, what string, cols *[]int, names *[]string) error {
	name := strings.TrimPrefix(h, prefix)
	if name == "" {
		return fmt.Errorf("%s: line 1, column %d: %q names no %s", rr.name, i+1, h, what)
	}
	*cols = append(*cols, i)
	*names = append(*names, name)
	return nil
}

// cellErr is err in column col of the record at run's line.
func (rr *RunReader) cellErr(run *Run, col int, err error) error {
	return fmt.Errorf("%s: line %d, column %q: %w", rr.name, run.Line, rr.header[col], err)
}

// readIdentity checks the run's id and status and reads its fold, method
// and repeat; adaptive says the run is an adaptive method's.
func (rr *RunReader) readIdentity(rec []string, run *Run) (adaptive bool, err error) {
	if run.RunID == "" {
		return false, rr.cellErr(run, rr.idCol, errors.New("empty run id"))
	}
	if run.Status == "" {
		return false, rr.cellErr(run, rr.statusCol, errors.New("empty status"))
	}
	if rr.seedCol >= 0 {
		run.Seed = rec[rr.seedCol]
	}
	if rr.foldCol >= 0 {
		if run.Fold, err = strconv.Atoi(rec[rr.foldCol]); err != nil || run.Fold < 0 {
			return false, rr.cellErr(run, rr.foldCol, fmt.Errorf("invalid fold %q, want an integer ≥ 0", rec[rr.foldCol]))
		}
	}
	if rr.methodCol >= 0 {
		run.Method = rec[rr.methodCol]
		if run.Method == "" {
			return false, rr.cellErr(run, rr.methodCol, errors.New("empty method"))
		}
		adaptive = run.Method != MethodStatic
	}
	if run.Repeat, err = strconv.Atoi(rec[rr.repCol]); err != nil || run.Repeat < 0 {
		return false, rr.cellErr(run, rr.repCol, fmt.Errorf("invalid repeat %q, want an integer ≥ 0", rec[rr.repCol]))
	}
	return adaptive, nil
}

// readValues reads the run's λ (empty only for an adaptive method's),
// axis values and metrics.
func (rr *RunReader) readValues(rec []string, run *Run, adaptive bool) error {
	for j, c := range rr.termCols {
		v, err := ParseCell(rec[c])
		if err != nil {
			return rr.cellErr(run, c, err)
		}
		if math.IsNaN(v) && !adaptive { // an adaptive method sets the balanced terms' λ
			return rr.cellErr(run, c, errors.New("empty λ"))
		}
		run.Lambdas[j] = v
	}
	if len(rr.axisCols) > 0 {
		run.Axes = make([]string, len(rr.axisCols))
		for j, c := range rr.axisCols {
			if rec[c] == "" {
				return rr.cellErr(run, c, errors.New("empty axis value"))
			}
			run.Axes[j] = rec[c]
		}
	}
	for j, c := range rr.metricCols {
		v, err := ParseCell(rec[c])
		if err != nil {
			return rr.cellErr(run, c, err)
		}
		run.Metrics[j] = v
	}
	return nil
}

// Adaptive reports whether the row is an adaptive balancing method's
// (Runs.Methods), not a static run of the λ grid.
func (r *Run) Adaptive() bool { return r.Method != "" && r.Method != MethodStatic }

// EachRun calls f with every static row of the runs.csv at path (those
// ReadRuns puts in Runs.Runs; adaptive methods' rows are left out), in
// file order, holding one row at a time.
func EachRun(path string, f func(r *Run) error) error {
	rr, err := OpenRuns(path)
	if err != nil {
		return err
	}
	defer rr.Close()
	for {
		r, err := rr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if r.Adaptive() {
			continue
		}
		if err := f(r); err != nil {
			return err
		}
	}
}

// ParseCell parses a float cell: empty is NaN ("no value"); "+Inf",
// "-Inf" and "Inf" are the infinities. A "NaN" literal is rejected: the
// tables write missing values as empty cells.
func ParseCell(s string) (float64, error) {
	if s == "" {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	return v, nil
}
