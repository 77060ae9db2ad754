package experiments

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/spec"
)

// scaleRun prepares repeat r of a linear logistic regression on moons with
// one l2 term; scale is its `scale:` value ("" for none).
func scaleRun(t *testing.T, scale string, lambda float64, r int) *Run {
	t.Helper()
	src := `name: s
seed: 4
dataset: {builtin: moons, params: {samples: 60}}
model: {kind: linear}
train: {epochs: 3, batch_size: 16}
loss:
  terms:
    - kind: l2
      weight: [0.5]
`
	if scale != "" {
		src += "      scale: " + scale + "\n"
	}
	s := mustParse(t, src)
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := d.Prepare(r)
	if err != nil {
		t.Fatal(err)
	}
	return &Run{Repeat: r, Lambdas: []float64{lambda}, Spec: s, Data: sp}
}

// TestInitialScales checks both scales against a hand computation of the
// logistic loss and its gradient at the initial parameters: z = w·x + b,
// L = mean(log(1 + e^z) − y·z), ∂L/∂w = mean((σ(z) − y)·x), ∂L/∂b =
// mean(σ(z) − y); R = Σw², ∇R = 2w (zero on b).
func TestInitialScales(t *testing.T) {
	for r := range 2 {
		run := scaleRun(t, spec.ScaleInitialLoss, 0.5, r)
		tr := run.Data.Train
		m := model.New([]int{tr.D, 1}, model.Identity)
		theta := make([]float64, m.NumParams())
		m.Init(theta, RepeatRand(run.Spec.Seed, r, streamInit))
		w, b := m.LayerParams(theta, 0)
		var loss, gb float64
		gw := make([]float64, tr.D)
		for i := 0; i < tr.N; i++ {
			x := tr.X[i*tr.D : (i+1)*tr.D]
			z := b[0]
			for j, v := range x {
				z += w[j] * v
			}
			y := tr.Y[i]
			loss += math.Log1p(math.Exp(z)) - y*z
			e := 1/(1+math.Exp(-z)) - y
			for j, v := range x {
				gw[j] += e * v
			}
			gb += e
		}
		n := float64(tr.N)
		loss /= n
		var g2, w2 float64
		for j := range gw {
			g2 += (gw[j] / n) * (gw[j] / n)
			w2 += w[j] * w[j]
		}
		g2 += (gb / n) * (gb / n)
		wantLoss := loss / w2
		wantGrad := math.Sqrt(g2) / (2 * math.Sqrt(w2))

		got, err := InitialScales(run)
		if err != nil {
			t.Fatal(err)
		}
		// Tolerance: the trainer sums in another order (BLAS), so the
		// two agree to rounding, far below 1e-9 relative.
		if math.Abs(got[0]-wantLoss) > 1e-9*wantLoss {
			t.Errorf("repeat %d: initial_loss factor %g, want %g", r, got[0], wantLoss)
		}
		got, err = InitialScales(scaleRun(t, spec.ScaleInitialGrad, 0.5, r))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got[0]-wantGrad) > 1e-9*wantGrad {
			t.Errorf("repeat %d: initial_grad factor %g, want %g", r, got[0], wantGrad)
		}
		got, err = InitialScales(scaleRun(t, "", 0.5, r))
		if err != nil || got[0] != 1 {
			t.Errorf("no scale: factor %v, %v; want 1", got, err)
		}
	}
}

// TestTrain_ScaleIsEffectiveLambda: a scaled run trains exactly as an
// unscaled one at λ·factor (bit-identical metrics: both train with the
// same float64 λ, so == is the point here).
func TestTrain_ScaleIsEffectiveLambda(t *testing.T) {
	scaled := scaleRun(t, spec.ScaleInitialLoss, 0.5, 1)
	f, err := InitialScales(scaled)
	if err != nil {
		t.Fatal(err)
	}
	plain := scaleRun(t, "", EffectiveLambda(0.5, f[0]), 1)
	a, err := Train(context.Background(), scaled)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(context.Background(), plain)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Metrics {
		if a.Metrics[i] != b.Metrics[i] && !(math.IsNaN(a.Metrics[i]) && math.IsNaN(b.Metrics[i])) {
			t.Errorf("metric %d: scaled %v, plain at λ·f %v", i, a.Metrics[i], b.Metrics[i])
		}
	}
	if a.Lambdas[0] != 0.5 {
		t.Errorf("result λ %v, want the grid's 0.5", a.Lambdas)
	}
	// The scale is part of the run id; an unscaled spec's is not changed.
	if scaled.Spec.RunBase("x") == scaleRun(t, "", 0.5, 1).Spec.RunBase("x") {
		t.Error("scale does not change the run base")
	}
	if j, _ := json.Marshal(scaled.Spec.Loss); !strings.Contains(string(j), "initial_loss") {
		t.Error("the result hash ignores the scale")
	}
}
