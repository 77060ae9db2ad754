package lossterms_test

import (
	"fmt"

	"github.com/lossexp/lossexp/lossterms"
)

// The L2 term is Σw² over the weights; AddGrad adds λ·2w to a gradient
// buffer that already holds the task loss's gradient.
func ExampleL2() {
	w := []float64{1, -2, 0.5}
	var l2 lossterms.L2
	fmt.Println("value:", l2.Value(w))

	grad := []float64{0, 0, 0} // e.g. the task gradient
	l2.AddGrad(grad, w, 0.1)   // λ = 0.1: grad += 0.1·2w
	fmt.Println("grad:", grad)
	// Output:
	// value: 5.25
	// grad: [0.2 -0.4 0.1]
}

// Prox is the proximal step of L1: soft-thresholding, which sets small
// weights to exactly zero.
func ExampleL1_Prox() {
	w := []float64{0.75, -0.125, 0.25, -1.5}
	lossterms.L1{}.Prox(w, 0.25) // learning rate 0.25 × λ 1
	fmt.Println(w, "sparsity:", lossterms.Sparsity(w))
	// Output:
	// [0.5 0 0 -1.25] sparsity: 0.5
}
