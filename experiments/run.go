package experiments

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/lossexp/lossexp/datasets"
	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/spec"
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
	return rand.New(repeatPCG(seed, repeat, stream))
}

// repeatPCG is RepeatRand's source.
func repeatPCG(seed uint64, repeat int, stream uint64) *rand.PCG {
	return rand.NewPCG(seed^stream, uint64(repeat)*0x9e3779b97f4a7c15+stream)
}

// RepeatSeed returns a 64-bit seed for repeat r's data stream.
func RepeatSeed(seed uint64, repeat int) uint64 {
	return RepeatRand(seed, repeat, streamData).Uint64()
}

// Run is one training run: a grid point and a repeat of a spec, with the
// repeat's prepared data.
type Run struct {
	Index  int
	Point  int
	Repeat int
	// Fold is the cross-validation fold whose rows are the validation
	// split (0 without cross-validation; see Spec.Folds).
	Fold    int
	Lambdas []float64 // λ of every term, in spec order
	Spec    *spec.Spec
	Data    *dataset.Splits
	// Budget is the epochs this run trains to, 0 for the spec's full
	// budget (successive halving sets a rung's).
	Budget int
	// Key is the id of the run of its (λ, repeat) at the full budget: a
	// sweep sets it, the key of the checkpoint folder the built-in
	// trainer continues from across halving's rungs (train_continue.go);
	// "" never continues.
	Key string
}

// ID returns the run's stable identifier.
func (r *Run) ID() string { return fmt.Sprintf("p%03d-r%02d", r.Point, r.Repeat) }

// EpochBudget returns the epochs this run trains to: Budget, else the
// full budget (train.epochs for the built-in trainer, trainer.max_epochs
// for a command; 0 for a command whose spec has no max_epochs).
func (r *Run) EpochBudget() int {
	if r.Budget > 0 {
		return r.Budget
	}
	return r.Spec.FullEpochs()
}

// DataSource loads a spec's data once and prepares it per repeat.
type DataSource struct {
	spec     *spec.Spec
	table    *dataset.Table // CSV table (with the test file's rows), shared by every repeat (nil for builtins)
	csvPath  string
	testPath string
	inputs   string // a trainer spec's inputs hash (HashInputs)
}

// Folders are where a spec's relative CSV paths are looked for after the
// spec's own folder, as the command resolved them from its settings
// (flags, LOSSEXP_* variables, the config file). "" = none.
type Folders struct {
	Data  string // --data-dir, LOSSEXP_DATA_DIR, data-dir
	Cache string // the fetch cache: --cache-dir, LOSSEXP_CACHE_DIR, cache-dir
}

// OpenData resolves and loads the spec's dataset. A relative CSV path
// (dataset.csv, dataset.split.test_csv) is looked for, in order: in the
// spec's folder, in dirs.Data (--data-dir, LOSSEXP_DATA_DIR), among the
// datasets shipped with lossexp (datasets.Open: sklearn/digits.csv, …)
// and in the fetch cache dirs.Cache (--cache-dir, LOSSEXP_CACHE_DIR, the
// config file's cache-dir, else the user's cache folder: resolved by the
// command, never read here). A file of a fetchable dataset that is not fetched
// yet is an error naming `lossexp datasets fetch NAME`.
//
// A spec with a trainer has no data of its own: OpenData checks that the
// program and the inputs exist and hashes the inputs, which then stand
// for the data's checksum (and so enter every run id).
func OpenData(s *spec.Spec, dirs Folders) (*DataSource, error) {
	return OpenDataContext(context.Background(), s, dirs)
}

// OpenDataContext is OpenData whose reading of the data (a CSV file, a
// trainer's inputs) stops once ctx is done, with an error wrapping
// context.Cause(ctx): Ctrl-C on a large CSV. OpenData is for tests and
// callers with nothing to cancel.
func OpenDataContext(ctx context.Context, s *spec.Spec, dirs Folders) (*DataSource, error) {
	if s.Trainer != nil {
		return openTrainer(ctx, s)
	}
	d := &DataSource{spec: s}
	if s.Dataset.Builtin != "" {
		// Generate once to catch bad parameters early, with the error at
		// the spec's position.
		if _, err := dataset.Builtin(s.Dataset.Builtin, s.Dataset.Params, 0); err != nil {
			return nil, s.Errorf("dataset.params", "%v", err)
		}
		return d, nil
	}
	opt := csvOptions(s)
	t, path, err := loadCSV(ctx, s, "dataset.csv", s.Dataset.CSV, dirs, opt)
	if err != nil {
		return nil, err
	}
	d.csvPath = path
	if tc := s.Dataset.Split.TestCSV; tc != "" {
		opt.Known, opt.Unseen = t, s.Dataset.Split.Unseen
		if opt.Image != nil {
			opt.Image.Seed = ^opt.Image.Seed // the test file's noise is its own
		}
		tt, tpath, err := loadCSV(ctx, s, "dataset.split.test_csv", tc, dirs, opt)
		if err != nil {
			return nil, err
		}
		if t, err = dataset.AppendTest(t, tt); err != nil {
			return nil, s.Errorf("dataset.split.test_csv", "%w", err)
		}
		d.testPath = tpath
	}
	d.table = t
	return d, nil
}

// csvOptions are the reader's options for the spec's CSV files.
func csvOptions(s *spec.Spec) dataset.CSVOptions {
	ds := &s.Dataset
	opt := dataset.CSVOptions{
		Target:      ds.Target,
		Task:        ds.Task,
		Features:    ds.Features,
		Categorical: ds.Categorical,
		Missing:     ds.Missing,
		Group:       ds.Group,
		AuxTargets:  ds.AuxTargets,
	}
	if sq := ds.Sequence; sq != nil {
		opt.Sequence = &dataset.SequenceOptions{ID: sq.ID, Order: sq.Order, Context: sq.Context}
	}
	if im := ds.Image; im != nil {
		opt.Task = "classification" // the target column is the image's class
		opt.Image = &dataset.ImageOptions{Width: im.Width, Height: im.Height, Channels: im.Channels,
			Max: im.Max, Blur: im.Blur, Downsample: im.Downsample, Noise: im.Noise, Seed: s.Seed}
	}
	return opt
}

// loadCSV finds and reads one CSV file of the spec; field names the spec
// key that gave its path, for errors.
func loadCSV(ctx context.Context, s *spec.Spec, field, p string, dirs Folders, opt dataset.CSVOptions) (*dataset.Table, string, error) {
	path, shipped, err := resolveCSV(s, field, p, dirs)
	if err != nil {
		return nil, "", err
	}
	var t *dataset.Table
	if shipped {
		rc, _ := datasets.Open(p)
		defer rc.Close() // read-only
		t, err = dataset.ReadCSV(saferead.Reader(ctx, rc), path, opt)
	} else {
		if st, err := os.Stat(path); err == nil {
			opt.SizeHint = st.Size() // room for the rows reserved once, not grown
		}
		t, err = dataset.LoadCSV(ctx, path, opt)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", fmt.Errorf("load %s: %w", path, context.Cause(ctx))
		}
		if errors.Is(err, saferead.ErrNotRegular) {
			return nil, "", s.Errorf(field, "%w (give the path of a CSV file; a pipe or a device cannot be read twice or sized)", err)
		}
		return nil, "", s.Errorf(field, "%w", err)
	}
	return t, path, nil
}

// resolveCSV finds the file p names (see OpenData for the order).
// shipped reports a file embedded in lossexp; path is then
// "datasets/<library path>", for messages and the manifest.
func resolveCSV(s *spec.Spec, field, p string, dirs Folders) (path string, shipped bool, err error) {
	var tried []string
	try := func(c string) bool {
		tried = append(tried, c)
		st, err := os.Stat(c)
		return err == nil && !st.IsDir()
	}
	if filepath.IsAbs(p) {
		if try(p) {
			return p, false, nil
		}
		return "", false, s.Errorf(field, "file %q not found", p)
	}
	if c := filepath.Join(filepath.Dir(s.File), p); try(c) {
		return c, false, nil
	}
	if dirs.Data != "" {
		if c := filepath.Join(dirs.Data, p); try(c) {
			return c, false, nil
		}
	}
	cache := dirs.Cache
	lib, shipped, err := datasets.Find(p, cache)
	if err != nil {
		return "", false, s.Errorf(field, "%w", err)
	}
	if lib != "" {
		return lib, shipped, nil
	}
	tried = append(tried, "the datasets shipped with lossexp")
	if cache != "" {
		tried = append(tried, datasets.CachePath(cache, p))
	}
	hint := ""
	if dirs.Data == "" {
		hint = " (set --data-dir or LOSSEXP_DATA_DIR to the folder that holds it; `lossexp datasets` lists the shipped and fetchable files)"
	}
	return "", false, s.Errorf(field, "file %q not found; tried %s%s", p, strings.Join(tried, ", "), hint)
}

// Checksum identifies the data the sweep used.
func (d *DataSource) Checksum() string {
	if d.spec.Trainer != nil {
		return d.inputs
	}
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

// Prepare returns repeat r's splits (fold 0 with cross-validation); see
// PrepareFold.
func (d *DataSource) Prepare(repeat int) (*dataset.Splits, error) {
	return d.PrepareFold(repeat, 0)
}

// PrepareFold returns the splits of repeat r and cross-validation fold
// (0 without cross-validation): the same at every λ. Built-in
// generators draw a fresh sample per repeat, so the spread over repeats
// includes sampling noise; a CSV is split anew per repeat. The networks
// some terms need frozen (the perceptual term's classifier) are trained
// here, once per repeat, and travel with the splits (Splits.Frozen).
//
// A trainer spec's splits are empty: the command loads its own data.
//
// Without a validation split of its own, a spec that selects λ on
// validation has one carved from the training rows (Spec.CarveFraction);
// with dataset.split.cv the training rows are cut into folds and fold is
// the validation split. Either way the test split is the one the spec
// alone gives, row for row, and the carve or the folds depend on (seed,
// repeat) alone.
func (d *DataSource) PrepareFold(repeat, fold int) (*dataset.Splits, error) {
	s := d.spec
	if s.Trainer != nil {
		// Empty but well-formed: code that sizes a run from its data
		// (the study's memory estimate) sees no rows and no columns.
		return &dataset.Splits{Train: &dataset.Dataset{}}, nil
	}
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
		Carve:       s.CarveFraction(),
		Folds:       s.Dataset.Split.CV,
		Fold:        fold,
	}, seed^0x5eed)
	if err != nil {
		if s.Dataset.Split.CV > 0 {
			return nil, s.Errorf("dataset.split.cv", "repeat %d, fold %d: %w", repeat, fold, err)
		}
		if s.CarveFraction() > 0 {
			return nil, s.Errorf("report.validation", "repeat %d: carving the validation split: %w", repeat, err)
		}
		return nil, s.Errorf("dataset.split", "repeat %d: %w", repeat, err)
	}
	if err := prepareFrozen(s, sp, repeat); err != nil {
		return nil, err
	}
	return sp, nil
}
