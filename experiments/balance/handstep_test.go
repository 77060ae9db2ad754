package balance

import (
	"math"
	"testing"
)

// Hand-computed steps of DWA and GradNorm (issue 26): DWA epoch by epoch
// from its first epochs, GradNorm through a step that floors a weight.

// TestDWA_EpochByEpoch: K = 3, T = 1. Epochs 1 and 2 weigh 1 exactly (no
// two epochs of history yet); epoch 3 uses the ratios of epoch 2's means
// to epoch 1's, epoch 4 those of epoch 3's to epoch 2's (the window
// slides): w = 3·e^{r_i}/Σ_j e^{r_j}.
func TestDWA_EpochByEpoch(t *testing.T) {
	m, err := New("dwa", sgdSetup(3, map[string]float64{"T": 1}, nil))
	if err != nil {
		t.Fatal(err)
	}
	means := [][]float64{{1, 1, 1}, {1, 0.5, 0.25}, {0.5, 0.5, 0.5}}
	want := [][]float64{{1, 1, 1}, {1, 1, 1}, {1, 0.5, 0.25}, {0.5, 1, 2}} // the ratios r (1 before epoch 3)
	w := []float64{7, 7, 7}
	for e, r := range want {
		m.StartEpoch(w)
		den := math.Exp(r[0]) + math.Exp(r[1]) + math.Exp(r[2])
		for i := range w {
			exp := 3 * math.Exp(r[i]) / den
			if e < 2 {
				exp = 1
				if w[i] != 1 { // exact: set, not computed
					t.Errorf("epoch %d: w_%d = %v, want exactly 1", e+1, i+1, w[i])
				}
			}
			near(t, "w", w[i], exp, 1e-15)
		}
		if e < len(means) {
			m.EndEpoch(means[e])
		}
	}
}

// TestGradNorm_FlooredStep: α = 1.5, SGD of 0.1 on the weights; norms
// on the balanced matrix [4, 6) of 20 and 1.
//
//	step 1: zero gradients, L = (1, 1): L(0) recorded, no move (d = 0).
//	step 2: L = (1, 1), r = (1, 1); Ḡ = (20 + 1)/2 = 10.5: G_1 = 20 above,
//	        G_2 = 1 below: ∂/∂w = (20, −1); w = (1 − 2, 1 + 0.1) =
//	        (−1, 1.1); the floor 1e-6·2 lifts w_1 to 2e-6, then the sum
//	        is brought to 2: (2e-6, 1.1)·2/1.100002.
//	step 3: L = (0.5, 1): r = (2/3, 4/3); G_1 = 20·w_1 ≈ 7e-5 below its
//	        target, G_2 ≈ 2 above: ∂/∂w = (−20, 1); w = (w_1 + 2,
//	        w_2 − 0.1)·2/(w_1 + w_2 + 1.9).
func TestGradNorm_FlooredStep(t *testing.T) {
	m, err := New("gradnorm", sgdSetup(2, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	g := m.(*GradNorm)
	grad := [][]float64{make([]float64, 6), make([]float64, 6)}
	s := NewStep(2, [2][2]int{{0, 6}, {6, 6}})
	s.Grad = grad
	w := make([]float64, 2)
	step := func(l0, l1 float64) {
		m.Weigh(w)
		s.Loss[0], s.Loss[1] = l0, l1
		m.Step(w, s)
	}
	step(1, 1)
	if g.Weight[0] != 1 || g.Weight[1] != 1 { // exact: ∂/∂w = 0
		t.Fatalf("step 1: weights %v, want (1, 1)", g.Weight)
	}
	grad[0][4], grad[1][5] = 20, 1
	step(1, 1)
	w1, w2 := 2e-6*2/1.100002, 1.1*2/1.100002
	near(t, "step 2: w_1", g.Weight[0], w1, 1e-18)
	near(t, "step 2: w_2", g.Weight[1], w2, 1e-15)
	step(0.5, 1)
	sum := w1 + 2 + w2 - 0.1
	near(t, "step 3: w_1", g.Weight[0], (w1+2)*2/sum, 1e-15)
	near(t, "step 3: w_2", g.Weight[1], (w2-0.1)*2/sum, 1e-15)
}

// TestRenormalize_Floor: a weight below WeightFloor·total, or NaN, is set
// to it before the weights are scaled to sum to total; one at the floor
// stays; the floor scales with the total.
func TestRenormalize_Floor(t *testing.T) {
	for _, c := range []struct {
		in, want []float64
		total    float64
	}{
		{[]float64{-0.5, 2.5}, []float64{2e-6 * 2 / 2.500002, 2.5 * 2 / 2.500002}, 2},
		{[]float64{math.NaN(), 1}, []float64{2e-6 * 2 / 1.000002, 2 / 1.000002}, 2},
		{[]float64{3e-6, 0, 3}, []float64{3e-6 * 3 / 3.000006, 3e-6 * 3 / 3.000006, 3 * 3 / 3.000006}, 3},
		{[]float64{0.5, 1.5}, []float64{0.5, 1.5}, 2},
	} {
		v := append([]float64(nil), c.in...)
		Renormalize(v, c.total)
		for i := range v {
			near(t, "w", v[i], c.want[i], 1e-15)
		}
	}
}

// TestGradNormGrad_TiesAndZeroLosses: a G_i exactly at its target has a
// zero derivative; losses all at zero (mean rate 0) count as the mean
// rate, r_i = 1.
func TestGradNormGrad_TiesAndZeroLosses(t *testing.T) {
	dst := []float64{7, 7}
	if lg := GradNormGrad(dst, []float64{1, 1}, []float64{1, 1}, []float64{1, 1}, []float64{1, 1}, 1.5); lg != 0 || dst[0] != 0 || dst[1] != 0 {
		t.Errorf("at the targets: L_grad %v, ∂/∂w %v; want 0, (0, 0)", lg, dst)
	}
	lg := GradNormGrad(dst, []float64{1, 1}, []float64{2, 1}, []float64{0, 0}, []float64{1, 1}, 1.5)
	if lg != 1 || dst[0] != 2 || dst[1] != -1 { // exact: Ḡ = 1.5, targets 1.5
		t.Errorf("zero losses: L_grad %v, ∂/∂w %v; want 1, (2, −1)", lg, dst)
	}
}
