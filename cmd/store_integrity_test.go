package cmd

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/sweep"
)

// TestSweep_ConflictingRecordsNoted (issue 21): a run whose store holds
// two whole records with different results: the sweep uses the newer, as
// before, and now says so, naming both records.
func TestSweep_ConflictingRecordsNoted(t *testing.T) {
	spec := fakeSpec(t, "ok", 1)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	// A second training of the first run that disagrees, in a segment of
	// its own (another process).
	dir := filepath.Join(out, sweep.StoreDir)
	_, _, recs := segmentLines(t, out)
	id := strings.TrimPrefix(string(recs[0][:len(`{"run_id":"`)+16]), `{"run_id":"`)
	r, _ := sweep.ReadStore(dir)
	rec, err := r.Load(id)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	rec.Metrics[0] += 0.25
	s, _ := sweep.OpenStore(dir)
	if err := s.Save(rec); err != nil {
		t.Fatal(err)
	}
	s.Close()
	code, _, stderr := run(t, "sweep", spec, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if want := "note: run " + id + " has two stored records with different results: using the newer, "; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}
