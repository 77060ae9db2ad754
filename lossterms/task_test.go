package lossterms

import (
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

// near reports whether a and b agree to a relative tolerance tol.
func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// checkTaskGrad gradient-checks loss with respect to out at the given point,
// and checks that Loss and LossGrad return bit-identical values.
func checkTaskGrad(t *testing.T, loss TaskLoss, out, y []float64, n, k int) {
	t.Helper()
	f := func(x []float64) float64 { return loss.Loss(x, y, n, k) }
	g := func(dst, x []float64) {
		v := loss.LossGrad(dst, x, y, n, k)
		if w := loss.Loss(x, y, n, k); math.Float64bits(v) != math.Float64bits(w) { // bit identity is the contract
			t.Fatalf("LossGrad value %v != Loss value %v", v, w)
		}
	}
	gradcheck.Check(t, f, g, out, gradcheck.Tol)
}

func TestTaskLoss_Gradients(t *testing.T) {
	// Huber residuals are drawn away from ±δ so finite differences do not
	// straddle the kink.
	huberOut := []float64{0.1, -0.4, 0.7, 2.5, -3.2, 1.8, -1.6, 0.05}
	huberY := make([]float64, len(huberOut)) // residual = out
	cases := []struct {
		name string
		loss TaskLoss
		out  []float64
		y    []float64
		n, k int
	}{
		{"cross_entropy/k=1", CrossEntropy{}, gradcheck.Random(1, 6, -4, 4), []float64{0, 1, 1, 0, 1, 0}, 6, 1},
		{"cross_entropy/k=1/soft", CrossEntropy{}, gradcheck.Random(2, 3, -4, 4), []float64{0.25, 0.5, 1}, 3, 1},
		{"cross_entropy/k=3", CrossEntropy{}, gradcheck.Random(3, 15, -3, 3), []float64{0, 2, 1, 1, 2}, 5, 3},
		{"mse/k=1", MSE{}, gradcheck.Random(4, 7, -2, 2), gradcheck.Random(5, 7, -2, 2), 7, 1},
		{"mse/k=2", MSE{}, gradcheck.Random(6, 6, -2, 2), gradcheck.Random(7, 6, -2, 2), 3, 2},
		{"huber/delta=1", Huber{Delta: 1}, huberOut, huberY, 8, 1},
		{"huber/delta=0.5", Huber{Delta: 0.5}, huberOut, huberY, 4, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkTaskGrad(t, c.loss, c.out, c.y, c.n, c.k)
		})
	}
}

func TestTaskLoss_HandValues(t *testing.T) {
	ln2 := math.Ln2
	cases := []struct {
		name string
		loss TaskLoss
		out  []float64
		y    []float64
		n, k int
		want float64
	}{
		{"bce logit 0 is ln 2", CrossEntropy{}, []float64{0, 0}, []float64{0, 1}, 2, 1, ln2},
		// −log σ(2) = log(1+e^−2); −log(1−σ(2)) = log(1+e^2).
		{"bce logit 2", CrossEntropy{}, []float64{2, 2}, []float64{1, 0}, 2, 1,
			(math.Log(1+math.Exp(-2)) + math.Log(1+math.Exp(2))) / 2},
		{"softmax equal logits is ln K", CrossEntropy{}, []float64{3, 3, 3, 3, -1, -1, -1, -1}, []float64{0, 3}, 2, 4, math.Log(4)},
		// logits (1,2,3), class 2: log(e+e²+e³) − 3.
		{"softmax 1 2 3", CrossEntropy{}, []float64{1, 2, 3}, []float64{2}, 1, 3,
			math.Log(math.E+math.Exp(2)+math.Exp(3)) - 3},
		{"mse", MSE{}, []float64{1, 2, 4}, []float64{0, 2, 2}, 3, 1, (1 + 0 + 4) / 3.0},
		// δ=1: r=0.5 → ½·0.25 = 0.125; r=3 → 1·(3−0.5) = 2.5.
		{"huber r=0.5", Huber{Delta: 1}, []float64{0.5}, []float64{0}, 1, 1, 0.125},
		{"huber r=3", Huber{Delta: 1}, []float64{3}, []float64{0}, 1, 1, 2.5},
		{"huber r=-3", Huber{Delta: 1}, []float64{-1}, []float64{2}, 1, 1, 2.5},
		{"huber mean", Huber{}, []float64{0.5, 3}, []float64{0, 0}, 2, 1, (0.125 + 2.5) / 2},
		{"huber delta 2", Huber{Delta: 2}, []float64{3}, []float64{0}, 1, 1, 2 * (3 - 1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.loss.Loss(c.out, c.y, c.n, c.k)
			if !near(got, c.want, 1e-15) {
				t.Errorf("Loss = %.17g, want %.17g", got, c.want)
			}
		})
	}
}

func TestTaskLoss_HandGradients(t *testing.T) {
	d := make([]float64, 2)
	CrossEntropy{}.LossGrad(d, []float64{0, 0}, []float64{0, 1}, 2, 1)
	// (σ(0) − y)/n = (0.5 − y)/2.
	if !near(d[0], 0.25, 1e-15) || !near(d[1], -0.25, 1e-15) {
		t.Errorf("bce grad = %v, want [0.25 -0.25]", d)
	}
	d3 := make([]float64, 3)
	CrossEntropy{}.LossGrad(d3, []float64{5, 5, 5}, []float64{1}, 1, 3)
	for j, want := range []float64{1.0 / 3, 1.0/3 - 1, 1.0 / 3} {
		if !near(d3[j], want, 1e-15) {
			t.Errorf("softmax grad[%d] = %v, want %v", j, d3[j], want)
		}
	}
	Huber{Delta: 1}.LossGrad(d, []float64{0.5, -3}, []float64{0, 0}, 2, 1)
	if !near(d[0], 0.25, 1e-15) || !near(d[1], -0.5, 1e-15) {
		t.Errorf("huber grad = %v, want [0.25 -0.5]", d)
	}
}

func TestTaskLoss_ExtremeLogits(t *testing.T) {
	cases := []struct {
		name string
		out  []float64
		y    []float64
		n, k int
		want float64 // per-row mean
	}{
		// Right with huge margin: ~0 loss; wrong: loss ≈ |z|.
		{"bce right", []float64{800, -800}, []float64{1, 0}, 2, 1, 0},
		{"bce wrong", []float64{800, -800}, []float64{0, 1}, 2, 1, 800},
		{"softmax right", []float64{800, -800, 0}, []float64{0}, 1, 3, 0},
		{"softmax wrong", []float64{800, -800, 0}, []float64{1}, 1, 3, 1600},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := make([]float64, len(c.out))
			got := CrossEntropy{}.LossGrad(d, c.out, c.y, c.n, c.k)
			if math.IsNaN(got) || math.IsInf(got, 0) || !near(got, c.want, 1e-12) {
				t.Errorf("loss = %v, want %v", got, c.want)
			}
			for i, v := range d {
				if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1 {
					t.Errorf("grad[%d] = %v, want finite in [-1, 1]", i, v)
				}
			}
		})
	}
}

func TestTaskLoss_NoAllocs(t *testing.T) {
	out := gradcheck.Random(8, 12, -3, 3)
	yc := []float64{0, 1, 2, 1}
	yb := []float64{0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0}
	d := make([]float64, 12)
	losses := []struct {
		loss TaskLoss
		y    []float64
		n, k int
	}{
		{CrossEntropy{}, yc, 4, 3}, {CrossEntropy{}, yb, 12, 1}, {MSE{}, out, 12, 1}, {Huber{}, out, 12, 1},
	}
	for _, l := range losses {
		if a := testing.AllocsPerRun(50, func() {
			l.loss.LossGrad(d, out, l.y, l.n, l.k)
			l.loss.Loss(out, l.y, l.n, l.k)
		}); a != 0 {
			t.Errorf("%s k=%d: %v allocs per run, want 0", l.loss.Name(), l.k, a)
		}
	}
}

func TestTaskLoss_BadShapesPanic(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"short out", func() { MSE{}.Loss([]float64{1}, []float64{1, 2}, 2, 1) }},
		{"n zero", func() { MSE{}.Loss(nil, nil, 0, 1) }},
		{"class out of range", func() { CrossEntropy{}.Loss([]float64{1, 2}, []float64{2}, 1, 2) }},
		{"fractional class", func() { CrossEntropy{}.Loss([]float64{1, 2}, []float64{0.5}, 1, 2) }},
		{"binary target 2", func() { CrossEntropy{}.Loss([]float64{1}, []float64{2}, 1, 1) }},
		{"short dout", func() { MSE{}.LossGrad(make([]float64, 1), []float64{1, 2}, []float64{1, 2}, 2, 1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if s, _ := r.(string); !strings.HasPrefix(s, "lossterms: ") {
					t.Errorf("panic %v lacks the package prefix", r)
				}
			}()
			c.f()
		})
	}
}

func TestNewTaskLoss(t *testing.T) {
	for _, info := range TaskLosses() {
		l, err := NewTaskLoss(info.Name, 0)
		if err != nil {
			t.Fatalf("NewTaskLoss(%q): %v", info.Name, err)
		}
		if l.Name() != info.Name {
			t.Errorf("NewTaskLoss(%q).Name() = %q", info.Name, l.Name())
		}
	}
	if l, _ := NewTaskLoss("huber", 2.5); l.(Huber).Delta != 2.5 {
		t.Errorf("huber delta not passed through: %+v", l)
	}
	_, err := NewTaskLoss("hinge", 0)
	if err == nil || !strings.Contains(err.Error(), "cross_entropy, mse, huber") {
		t.Errorf("unknown task loss error = %v, want the valid names listed", err)
	}
	for _, d := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := NewTaskLoss("huber", d); err == nil {
			t.Errorf("huber delta %v accepted", d)
		}
	}
}
