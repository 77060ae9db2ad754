package lossterms

import (
	"slices"
	"testing"
)

// TestL2_Float32ByHand: AddGrad32 adds scale·2w to dst (accumulating):
// scale 0.125, w = (0.5, −2, 0.25, 0): dst (1, 0, −1, 3) + 0.25·w =
// (1.125, −0.5, −0.9375, 3). Dyadic values: exact in float32 (==). Also
// longer than the 8-wide kernel block, with a tail.
func TestL2_Float32ByHand(t *testing.T) {
	dst := []float32{1, 0, -1, 3}
	w := []float32{0.5, -2, 0.25, 0}
	L2{}.AddGrad32(dst, w, 0.125)
	if want := []float32{1.125, -0.5, -0.9375, 3}; !slices.Equal(dst, want) {
		t.Errorf("AddGrad32 = %v, want %v", dst, want)
	}
	const n = 19
	dst, w = make([]float32, n), make([]float32, n)
	for i := range w {
		w[i] = float32(i) - 9 // −9 … 9
		dst[i] = 1
	}
	L2{}.AddGrad32(dst, w, 0.5) // dst + w
	for i, v := range dst {
		if want := float32(i) - 8; v != want {
			t.Errorf("AddGrad32 over %d: [%d] = %v, want %v", n, i, v, want)
		}
	}
}
