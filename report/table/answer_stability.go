package table

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/internal/saferead"
)

// AnswerStability is the stability of one balance point, from
// stability.csv: the share of resamples that chose the study's λ (or, for
// an undefined point, found it undefined) and the 90% run of grid λ.
type AnswerStability struct {
	Point string   `json:"point"`
	Share float64  `json:"share"`
	Lo90  *float64 `json:"lo90,omitempty"`
	Hi90  *float64 `json:"hi90,omitempty"`
	Line  string   `json:"line"`
}

// readStability adds stability.csv's shares to the terms read from
// balance.csv; a folder without it (an older study, report.resamples 0)
// has none.
func (a *Answer) readStability(dir string) error {
	path := filepath.Join(dir, StabilityFile)
	f, err := saferead.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	defer f.Close() // read-only
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if len(rows) == 0 {
		return fmt.Errorf("read %s: empty: no header %s", path, strings.Join(StabilityHeader, ","))
	}
	fixed := len(rows) > 0 && len(rows[0]) == len(StabilityHeader)+1
	for i, row := range rows[1:] {
		if !fixed {
			row = slices.Insert(slices.Clone(row), 1, "")
		}
		if len(row) != len(StabilityHeader)+1 {
			return fmt.Errorf("read %s: row %d: %d fields", path, i+2, len(row))
		}
		if err := a.addStability(row); err != nil {
			return fmt.Errorf("read %s: row %d: %w", path, i+2, err)
		}
	}
	return nil
}

// addStability adds one row: term, fixed, point, lambda, share, lo90, hi90.
func (a *Answer) addStability(row []string) error {
	term, fix := row[0], row[1]
	k := slices.IndexFunc(a.Terms, func(t TermAnswer) bool { return t.Term == term && t.Fixed == fix })
	if k < 0 {
		return nil // a term balance.csv does not have
	}
	ta := &a.Terms[k]
	var p *AnswerPoint
	switch row[2] {
	case BalanceBest:
		p = &ta.Best
	case Balance1SE:
		p = &ta.OneSE
	case BalanceKnee:
		p = &ta.Knee
	default:
		return fmt.Errorf("unknown point %q", row[2])
	}
	share, err := strconv.ParseFloat(row[4], 64)
	if err != nil {
		return fmt.Errorf("share: %w", err)
	}
	var lam *float64
	if row[3] != "" {
		v, err := strconv.ParseFloat(row[3], 64)
		if err != nil {
			return fmt.Errorf("lambda: %w", err)
		}
		lam = &v
	}
	// A point's entry starts at a 0% share; the row of the study's own
	// choice (or the empty-λ row of an undefined point) sets it.
	j := slices.IndexFunc(ta.Stability, func(s AnswerStability) bool { return s.Point == row[2] })
	if j < 0 {
		j = len(ta.Stability)
		ta.Stability = append(ta.Stability, AnswerStability{Point: row[2]})
	}
	st := &ta.Stability[j]
	if (lam == nil && p.Lambda == nil) || (lam != nil && p.Lambda != nil && *lam == *p.Lambda) {
		st.Share = share
	}
	if row[5] != "" && row[6] != "" {
		lo, err1 := strconv.ParseFloat(row[5], 64)
		hi, err2 := strconv.ParseFloat(row[6], 64)
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("lo90/hi90: %w", err)
		}
		st.Lo90, st.Hi90 = &lo, &hi
	}
	st.Line = StabilityLine(st.Point, p.Lambda, st.Share, st.Lo90, st.Hi90)
	return nil
}
