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
)

func testRecord(id string) *Record {
	return &Record{
		RunID: id, RunBase: "base", SpecHash: "h", Terms: []string{"l2"}, Lambdas: Floats{0.1},
		Status: "ok", MetricNames: []string{"test.accuracy", "loss"}, Metrics: Floats{0.875, math.NaN()},
		CurveNames: []string{"train.loss"}, Curves: []Floats{{1.5}, {math.Inf(1)}},
		Seconds: 0.123456789, EpochSeconds: Floats{0.06, 0.063456789},
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
