package flops

import "testing"

// One layer by hand: 2 inputs, 3 outputs, a batch of 5 rows.
// forward Z = A·W: 5·3 outputs, 2 multiply-adds each = 30 FMAs = 60 flops;
// dW = Aᵀ·δ: 2·3 entries, a sum over 5 rows each = 30 FMAs = 60 flops;
// no dA: the first layer's input needs no gradient. 120 in all.
// A second layer (3→4) on the same batch adds forward 5·4·3, dW 3·4·5 and
// dA 5·3·4 = 60 FMAs each: 360 flops more.
func TestMLPStep_HandCount(t *testing.T) {
	for _, c := range []struct {
		name  string
		sizes []int
		n     int
		want  float64
	}{
		{"one layer 2-3, batch 5", []int{2, 3}, 5, 120},
		{"two layers 2-3-4, batch 5", []int{2, 3, 4}, 5, 120 + 360},
		{"bench MLP 64-128-64-10, one row", []int{64, 128, 64, 10}, 1,
			2*(64*128+128*64+64*10) /* forward */ + 2*(64*128+128*64+64*10) /* dW */ + 2*(128*64+64*10) /* dA */},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := MLPStep(c.sizes, c.n); got != c.want { // integers in float64: exact
				t.Errorf("MLPStep(%v, %d) = %v, want %v", c.sizes, c.n, got, c.want)
			}
		})
	}
}

// The bench sweep's count: 1348 training rows (1797 − 449 test) in batches
// of 32 (42 full and one of 4) for 20 epochs: the partial batch counts its
// 4 rows, so the total is the per-row count times rows·epochs.
func TestMLPTrain_PartialBatch(t *testing.T) {
	sizes := []int{64, 128, 64, 10}
	got := MLPTrain(sizes, 1348, 32, 20)
	want := MLPStep(sizes, 1) * 1348 * 20
	if got != want {
		t.Errorf("MLPTrain = %v, want %v", got, want)
	}
	if MLPTrain(sizes, 100, 32, 1) != MLPStep(sizes, 32)*3+MLPStep(sizes, 4) {
		t.Error("MLPTrain(100 rows, batch 32) is not three full batches and one of 4")
	}
}
