package report

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
// found by name: lambda.<term>…, n, diverged, failed (absent in tables
// of earlier versions) and, for every metric,
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
	var termCols, axisCols []int
	nCol, divCol, failCol := -1, -1, -1
	type metricCols struct{ mean, std, lo, hi, se int }
	var mcols []metricCols
	index := map[string]int{}
	seen := map[string]bool{}
	for i, h := range header {
		if seen[h] {
			return nil, fmt.Errorf("%s: line 1, column %d: duplicate column %q", name, i+1, h)
		}
		seen[h] = true
		switch {
		case strings.HasPrefix(h, LambdaPrefix) && len(h) > len(LambdaPrefix):
			termCols = append(termCols, i)
			s.Terms = append(s.Terms, strings.TrimPrefix(h, LambdaPrefix))
		case strings.HasPrefix(h, AxisPrefix) && len(h) > len(AxisPrefix):
			axisCols = append(axisCols, i)
			s.Axes = append(s.Axes, strings.TrimPrefix(h, AxisPrefix))
		case h == ColN:
			nCol = i
		case h == ColDiverged:
			divCol = i
		case h == ColFailed: // absent before issue 23: no failed run
			failCol = i
		default:
			var m string
			var field int
			switch {
			case strings.HasSuffix(h, SuffixMean):
				m, field = strings.TrimSuffix(h, SuffixMean), 0
			case strings.HasSuffix(h, SuffixStd):
				m, field = strings.TrimSuffix(h, SuffixStd), 1
			case strings.HasSuffix(h, SuffixCILow):
				m, field = strings.TrimSuffix(h, SuffixCILow), 2
			case strings.HasSuffix(h, SuffixCIHigh):
				m, field = strings.TrimSuffix(h, SuffixCIHigh), 3
			case strings.HasSuffix(h, SuffixSE):
				m, field = strings.TrimSuffix(h, SuffixSE), 4
			default:
				continue // a column a later version added
			}
			k, ok := index[m]
			if !ok {
				k = len(s.Metrics)
				index[m] = k
				s.Metrics = append(s.Metrics, m)
				mcols = append(mcols, metricCols{-1, -1, -1, -1, -1})
			}
			switch field {
			case 0:
				mcols[k].mean = i
			case 1:
				mcols[k].std = i
			case 2:
				mcols[k].lo = i
			case 3:
				mcols[k].hi = i
			case 4:
				mcols[k].se = i
			}
		}
	}
	if nCol < 0 {
		return nil, fmt.Errorf("%s: line 1: missing column %q: is it a summary.csv written by lossexp?", name, ColN)
	}
	for k, m := range s.Metrics {
		if mcols[k].mean < 0 {
			return nil, fmt.Errorf("%s: line 1: metric %s has no %q column", name, m, m+SuffixMean)
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
		p := Point{Lambdas: make([]float64, len(termCols)), Stats: make([]Stat, len(s.Metrics))}
		for j, c := range termCols {
			v, err := parseCell(rec[c])
			if err != nil {
				return nil, cellErr(c, err)
			}
			if math.IsNaN(v) {
				return nil, cellErr(c, errors.New("empty λ"))
			}
			p.Lambdas[j] = v
		}
		for _, c := range axisCols {
			p.Axes = append(p.Axes, rec[c])
		}
		if p.N, err = strconv.Atoi(rec[nCol]); err != nil || p.N < 0 {
			return nil, cellErr(nCol, fmt.Errorf("invalid count %q", rec[nCol]))
		}
		if divCol >= 0 {
			if p.Diverged, err = strconv.Atoi(rec[divCol]); err != nil || p.Diverged < 0 || p.Diverged > p.N {
				return nil, cellErr(divCol, fmt.Errorf("invalid count %q", rec[divCol]))
			}
		}
		if failCol >= 0 {
			if p.Failed, err = strconv.Atoi(rec[failCol]); err != nil || p.Failed < 0 || p.Diverged+p.Failed > p.N {
				return nil, cellErr(failCol, fmt.Errorf("invalid count %q", rec[failCol]))
			}
		}
		for k, mc := range mcols {
			st := Stat{Mean: math.NaN(), Std: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
			st.Pooled = mc.se >= 0
			for _, f := range []struct {
				col int
				dst *float64
			}{{mc.mean, &st.Mean}, {mc.std, &st.Std}, {mc.lo, &st.CILow}, {mc.hi, &st.CIHigh}, {mc.se, &st.PooledSE}} {
				if f.col < 0 {
					continue
				}
				v, err := parseCell(rec[f.col])
				if err != nil {
					return nil, cellErr(f.col, err)
				}
				*f.dst = v
			}
			if !math.IsNaN(st.Mean) {
				st.N = p.N - p.Diverged - p.Failed
			}
			p.Stats[k] = st
		}
		s.Points = append(s.Points, p)
	}
	if len(s.Points) == 0 {
		return nil, fmt.Errorf("%s: no grid points (header only)", name)
	}
	return s, nil
}

// ParseSummary reads a summary.csv from r; name is used in messages.
func ParseSummary(r io.Reader, name string) (*Summary, error) { return parseSummary(r, name) }
