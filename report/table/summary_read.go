package table

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/internal/saferead"
)

// ReadSummary reads a summary.csv written by WriteSummary. Columns are
// found by name: lambda.<term>…, n, diverged, failed (absent before issue 23) and, for every metric,
// <metric>.mean, .std, .ci_low and .ci_high, and .se for a metric pooled
// over cross-validation folds (the Stat is then Pooled, so that the 1-SE
// rule uses the same standard error as the report). Each Stat's N is the point's
// ok runs when its mean has a value (summary.csv keeps no per-metric
// count). Errors name the file, the line and the column.
func ReadSummary(path string) (*Summary, error) {
	f, err := saferead.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	defer f.Close()
	return parseSummary(f, path)
}

func parseSummary(r io.Reader, name string) (*Summary, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file, want a header", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &Summary{}
	l, err := readSummaryHeader(header, name, s)
	if err != nil {
		return nil, err
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
		p, err := l.point(rec, func(col int, err error) error {
			return fmt.Errorf("%s: line %d, column %q: %w", name, line, header[col], err)
		})
		if err != nil {
			return nil, err
		}
		s.Points = append(s.Points, p)
	}
	if len(s.Points) == 0 {
		return nil, fmt.Errorf("%s: no grid points (header only)", name)
	}
	return s, nil
}

// statColumns are a metric's columns in summary.csv, in the order their
// suffixes are tried: the suffix and the Stat field its cells fill. A new
// per-metric column is one row here (and one in WriteSummary).
var statColumns = []struct {
	suffix string
	field  func(*Stat) *float64
}{
	{SuffixMean, func(st *Stat) *float64 { return &st.Mean }},
	{SuffixStd, func(st *Stat) *float64 { return &st.Std }},
	{SuffixCILow, func(st *Stat) *float64 { return &st.CILow }},
	{SuffixCIHigh, func(st *Stat) *float64 { return &st.CIHigh }},
	{SuffixSE, func(st *Stat) *float64 { return &st.PooledSE }},
}

// Rows of statColumns the reader treats apart: the mean is required, the
// standard error makes a Stat Pooled.
const (
	statMean = 0
	statSE   = 4
)

// summaryLayout is where parseSummary finds each field in a row: column
// indices, -1 for an absent column.
type summaryLayout struct {
	terms, axes         []int
	n, diverged, failed int
	metrics             [][]int // per metric, per row of statColumns
}

// readSummaryHeader finds the columns of header, appending the terms, axes
// and metrics it names to s. Columns it does not know (a later version's)
// are skipped.
func readSummaryHeader(header []string, name string, s *Summary) (*summaryLayout, error) {
	l := &summaryLayout{n: -1, diverged: -1, failed: -1}
	index := map[string]int{}
	seen := map[string]bool{}
	for i, h := range header {
		if seen[h] {
			return nil, fmt.Errorf("%s: line 1, column %d: duplicate column %q", name, i+1, h)
		}
		seen[h] = true
		switch {
		case strings.HasPrefix(h, LambdaPrefix) && len(h) > len(LambdaPrefix):
			l.terms = append(l.terms, i)
			s.Terms = append(s.Terms, strings.TrimPrefix(h, LambdaPrefix))
		case strings.HasPrefix(h, AxisPrefix) && len(h) > len(AxisPrefix):
			l.axes = append(l.axes, i)
			s.Axes = append(s.Axes, strings.TrimPrefix(h, AxisPrefix))
		case h == ColN:
			l.n = i
		case h == ColDiverged:
			l.diverged = i
		case h == ColFailed: // absent before issue 23: no failed run
			l.failed = i
		default:
			l.metricColumn(h, i, index, s)
		}
	}
	if l.n < 0 {
		return nil, fmt.Errorf("%s: line 1: missing column %q: is it a summary.csv written by lossexp?", name, ColN)
	}
	for k, m := range s.Metrics {
		if l.metrics[k][statMean] < 0 {
			return nil, fmt.Errorf("%s: line 1: metric %s has no %q column", name, m, m+SuffixMean)
		}
	}
	return l, nil
}

// metricColumn records column i, named h, when its suffix is one of
// statColumns, adding its metric to s (index maps a metric to its place)
// the first time it is seen.
func (l *summaryLayout) metricColumn(h string, i int, index map[string]int, s *Summary) {
	for field, sc := range statColumns {
		if !strings.HasSuffix(h, sc.suffix) {
			continue
		}
		m := strings.TrimSuffix(h, sc.suffix)
		k, ok := index[m]
		if !ok {
			k = len(s.Metrics)
			index[m] = k
			s.Metrics = append(s.Metrics, m)
			cols := make([]int, len(statColumns))
			for j := range cols {
				cols[j] = -1
			}
			l.metrics = append(l.metrics, cols)
		}
		l.metrics[k][field] = i
		return
	}
}

// point reads one row; cellErr names the row and the column in an error.
func (l *summaryLayout) point(rec []string, cellErr func(col int, err error) error) (Point, error) {
	p := Point{Lambdas: make([]float64, len(l.terms)), Stats: make([]Stat, len(l.metrics))}
	for j, c := range l.terms {
		v, err := ParseCell(rec[c])
		if err != nil {
			return p, cellErr(c, err)
		}
		if math.IsNaN(v) {
			return p, cellErr(c, errors.New("empty λ"))
		}
		p.Lambdas[j] = v
	}
	for _, c := range l.axes {
		p.Axes = append(p.Axes, rec[c])
	}
	var err error
	if p.N, err = strconv.Atoi(rec[l.n]); err != nil || p.N < 0 {
		return p, cellErr(l.n, fmt.Errorf("invalid count %q", rec[l.n]))
	}
	if l.diverged >= 0 {
		if p.Diverged, err = strconv.Atoi(rec[l.diverged]); err != nil || p.Diverged < 0 || p.Diverged > p.N {
			return p, cellErr(l.diverged, fmt.Errorf("invalid count %q", rec[l.diverged]))
		}
	}
	if l.failed >= 0 {
		if p.Failed, err = strconv.Atoi(rec[l.failed]); err != nil || p.Failed < 0 || p.Diverged+p.Failed > p.N {
			return p, cellErr(l.failed, fmt.Errorf("invalid count %q", rec[l.failed]))
		}
	}
	for k, cols := range l.metrics {
		st := Stat{Mean: math.NaN(), Std: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
		st.Pooled = cols[statSE] >= 0
		for field, col := range cols {
			if col < 0 {
				continue
			}
			v, err := ParseCell(rec[col])
			if err != nil {
				return p, cellErr(col, err)
			}
			*statColumns[field].field(&st) = v
		}
		if !math.IsNaN(st.Mean) {
			st.N = p.N - p.Diverged - p.Failed
		}
		p.Stats[k] = st
	}
	return p, nil
}

// ParseSummary reads a summary.csv from r; name is used in messages.
func ParseSummary(r io.Reader, name string) (*Summary, error) { return parseSummary(r, name) }
