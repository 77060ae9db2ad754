package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/saferead"
)

// ShardDir is the folder, beside StoreDir in a results folder, where each
// shard keeps its manifest (ShardRecord) as shard-<i>-of-<n>.json.
//
// # What a shard writes
//
// A sharded sweep writes only files no other shard writes: the records
// of its own runs (its own segment in runs/, see segment.go; a run
// belongs to exactly one shard) and its manifest. The tables, plots, spec.yaml and manifest.json
// are written by `lossexp merge` once, after the shards. A shard removes
// no temporary file, since another shard may be writing its own at the
// same moment.
const ShardDir = "shards"

// ShardRecordFormat is the version of the shard manifest layout. Format 2
// added the checksum; an older manifest is refused (re-running the shard
// rewrites it and retrains nothing it has stored).
const ShardRecordFormat = 2

// ShardRecord is a shard's manifest: which spec it ran (the spec file's
// text, so merge needs nothing but the results folder), what identifies
// its runs, and how far it got. A shard writes it when it starts
// (Complete false) and again when it stops.
type ShardRecord struct {
	Format      int       `json:"format"`
	Shard       int       `json:"shard"`
	Shards      int       `json:"shards"`
	Host        string    `json:"host,omitempty"`
	SpecFile    string    `json:"spec_file"`          // absolute: a CSV dataset is resolved against it
	DataDir     string    `json:"data_dir,omitempty"` // the --data-dir it ran with
	Spec        string    `json:"spec"`               // the spec file's bytes as run
	SpecHash    string    `json:"spec_hash"`
	ResultHash  string    `json:"result_hash"`
	RunBase     string    `json:"run_base"`
	Tool        string    `json:"tool_version"`
	Numerics    int       `json:"numerics_version"`
	BLAS        string    `json:"blas"`
	Dataset     string    `json:"dataset"`
	DataSHA256  string    `json:"dataset_sha256"`
	Terms       []string  `json:"terms"`
	MetricNames []string  `json:"metric_names"`
	CurveNames  []string  `json:"curve_names"`
	Runs        int       `json:"runs"`          // runs of this shard
	TotalRuns   int       `json:"total_runs"`    // runs of the whole sweep
	Finished    int       `json:"runs_finished"` // of this shard, stored
	Trained     int       `json:"runs_trained"`  // by the last invocation
	Reused      int       `json:"runs_reused"`
	Diverged    int       `json:"diverged"`
	Complete    bool      `json:"complete"`
	Error       string    `json:"error,omitempty"` // why the last invocation stopped early
	Workers     int       `json:"workers"`
	Started     time.Time `json:"started"`
	Ended       time.Time `json:"finished,omitzero"`
	// Checksum is "sha256:<hex>" of the manifest's JSON encoding with this
	// field empty; a manifest that fails it is refused.
	Checksum string `json:"checksum"`
}

// Of returns the shard the record belongs to.
func (r *ShardRecord) Of() Shard { return Shard{r.Shard, r.Shards} }

// SaveShardRecord writes rec atomically as dir/<shard file>.
func SaveShardRecord(dir string, rec *ShardRecord) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create shard folder %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	rec.Format = ShardRecordFormat
	sum, err := contentSum(rec, &rec.Checksum)
	if err != nil {
		return fmt.Errorf("encode shard %s: %w", rec.Of(), err)
	}
	rec.Checksum = sum
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("encode shard %s: %w", rec.Of(), err)
	}
	return writeAtomic(filepath.Join(dir, rec.Of().FileName()), append(b, '\n'))
}

// LoadShardRecords reads every shard manifest in dir, ordered by
// (number of shards, shard). A missing folder holds none.
func LoadShardRecords(dir string) ([]*ShardRecord, error) {
	files, err := atomicfile.GlobIn(dir, "shard-*-of-*.json")
	if err != nil {
		return nil, fmt.Errorf("read shard manifests in %s: %w", dir, atomicfile.UnwrapPath(err))
	}
	var recs []*ShardRecord
	for _, f := range files {
		b, err := saferead.ReadFile(f, 0)
		if errors.Is(err, saferead.ErrNotRegular) {
			return nil, fmt.Errorf("read shard manifest: %w: lossexp writes only regular files there; remove it (rm %s) and re-run that shard (it reuses its stored runs)", err, f)
		}
		if err != nil {
			return nil, fmt.Errorf("read shard manifest %s: %w", f, atomicfile.UnwrapPath(err))
		}
		var r ShardRecord
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("read shard manifest %s: %w", f, err)
		}
		if r.Format < ShardRecordFormat {
			return nil, fmt.Errorf("read shard manifest %s: format %d, written by an older lossexp without a checksum: delete it and re-run shard %s (it reuses its stored runs)", f, r.Format, r.Of())
		}
		if r.Format != ShardRecordFormat {
			return nil, fmt.Errorf("read shard manifest %s: format %d, want %d", f, r.Format, ShardRecordFormat)
		}
		if err := verifySum(&r, &r.Checksum); err != nil {
			return nil, fmt.Errorf("read shard manifest %s: %w: refusing it; delete it and re-run shard %s (it reuses its stored runs)", f, err, r.Of())
		}
		if err := r.Of().Validate(); err != nil {
			return nil, fmt.Errorf("read shard manifest %s: %w", f, err)
		}
		if filepath.Base(f) != r.Of().FileName() {
			return nil, fmt.Errorf("read shard manifest %s: holds shard %s", f, r.Of())
		}
		recs = append(recs, &r)
	}
	slices.SortFunc(recs, func(a, b *ShardRecord) int {
		if a.Shards != b.Shards {
			return a.Shards - b.Shards
		}
		return a.Shard - b.Shard
	})
	for _, r := range recs[min(1, len(recs)):] {
		if err := ShardsAgree(recs[0], r); err != nil {
			return nil, fmt.Errorf("read shard manifests in %s: %s and %s %w; every shard must run the same spec on the same data (re-run the odd one with the others' spec)",
				dir, recs[0].Of().FileName(), r.Of().FileName(), err)
		}
	}
	return recs, nil
}

// ShardsAgree reports how two shard manifests of one sweep disagree: the
// spec text and its hashes, the run base (data, numerics, BLAS), the data
// checksum, the columns and the sweep's size must be the same. The error
// reads after the two manifests' names: "differ in the spec text".
func ShardsAgree(a, b *ShardRecord) error {
	var diff []string
	if a.Spec != b.Spec {
		diff = append(diff, "the spec text")
	}
	if a.SpecHash != b.SpecHash || a.ResultHash != b.ResultHash {
		diff = append(diff, "the spec hash")
	}
	if a.RunBase != b.RunBase {
		diff = append(diff, "the run base (spec, data, numerics or BLAS)")
	}
	if a.DataSHA256 != b.DataSHA256 {
		diff = append(diff, "the data checksum")
	}
	if a.Numerics != b.Numerics {
		diff = append(diff, "the numerics version")
	}
	if !slices.Equal(a.Terms, b.Terms) || !slices.Equal(a.MetricNames, b.MetricNames) || !slices.Equal(a.CurveNames, b.CurveNames) {
		diff = append(diff, "the terms, metrics or curves")
	}
	if a.TotalRuns != b.TotalRuns {
		diff = append(diff, fmt.Sprintf("the sweep's size (%d, %d runs)", a.TotalRuns, b.TotalRuns))
	}
	if len(diff) == 0 {
		return nil
	}
	return fmt.Errorf("differ in %s", strings.Join(diff, ", "))
}

// CopyFileAtomic copies src to dst through a temporary file and a rename.
func CopyFileAtomic(dst, src string) error { return atomicfile.Copy(dst, src) }
