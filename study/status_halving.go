package study

import (
	"fmt"

	"github.com/lossexp/lossexp/sweep"
)

// liveHalving is, in a halving sweep's live state (state.json), the rung
// its training pass trains and what the rungs before it stored: the
// pass's own counts (liveState.Runs, Done) are the current rung's only.
type liveHalving struct {
	Rung     int            `json:"rung"`      // the current rung, 1 for the first
	Budgets  []int          `json:"budgets"`   // every rung's budget, the full budget last
	PerPoint int            `json:"per_point"` // runs a grid point trains at a rung
	Earlier  map[string]int `json:"earlier"`   // runs stored at the rungs before, by status
}

// StatusHalving is, in the status of a halving sweep (sweep.halving), the
// rung being trained: the counts cover every rung so far, but how many
// grid points the later rungs train is decided only when the rung before
// them is stored, so the study's run count is not known yet.
type StatusHalving struct {
	Rung        int `json:"rung"`         // the current rung, 1 for the first
	Rungs       int `json:"rungs"`        // rungs in all, the full budget's last
	Budget      int `json:"budget"`       // the current rung's epochs
	RungRuns    int `json:"rung_runs"`    // the current rung's runs
	EarlierRuns int `json:"earlier_runs"` // runs stored at the rungs before it
	LaterRungs  int `json:"later_rungs"`  // rungs after the current one, their size not known yet
}

// rung tells the publisher that the next training pass trains rung k
// (1-based) of the budgets, perPoint runs a point: the runs the previous
// pass stored become the earlier rungs'.
func (p *livePub) rung(k int, budgets []int, perPoint int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.state.Halving
	if h == nil {
		h = &liveHalving{Budgets: budgets, PerPoint: perPoint, Earlier: map[string]int{}}
		p.state.Halving = h
	}
	for s, n := range p.state.Done {
		h.Earlier[s] += n
	}
	p.state.Done, p.state.Runs = map[string]int{}, 0
	h.Rung = k
	p.dirty = true
}

// status fills out's halving part from the state s (whose counts are
// the current rung's): the earlier rungs' runs are added to the counts.
func (h *liveHalving) status(out *SweepStatus, rungRuns int) {
	if h == nil || h.Rung < 1 || h.Rung > len(h.Budgets) {
		return
	}
	earlier := 0
	for s, n := range h.Earlier {
		out.Counts[s] += n
		earlier += n
	}
	out.Runs += earlier
	out.Halving = &StatusHalving{Rung: h.Rung, Rungs: len(h.Budgets), Budget: h.Budgets[h.Rung-1],
		RungRuns: rungRuns, EarlierRuns: earlier, LaterRungs: len(h.Budgets) - h.Rung}
}

// laterSeconds is a lower bound of the seconds the rungs after the
// current one take at the pace per (seconds a run of the current rung):
// one grid point (the keep rule keeps at least one) trains each of them,
// adding only the epochs past the rung before (a trainer that continues
// from its checkpoint), each epoch at the current rung's pace per epoch
// (as if its runs had trained their whole budget).
func (h *liveHalving) laterSeconds(per float64) float64 {
	if h == nil || h.Rung < 1 || h.Rung >= len(h.Budgets) {
		return 0
	}
	perEpoch := per / float64(max(h.Budgets[h.Rung-1], 1))
	epochs := 0
	for j := h.Rung; j < len(h.Budgets); j++ {
		epochs += h.Budgets[j] - h.Budgets[j-1]
	}
	return perEpoch * float64(epochs*max(h.PerPoint, 1))
}

// liveRung tells p that the next training pass trains rung k (1-based),
// for `lossexp status`.
func (st *Study) liveRung(p *livePub, k int) {
	p.rung(k, st.Spec.Rungs(), st.Plans.PerPoint())
}

// HalvingProgress is how far an interrupted halving sweep got: the rung
// it was training (1-based) of Rungs and the runs stored at the rungs
// below the full budget.
type HalvingProgress struct {
	Rung, Rungs int
	Lower       int
}

// halvingProgress reads from store how far the halving study got, hs
// the rungs decided from it.
func (st *Study) halvingProgress(store *sweep.Store, hs *halvingState) *HalvingProgress {
	hp := &HalvingProgress{Rung: len(hs.alive), Rungs: len(hs.rungs)}
	for k, pts := range hs.alive {
		if k == len(hs.rungs)-1 {
			break
		}
		ps := st.Plans.WithBudget(hs.rungs[k])
		for _, i := range st.runIndices(pts) {
			if store.Has(ps.At(i).ID) {
				hp.Lower++
			}
		}
	}
	return hp
}

// laterRungs says rungs remain after the current one (whose size is not
// known yet: the time left is a lower bound).
func (h *liveHalving) laterRungs() bool {
	return h != nil && h.Rung >= 1 && h.Rung < len(h.Budgets)
}

// Finished tells how many runs an interrupted sweep stored, finished of
// runs at the full budget: "5 of 16 runs" without halving (hp nil); with
// it, the runs of the lower rungs too, and the rung it was in, since the
// later rungs' size was not known yet.
func (hp *HalvingProgress) Finished(finished, runs int) string {
	if hp == nil {
		return fmt.Sprintf("%d of %d runs", finished, runs)
	}
	if hp.Rung < hp.Rungs {
		return fmt.Sprintf("%d runs stored at halving rungs 1 to %d of %d (rung %d unfinished; the later rungs' size is not known yet)",
			hp.Lower, hp.Rung, hp.Rungs, hp.Rung)
	}
	return fmt.Sprintf("%d runs stored at the lower halving rungs and %d at the full budget (rung %d of %d)",
		hp.Lower, finished, hp.Rung, hp.Rungs)
}
