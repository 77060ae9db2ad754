package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
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
	Fold    int // cross-validation fold; 0 without the fold column
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
// before reason is a metric. Columns after reason are ignored, so tables
// written by later versions, which add columns there, still read. Errors
// name the file, the line and the column.
func ReadRuns(path string) (*Runs, error) {
	f, err := os.Open(path)
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

	runs := &Runs{}
	var (
		termCols, axisCols, metricCols      []int
		idCol, repCol, statusCol, reasonCol = -1, -1, -1, -1
		methodCol                           = -1
		foldCol                             = -1
	)
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		if seen[h] {
			return nil, fmt.Errorf("%s: line 1, column %d: duplicate column %q", name, i+1, h)
		}
		seen[h] = true
	}
	for i, h := range header {
		switch {
		case h == ColRunID:
			idCol = i
		case h == ColRepeat:
			repCol = i
		case h == ColStatus:
			statusCol = i
		case h == ColFold:
			foldCol = i
			runs.Folds = true
		case h == ColReason:
			reasonCol = i
		case h == ColMethod && reasonCol < 0:
			methodCol = i
			runs.HasMethod = true
		case strings.HasPrefix(h, LambdaPrefix):
			term := strings.TrimPrefix(h, LambdaPrefix)
			if term == "" {
				return nil, fmt.Errorf("%s: line 1, column %d: %q names no term", name, i+1, h)
			}
			termCols = append(termCols, i)
			runs.Terms = append(runs.Terms, term)
		case strings.HasPrefix(h, AxisPrefix):
			field := strings.TrimPrefix(h, AxisPrefix)
			if field == "" {
				return nil, fmt.Errorf("%s: line 1, column %d: %q names no axis", name, i+1, h)
			}
			axisCols = append(axisCols, i)
			runs.Axes = append(runs.Axes, field)
		case h == "":
			return nil, fmt.Errorf("%s: line 1, column %d: empty column name", name, i+1)
		default:
			if reasonCol >= 0 {
				continue // added after reason by a later version
			}
			metricCols = append(metricCols, i)
			runs.Metrics = append(runs.Metrics, h)
		}
	}
	for _, c := range []struct {
		col  int
		name string
	}{{idCol, ColRunID}, {repCol, ColRepeat}, {statusCol, ColStatus}} {
		if c.col < 0 {
			return nil, fmt.Errorf("%s: line 1: missing column %q", name, c.name)
		}
	}

	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: line %d, column %d: %w", name, pe.Line, pe.Column, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		cellErr := func(col int, err error) error {
			return fmt.Errorf("%s: line %d, column %q: %w", name, line, header[col], err)
		}
		run := Run{
			RunID:   rec[idCol],
			Status:  rec[statusCol],
			Lambdas: make([]float64, len(termCols)),
			Metrics: make([]float64, len(metricCols)),
			Line:    line,
		}
		if reasonCol >= 0 {
			run.Reason = rec[reasonCol]
		}
		if run.RunID == "" {
			return nil, cellErr(idCol, errors.New("empty run id"))
		}
		if run.Status == "" {
			return nil, cellErr(statusCol, errors.New("empty status"))
		}
		adaptive := false
		if methodCol >= 0 {
			run.Method = rec[methodCol]
			if run.Method == "" {
				return nil, cellErr(methodCol, errors.New("empty method"))
			}
			adaptive = run.Method != MethodStatic
		}
		if run.Repeat, err = strconv.Atoi(rec[repCol]); err != nil || run.Repeat < 0 {
			return nil, cellErr(repCol, fmt.Errorf("invalid repeat %q, want an integer ≥ 0", rec[repCol]))
		}
		if foldCol >= 0 {
			if run.Fold, err = strconv.Atoi(rec[foldCol]); err != nil || run.Fold < 0 {
				return nil, cellErr(foldCol, fmt.Errorf("invalid fold %q, want an integer ≥ 0", rec[foldCol]))
			}
		}
		for j, c := range termCols {
			v, err := parseCell(rec[c])
			if err != nil {
				return nil, cellErr(c, err)
			}
			if math.IsNaN(v) && !adaptive { // an adaptive method sets the balanced terms' λ
				return nil, cellErr(c, errors.New("empty λ"))
			}
			run.Lambdas[j] = v
		}
		if len(axisCols) > 0 {
			run.Axes = make([]string, len(axisCols))
			for j, c := range axisCols {
				if rec[c] == "" {
					return nil, cellErr(c, errors.New("empty axis value"))
				}
				run.Axes[j] = rec[c]
			}
		}
		for j, c := range metricCols {
			v, err := parseCell(rec[c])
			if err != nil {
				return nil, cellErr(c, err)
			}
			run.Metrics[j] = v
		}
		if adaptive {
			runs.Methods = append(runs.Methods, run)
		} else {
			runs.Runs = append(runs.Runs, run)
		}
	}
	return runs, nil
}

// parseCell parses a float cell: empty is NaN ("no value"); "+Inf",
// "-Inf" and "Inf" are the infinities. A "NaN" literal is rejected: the
// tables write missing values as empty cells.
func parseCell(s string) (float64, error) {
	if s == "" {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	return v, nil
}
