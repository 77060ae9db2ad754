package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/spec"
)

// StoreDir is the run store's folder inside a results folder.
const StoreDir = "runs"

// RecordFormat is the version of the one-file-per-run record layout
// (<run-id>.json), still read and migrated (see segment.go); the store
// now writes segments (SegmentFormat). Format 2 added
// the checksum; a format-1 record (no checksum) is retrained, with a note,
// rather than trusted: a checksum that may be absent protects nothing,
// since deleting it would pass any edit, and the store is a cache whose
// loss costs compute but never a wrong number.
const RecordFormat = 2

// Record is a stored run: everything runs.csv, curves.csv and timings.csv
// need, plus what identifies the run. Floats are exact (shortest decimal
// that parses back to the same bits); JSON has no NaN or infinities, so
// NaN ("no value") is null and the infinities are the strings "+Inf" and
// "-Inf".
type Record struct {
	Format   int    `json:"format"`
	RunID    string `json:"run_id"`
	RunBase  string `json:"run_base"`  // spec.Spec.RunBase of the spec that ran it
	SpecHash string `json:"spec_hash"` // spec.Spec.ResultHash of that spec
	Tool     string `json:"tool_version,omitempty"`
	Point    int    `json:"point"` // grid point in the sweep that ran it (informative)
	Repeat   int    `json:"repeat"`
	// Seed is the run's seed (experiments.Result.Seed); nil in a record
	// of a version before it was kept, whose seed the plan gives
	// (study.WriteTables).
	Seed        *uint64  `json:"seed,omitempty"`
	Fold        int      `json:"fold,omitempty"` // cross-validation fold (dataset.split.cv); absent without
	Terms       []string `json:"terms"`
	Lambdas     Floats   `json:"lambdas"`
	LambdaEff   Floats   `json:"lambda_eff,omitempty"` // effective λ of every term when a term has a scale (Plan.Effective)
	Status      string   `json:"status"`
	Reason      string   `json:"reason,omitempty"`
	MetricNames []string `json:"metric_names"`
	Metrics     Floats   `json:"metrics"`
	// ExtraNames and Extra are experiments.Result's: a training
	// command's final-line metrics beyond MetricNames (absent if none).
	ExtraNames   []string `json:"extra_names,omitempty"`
	Extra        Floats   `json:"extra,omitempty"`
	CurveNames   []string `json:"curve_names"`
	Curves       []Floats `json:"curves"`
	Seconds      float64  `json:"seconds"`
	EpochSeconds Floats   `json:"epoch_seconds"`
	// EpochsTrained is experiments.Result's: the epochs a training
	// command's run trained in its last attempt (absent for the built-in
	// trainer and in records before issue 24).
	EpochsTrained int `json:"epochs_trained,omitempty"`
	// Samples are the run's figure samples (repeat 0 of terms that draw
	// figures), kept so a resumed or merged sweep draws the same figures.
	Samples *RecordSamples `json:"samples,omitempty"`
	// Balance is what an adaptive balancing method did in the run
	// (experiments.BalanceResult): its label, the losses it weighed, the
	// last step's weights and its learned parameters (log variances,
	// GradNorm weights). Absent for static runs.
	Balance *RecordBalance `json:"balance,omitempty"`
	// Checksum is "sha256:<hex>" of the record's JSON encoding with this
	// field empty: a record edited by hand or damaged on disk (a metric,
	// the spec hash) fails it and is retrained, never used.
	Checksum string `json:"checksum"`

	// logs is the folder holding the run's logs (Result.LogDir), moved
	// into the store by Save.
	logs string
}

// RecordBalance is experiments.BalanceResult with NaN-safe values.
type RecordBalance struct {
	Method  string            `json:"method"`
	Losses  []string          `json:"losses"`
	Final   Floats            `json:"final_weights"`
	Learned map[string]Floats `json:"learned,omitempty"`
}

// ErrChecksum reports a record or manifest whose content does not match
// its checksum.
var ErrChecksum = errors.New("sweep: checksum mismatch")

// contentSum returns "sha256:<hex>" of v's JSON encoding with *sum
// cleared; *sum is restored.
func contentSum(v any, sum *string) (string, error) {
	keep := *sum
	*sum = ""
	b, err := json.Marshal(v)
	*sum = keep
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:]), nil
}

// verifySum checks *sum against v's content.
func verifySum(v any, sum *string) error {
	if *sum == "" {
		return fmt.Errorf("%w: no checksum", ErrChecksum)
	}
	want, err := contentSum(v, sum)
	if err != nil {
		return err
	}
	if want != *sum {
		return fmt.Errorf("%w: the content was changed after it was written (checksum %.19s…, content %.19s…)", ErrChecksum, *sum, want)
	}
	return nil
}

// RecordSamples is experiments.Samples with NaN-safe rows.
type RecordSamples struct {
	Kind    string   `json:"kind"`
	Columns []string `json:"columns"`
	Rows    []Floats `json:"rows"`
}

// Floats is a []float64 whose JSON form keeps NaN and ±Inf (see Record).
type Floats []float64

// MarshalJSON writes the exact shortest form of each value.
func (f Floats) MarshalJSON() ([]byte, error) {
	if f == nil {
		return []byte("[]"), nil
	}
	b := make([]byte, 0, 2+12*len(f))
	b = append(b, '[')
	for i, v := range f {
		if i > 0 {
			b = append(b, ',')
		}
		switch {
		case math.IsNaN(v):
			b = append(b, "null"...)
		case math.IsInf(v, 1):
			b = append(b, `"+Inf"`...)
		case math.IsInf(v, -1):
			b = append(b, `"-Inf"`...)
		default:
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (f *Floats) UnmarshalJSON(b []byte) error {
	if out, ok := parseFloatsFast(b); ok {
		*f = out
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Floats, len(raw))
	for i, r := range raw {
		r = bytes.TrimSpace(r)
		switch string(r) {
		case "null":
			out[i] = math.NaN()
		case `"+Inf"`:
			out[i] = math.Inf(1)
		case `"-Inf"`:
			out[i] = math.Inf(-1)
		default:
			v, err := strconv.ParseFloat(string(r), 64)
			if err != nil || len(r) == 0 || r[0] == '"' || math.IsInf(v, 0) || math.IsNaN(v) {
				return fmt.Errorf("value %d: invalid number %s", i, r)
			}
			out[i] = v
		}
	}
	*f = out
	return nil
}

// LogsDir is the folder of the store that keeps the logs of the runs of a
// training command (experiments.Result.LogDir), one folder per run id.
const LogsDir = "logs"

// LogDir returns the folder where Save keeps the logs of run id.
func (s *Store) LogDir(id string) string { return filepath.Join(s.dir, LogsDir, id) }

// logFileName matches the files a training command's attempt leaves in
// its log folder (experiments: attempt-<k>.cmd.json, .stdout, .stderr and
// .metrics.jsonl): the only files of runs/logs/<run-id>/ that are
// lossexp's.
var logFileName = regexp.MustCompile(`^attempt-[0-9]+\.(cmd\.json|stdout|stderr|metrics\.jsonl)$`)

// IsLogFile reports whether name is a file lossexp writes in a run's log
// folder.
func IsLogFile(name string) bool { return logFileName.MatchString(name) }

// moveDir adds the logs in src to dst: src's files are moved in (a
// rename, or a copy and removal across file systems), replacing a log
// file of lossexp's (IsLogFile) of the same name, and src is removed.
// The logs of earlier attempts stay (their numbers differ: the attempts
// of a run are numbered on across sweeps), and so does everything else
// in dst; dst is never followed: a dst that is a link or a file is
// refused.
func moveDir(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if st, err := os.Lstat(filepath.Dir(dst)); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a folder (a link?); lossexp does not follow links in its results folder: replace it by a folder", filepath.Dir(dst))
	}
	st, err := os.Lstat(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(src, dst); err == nil {
			return nil
		}
		if err := os.Mkdir(dst, 0o755); err != nil {
			return err
		}
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s is not a folder (a link or a file of yours?); lossexp does not follow or replace it: move it away", dst)
	}
	files, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range files {
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		if st, err := os.Lstat(to); err == nil && !(st.Mode().IsRegular() && IsLogFile(e.Name())) {
			continue // a file of the user's under a name lossexp writes: kept
		}
		if os.Rename(from, to) == nil {
			continue
		}
		if err := atomicfile.Copy(to, from); err != nil {
			return err
		}
	}
	return os.RemoveAll(src)
}

func (r *Record) validate(id string) error {
	switch {
	case r.Format < RecordFormat:
		return fmt.Errorf("record format %d, written by an older lossexp without a checksum (format %d)", r.Format, RecordFormat)
	case r.Format != RecordFormat:
		return fmt.Errorf("record format %d, want %d", r.Format, RecordFormat)
	case r.RunID != id:
		return fmt.Errorf("holds run %q, not %q", r.RunID, id)
	}
	if err := r.check(); err != nil {
		return err
	}
	return verifySum(r, &r.Checksum)
}

// check checks that the record's parts agree with one another.
func (r *Record) check() error {
	switch {
	case r.RunID == "":
		return errors.New("no run id")
	case len(r.Lambdas) != len(r.Terms):
		return fmt.Errorf("%d lambdas for %d terms", len(r.Lambdas), len(r.Terms))
	case len(r.LambdaEff) != 0 && len(r.LambdaEff) != len(r.Terms):
		return fmt.Errorf("%d effective lambdas for %d terms", len(r.LambdaEff), len(r.Terms))
	case len(r.Metrics) != len(r.MetricNames):
		return fmt.Errorf("%d metric values for %d metrics", len(r.Metrics), len(r.MetricNames))
	case len(r.Extra) != len(r.ExtraNames):
		return fmt.Errorf("%d extra metric values for %d extra metrics", len(r.Extra), len(r.ExtraNames))
	case r.Status != experiments.StatusOK && r.Status != experiments.StatusDiverged && r.Status != experiments.StatusFailed:
		return fmt.Errorf("unknown status %q", r.Status)
	case r.Repeat < 0:
		return fmt.Errorf("negative repeat %d", r.Repeat)
	}
	for e, c := range r.Curves {
		if len(c) != len(r.CurveNames) {
			return fmt.Errorf("epoch %d has %d curve values for %d curves", e+1, len(c), len(r.CurveNames))
		}
	}
	return nil
}

// Fits reports whether rec can stand for a run of this sweep: the same
// run base and the same metric and curve columns (a tool that adds a
// metric retrains rather than leave a column empty). A failed run (a
// training command that did not report) never fits: the next sweep
// trains it again.
func (r *Record) Fits(base string, metrics, curves []string) bool {
	return r.Status != experiments.StatusFailed && r.Columns(base, metrics, curves)
}

// Columns reports whether rec belongs to this sweep and has its columns,
// whatever its status: a failed run's record fits the tables (its row
// says why it failed) though not the store's reuse.
func (r *Record) Columns(base string, metrics, curves []string) bool {
	return r.RunBase == base && slices.Equal(r.MetricNames, metrics) && slices.Equal(r.CurveNames, curves)
}

// NewRecord turns a result into a record.
func NewRecord(r *experiments.Result, terms, metrics, curves []string, base, specHash, tool string) *Record {
	seed := r.Seed
	rec := &Record{
		RunID: r.RunID, RunBase: base, SpecHash: specHash, Tool: tool,
		Point: r.Point, Repeat: r.Repeat, Seed: &seed, Fold: r.Fold, Terms: terms, Lambdas: r.Lambdas,
		Status: r.Status, Reason: r.Reason,
		MetricNames: metrics, Metrics: r.Metrics, ExtraNames: r.ExtraNames, Extra: r.Extra,
		CurveNames: curves, Curves: make([]Floats, len(r.Curves)),
		Seconds: r.Seconds, EpochSeconds: r.EpochSeconds, EpochsTrained: r.EpochsTrained,
	}
	for i, c := range r.Curves {
		rec.Curves[i] = c
	}
	rec.logs = r.LogDir
	if r.Samples != nil {
		rs := &RecordSamples{Kind: r.Samples.Kind, Columns: r.Samples.Columns, Rows: make([]Floats, len(r.Samples.Rows))}
		for i, row := range r.Samples.Rows {
			rs.Rows[i] = row
		}
		rec.Samples = rs
	}
	if b := r.Balance; b != nil {
		rec.Balance = &RecordBalance{Method: b.Method, Losses: b.Losses, Final: b.Final}
		for k, v := range b.Learned {
			if rec.Balance.Learned == nil {
				rec.Balance.Learned = map[string]Floats{}
			}
			rec.Balance.Learned[k] = v
		}
	}
	return rec
}

// Result turns a record back into the result of plan p. A record without
// a seed (see Record.Seed) gives seed 0: the caller sets the plan's.
func (r *Record) Result(p Plan) experiments.Result {
	res := experiments.Result{
		Index: p.Index, RunID: r.RunID, Point: p.Point, Repeat: p.Repeat, Fold: p.Fold,
		Lambdas: p.Lambdas, Status: r.Status, Reason: r.Reason,
		Metrics: r.Metrics, ExtraNames: r.ExtraNames, Extra: r.Extra, Curves: make([][]float64, len(r.Curves)),
		Seconds: r.Seconds, EpochSeconds: r.EpochSeconds, EpochsTrained: r.EpochsTrained,
	}
	if r.Seed != nil {
		res.Seed = *r.Seed
	}
	for i, c := range r.Curves {
		res.Curves[i] = c
	}
	if r.Samples != nil {
		sm := &experiments.Samples{Kind: r.Samples.Kind, Columns: r.Samples.Columns, Rows: make([][]float64, len(r.Samples.Rows))}
		for i, row := range r.Samples.Rows {
			sm.Rows[i] = row
		}
		res.Samples = sm
	}
	if b := r.Balance; b != nil {
		res.Balance = &experiments.BalanceResult{Method: b.Method, Losses: b.Losses, Final: b.Final}
		for k, v := range b.Learned {
			if res.Balance.Learned == nil {
				res.Balance.Learned = map[string][]float64{}
			}
			res.Balance.Learned[k] = v
		}
	}
	return res
}

// writeAtomic writes b to path atomically (internal/atomicfile: a
// synced temporary file renamed over path, then the folder synced).
func writeAtomic(path string, b []byte) error {
	if err := atomicfile.WriteBytes(path, b); err != nil {
		return fmt.Errorf("save %s: %w", path, errors.Unwrap(err))
	}
	return nil
}

// RunIDOf returns the id of repeat r at λ tuple lambdas of spec s, with
// the data checksum of s's dataset. It opens the data; a sweep computes
// the base once and uses AssignIDs instead.
func RunIDOf(s *spec.Spec, lambdas []float64, repeat int) (string, error) {
	d, err := experiments.OpenData(s, experiments.Folders{})
	if err != nil {
		return "", fmt.Errorf("run id of %s: %w", s.Name, err)
	}
	return spec.RunID(s.RunBase(d.Checksum()), lambdas, repeat), nil
}

// parseFloatsFast reads the compact form MarshalJSON writes ([1,null,
// "+Inf",2.5], no spaces) without the generic decoder; false for anything
// else, which the generic path then reads (or refuses).
func parseFloatsFast(b []byte) (Floats, bool) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	b = b[1 : len(b)-1]
	if len(b) == 0 {
		return Floats{}, true
	}
	out := make(Floats, 0, 1+bytes.Count(b, []byte{','}))
	for len(b) > 0 {
		i := bytes.IndexByte(b, ',')
		tok := b
		if i >= 0 {
			tok, b = b[:i], b[i+1:]
			if len(b) == 0 {
				return nil, false // a trailing comma
			}
		} else {
			b = nil
		}
		switch string(tok) {
		case "null":
			out = append(out, math.NaN())
		case `"+Inf"`:
			out = append(out, math.Inf(1))
		case `"-Inf"`:
			out = append(out, math.Inf(-1))
		default:
			if len(tok) == 0 || !(tok[0] == '-' || tok[0] >= '0' && tok[0] <= '9') {
				return nil, false
			}
			v, err := strconv.ParseFloat(string(tok), 64)
			if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, false
			}
			out = append(out, v)
		}
	}
	return out, true
}
