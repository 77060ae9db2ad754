package lossterms

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

func TestAdversarial_Gradients(t *testing.T) {
	for _, tc := range []struct {
		name   string
		metric string
		hidden float64
		groups int
	}{
		{"dp_linear", DemographicParity, 0, 2},
		{"dp_hidden", DemographicParity, 5, 3},
		{"eo_hidden", EqualizedOdds, 4, 4},
		{"eo_linear", EqualizedOdds, 0, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTerm(t, "adversarial_debias", map[string]any{"metric": tc.metric, "hidden": tc.hidden}).(*Adversarial)
			if err := a.Setup(Shape{Task: TaskClassification, K: 1, Classes: 2, Targets: 1, Groups: tc.groups, MaxBatch: 32}); err != nil {
				t.Fatal(err)
			}
			own := make([]float64, a.NumOwn())
			a.InitOwn(own, rand.New(rand.NewPCG(1, 2)))
			for i := range own {
				own[i] += 0.3 * math.Sin(float64(i)) // non-zero biases too
			}
			b := groupBatch(20, tc.groups)
			b.Own = own
			// Through the model's outputs: ∂(−L_adv)/∂z.
			checkBatchGrad(t, a, b, 0.6)
			// Through the adversary's own parameters: ∂L_adv/∂own.
			f := func(x []float64) float64 { bb := *b; bb.Own = x; return -a.Value(&bb) }
			g := func(dst, x []float64) {
				bb := *b
				bb.Own = x
				if j := a.OwnGrad(dst, &bb); math.Abs(j+a.Value(&bb)) > 1e-15 {
					t.Errorf("OwnGrad returned %v, −Value %v", j, -a.Value(&bb))
				}
			}
			gradcheck.Check(t, f, g, own, gradcheck.Tol)
		})
	}
}

// TestAdversarial_HandValue: an adversary with all parameters 0 predicts
// every group with probability 1/G, so L_adv = log G whatever the batch,
// and the term is −log G.
func TestAdversarial_HandValue(t *testing.T) {
	a := newTerm(t, "adversarial_debias", map[string]any{"hidden": 3.0}).(*Adversarial)
	if err := a.Setup(Shape{Task: TaskClassification, K: 1, Classes: 2, Targets: 1, Groups: 3, MaxBatch: 8}); err != nil {
		t.Fatal(err)
	}
	b := groupBatch(6, 3)
	b.Own = make([]float64, a.NumOwn())
	if v := a.Value(b); math.Abs(v+math.Log(3)) > 1e-15 {
		t.Errorf("value %v, want −log 3", v)
	}
	// 1 input, 3 hidden, 3 groups: 3 + 3 + 9 + 3.
	if n := a.NumOwn(); n != 18 {
		t.Errorf("NumOwn = %d, want 18", n)
	}
}
