package model_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/lossexp/lossexp/experiments/model"
)

// One gradient step of a 2-4-1 tanh network on a squared error.
func ExampleMLP() {
	m := model.New([]int{2, 4, 1}, model.Tanh)
	params := make([]float64, m.NumParams())
	m.Init(params, rand.New(rand.NewPCG(1, 2)))
	ws := m.NewWorkspace(32) // reused for every batch of up to 32 rows
	grad := make([]float64, m.NumParams())

	x := []float64{0, 1, 1, 0} // 2 rows × 2 inputs
	y := []float64{1, -1}
	loss := func() float64 {
		out := m.Forward(ws, params, x, 2)
		s := 0.0
		for i := range out {
			s += (out[i] - y[i]) * (out[i] - y[i]) / 2
		}
		return s
	}
	before := loss()
	out := m.Forward(ws, params, x, 2)
	dout := []float64{out[0] - y[0], out[1] - y[1]} // ∂loss/∂out
	m.Backward(ws, params, x, dout, 2, grad)
	for i := range params {
		params[i] -= 0.1 * grad[i]
	}
	fmt.Println("weights:", m.NumWeights(), "params:", m.NumParams())
	fmt.Println("loss decreased:", loss() < before)
	// Output:
	// weights: 12 params: 17
	// loss decreased: true
}
