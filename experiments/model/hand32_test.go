package model

import (
	"math"
	"slices"
	"testing"
)

// TestForwardBackward_HandBothPrecisions: the 2-2-1 ReLU network of
// TestForward_Hand, forward and backward, in float64 (Workspace) and
// float32 (Workspace32), against values worked out by hand. Every value
// is a small binary fraction, so each step is exact in both precisions
// and == is safe. W0 = [[1, −1], [2, 0.5]] (in×out), W1 = [[3], [−2]],
// b0 = [0.5, −1], b1 = [0.25]; rows x = (1, 2) and (−1, 1):
//
//	z0 = (5.5, −1), (1.5, 0.5); h = (5.5, 0), (1.5, 0.5); out = 16.75, 3.75.
//
// With dout = (1, 0.5): dW1 = 5.5·1 + 1.5·0.5 = 6.25, 0·1 + 0.5·0.5 = 0.25;
// db1 = 1.5; δh = dout·W1ᵀ masked by z0 > 0: (3, 0), (1.5, −1);
// dW0 = Σ x ⊗ δh: row 0 1·(3, 0) − 1·(1.5, −1) = (1.5, 1), row 1
// 2·(3, 0) + 1·(1.5, −1) = (7.5, −1); db0 = (4.5, −1).
func TestForwardBackward_HandBothPrecisions(t *testing.T) {
	m := New([]int{2, 2, 1}, ReLU)
	params := []float64{1, -1, 2, 0.5, 3, -2, 0.5, -1, 0.25}
	x := []float64{1, 2, -1, 1}
	dout := []float64{1, 0.5}
	wantOut := []float64{16.75, 3.75}
	wantH := []float64{5.5, 0, 1.5, 0.5}
	wantGrad := []float64{1.5, 1, 7.5, -1, 6.25, 0.25, 4.5, -1, 1.5}

	ws := m.NewWorkspace(2)
	if out := m.Forward(ws, params, x, 2); !slices.Equal(out, wantOut) {
		t.Errorf("Forward = %v, want %v", out, wantOut)
	}
	g := []float64{9, 9, 9, 9, 9, 9, 9, 9, 9} // garbage: Backward overwrites
	m.Backward(ws, params, x, dout, 2, g)
	if !slices.Equal(g, wantGrad) {
		t.Errorf("Backward = %v, want %v", g, wantGrad)
	}

	ws32 := m.NewWorkspace32(2)
	out32 := m.Forward32(ws32, f32s(params), f32s(x), 2)
	if !slices.Equal(out32, f32s(wantOut)) {
		t.Errorf("Forward32 = %v, want %v", out32, wantOut)
	}
	if h := ws32.Hidden(0); !slices.Equal(h, f32s(wantH)) {
		t.Errorf("Workspace32 Hidden(0) = %v, want %v", h, wantH)
	}
	g32 := f32s([]float64{9, 9, 9, 9, 9, 9, 9, 9, 9})
	m.Backward32(ws32, f32s(params), f32s(x), f32s(dout), 2, g32)
	if !slices.Equal(g32, f32s(wantGrad)) {
		t.Errorf("Backward32 = %v, want %v", g32, wantGrad)
	}
}

// TestForward_HandSigmoidIdentity: the 2-2-1 network of TestForward_Hand
// with the two activations it does not work out, on the row x = (1, 2)
// (z0 = (5.5, −1)): identity 3·5.5 − 2·(−1) + 0.25 = 18.75 (exact);
// sigmoid 3σ(5.5) − 2σ(−1) + 0.25, σ(z) = 1/(1 + e^−z).
func TestForward_HandSigmoidIdentity(t *testing.T) {
	params := []float64{1, -1, 2, 0.5, 3, -2, 0.5, -1, 0.25}
	x := []float64{1, 2}
	mi := New([]int{2, 2, 1}, Identity)
	if got := mi.Forward(mi.NewWorkspace(1), params, x, 1); got[0] != 18.75 {
		t.Errorf("identity Forward = %v, want 18.75", got[0])
	}
	sig := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	ms := New([]int{2, 2, 1}, Sigmoid)
	want := 3*sig(5.5) - 2*sig(-1) + 0.25
	if got := ms.Forward(ms.NewWorkspace(1), params, x, 1); math.Abs(got[0]-want) > 1e-14 {
		t.Errorf("sigmoid Forward = %.17g, want %.17g", got[0], want)
	}
}
