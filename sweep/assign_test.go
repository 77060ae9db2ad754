package sweep

import (
	"slices"
	"testing"
)

// TestAssign_LongestFirstByHand deals five runs of costs 5, 4, 3, 3, 3 to
// two shards, worked by hand: longest first, each to the least-loaded
// shard (ties: fewer runs, then the lower shard). 5 → 0; 4 → 1; 3 → 1
// (loads 5, 4); 3 → 0 (5, 7); 3 → 1 (8, 7): loads 8 and 10. Dealing the
// shortest first would end at 11 and 6.
func TestAssign_LongestFirstByHand(t *testing.T) {
	costs := []int64{5, 4, 3, 3, 3}
	plans := make([]Plan, len(costs))
	for i := range plans {
		plans[i].Index = i
	}
	got := Assign(plans, 2, func(p Plan) int64 { return costs[p.Index] })
	if want := []int{0, 1, 1, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("Assign = %v, want %v", got, want)
	}
	// The same costs listed shortest first: the deal must not depend on
	// the order the runs are listed in, only on their costs and indices.
	rev := []int64{3, 3, 3, 4, 5}
	got = Assign(plans, 2, func(p Plan) int64 { return rev[p.Index] })
	load := [2]int64{}
	for i, sh := range got {
		load[sh] += rev[i]
	}
	if max(load[0], load[1]) != 10 {
		t.Errorf("loads %v for costs %v: want the longest-first bound 10", load, rev)
	}
}
