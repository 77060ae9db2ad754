package lossterms_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/lossterms"
)

// TestFrozenMLP_MatchesModel: a FrozenMLP built from a model.MLP's sizes,
// activation and parameters computes the same hidden layers and outputs,
// so the trainer can hand the perceptual term the classifier it trained.
func TestFrozenMLP_MatchesModel(t *testing.T) {
	for _, act := range []model.Activation{model.ReLU, model.Tanh, model.Sigmoid} {
		t.Run(act.String(), func(t *testing.T) {
			m := model.New([]int{64, 24, 12, 10}, act)
			params := make([]float64, m.NumParams())
			m.Init(params, rand.New(rand.NewPCG(1, 2)))
			for i := range params[m.NumWeights():] {
				params[m.NumWeights()+i] = 0.1 * math.Sin(float64(i)) // non-zero biases
			}
			n := 5
			x := make([]float64, n*64)
			r := rand.New(rand.NewPCG(3, 4))
			for i := range x {
				x[i] = r.Float64()
			}
			ws := m.NewWorkspace(n)
			out := m.Forward(ws, params, x, n)
			f, err := lossterms.NewFrozenMLP(m.Sizes(), m.Activation().String(), params)
			if err != nil {
				t.Fatal(err)
			}
			for l := 0; l < f.Layers(); l++ {
				var want []float64
				if l < f.Layers()-1 {
					want = ws.Hidden(l)
				} else {
					want = out
				}
				w := f.Width(l)
				got := make([]float64, w)
				for i := range n {
					f.Features(got, x[i*64:(i+1)*64], l)
					for j, v := range got {
						if math.Abs(v-want[i*w+j]) > 1e-12 {
							t.Fatalf("layer %d row %d unit %d: %v, model %v", l, i, j, v, want[i*w+j])
						}
					}
				}
			}
			y := make([]float64, n)
			pred := make([]int, n)
			lossterms.PredictedLabels(pred, out, n, 10)
			for i, p := range pred {
				y[i] = float64(p)
			}
			if a := lossterms.Recognizability(f, x, y, n); a != 1 { // exact: same predictions
				t.Errorf("recognizability against the model's own predictions = %v, want 1", a)
			}
		})
	}
}
