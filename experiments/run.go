package experiments

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/lossexp/lossexp/experiments/dataset"
)

// Stream constants separate the random streams of one repeat: the data
// (generator and split), the initialization and the batch order. Each is
// derived from (spec seed, repeat) alone, never from λ, the clock or a
// worker, so runs are paired across the grid (common random numbers).
const (
	streamData  = 0x6c6f737365787001
	streamInit  = 0x6c6f737365787002
	streamBatch = 0x6c6f737365787003
)

// RepeatRand returns the generator of one stream of repeat r.
func RepeatRand(seed uint64, repeat int, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed^stream, uint64(repeat)*0x9e3779b97f4a7c15+stream))
}

// RepeatSeed returns a 64-bit seed for repeat r's data stream.
func RepeatSeed(seed uint64, repeat int) uint64 {
	return RepeatRand(seed, repeat, streamData).Uint64()
}

// Run is one training run: a grid point and a repeat of a spec, with the
// repeat's prepared data.
type Run struct {
	Index   int
	Point   int
	Repeat  int
	Lambdas []float64 // λ of every term, in spec order
	Spec    *Spec
	Data    *dataset.Splits
}

// ID returns the run's stable identifier.
func (r *Run) ID() string { return fmt.Sprintf("p%03d-r%02d", r.Point, r.Repeat) }

// DataSource loads a spec's data once and prepares it per repeat.
type DataSource struct {
	spec    *Spec
	table   *dataset.Table // CSV table, shared by every repeat (nil for builtins)
	csvPath string
}

// OpenData resolves and loads the spec's dataset. A CSV path is tried
// relative to the spec's folder, then relative to dataDir.
func OpenData(s *Spec, dataDir string) (*DataSource, error) {
	d := &DataSource{spec: s}
	if s.Dataset.Builtin != "" {
		// Generate once to catch bad parameters early, with the error at
		// the spec's position.
		if _, err := dataset.Builtin(s.Dataset.Builtin, s.Dataset.Params, 0); err != nil {
			return nil, s.Errorf("dataset.params", "%v", err)
		}
		return d, nil
	}
	path, err := resolveCSV(s, dataDir)
	if err != nil {
		return nil, err
	}
	t, err := dataset.LoadCSV(path, dataset.CSVOptions{
		Target:      s.Dataset.Target,
		Task:        s.Dataset.Task,
		Features:    s.Dataset.Features,
		Categorical: s.Dataset.Categorical,
		Missing:     s.Dataset.Missing,
		Group:       s.Dataset.Group,
		AuxTargets:  s.Dataset.AuxTargets,
	})
	if err != nil {
		return nil, s.Errorf("dataset.csv", "%w", err)
	}
	d.table, d.csvPath = t, path
	return d, nil
}

func resolveCSV(s *Spec, dataDir string) (string, error) {
	p := s.Dataset.CSV
	var tried []string
	try := func(c string) bool {
		tried = append(tried, c)
		st, err := os.Stat(c)
		return err == nil && !st.IsDir()
	}
	if filepath.IsAbs(p) {
		if try(p) {
			return p, nil
		}
	} else {
		if c := filepath.Join(filepath.Dir(s.File), p); try(c) {
			return c, nil
		}
		if dataDir != "" {
			if c := filepath.Join(dataDir, p); try(c) {
				return c, nil
			}
		}
	}
	hint := ""
	if dataDir == "" && !filepath.IsAbs(p) {
		hint = " (set --data-dir or LOSSEXP_DATA_DIR to the folder that holds it)"
	}
	return "", s.Errorf("dataset.csv", "file %q not found; tried %v%s", p, tried, hint)
}

// Checksum identifies the data the sweep used.
func (d *DataSource) Checksum() string {
	if d.table != nil {
		return d.table.Checksum
	}
	t, err := dataset.Builtin(d.spec.Dataset.Builtin, d.spec.Dataset.Params, d.spec.Seed)
	if err != nil {
		return ""
	}
	return t.Checksum
}

// Path returns the resolved CSV path ("" for a built-in generator).
func (d *DataSource) Path() string { return d.csvPath }

// Prepare returns repeat r's splits: the same at every λ. Built-in
// generators draw a fresh sample per repeat, so the spread over repeats
// includes sampling noise; a CSV is split anew per repeat. The networks
// some terms need frozen (the perceptual term's classifier) are trained
// here, once per repeat, and travel with the splits (Splits.Frozen).
func (d *DataSource) Prepare(repeat int) (*dataset.Splits, error) {
	s := d.spec
	t := d.table
	seed := RepeatSeed(s.Seed, repeat)
	if t == nil {
		var err error
		t, err = dataset.Builtin(s.Dataset.Builtin, s.Dataset.Params, seed)
		if err != nil {
			return nil, s.Errorf("dataset.params", "%v", err)
		}
	}
	sp, err := dataset.Prepare(t, dataset.PrepareOptions{
		Test:        s.Dataset.Split.Test,
		Validation:  s.Dataset.Split.Validation,
		Stratify:    s.Dataset.Split.Stratify,
		Standardize: s.Dataset.Standardize,
	}, seed^0x5eed)
	if err != nil {
		return nil, s.Errorf("dataset.split", "repeat %d: %w", repeat, err)
	}
	if err := prepareFrozen(s, sp, repeat); err != nil {
		return nil, err
	}
	return sp, nil
}
