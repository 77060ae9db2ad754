package lossterms

import (
	"math"
	"slices"
	"testing"
)

// TestL1_Float32ByHand: AddGrad32 adds ±scale (0 at w = 0) and Prox32
// soft-thresholds, on values worked out by hand; -0 stays a zero.
func TestL1_Float32ByHand(t *testing.T) {
	w := []float32{0.5, -0.25, 0, 0.0625, -2}
	dst := []float32{1, 1, 1, 1, 1}
	L1{}.AddGrad32(dst, w, 0.125)
	if want := []float32{1.125, 0.875, 1, 1.125, 0.875}; !slices.Equal(dst, want) {
		t.Errorf("AddGrad32: %v, want %v", dst, want)
	}
	L1{}.Prox32(w, 0.125)
	if want := []float32{0.375, -0.125, 0, 0, -1.875}; !slices.Equal(w, want) {
		t.Errorf("Prox32: %v, want %v", w, want)
	}
	if math.Signbit(float64(w[3])) {
		t.Errorf("Prox32 of a small positive weight gave -0")
	}
	if got := Float32Kinds(); !slices.Equal(got, []string{"l1", "l2"}) {
		t.Errorf("Float32Kinds() = %v, want [l1 l2]", got)
	}
}
