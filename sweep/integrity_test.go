package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/atomicfile"
)

func testRecord(id string) *Record {
	return &Record{
		RunID: id, RunBase: "base", SpecHash: "h", Terms: []string{"l2"}, Lambdas: Floats{0.1},
		Status: "ok", MetricNames: []string{"test.accuracy", "loss"}, Metrics: Floats{0.875, math.NaN()},
		CurveNames: []string{"train.loss"}, Curves: []Floats{{1.5}, {math.Inf(1)}},
		Seconds: 0.123456789, EpochSeconds: Floats{0.06, 0.063456789},
	}
}

// TestStore_Checksum: a saved record loads; any edit of its content (a
// metric, the spec hash, a λ, the status) fails the checksum; an edit of
// the form only (spacing, key order) does not; a record without a
// checksum is refused as old.
func TestStore_Checksum(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(testRecord("r1")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("r1"); err != nil {
		t.Fatalf("fresh record: %v", err)
	}
	orig, _ := os.ReadFile(s.Path("r1"))
	for _, tt := range []struct {
		name, from, to string
		ok             bool
	}{
		{"metric", `0.875`, `0.876`, false},
		{"spec hash", `"spec_hash":"h"`, `"spec_hash":"x"`, false},
		{"lambda", `"lambdas":[0.1]`, `"lambdas":[0.2]`, false},
		{"status", `"status":"ok"`, `"status":"diverged"`, false},
		{"NaN to a number", `0.875,null`, `0.875,1`, false},
		{"checksum", `"checksum":"sha256:`, `"checksum":"sha256:0`, false},
		{"spacing only", `,"metrics":`, `, "metrics" : `, true},
		{"same number, other spelling", `"lambdas":[0.1]`, `"lambdas":[1e-1]`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			edited := bytes.Replace(orig, []byte(tt.from), []byte(tt.to), 1)
			if bytes.Equal(edited, orig) {
				t.Fatalf("%q not in the record:\n%s", tt.from, orig)
			}
			os.WriteFile(s.Path("r1"), edited, 0o644)
			_, err := s.Load("r1")
			if tt.ok && err != nil {
				t.Errorf("an edit of the form only fails: %v", err)
			}
			if !tt.ok && (err == nil || !errors.Is(err, ErrChecksum) && !strings.Contains(err.Error(), "status")) {
				t.Errorf("edited record loads: err %v", err)
			}
		})
	}
	var m map[string]any
	json.Unmarshal(orig, &m)
	m["format"] = 1
	delete(m, "checksum")
	b, _ := json.Marshal(m)
	os.WriteFile(s.Path("r1"), b, 0o644)
	if _, err := s.Load("r1"); err == nil || !strings.Contains(err.Error(), "without a checksum") {
		t.Errorf("old record without a checksum: %v", err)
	}
}

func testManifest(i, n int) *ShardRecord {
	return &ShardRecord{Shard: i, Shards: n, SpecFile: "/s.yaml", Spec: "name: x\nrepeats: 2\n", SpecHash: "sh", ResultHash: "rh",
		RunBase: "rb", Tool: "t", Numerics: 3, BLAS: "gonum", Dataset: "moons", DataSHA256: "d", Terms: []string{"l2"},
		MetricNames: []string{"test.accuracy"}, CurveNames: []string{"train.loss"}, Runs: 2, TotalRuns: 6}
}

// TestShardRecords_Integrity: three good manifests load; one whose spec
// text was edited fails its checksum; one re-saved (valid checksum) with
// another spec is refused as disagreeing; an old one is refused with the
// cure.
func TestShardRecords_Integrity(t *testing.T) {
	write := func(t *testing.T, edit func(i int, r *ShardRecord)) string {
		dir := t.TempDir()
		for i := range 3 {
			r := testManifest(i, 3)
			if edit != nil {
				edit(i, r)
			}
			if err := SaveShardRecord(dir, r); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	dir := write(t, nil)
	if recs, err := LoadShardRecords(dir); err != nil || len(recs) != 3 {
		t.Fatalf("good manifests: %d, %v", len(recs), err)
	}
	p := filepath.Join(dir, "shard-1-of-3.json")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(b, []byte(`repeats: 2`), []byte(`repeats: 9`), 1), 0o644)
	if _, err := LoadShardRecords(dir); err == nil || !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "shard-1-of-3.json") {
		t.Errorf("edited spec text: %v", err)
	}

	for _, tt := range []struct {
		name string
		edit func(r *ShardRecord)
		want string
	}{
		{"spec text", func(r *ShardRecord) { r.Spec += "# edited\n" }, "the spec text"},
		{"data", func(r *ShardRecord) { r.DataSHA256 = "e" }, "the data checksum"},
		{"size", func(r *ShardRecord) { r.TotalRuns = 7 }, "the sweep's size"},
		{"metrics", func(r *ShardRecord) { r.MetricNames = nil }, "metrics"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := write(t, func(i int, r *ShardRecord) {
				if i == 2 {
					tt.edit(r)
				}
			})
			_, err := LoadShardRecords(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "shard-2-of-3.json") {
				t.Errorf("err = %v, want one naming shard-2-of-3.json and %q", err, tt.want)
			}
		})
	}

	dir = write(t, nil)
	var m map[string]any
	b, _ = os.ReadFile(filepath.Join(dir, "shard-0-of-3.json"))
	json.Unmarshal(b, &m)
	m["format"] = 1
	delete(m, "checksum")
	b, _ = json.Marshal(m)
	os.WriteFile(filepath.Join(dir, "shard-0-of-3.json"), b, 0o644)
	if _, err := LoadShardRecords(dir); err == nil || !strings.Contains(err.Error(), "delete it and re-run shard 0/3") {
		t.Errorf("old manifest: %v", err)
	}
}

// TestStore_SaveIsAtomic stops a save at every step (as a crash would)
// through atomicfile's fault hook: the record on disk is, at every step
// and after the failure, the old one whole; no temporary file stays; the
// next save succeeds. A save that wrote the file in place (os.WriteFile)
// would show new bytes before the rename, and never reach the hook.
func TestStore_SaveIsAtomic(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	old := testRecord("r1")
	if err := s.Save(old); err != nil {
		t.Fatal(err)
	}
	oldBytes, _ := os.ReadFile(s.Path("r1"))
	for _, stage := range []string{"write", "sync", "close", "rename"} {
		t.Run(stage, func(t *testing.T) {
			seen := map[string]bool{}
			crash := errors.New("injected crash")
			defer atomicfile.SetHook(func(st, path string) error {
				seen[st] = true
				if path != s.Path("r1") {
					t.Errorf("hook for %s", path)
				}
				if b, _ := os.ReadFile(path); !bytes.Equal(b, oldBytes) {
					t.Errorf("at step %s the record on disk is not the old one whole (%d bytes)", st, len(b))
				}
				if st == stage {
					return crash
				}
				return nil
			})()
			rec := testRecord("r1")
			rec.Metrics[0] = 0.5
			if err := s.Save(rec); !errors.Is(err, crash) {
				t.Fatalf("save with a crash at %s: %v", stage, err)
			}
			if !seen[stage] {
				t.Fatalf("the save never reached step %s: it does not write through a temporary file", stage)
			}
			if b, _ := os.ReadFile(s.Path("r1")); !bytes.Equal(b, oldBytes) {
				t.Error("after the failed save the record is not the old one")
			}
			if tmps, _ := filepath.Glob(filepath.Join(s.Dir(), ".*tmp*")); len(tmps) > 0 {
				t.Errorf("temporary files left: %v", tmps)
			}
		})
	}
	rec := testRecord("r1")
	rec.Metrics[0] = 0.5
	if err := s.Save(rec); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Load("r1"); err != nil || got.Metrics[0] != 0.5 {
		t.Errorf("save after the crashes: %v", err)
	}
}
