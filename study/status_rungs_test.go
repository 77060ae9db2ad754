package study

import (
	"testing"
	"time"

	"github.com/lossexp/lossexp/experiments"
)

// TestStatusRules_RungsFoldedByThePublisher: the counts `lossexp status`
// shows through three rungs of a halving sweep (3, 9, 27 epochs; 2 runs a
// point) as the publisher sees them: each rung a pass (rung, then pass,
// then one stored per run saved). By hand:
//
//	rung 1: 16 runs, 14 ok and 2 diverged stored;
//	rung 2: 6 runs; after 3 ok: ok 14+3 = 17, diverged 2, pending 3 of
//	        16+6 = 22 runs, 16 of them earlier; then 2 ok, 1 failed;
//	rung 3: 2 runs; after 1 ok: ok 14+5+1 = 20, diverged 2, failed 1,
//	        pending 1 of 22+2 = 24 runs, 22 earlier, no later rung.
//
// A fold that replaced the earlier counts instead of adding to them
// would say ok 6 at rung 3 (rung 2's 5 and rung 3's 1).
func TestStatusRules_RungsFoldedByThePublisher(t *testing.T) {
	p := &livePub{state: liveState{Done: map[string]int{}}}
	budgets := []int{3, 9, 27}
	store := func(status string, n int) {
		for range n {
			p.stored(status)
		}
	}
	now := time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)
	status := func() *SweepStatus {
		out := &SweepStatus{Counts: map[string]int{}}
		out.fromStates([]liveState{p.state}, now, true)
		return out
	}
	check := func(what string, s *SweepStatus, counts map[string]int, runs int, h StatusHalving) {
		t.Helper()
		if !sameCounts(s.Counts, counts) || s.Runs != runs {
			t.Errorf("%s: counts %v of %d runs, want %v of %d", what, s.Counts, s.Runs, counts, runs)
		}
		if s.Halving == nil || *s.Halving != h {
			t.Errorf("%s: halving part %+v, want %+v", what, s.Halving, h)
		}
	}

	p.rung(1, budgets, 2)
	p.pass(nil, TrainStats{Runs: 16})
	store(experiments.StatusOK, 14)
	store(experiments.StatusDiverged, 2)
	check("rung 1 done", status(), statusCounts(14, 2, 0, 0, 0), 16, StatusHalving{Rung: 1, Rungs: 3, Budget: 3, RungRuns: 16, EarlierRuns: 0, LaterRungs: 2})

	p.rung(2, budgets, 2)
	p.pass(nil, TrainStats{Runs: 6})
	store(experiments.StatusOK, 3)
	check("rung 2 half way", status(), statusCounts(17, 2, 0, 0, 3), 22, StatusHalving{Rung: 2, Rungs: 3, Budget: 9, RungRuns: 6, EarlierRuns: 16, LaterRungs: 1})
	store(experiments.StatusOK, 2)
	store(experiments.StatusFailed, 1)

	p.rung(3, budgets, 2)
	p.pass(nil, TrainStats{Runs: 2})
	store(experiments.StatusOK, 1)
	check("rung 3 half way", status(), statusCounts(20, 2, 1, 0, 1), 24, StatusHalving{Rung: 3, Rungs: 3, Budget: 27, RungRuns: 2, EarlierRuns: 22, LaterRungs: 0})
}

// sameCounts compares counts by status, an absent status counting 0.
func sameCounts(a, b map[string]int) bool {
	for k, n := range a {
		if b[k] != n {
			return false
		}
	}
	for k, n := range b {
		if a[k] != n {
			return false
		}
	}
	return true
}
