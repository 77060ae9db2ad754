package figure

import (
	"math"
	"testing"
)

// TestEpochMeans: the training figures' per-epoch means, kept by the
// figure package (table.Analysis holds no figure cache): the sum over the
// runs that reported the epoch divided by their number, NaN for an epoch
// no run reported, nothing for a point or column never read.
func TestEpochMeans(t *testing.T) {
	m := epochSums{{3, 7}: {sum: []float64{3, 0, 5}, n: []int{2, 0, 4}}}
	got := epochMeans(m, 3, 7)
	if len(got) != 3 || got[0] != 1.5 || !math.IsNaN(got[1]) || got[2] != 1.25 {
		t.Errorf("epochMeans = %v, want [1.5 NaN 1.25]", got)
	}
	if got := epochMeans(m, 3, 8); got == nil || len(got) != 0 {
		t.Errorf("epochMeans of a column never read = %v, want empty", got)
	}
}
