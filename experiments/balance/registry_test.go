package balance

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lossexp/lossexp/experiments/optim"
)

// sgdSetup is a Setup for k losses whose learned parameters take plain
// gradient steps; lrs records the learning rate of every optimizer made.
func sgdSetup(k int, params map[string]float64, lrs *[]float64) Setup {
	return Setup{K: k, Params: params, LearningRate: 0.1, Rand: rand.New(rand.NewPCG(1, 2)),
		Layers: [][2]int{{0, 4}, {4, 6}},
		NewOptimizer: func(n int, lr float64) optim.Optimizer {
			if lrs != nil {
				*lrs = append(*lrs, lr)
			}
			return optim.NewSGD(lr)
		}}
}

// TestRegistry_Listing: the methods are listed static first, in their
// Order (the listing `lossexp terms` and the error messages show); every
// adaptive one can be started, and describes every parameter (its
// default, its valid range).
func TestRegistry_Listing(t *testing.T) {
	// The shipped methods in this order (a new one may come anywhere
	// after static).
	want := []string{"static", "uncertainty", "gradnorm", "dwa", "pcgrad", "mgda", "rlw"}
	got := slices.DeleteFunc(Names(), func(n string) bool { return !slices.Contains(want, n) })
	if !slices.Equal(got, want) || Names()[0] != Static {
		t.Fatalf("Names() = %v, want static first and %v in this order", Names(), want)
	}
	for _, info := range Methods()[1:] {
		m, err := New(info.Name, sgdSetup(3, nil, nil))
		if err != nil {
			t.Fatalf("New(%s): %v", info.Name, err)
		}
		if m.Info().Name != info.Name {
			t.Errorf("New(%s) made %s", info.Name, m.Info().Name)
		}
		for _, p := range info.Params {
			if p.Default == "" || p.Valid == "" || p.In == nil || p.Meaning == "" {
				t.Errorf("%s.%s: %+v: want a default, a meaning and a valid range", info.Name, p.Name, p)
			}
		}
	}
	for _, name := range []string{"static", "gradnrom"} {
		if _, err := New(name, sgdSetup(2, nil, nil)); err == nil {
			t.Errorf("New(%q) made a method", name)
		}
	}
}

// TestDWA_DefaultTemperature: without T, dwa weighs with T = 2 (the
// default `lossexp terms` lists): 1 in the first two epochs, then, after
// epochs of mean losses (1, 1) and (0.5, 1), the weights of
// TestDWA_HandValues; with T = 1, r/T = (0.5, 1).
func TestDWA_DefaultTemperature(t *testing.T) {
	for _, tc := range []struct {
		params map[string]float64
		temp   float64
	}{{nil, 2}, {map[string]float64{"T": 1}, 1}} {
		m, err := New("dwa", sgdSetup(2, tc.params, nil))
		if err != nil {
			t.Fatal(err)
		}
		w := []float64{7, 7}
		for e, mean := range [][]float64{{1, 1}, {0.5, 1}} {
			m.StartEpoch(w)
			if w[0] != 1 || w[1] != 1 { // exact: set, not computed
				t.Errorf("T=%g: epoch %d weights %v, want 1", tc.temp, e+1, w)
			}
			m.EndEpoch(mean)
		}
		m.StartEpoch(w)
		den := math.Exp(0.5/tc.temp) + math.Exp(1/tc.temp)
		near(t, "w_1", w[0], 2*math.Exp(0.5/tc.temp)/den, 1e-15)
		near(t, "w_2", w[1], 2*math.Exp(1/tc.temp)/den, 1e-15)
	}
}

// TestGradNorm_DefaultAlphaAndLayer: without alpha, gradnorm steps with
// α = 1.5. Step 1 (zero gradients) records L(0) = (1, 1) and leaves the
// weights at 1. Step 2: L = (0.25, 0.75), so r = (0.5, 1.5); norms on the
// balanced matrix (0.34, 1.66), Ḡ = 1, targets (0.5^α, 1.5^α) =
// (0.354, 1.837) at α = 1.5: both G_i below, ∂/∂w = (−0.34, −1.66), and
// an SGD step of 0.1 renormalized to sum 2 gives (1.034, 1.166)·2/2.2.
// The signs change for α outside (1.25, 1.56): another default would
// show. The balanced matrix is the last shared one unless layer names
// another; a layer beyond the shared ones is a *ParamError.
func TestGradNorm_DefaultAlphaAndLayer(t *testing.T) {
	var lrs []float64
	m, err := New("gradnorm", sgdSetup(2, nil, &lrs))
	if err != nil {
		t.Fatal(err)
	}
	g := m.(*GradNorm)
	if lo, hi := g.Layer(); lo != 4 || hi != 6 || !slices.Equal(lrs, []float64{0.1}) {
		t.Errorf("layer [%d, %d), learning rates %v: want the last shared matrix [4, 6) and train.learning_rate 0.1", lo, hi, lrs)
	}
	grad := [][]float64{make([]float64, 6), make([]float64, 6)}
	s := NewStep(2, [2][2]int{{0, 6}, {6, 6}})
	s.Grad = grad
	w := []float64{1, 1}
	m.Weigh(w)
	copy(s.Loss, []float64{1, 1})
	m.Step(w, s)
	grad[0][4], grad[1][5] = 0.34, 1.66
	copy(s.Loss, []float64{0.25, 0.75})
	m.Weigh(w)
	m.Step(w, s)
	near(t, "w_1", g.Weight[0], 1.034*2/2.2, 1e-15)
	near(t, "w_2", g.Weight[1], 1.166*2/2.2, 1e-15)

	m, err = New("gradnorm", sgdSetup(2, map[string]float64{"layer": 0, "lr": 0.5}, &lrs))
	if lo, hi := m.(*GradNorm).Layer(); err != nil || lo != 0 || hi != 4 || lrs[1] != 0.5 {
		t.Errorf("layer 0, lr 0.5: [%d, %d), learning rate %v, %v", lo, hi, lrs[1], err)
	}
	_, err = New("gradnorm", sgdSetup(2, map[string]float64{"layer": 2}, nil))
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "layer" {
		t.Errorf("layer 2 of 2 shared matrices: %v, want a *ParamError on layer", err)
	}
}

// TestStep_Gram: the Gram matrix covers the shared ranges only.
func TestStep_Gram(t *testing.T) {
	s := NewStep(2, [2][2]int{{0, 1}, {2, 3}})
	s.Grad = [][]float64{{1, 5, 2, 5}, {3, 5, -1, 5}}
	got := s.Gram()
	if want := []float64{5, 1, 1, 10}; !slices.Equal(got, want) { // exact: small integers
		t.Errorf("Gram = %v, want %v", got, want)
	}
}

// TestMethods_NoAllocs: after Start, no method allocates in an epoch's
// calls (the trainer's hot loop runs them at every step).
func TestMethods_NoAllocs(t *testing.T) {
	for _, info := range Methods()[1:] {
		m, err := New(info.Name, sgdSetup(3, nil, nil))
		if err != nil {
			t.Fatal(err)
		}
		s := NewStep(3, [2][2]int{{0, 6}, {6, 6}})
		s.Grad = [][]float64{{1, 0, 0.5, 0, 0, 1}, {-1, 1, 0, 2, 0, 0}, {0.2, -1, 1, 0, 1, 0}}
		w, mean := []float64{1, 1, 1}, []float64{0.5, 0.7, 0.2}
		if a := testing.AllocsPerRun(20, func() {
			m.StartEpoch(w)
			for range 3 {
				copy(s.Loss, mean)
				m.Weigh(w)
				m.Step(w, s)
			}
			m.EndEpoch(mean)
		}); a != 0 {
			t.Errorf("%s: %v allocations per epoch", info.Name, a)
		}
	}
}
