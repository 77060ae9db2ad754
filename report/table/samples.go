package table

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strconv"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/saferead"
)

// SamplesFile holds the figure samples of repeat 0's runs
// (experiments.Result.Samples): columns run_id, kind, lambda.<term>…,
// then the kind's own columns, one row per sample row, runs in index
// order. It is written only when some run has samples.
const SamplesFile = "samples.csv"

// samplesTable collects the runs' samples until the Writer closes; they
// are small (repeat 0, a few hundred rows per run).
type samplesTable struct {
	kind    string
	columns []string
	rows    [][]string
}

// add keeps r's samples; samples of another kind or layout than the
// first run's are left out.
func (st *samplesTable) add(r experiments.Result) {
	s := r.Samples
	if s == nil {
		return
	}
	if st.kind == "" {
		st.kind, st.columns = s.Kind, append([]string(nil), s.Columns...)
	}
	if s.Kind != st.kind || len(s.Columns) != len(st.columns) {
		return
	}
	head := []string{r.RunID, s.Kind}
	for _, l := range r.Lambdas {
		head = append(head, formatExact(l))
	}
	for _, row := range s.Rows {
		rec := append([]string(nil), head...)
		for _, v := range row {
			rec = append(rec, formatExact(v))
		}
		st.rows = append(st.rows, rec)
	}
}

// write writes samples.csv atomically into dir (nothing without rows).
func (st *samplesTable) write(dir string, terms []string) error {
	if len(st.rows) == 0 {
		return nil
	}
	header := []string{ColRunID, "kind"}
	for _, t := range terms {
		header = append(header, LambdaPrefix+t)
	}
	header = append(header, st.columns...)
	return WriteFileAtomic(filepath.Join(dir, SamplesFile), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(header)
		cw.WriteAll(st.rows)
		return cw.Error()
	})
}

// SampleRun is one run's samples as read back from samples.csv.
type SampleRun struct {
	RunID   string
	Lambdas []float64
	Rows    [][]float64
}

// Samples is samples.csv as read back.
type Samples struct {
	Kind    string
	Terms   []string // term names of the lambda columns
	Columns []string // the kind's columns
	Runs    []SampleRun
}

// ReadSamples reads a samples.csv; a missing file is (nil, nil).
func ReadSamples(path string) (*Samples, error) {
	f, err := saferead.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(recs) < 2 || len(recs[0]) < 2 || recs[0][0] != ColRunID || recs[0][1] != "kind" {
		return nil, fmt.Errorf("read %s: want a header run_id,kind,lambda.<term>…,… and rows", path)
	}
	h := recs[0]
	s := &Samples{Kind: recs[1][1]}
	c := 2
	for ; c < len(h) && len(h[c]) > len(LambdaPrefix) && h[c][:len(LambdaPrefix)] == LambdaPrefix; c++ {
		s.Terms = append(s.Terms, h[c][len(LambdaPrefix):])
	}
	s.Columns = h[c:]
	parse := func(line int, cells []string) ([]float64, error) {
		out := make([]float64, len(cells))
		for i, v := range cells {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("read %s: row %d: %w", path, line+1, err)
			}
			out[i] = x
		}
		return out, nil
	}
	for i, rec := range recs[1:] {
		if len(rec) != len(h) {
			return nil, fmt.Errorf("read %s: row %d has %d cells, want %d", path, i+2, len(rec), len(h))
		}
		lam, err := parse(i+1, rec[2:c])
		if err != nil {
			return nil, err
		}
		row, err := parse(i+1, rec[c:])
		if err != nil {
			return nil, err
		}
		if n := len(s.Runs); n == 0 || s.Runs[n-1].RunID != rec[0] {
			s.Runs = append(s.Runs, SampleRun{RunID: rec[0], Lambdas: lam})
		}
		r := &s.Runs[len(s.Runs)-1]
		r.Rows = append(r.Rows, row)
	}
	return s, nil
}
