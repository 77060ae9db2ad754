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

// TestAdversarial_RowMLP: the adversary is a rowMLP: its parameters laid
// out as rowMLP's (the weight matrices, then the biases), drawn by
// Glorot layer after layer from the run's stream with zero biases, and
// its value the group cross-entropy of tanh(b1 + z·W1)·W2 + b2 by hand
// (one hidden unit, two groups; with equalized odds the label y is a
// second input).
func TestAdversarial_RowMLP(t *testing.T) {
	for _, metric := range []string{DemographicParity, EqualizedOdds} {
		a := newTerm(t, "adversarial_debias", map[string]any{"hidden": 1.0, "metric": metric}).(*Adversarial)
		if err := a.Setup(Shape{Task: TaskClassification, K: 1, Classes: 2, Targets: 1, Groups: 2, MaxBatch: 8}); err != nil {
			t.Fatal(err)
		}
		in := 1
		if metric == EqualizedOdds {
			in = 2
		}
		// W1 (in×1), W2 (1×2), b1 (1), b2 (2).
		if n := a.NumOwn(); n != in+2+1+2 {
			t.Fatalf("%s: NumOwn = %d, want %d", metric, n, in+5)
		}
		own := make([]float64, a.NumOwn())
		a.InitOwn(own, rand.New(rand.NewPCG(3, 4)))
		rng := rand.New(rand.NewPCG(3, 4))
		for i := range in + 2 {
			lim := math.Sqrt(6 / float64(in+1))
			if i >= in {
				lim = math.Sqrt(6.0 / 3)
			}
			if want := lim * (2*rng.Float64() - 1); own[i] != want {
				t.Errorf("%s: own[%d] = %v, want the Glorot draw %v", metric, i, own[i], want)
			}
		}
		for i := in + 2; i < len(own); i++ {
			if own[i] != 0 {
				t.Errorf("%s: bias own[%d] = %v, want 0", metric, i, own[i])
			}
		}
		for i := range own {
			own[i] = 0.5 - 0.3*float64(i)
		}
		b := groupBatch(6, 2)
		b.Own = own
		w1, w2, b1, b2 := own[:in], own[in:in+2], own[in+2], own[in+3:]
		var sum float64
		for i, z := range b.Out {
			pre := b1 + z*w1[0]
			if in == 2 {
				pre += b.Y[i] * w1[1]
			}
			h := math.Tanh(pre)
			s0, s1 := b2[0]+h*w2[0], b2[1]+h*w2[1]
			m := math.Max(s0, s1)
			lse := m + math.Log(math.Exp(s0-m)+math.Exp(s1-m))
			sum += lse - []float64{s0, s1}[b.Group[i]]
		}
		if v, want := a.Value(b), -sum/6; math.Abs(v-want) > 1e-14 {
			t.Errorf("%s: value %.17g, want %.17g by hand", metric, v, want)
		}
	}
}
