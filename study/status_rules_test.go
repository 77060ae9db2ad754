package study

import (
	"encoding/json"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/lossexp/lossexp/experiments"
)

// putLiveState writes a process's state.json into dir's runs/tmp/<name>
// with an .owner file (owner false: none); locked holds that .owner's
// lock until the test ends, as a live process does.
func putLiveState(t *testing.T, dir, name string, s liveState, owner, locked bool) {
	t.Helper()
	p := filepath.Join(dir, "runs", ScratchDir, name)
	b, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(p, liveStateFile), string(b))
	if !owner {
		return
	}
	writeFile(t, filepath.Join(p, scratchOwnerFile), "")
	if !locked {
		return
	}
	f, err := os.Open(filepath.Join(p, scratchOwnerFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := flock(f, true); err != nil {
		t.Fatal(err)
	}
}

func statusCounts(ok, div, failed, running, pending int) map[string]int {
	return map[string]int{"ok": ok, "diverged": div, "failed": failed, "running": running, "pending": pending}
}

// TestStatusRules_TwoShards: two live shards add up their runs and
// counts; a shard listing more running runs than it has left counts only
// those left as running (all are listed, by run id); the ETA is the
// slowest shard's, hand-computed: shard a trained 1 run in 10 s and has
// 3 left (1 running), saved 60 s ago: 10·3 − 60 < 0 → 0; shard b
// trained 3 in 60 s (20 s a run), 4 left (all running), saved 10 s ago:
// 20·4 − 10 = 70. An attempt started after now (another host's clock)
// has run 0 s, not a negative time.
func TestStatusRules_TwoShards(t *testing.T) {
	if !locksWork {
		t.Skip("no flock here")
	}
	dir := t.TempDir()
	t0 := time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)
	now := t0.Add(70 * time.Second)
	run := func(id string, started time.Duration) liveRunState {
		return liveRunState{RunID: id, Attempt: 1, Started: t0.Add(started)}
	}
	putLiveState(t, dir, livePrefix+"1-a", liveState{PID: 1, Updated: t0.Add(69 * time.Second), Runs: 4, Done: map[string]int{"ok": 1},
		Trained: 1, PassStart: t0, LastDone: t0.Add(10 * time.Second), Running: []liveRunState{run("a1", 65*time.Second)}}, true, true)
	putLiveState(t, dir, livePrefix+"2-b", liveState{PID: 2, Updated: t0.Add(68 * time.Second), Runs: 6, Done: map[string]int{"ok": 2, "diverged": 1},
		Trained: 3, PassStart: t0, LastDone: t0.Add(60 * time.Second),
		Running: []liveRunState{run("b4", 75*time.Second), run("b2", 61*time.Second), run("b3", 61*time.Second), run("b1", 60*time.Second)}}, true, true)
	s, err := ReadStatus(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := statusCounts(3, 1, 0, 4, 2); s.State != StateRunning || s.Runs != 10 || !maps.Equal(s.Counts, want) {
		t.Errorf("state %s, %d runs, counts %v; want running, 10 runs, %v", s.State, s.Runs, s.Counts, want)
	}
	var ids []string
	for _, r := range s.Running {
		ids = append(ids, r.RunID)
	}
	if want := []string{"a1", "b1", "b2", "b3", "b4"}; !slices.Equal(ids, want) {
		t.Errorf("running %v, want %v", ids, want)
	}
	if len(s.Running) == 5 && (s.Running[0].Elapsed != 5 || s.Running[1].Elapsed != 10 || s.Running[4].Elapsed != 0) {
		t.Errorf("elapsed %v %v %v, want 5 10 0", s.Running[0].Elapsed, s.Running[1].Elapsed, s.Running[4].Elapsed)
	}
	if s.ETA == nil || *s.ETA != 70 {
		t.Errorf("ETA %v, want 70 s (the slowest shard's)", s.ETA)
	}
	if len(s.Sweeps) != 2 || s.Sweeps[0].PID != 1 {
		t.Errorf("sweeps %+v, want the newest (pid 1) first", s.Sweeps)
	}
}

// TestStatusRules_ETA: no ETA before a run of the pass is saved; an ETA
// already passed is 0, never negative.
func TestStatusRules_ETA(t *testing.T) {
	if !locksWork {
		t.Skip("no flock here")
	}
	t0 := time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	putLiveState(t, dir, livePrefix+"1-a", liveState{PID: 1, Updated: t0, Runs: 2, Done: map[string]int{}, PassStart: t0}, true, true)
	s, err := ReadStatus(dir, t0.Add(time.Minute))
	if err != nil || s.ETA != nil || !maps.Equal(s.Counts, statusCounts(0, 0, 0, 0, 2)) {
		t.Errorf("before the first run: %+v, %v; want no ETA, 2 pending", s, err)
	}
	dir = t.TempDir()
	putLiveState(t, dir, livePrefix+"1-a", liveState{PID: 1, Updated: t0, Runs: 2, Done: map[string]int{"ok": 1},
		Trained: 1, PassStart: t0, LastDone: t0.Add(10 * time.Second)}, true, true)
	s, err = ReadStatus(dir, t0.Add(100*time.Second)) // 10·1 − 90
	if err != nil || s.ETA == nil || *s.ETA != 0 {
		t.Errorf("overdue: %+v, %v; want ETA 0", s, err)
	}
}

// TestStatusRules_StaleAgainstManifest: a killed process's state counts
// ("stopped") only when it is newer than the manifest, the newest of
// several being the one compared; a manifest written after it (a later
// sweep finished) wins, "finished" when complete; a folder in runs/tmp
// that is not a live state (another process's scratch) and a live state
// without .owner (its process is gone) never count as running.
func TestStatusRules_StaleAgainstManifest(t *testing.T) {
	ended := time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)
	manifest := `{"runs": 4, "runs_finished": 4, "diverged": 1, "failed": 0, "complete": true, "finished": "` + ended.Format(time.RFC3339) + `"}`
	stale := liveState{PID: 9, Updated: ended.Add(-time.Hour), Runs: 4, Done: map[string]int{"ok": 1}, Running: []liveRunState{{RunID: "x"}}}

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ManifestFile), manifest)
	putLiveState(t, dir, livePrefix+"9-old", stale, true, false)
	putLiveState(t, dir, "sweep-7-other", liveState{PID: 7, Updated: ended.Add(time.Hour), Runs: 4, Done: map[string]int{}}, true, false)
	s, err := ReadStatus(dir, ended.Add(2*time.Hour))
	if want := statusCounts(3, 1, 0, 0, 0); err != nil || s.State != StateFinished || s.Runs != 4 || !maps.Equal(s.Counts, want) {
		t.Errorf("manifest newer than the stale state: %+v, %v; want finished, counts %v", s, err, want)
	}

	// A second stale state, newer than the manifest: the sweep after it was killed.
	newer := stale
	newer.PID, newer.Updated = 10, ended.Add(time.Hour)
	putLiveState(t, dir, livePrefix+"10-new", newer, true, false)
	s, err = ReadStatus(dir, ended.Add(2*time.Hour))
	if err != nil || s.State != StateStopped || len(s.Sweeps) != 2 || s.Sweeps[0].PID != 10 || len(s.Running) != 0 {
		t.Errorf("a stale state newer than the manifest: %+v, %v; want stopped, pid 10 first", s, err)
	}

	// No manifest, a state without .owner: stopped, not running.
	dir = t.TempDir()
	putLiveState(t, dir, livePrefix+"11-x", stale, false, false)
	s, err = ReadStatus(dir, ended)
	if err != nil || s.State != StateStopped || s.Counts["running"] != 0 || s.Counts["pending"] != 3 {
		t.Errorf("a state without .owner: %+v, %v; want stopped, 3 pending", s, err)
	}
	if Running(dir) {
		t.Error("Running: true for a state whose process is gone")
	}
}

// TestLiveRules_Publisher: what a process publishes, read back from its
// state.json: a pass starts with the reused runs (ok = reused −
// diverged) and nothing trained; each run saved counts in Done and
// Trained; a running run has its plan's id, its λ by term name, attempt
// 1, then the attempt a training command starts (its last epoch line
// cleared, its start reset); a NaN of an epoch line is null (the state
// is still written); a run that ended is no longer running.
func TestLiveRules_Publisher(t *testing.T) {
	dir := t.TempDir()
	st := planTiny(t, tinySpec, dir)
	sc, err := OpenScratch(scratchRoot(dir), livePrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	p := &livePub{scratch: sc, running: map[*liveRun]struct{}{}, state: liveState{PID: 1, Done: map[string]int{}}}
	read := func() liveState {
		t.Helper()
		p.flush()
		var s liveState
		b, err := os.ReadFile(filepath.Join(sc.Dir(), liveStateFile))
		if err != nil || json.Unmarshal(b, &s) != nil {
			t.Fatalf("state.json: %v %s", err, b)
		}
		return s
	}
	p.stored(experiments.StatusOK) // a pass before this one
	p.pass(st.Plans, TrainStats{Runs: 4, Reused: 3, Diverged: 1})
	s := read()
	if want := map[string]int{"ok": 2, "diverged": 1}; s.Runs != 4 || s.Trained != 0 || !s.LastDone.IsZero() || !maps.Equal(s.Done, want) {
		t.Errorf("pass start: runs %d, trained %d, last done %v, done %v; want 4, 0, zero, %v", s.Runs, s.Trained, s.LastDone, s.Done, want)
	}
	p.stored(experiments.StatusFailed)
	if s = read(); s.Trained != 1 || s.Done["failed"] != 1 || s.LastDone.IsZero() {
		t.Errorf("after a failed run: trained %d, done %v, last done %v", s.Trained, s.Done, s.LastDone)
	}

	plan := st.Plans.At(3)
	run := &experiments.Run{Index: 3, Point: plan.Point, Repeat: plan.Repeat, Lambdas: plan.Lambdas, Spec: st.Spec}
	lr := p.Start(run)
	s = read()
	if len(s.Running) != 1 {
		t.Fatalf("running %+v", s.Running)
	}
	r := s.Running[0]
	if plan.ID == "" || plan.ID == run.ID() || r.RunID != plan.ID || r.Attempt != 1 || r.Lambda["l2"] != plan.Lambdas[0] || r.Repeat != plan.Repeat {
		t.Errorf("running run %+v; want id %s (not %s), attempt 1, l2 %v", r, plan.ID, run.ID(), plan.Lambdas[0])
	}
	started := r.Started
	lr.Epoch(7, []float64{0.5, math.NaN()})
	if r = read().Running[0]; r.LastEpoch["epoch"] != 7.0 || r.LastEpoch[experiments.CurveNames(st.Spec)[0]] != 0.5 ||
		r.LastEpoch[experiments.CurveNames(st.Spec)[1]] != nil {
		t.Errorf("last epoch %v; want epoch 7, 0.5 and null", r.LastEpoch)
	}
	time.Sleep(2 * time.Millisecond)
	lr.Attempt(2, filepath.Join(dir, "none.jsonl"))
	if r = read().Running[0]; r.Attempt != 2 || r.LastEpoch != nil || !r.Started.After(started) {
		t.Errorf("attempt 2: %+v; want attempt 2, no last epoch, started after %v", r, started)
	}
	lr.End()
	if s = read(); len(s.Running) != 0 {
		t.Errorf("after End: running %+v", s.Running)
	}
}
