package balance_test

import (
	"fmt"

	"github.com/lossexp/lossexp/experiments/balance"
)

// Two conflicting gradients g1 = (1, 0) and g2 = (−1, 1): MGDA's
// min-norm convex combination, from their dot products alone.
func Example() {
	// g1·g1 = 1, g1·g2 = −1, g2·g2 = 2.
	a := balance.MinNorm2(1, -1, 2)
	fmt.Printf("mgda: %.1f·g1 + %.1f·g2 = (%.1f, %.1f)\n", a, 1-a, a-(1-a), 1-a)
	// Output:
	// mgda: 0.6·g1 + 0.4·g2 = (0.2, 0.4)
}
