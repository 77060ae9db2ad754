package study

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// slowBuiltinSpec is a built-in study whose runs last long enough to be
// watched: many epochs of full-batch SGD on a small MLP.
const slowBuiltinSpec = `name: slow
seed: 1
repeats: 1
dataset: {builtin: moons, params: {samples: 400}}
model: {kind: mlp, hidden: [32]}
train: {optimizer: sgd, epochs: 3000, batch_size: 0}
loss:
  terms:
    - {kind: l2, weight: [0, 0.01, 0.1]}
`

// TestLive_BuiltinSweepPublishesEpochs: a sweep of the built-in trainer
// publishes each running run with its last epoch line (the epoch and
// the curve values), read by ReadStatus from its live state; when the
// sweep ends its live folder is gone and the status is the manifest's.
func TestLive_BuiltinSweepPublishesEpochs(t *testing.T) {
	defer func(d time.Duration) { liveEvery = d }(liveEvery)
	liveEvery = 20 * time.Millisecond
	root := t.TempDir()
	out := root + "/res"
	st := planTiny(t, slowBuiltinSpec, root)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Sweep(ctx, st, SweepOptions{Out: out, Workers: 1})
		done <- err
	}()
	var seen *SweepStatus
	var sweepErr error
	finished := false
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && seen == nil && !finished; time.Sleep(10 * time.Millisecond) {
		select {
		case sweepErr = <-done:
			finished = true
		default:
		}
		s, err := ReadStatus(out, time.Now())
		if err == nil && s.State == StateRunning && len(s.Running) == 1 && s.Running[0].LastEpoch != nil {
			seen = s
		}
	}
	if seen == nil {
		t.Fatalf("no running run with a last epoch seen (sweep ended: %v, %v)", finished, sweepErr)
	}
	r := seen.Running[0]
	if e, _ := r.LastEpoch["epoch"].(float64); e < 1 || r.LastEpoch["loss.total"] == nil || !strings.HasPrefix(r.Label, "l2=") || r.Attempt != 1 {
		t.Errorf("running run %+v", r)
	}
	if c := seen.Counts; c["running"] != 1 || c["ok"]+c["pending"]+c["running"] != 3 || seen.Runs != 3 {
		t.Errorf("counts %v of %d runs", c, seen.Runs)
	}
	cancel() // Ctrl-C: the sweep stops, and says so in its manifest
	if !finished {
		sweepErr = <-done
	}
	s, err := ReadStatus(out, time.Now())
	if err != nil || s.State != StateInterrupted || len(s.Running) != 0 || s.Counts["pending"] == 0 {
		t.Errorf("status after Ctrl-C: %+v, %v (sweep: %v)", s, err, sweepErr)
	}
	if live, stale := readLiveStates(out); len(live)+len(stale) != 0 {
		t.Errorf("the sweep left its live state: %d live, %d stale", len(live), len(stale))
	}
}

// TestReadStatus_ManifestAndStaleState: without a live sweep, status is
// the manifest's (ok = finished − diverged − failed); the state a process
// that is gone left (its .owner unlocked) is "stopped", newer than the
// manifest, with its running runs pending and no ETA; a live owner (its
// .owner locked) is running. Nothing is written or removed.
func TestReadStatus_ManifestAndStaleState(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadStatus(dir, time.Now()); err == nil || !IsInput(err) {
		t.Errorf("status of an empty folder: %v, want an input error", err)
	}
	ended := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	writeFile(t, filepath.Join(dir, ManifestFile), `{"runs": 10, "runs_finished": 8, "diverged": 2, "failed": 1, "complete": false, "finished": "`+ended.Format(time.RFC3339)+`"}`)
	s, err := ReadStatus(dir, time.Now())
	want := map[string]int{"ok": 5, "diverged": 2, "failed": 1, "running": 0, "pending": 2}
	if err != nil || s.State != StateInterrupted || s.Runs != 10 || !maps.Equal(s.Counts, want) {
		t.Fatalf("status from the manifest: %+v, %v; want counts %v", s, err, want)
	}
	// A killed sweep's state, newer than the manifest.
	live := filepath.Join(dir, "runs", ScratchDir, livePrefix+"123-abc")
	writeFile(t, filepath.Join(live, scratchOwnerFile), "")
	state := liveState{PID: 123, What: "sweep x", Updated: ended.Add(time.Hour), Runs: 10, Done: map[string]int{"ok": 6},
		Trained: 2, PassStart: ended, LastDone: ended.Add(time.Minute),
		Running: []liveRunState{{RunID: "a", Attempt: 1, Started: ended}, {RunID: "b", Attempt: 2, Started: ended}}}
	b, _ := json.Marshal(&state)
	writeFile(t, filepath.Join(live, liveStateFile), string(b))
	before := snapshot(t, dir, "")
	s, err = ReadStatus(dir, time.Now())
	want = map[string]int{"ok": 6, "diverged": 0, "failed": 0, "running": 0, "pending": 4}
	if err != nil || s.State != StateStopped || len(s.Running) != 0 || s.ETA != nil || !maps.Equal(s.Counts, want) {
		t.Errorf("status of a killed sweep: %+v, %v; want stopped, counts %v", s, err, want)
	}
	// The same state with a live owner: running, with its runs and an ETA.
	f, err := os.Open(filepath.Join(live, scratchOwnerFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := flock(f, true); err != nil {
		t.Fatal(err)
	}
	now := ended.Add(2 * time.Minute)
	s, err = ReadStatus(dir, now)
	want = map[string]int{"ok": 6, "diverged": 0, "failed": 0, "running": 2, "pending": 2}
	if err != nil || s.State != StateRunning || len(s.Running) != 2 || s.Running[1].Attempt != 2 || !maps.Equal(s.Counts, want) {
		t.Errorf("status of a live sweep: %+v, %v; want running, counts %v", s, err, want)
	}
	// 2 runs trained in 60 s: 30 s a run, 4 left, the last saved 60 s ago.
	if s.ETA == nil || *s.ETA != 60 || s.Running[0].Elapsed != 120 {
		t.Errorf("ETA %v, elapsed %v; want 60 s, 120 s", s.ETA, s.Running[0].Elapsed)
	}
	if after := snapshot(t, dir, ""); !maps.Equal(before, after) {
		t.Error("status changed the folder")
	}
}
