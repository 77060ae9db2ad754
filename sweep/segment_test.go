package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// segmentFiles returns the segments of the store in dir.
func segmentFiles(t *testing.T, dir string) []string {
	t.Helper()
	fs, _ := filepath.Glob(filepath.Join(dir, "seg-*.jsonl"))
	return fs
}

func hexID(i int) string { return fmt.Sprintf("%016x", 0xabc000+i) }

// TestStore_SegmentChecksum: a saved record loads from a fresh reading of
// the store; any edit of a record's bytes (a metric, the spec hash, a λ,
// the status, the checksum, the spacing) makes the reading ignore it, so
// the run counts as missing and is retrained; the other records stay.
func TestStore_SegmentChecksum(t *testing.T) {
	for _, tt := range []struct{ name, from, to string }{
		{"metric", `0.875`, `0.876`},
		{"spec hash", `"spec_hash":"h"`, `"spec_hash":"x"`},
		{"lambda", `"lambdas":[0.1]`, `"lambdas":[0.2]`},
		{"status", `"status":"ok"`, `"status":"diverged"`},
		{"NaN to a number", `0.875,null`, `0.875,1`},
		{"checksum", `"checksum":"sha256:`, `"checksum":"sha256:0`},
		{"spacing", `,"metrics":`, `, "metrics" : `},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := OpenStore(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{hexID(1), hexID(2)} {
				if err := s.Save(testRecord(id)); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			segs := segmentFiles(t, dir)
			if len(segs) != 1 {
				t.Fatalf("%d segments, want 1", len(segs))
			}
			b, _ := os.ReadFile(segs[0])
			lines := bytes.SplitAfter(b, []byte("\n"))
			edited := bytes.Replace(lines[1], []byte(tt.from), []byte(tt.to), 1) // the first record
			if bytes.Equal(edited, lines[1]) {
				t.Fatalf("%q not in the record:\n%s", tt.from, lines[1])
			}
			lines[1] = edited
			os.WriteFile(segs[0], bytes.Join(lines, nil), 0o644)
			r, err := ReadStore(dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Load(hexID(1)); !errors.Is(err, ErrNoRecord) {
				t.Errorf("edited record: %v, want it ignored", err)
			}
			if got, err := r.Load(hexID(2)); err != nil || got.Metrics[0] != 0.875 || !math.IsNaN(got.Metrics[1]) {
				t.Errorf("the record after the edited one: %v %v", got, err)
			}
			if r.Ignored() != 1 {
				t.Errorf("ignored %d lines, want 1", r.Ignored())
			}
		})
	}
}

// TestStore_TornRecord: a record cut short at any byte (a process killed
// mid-write, a full disk) is ignored, the records before it are read,
// and a later process's segment carries on.
func TestStore_TornRecord(t *testing.T) {
	dir := t.TempDir()
	s, _ := OpenStore(dir)
	for i := range 3 {
		s.Save(testRecord(hexID(i)))
	}
	s.Close()
	seg := segmentFiles(t, dir)[0]
	full, _ := os.ReadFile(seg)
	last := bytes.LastIndexByte(full[:len(full)-1], '\n') + 1
	for cut := last + 1; cut < len(full); cut += 7 {
		os.WriteFile(seg, full[:cut], 0o644)
		r, err := ReadStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		if r.Count() != 2 || r.Has(hexID(2)) || r.Ignored() != 1 {
			t.Fatalf("cut at %d of %d: %d records, has the torn one %v, ignored %d", cut, len(full), r.Count(), r.Has(hexID(2)), r.Ignored())
		}
	}
	// The run is retrained by the next process, into its own segment.
	s2, _ := OpenStore(dir)
	if err := s2.Save(testRecord(hexID(2))); err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if n := len(segmentFiles(t, dir)); n != 2 {
		t.Fatalf("%d segments, want 2", n)
	}
	if n := CountRecords(dir); n != 3 {
		t.Fatalf("%d records after the retrain, want 3", n)
	}
	// The torn line stays in its segment but is no news any more.
	r, _ := ReadStore(dir)
	if r.Ignored() != 0 {
		t.Errorf("ignored %d after the run was retrained, want 0", r.Ignored())
	}
}

// TestStore_Concurrent: several processes (stores) save into one folder
// at once, each into its own segment; a reader then sees every run once,
// and the newest record of a run saved twice.
func TestStore_Concurrent(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := OpenShardStore(dir)
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Close()
			for i := w; i < 200; i += 4 {
				if err := s.Save(testRecord(hexID(i))); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(segmentFiles(t, dir)); n != 4 {
		t.Fatalf("%d segments, want one per process (4)", n)
	}
	if n := CountRecords(dir); n != 200 {
		t.Fatalf("%d records, want 200", n)
	}
	s, _ := OpenStore(dir)
	rec := testRecord(hexID(7))
	rec.Metrics[0] = 0.5
	s.Save(rec)
	s.Close()
	r, _ := ReadStore(dir)
	if got, err := r.Load(hexID(7)); err != nil || got.Metrics[0] != 0.5 {
		t.Fatalf("run saved twice: %v %v, want the newest record", got, err)
	}
	if r.Count() != 200 {
		t.Fatalf("%d runs, want 200", r.Count())
	}
}

// TestStore_Usable: the index knows a record's run base and columns
// without reading it.
func TestStore_Usable(t *testing.T) {
	dir := t.TempDir()
	s, _ := OpenStore(dir)
	s.Save(testRecord(hexID(1)))
	s.Close()
	r, _ := ReadStore(dir)
	rec := testRecord("")
	for _, tt := range []struct {
		base            string
		metrics, curves []string
		want            bool
	}{
		{"base", rec.MetricNames, rec.CurveNames, true},
		{"other", rec.MetricNames, rec.CurveNames, false},
		{"base", []string{"test.accuracy"}, rec.CurveNames, false},
		{"base", rec.MetricNames, nil, false},
	} {
		if got := r.Usable(hexID(1), tt.base, tt.metrics, tt.curves); got != tt.want {
			t.Errorf("Usable(%s, %v, %v) = %v", tt.base, tt.metrics, tt.curves, got)
		}
	}
	if r.Usable(hexID(2), "base", rec.MetricNames, rec.CurveNames) {
		t.Error("a missing run is usable")
	}
	// The status, from the index: a diverged run (whose reason mentions
	// "status":"ok") and an ok one (whose reason mentions diverged).
	s, _ = OpenStore(dir)
	d := testRecord(hexID(3))
	d.Status, d.Reason = "diverged", `loss NaN, "status":"ok"`
	s.Save(d)
	o := testRecord(hexID(4))
	o.Reason = `,"status":"diverged"`
	s.Save(o)
	s.Close()
	r, _ = ReadStore(dir)
	s, _ = OpenStore(dir)
	f := testRecord(hexID(5))
	f.Status, f.Reason = "failed", "the command exited 1"
	s.Save(f)
	s.Close()
	r, _ = ReadStore(dir)
	if r.Usable(hexID(5), "base", rec.MetricNames, rec.CurveNames) || !r.Has(hexID(5)) {
		t.Error("a failed run's record is usable (it must be retried)")
	}
	if !r.Diverged(hexID(3)) || r.Diverged(hexID(4)) || r.Diverged(hexID(1)) {
		t.Errorf("diverged: %v %v %v, want true false false", r.Diverged(hexID(3)), r.Diverged(hexID(4)), r.Diverged(hexID(1)))
	}
}

// legacyRecord writes rec in the one-file-per-run layout (format 2).
func legacyRecord(t *testing.T, dir string, rec *Record) {
	t.Helper()
	rec.Format = RecordFormat
	sum, err := contentSum(rec, &rec.Checksum)
	if err != nil {
		t.Fatal(err)
	}
	rec.Checksum = sum
	b, _ := json.Marshal(rec)
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, rec.RunID+".json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStore_MigratesOneFilePerRun: records of the one-file-per-run layout
// are read as they are by a reader, and moved into a segment (the files
// removed) by a store opened for writing; a damaged or old one stays,
// and its load names the file and the way out.
func TestStore_MigratesOneFilePerRun(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		legacyRecord(t, dir, testRecord(hexID(i)))
	}
	bad := filepath.Join(dir, hexID(9)+".json")
	os.WriteFile(bad, []byte(`{"format":1,"run_id":"`+hexID(9)+`"}`), 0o644)

	r, _ := ReadStore(dir)
	if got, err := r.Load(hexID(1)); err != nil || got.Metrics[0] != 0.875 {
		t.Fatalf("legacy record through a reader: %v %v", got, err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(files) != 4 {
		t.Fatalf("a reader changed the folder: %v", files)
	}
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if files, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(files) != 1 || files[0] != bad {
		t.Fatalf("after migration: %v, want only the unreadable record left", files)
	}
	r, _ = ReadStore(dir)
	for i := range 3 {
		if got, err := r.Load(hexID(i)); err != nil || got.RunID != hexID(i) || got.Metrics[0] != 0.875 || got.Curves[1][0] != math.Inf(1) {
			t.Fatalf("migrated record %d: %v %v", i, got, err)
		}
	}
	_, err = r.Load(hexID(9))
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "without a checksum") || !strings.Contains(err.Error(), "--fresh") {
		t.Errorf("old record: %v", err)
	}
	// Retrained, its file goes.
	s, _ = OpenStore(dir)
	s.Save(testRecord(hexID(9)))
	s.Close()
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("the superseded record file stays: %v", err)
	}
	if n := CountRecords(dir); n != 4 {
		t.Errorf("%d records, want 4", n)
	}
}

// TestStore_RecordSize: a run without curves takes well under the 1 KB a
// record may take (the columns are in the segment's header).
func TestStore_RecordSize(t *testing.T) {
	dir := t.TempDir()
	s, _ := OpenStore(dir)
	for i := range 100 {
		rec := testRecord(hexID(i))
		rec.RunBase = strings.Repeat("b", 64)
		rec.SpecHash = strings.Repeat("h", 64)
		rec.MetricNames = make([]string, 13)
		rec.Metrics = make(Floats, 13)
		for j := range rec.Metrics {
			rec.MetricNames[j] = fmt.Sprintf("test.metric_%d", j)
			rec.Metrics[j] = 0.1234567890123 * float64(j+1)
		}
		rec.CurveNames, rec.Curves = nil, nil
		s.Save(rec)
	}
	s.Close()
	st, _ := os.Stat(segmentFiles(t, dir)[0])
	if per := st.Size() / 100; per > 700 {
		t.Errorf("%d bytes a run", per)
	}
}

// TestStore_LegacyChecksum: a record of the one-file-per-run layout whose
// content was edited after it was written (a metric) fails its checksum:
// it is neither read nor migrated, and its run is retrained.
func TestStore_LegacyChecksum(t *testing.T) {
	dir := t.TempDir()
	legacyRecord(t, dir, testRecord(hexID(1)))
	path := filepath.Join(dir, hexID(1)+".json")
	b, _ := os.ReadFile(path)
	edited := bytes.Replace(b, []byte("0.875"), []byte("0.876"), 1)
	if bytes.Equal(edited, b) {
		t.Fatal("no metric to edit")
	}
	os.WriteFile(path, edited, 0o644)
	r, _ := ReadStore(dir)
	if _, err := r.Load(hexID(1)); !errors.Is(err, ErrChecksum) {
		t.Fatalf("edited record: %v, want a checksum error", err)
	}
	s, _ := OpenStore(dir)
	s.Close()
	if n := CountRecords(dir); n != 1 { // the file stays, unusable
		t.Fatalf("%d records", n)
	}
	if r, _ := ReadStore(dir); r.Usable(hexID(1), "base", testRecord("").MetricNames, testRecord("").CurveNames) {
		t.Error("the edited record is usable")
	}
}
