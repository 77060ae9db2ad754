package flops

import "testing"

// TestMLPTrain_HandCount: 7 rows in batches of 5 (one of 5, one of 2)
// for 2 epochs of a 2-3-4 MLP, by hand: a row costs 2·(2·3) forward +
// 2·(2·3) dW in the first layer and 3·2·(3·4) (forward, dW, dA) in the
// second, 12 + 12 + 72 = 96 flops; 7 rows × 2 epochs × 96 = 1344. No
// rows or no epochs cost nothing.
func TestMLPTrain_HandCount(t *testing.T) {
	for _, c := range []struct {
		rows, batch, epochs int
		want                float64
	}{
		{7, 5, 2, 1344},
		{7, 7, 1, 672},
		{0, 5, 3, 0},
		{7, 5, 0, 0},
	} {
		if got := MLPTrain([]int{2, 3, 4}, c.rows, c.batch, c.epochs); got != c.want { // integers: exact
			t.Errorf("MLPTrain(2-3-4, %d rows, batch %d, %d epochs) = %v, want %v", c.rows, c.batch, c.epochs, got, c.want)
		}
	}
}
