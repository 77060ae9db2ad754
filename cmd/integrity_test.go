package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// editJSON rewrites the JSON object in path through f.
func editJSON(t *testing.T, path string, f func(map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSweep_ResumeTrainsOnlyWhatIsMissingOrDamaged injects into a finished
// store every kind of bad record — truncated, torn at the end of the
// segment (a kill mid-write), foreign (another run's record in its place,
// another study's record file), a metric or the spec hash edited by hand,
// an old record file without a checksum, a deleted record — and asserts
// exactly how many runs the resume trains, that the damage is named in
// notes, and that the tables come out as the same bytes.
func TestSweep_ResumeTrainsOnlyWhatIsMissingOrDamaged(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "o")
	spec := writeSpec(t, tinySpec)
	sweep := func() string {
		t.Helper()
		code, _, stderr := run(t, "sweep", spec, "--out", out, "-q", "--workers", "2")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return stderr
	}
	sweep()
	want, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
	seg, hdr, recs := segmentLines(t, out)
	if len(recs) != 8 {
		t.Fatalf("%d records, want 8", len(recs))
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = lineID(r)
	}

	// 0: truncated mid-way (a disk that lost the tail), then a newline.
	recs[0] = append(recs[0][:len(recs[0])/2:len(recs[0])/2], '\n')
	// 1: foreign: run 2's record in place of run 1's.
	recs[1] = recs[2]
	// 3: a metric edited by hand, the JSON still valid.
	recs[3] = bytes.Replace(recs[3], []byte(`"metrics":[`), []byte(`"metrics":[0.999,`), 1)
	recs[3] = bytes.Replace(recs[3], []byte(`,0.`), []byte(`,1.`), 1)
	// 4: the spec hash edited, as if another spec had made it.
	recs[4] = bytes.Replace(recs[4], []byte(`"spec_hash":"`), []byte(`"spec_hash":"0000`), 1)
	// 5: an old record (one file per run, format 1, no checksum).
	old := filepath.Join(out, "runs", ids[5]+".json")
	os.WriteFile(old, []byte(`{"format":1,"run_id":"`+ids[5]+`"}`), 0o644)
	recs[5] = nil
	// 6: deleted; the last record cut short (a kill mid-write).
	recs[6] = nil
	recs[7] = recs[7][:len(recs[7])-9]
	// Another study's record: not one of this sweep's ids, never read.
	os.WriteFile(filepath.Join(out, "runs", "ffffffffffffffff.json"), []byte(`{"format":2}`), 0o644)
	writeSegment(t, seg, hdr, recs)

	msg := sweep()
	if !strings.Contains(msg, "resuming: 1 of 8 runs") {
		t.Errorf("want 1 of 8 runs reused (7 trained):\n%s", msg)
	}
	if !strings.Contains(msg, "note: 4 damaged records in the run store ignored") {
		t.Errorf("no note of the 4 damaged lines (0, 3, 4 and the torn 7):\n%s", msg)
	}
	if !strings.Contains(msg, fmt.Sprintf("note: retraining run %s: ", ids[5])) || !strings.Contains(msg, "without a checksum") {
		t.Errorf("no note naming the old record:\n%s", msg)
	}
	got, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
	if !bytes.Equal(want, got) {
		t.Error("runs.csv differs after retraining the damaged records")
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the old record's file stays after its run was retrained: %v", err)
	}
	if msg := sweep(); !strings.Contains(msg, "all reused from the run store") {
		t.Errorf("third sweep retrained:\n%s", msg)
	}
}

// TestMerge_RefusesEditedManifest: three shards in one folder; the spec
// text in one manifest is edited by hand: merge refuses it (exit 2),
// naming the file, and writes no table.
func TestMerge_RefusesEditedManifest(t *testing.T) {
	clearShardEnv(t)
	spec := writeSpec(t, tinySpec)
	out := filepath.Join(t.TempDir(), "out")
	for i := range 3 {
		if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q", "--shard", fmt.Sprintf("%d/3", i)); code != 0 {
			t.Fatalf("shard %d: exit %d\n%s", i, code, stderr)
		}
	}
	p := filepath.Join(out, "shards", "shard-1-of-3.json")
	editJSON(t, p, func(m map[string]any) { m["spec"] = strings.Replace(m["spec"].(string), "epochs: 5", "epochs: 50", 1) })
	code, _, stderr := run(t, "merge", out)
	if code != ExitInput || !strings.Contains(stderr, "shard-1-of-3.json") || !strings.Contains(stderr, "checksum") {
		t.Fatalf("edited manifest: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "runs.csv")); err == nil {
		t.Error("merge wrote runs.csv from an edited manifest")
	}
	if !strings.Contains(stderr, "delete it and re-run shard 1/3") {
		t.Errorf("no cure in: %s", stderr)
	}
	// The cure: the re-run shard rewrites its manifest and trains nothing.
	os.Remove(p)
	code, _, stderr = run(t, "sweep", spec, "--out", out, "--shard", "1/3")
	if code != 0 || !strings.Contains(stderr, "0 to train") {
		t.Fatalf("re-run shard 1/3: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "merge", out); code != 0 {
		t.Fatalf("merge after the re-run: exit %d\n%s", code, stderr)
	}
}
