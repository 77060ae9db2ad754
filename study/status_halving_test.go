package study

import (
	"maps"
	"testing"
	"time"
)

// TestStatusRules_HalvingRungDone: the state of a halving sweep whose
// rung 1 of 3 (3, 9, 27 epochs; 2 runs a point) just stored its last run
// (6 of 6 in 60 s, 2 stored at no rung before): the counts add the
// earlier rungs' runs, the halving part says rung 1 of 3, and the ETA is
// not 0 s but at least rung 2 and 3 at one point each: 10 s a run of 3
// epochs, 24 more epochs × 2 runs → 160 s, a lower bound. Before, "6 of
// 6 done, 0 pending; about 0s left".
func TestStatusRules_HalvingRungDone(t *testing.T) {
	if !locksWork {
		t.Skip("no flock here")
	}
	t0 := time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	h := &liveHalving{Rung: 1, Budgets: []int{3, 9, 27}, PerPoint: 2, Earlier: map[string]int{"ok": 1, "diverged": 1}}
	putLiveState(t, dir, livePrefix+"1-a", liveState{PID: 1, Updated: t0, Runs: 6, Done: map[string]int{"ok": 6},
		Trained: 6, PassStart: t0, LastDone: t0.Add(60 * time.Second), Halving: h}, true, true)
	s, err := ReadStatus(dir, t0.Add(60*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if s.ETA == nil || *s.ETA != 160 || !s.ETAAtLeast {
		t.Errorf("ETA %v (at least %v), want at least 160 s", s.ETA, s.ETAAtLeast)
	}
	if !maps.Equal(s.Counts, statusCounts(7, 1, 0, 0, 0)) || s.Runs != 8 {
		t.Errorf("counts %v, runs %d; want 7 ok, 1 diverged of 8", s.Counts, s.Runs)
	}
	if g := s.Halving; g == nil || *g != (StatusHalving{Rung: 1, Rungs: 3, Budget: 3, RungRuns: 6, EarlierRuns: 2, LaterRungs: 2}) {
		t.Errorf("halving part %+v", g)
	}
	// The full budget's rung: no rung after it, the ETA is an estimate.
	h.Rung = 3
	dir = t.TempDir()
	putLiveState(t, dir, livePrefix+"1-a", liveState{PID: 1, Updated: t0, Runs: 6, Done: map[string]int{"ok": 3},
		Trained: 3, PassStart: t0, LastDone: t0.Add(60 * time.Second), Halving: h}, true, true)
	s, err = ReadStatus(dir, t0.Add(60*time.Second))
	if err != nil || s.ETA == nil || *s.ETA != 60 || s.ETAAtLeast || s.Halving.LaterRungs != 0 {
		t.Errorf("last rung: %+v, %v; want about 60 s", s, err)
	}
}
