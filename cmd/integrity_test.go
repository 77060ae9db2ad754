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
// store every kind of bad record — truncated, partial (a temporary file),
// foreign (another run's record under this id, another study's record),
// a metric or the spec hash edited by hand, an old record without a
// checksum, a deleted record — and asserts exactly how many runs the
// resume trains, that each damaged one is named in a note, and that the
// tables come out as the same bytes.
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
	recs := mustGlob(t, filepath.Join(out, "runs", "*.json"))
	if len(recs) != 8 {
		t.Fatalf("%d records, want 8", len(recs))
	}
	id := func(p string) string { return strings.TrimSuffix(filepath.Base(p), ".json") }

	// 0: truncated mid-way (a disk that lost the tail).
	b, _ := os.ReadFile(recs[0])
	os.WriteFile(recs[0], b[:len(b)/2], 0o644)
	// 1: foreign: run 2's record under run 1's name.
	b, _ = os.ReadFile(recs[2])
	os.WriteFile(recs[1], b, 0o644)
	// 3: a metric edited by hand, the JSON still valid.
	editJSON(t, recs[3], func(m map[string]any) { m["metrics"].([]any)[0] = 0.999 })
	// 4: the spec hash edited, as if another spec had made it.
	editJSON(t, recs[4], func(m map[string]any) { m["spec_hash"] = "0000" })
	// 5: an old record (format 1, no checksum).
	editJSON(t, recs[5], func(m map[string]any) { m["format"] = 1; delete(m, "checksum") })
	// 6: deleted; a partial save of it left behind (temporary file).
	os.Remove(recs[6])
	os.WriteFile(filepath.Join(out, "runs", "."+id(recs[6])+".json.tmp-123"), []byte(`{"format":2,"run_id":"`), 0o644)
	// Another study's record: not one of this sweep's ids, never read.
	os.WriteFile(filepath.Join(out, "runs", "ffffffffffffffff.json"), []byte(`{"format":2}`), 0o644)

	msg := sweep()
	if !strings.Contains(msg, "resuming: 2 of 8 runs") {
		t.Errorf("want 2 of 8 runs reused (6 trained):\n%s", msg)
	}
	for i, why := range map[int]string{0: "", 1: "holds run", 3: "checksum", 4: "checksum", 5: "without a checksum"} {
		if !strings.Contains(msg, fmt.Sprintf("note: retraining run %s: ", id(recs[i]))) || !strings.Contains(msg, why) {
			t.Errorf("record %d: no note naming it and %q:\n%s", i, why, msg)
		}
	}
	got, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
	if !bytes.Equal(want, got) {
		t.Error("runs.csv differs after retraining the damaged records")
	}
	if tmps := mustGlob(t, filepath.Join(out, "runs", ".*tmp*")); len(tmps) > 0 {
		t.Errorf("temporary files left: %v", tmps)
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
