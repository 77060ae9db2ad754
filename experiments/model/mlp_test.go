package model

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

func TestParseActivation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Activation
		err  bool
	}{
		{"relu", ReLU, false},
		{"tanh", Tanh, false},
		{"sigmoid", Sigmoid, false},
		{"ReLU", 0, true},
		{"identity", 0, true},
		{"", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseActivation(tc.in)
			if tc.err {
				if err == nil || !strings.Contains(err.Error(), "relu, tanh, sigmoid") {
					t.Fatalf("ParseActivation(%q) error = %v, want one listing the valid names", tc.in, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseActivation(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
			if got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
	if Identity.String() != "identity" {
		t.Errorf("Identity.String() = %q", Identity.String())
	}
}

func TestNew_Panics(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int
		act   Activation
	}{
		{"nil", nil, ReLU},
		{"one size", []int{3}, ReLU},
		{"zero width", []int{3, 0, 2}, ReLU},
		{"negative", []int{-1, 2}, ReLU},
		{"bad activation", []int{3, 2}, Activation(42)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "model: ") {
					t.Fatalf("New(%v) panic = %v, want a \"model: \" message", tc.sizes, r)
				}
			}()
			New(tc.sizes, tc.act)
		})
	}
}

func TestMLP_Layout(t *testing.T) {
	m := New([]int{3, 4, 2}, ReLU)
	if got, want := m.NumWeights(), 3*4+4*2; got != want {
		t.Fatalf("NumWeights = %d, want %d", got, want)
	}
	if got, want := m.NumParams(), 3*4+4*2+4+2; got != want {
		t.Fatalf("NumParams = %d, want %d", got, want)
	}
	sz := m.Sizes()
	sz[0] = 99 // Sizes returns a copy
	if !slices.Equal(m.Sizes(), []int{3, 4, 2}) {
		t.Fatalf("Sizes = %v after modifying the returned slice", m.Sizes())
	}
	p := make([]float64, m.NumParams())
	for i := range p {
		p[i] = float64(i)
	}
	w0, b0 := m.LayerParams(p, 0)
	w1, b1 := m.LayerParams(p, 1)
	// Weights first, layer by layer, then biases. Exact: small integers.
	if w0[0] != 0 || len(w0) != 12 || w1[0] != 12 || len(w1) != 8 ||
		b0[0] != 20 || len(b0) != 4 || b1[0] != 24 || len(b1) != 2 {
		t.Fatalf("layout: w0=%v w1=%v b0=%v b1=%v", w0, w1, b0, b1)
	}
	if cap(w0) != len(w0) || cap(b0) != len(b0) {
		t.Errorf("LayerParams views must end at their capacity")
	}
}

// TestForward_Hand checks a 2-2-1 network against values worked out by hand.
func TestForward_Hand(t *testing.T) {
	m := New([]int{2, 2, 1}, ReLU)
	// W0 = [[1, -1], [2, 0.5]] (in×out), W1 = [[3], [-2]], b0 = [0.5, -1], b1 = [0.25].
	params := []float64{1, -1, 2, 0.5, 3, -2, 0.5, -1, 0.25}
	x := []float64{
		1, 2, // z0 = [1+4+0.5, -1+1-1] = [5.5, -1] -> relu [5.5, 0]; out = 16.5+0.25
		-1, 1, // z0 = [-1+2+0.5, 1+0.5-1] = [1.5, 0.5]; out = 4.5-1+0.25
	}
	want := []float64{16.75, 3.75}
	wantH := []float64{5.5, 0, 1.5, 0.5}
	ws := m.NewWorkspace(4)
	got := m.Forward(ws, params, x, 2)
	// Small binary fractions: every step is exact, so == is safe here.
	if !slices.Equal(got, want) {
		t.Errorf("Forward = %v, want %v", got, want)
	}
	if h := ws.Hidden(0); !slices.Equal(h, wantH) {
		t.Errorf("Hidden(0) = %v, want %v", h, wantH)
	}

	mt := New([]int{2, 2, 1}, Tanh)
	got = mt.Forward(mt.NewWorkspace(1), params, x[:2], 1)
	wantT := 3*math.Tanh(5.5) - 2*math.Tanh(-1) + 0.25
	if math.Abs(got[0]-wantT) > 1e-14 {
		t.Errorf("tanh Forward = %.17g, want %.17g", got[0], wantT)
	}
}

type netCase struct {
	name  string
	sizes []int
	act   Activation
	n     int
}

func gradCases() []netCase {
	var cs []netCase
	for _, n := range []int{1, 5} {
		cs = append(cs, netCase{"linear", []int{4, 3}, ReLU, n})
		cs = append(cs, netCase{"linear-1out", []int{6, 1}, Tanh, n})
		for _, act := range []Activation{ReLU, Tanh, Sigmoid, Identity} {
			cs = append(cs,
				netCase{act.String() + "-1hidden", []int{4, 7, 3}, act, n},
				netCase{act.String() + "-3hidden", []int{3, 6, 5, 4, 2}, act, n})
		}
	}
	for i := range cs {
		cs[i].name += fmt.Sprintf("/n=%d", cs[i].n)
	}
	return cs
}

// setupCase draws params, x and c for a case. For ReLU it redraws until no
// hidden pre-activation lies within 1e-3 of the kink: the finite-difference
// step 1e-6 then never crosses it, and the function is smooth where checked.
func setupCase(t *testing.T, m *MLP, n int, seed uint64) (params, x, c []float64) {
	t.Helper()
	for try := uint64(0); try < 1000; try++ {
		params = make([]float64, m.NumParams())
		m.Init(params, newRand(seed+1000*try))
		// Non-zero biases, so their gradient paths are exercised.
		for i := m.NumWeights(); i < len(params); i++ {
			params[i] = 0.3 * float64(i%5-2)
		}
		x = gradcheck.Random(seed+1000*try+1, n*m.In(), -1, 1)
		c = gradcheck.Random(seed+1000*try+2, n*m.Out(), -1, 1)
		if m.act != ReLU || minAbsPreact(m, params, x, n) > 1e-3 {
			return params, x, c
		}
	}
	t.Fatal("no draw without near-kink pre-activations")
	return nil, nil, nil
}

// TestBackward_Gradcheck checks ∂(Σ c_ij·out_ij)/∂params against central
// differences, at the shared default tolerance (gradcheck.Tol = 1e-6).
func TestBackward_Gradcheck(t *testing.T) {
	for i, tc := range gradCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := New(tc.sizes, tc.act)
			params, x, c := setupCase(t, m, tc.n, uint64(10*i))
			ws := m.NewWorkspace(tc.n + 2)
			f := func(p []float64) float64 {
				out := m.Forward(ws, p, x, tc.n)
				s := 0.0
				for j, v := range out {
					s += c[j] * v
				}
				return s
			}
			xc, cc := slices.Clone(x), slices.Clone(c)
			grad := func(dst, p []float64) {
				m.Forward(ws, p, x, tc.n)
				m.Backward(ws, p, x, c, tc.n, dst)
			}
			gradcheck.Check(t, f, grad, params, gradcheck.Tol)
			// Bit identity is the point: Backward must not touch its inputs.
			if !slices.Equal(x, xc) || !slices.Equal(c, cc) {
				t.Errorf("Backward modified x or dout")
			}
		})
	}
}

// TestBackwardHidden_Gradcheck checks a loss that reads the hidden layers:
// L = Σ c·out + Σ_l Σ e_l·Hidden(l)², with and without the output part.
func TestBackwardHidden_Gradcheck(t *testing.T) {
	for i, tc := range []netCase{
		{"tanh-3hidden", []int{3, 6, 5, 4, 2}, Tanh, 5},
		{"sigmoid-2hidden", []int{4, 5, 3, 2}, Sigmoid, 3},
		{"relu-3hidden", []int{3, 6, 5, 4, 2}, ReLU, 4},
		{"relu-1hidden-n1", []int{4, 7, 3}, ReLU, 1},
	} {
		for _, withOut := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/out=%v", tc.name, withOut), func(t *testing.T) {
				m := New(tc.sizes, tc.act)
				params, x, c := setupCase(t, m, tc.n, uint64(100+10*i))
				nh := m.NumLayers() - 1
				e := make([][]float64, nh)
				for l := range e {
					if l == 1 {
						continue // a nil entry: this layer does not enter the loss
					}
					e[l] = gradcheck.Random(uint64(7+l), tc.n*m.sizes[l+1], -1, 1)
				}
				ws := m.NewWorkspace(tc.n)
				f := func(p []float64) float64 {
					out := m.Forward(ws, p, x, tc.n)
					s := 0.0
					if withOut {
						for j, v := range out {
							s += c[j] * v
						}
					}
					for l := range e {
						for j, h := range ws.Hidden(l) {
							if e[l] != nil {
								s += e[l][j] * h * h
							}
						}
					}
					return s
				}
				dh := make([][]float64, nh)
				grad := func(dst, p []float64) {
					m.Forward(ws, p, x, tc.n)
					for l := range e {
						if e[l] == nil {
							continue
						}
						h := ws.Hidden(l)
						dh[l] = make([]float64, len(h))
						for j := range h {
							dh[l][j] = 2 * e[l][j] * h[j]
						}
					}
					dout := c
					if !withOut {
						dout = nil
					}
					m.BackwardHidden(ws, p, x, dout, dh, tc.n, dst)
				}
				gradcheck.Check(t, f, grad, params, gradcheck.Tol)
			})
		}
	}
}

// TestForwardBackward_Reference compares with the naive reference on shapes
// that take every path: widths that are not multiples of 8 or 4 (the
// kernel's masked column tails), batches that are not multiples of 4 (rows
// left to the loops), and, in an openblas build, products both below and
// above smallGemm (the Go kernel and OpenBLAS). Both sum the same products
// in possibly different orders, so they agree to rounding: 1e-12 relative
// to the largest entry.
func TestForwardBackward_Reference(t *testing.T) {
	for i, tc := range []netCase{
		{"digits", []int{64, 128, 64, 10}, ReLU, 32},
		{"wide-relu", []int{30, 200, 70, 3}, ReLU, 100},
		{"wide-tanh", []int{30, 70, 260, 5}, Tanh, 130},
		{"linear-wide", []int{300, 2}, ReLU, 70},
		{"odd", []int{13, 21, 11, 7}, Sigmoid, 35},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(tc.sizes, tc.act)
			params := make([]float64, m.NumParams())
			m.Init(params, newRand(uint64(i)))
			for j := m.NumWeights(); j < len(params); j++ {
				params[j] = 0.01 * float64(j%7-3)
			}
			x := gradcheck.Random(uint64(i)+50, tc.n*m.In(), -1, 1)
			dout := gradcheck.Random(uint64(i)+60, tc.n*m.Out(), -1, 1)
			ws := m.NewWorkspace(tc.n)
			out := m.Forward(ws, params, x, tc.n)
			_, a := refForward(m, params, x, tc.n)
			if e := relErr(out, a[len(a)-1]); e > 1e-12 {
				t.Errorf("Forward: rel err %.3g", e)
			}
			for l := 0; l < m.NumLayers()-1; l++ {
				if e := relErr(ws.Hidden(l), a[l]); e > 1e-12 {
					t.Errorf("Hidden(%d): rel err %.3g", l, e)
				}
			}
			grad := make([]float64, m.NumParams())
			m.Backward(ws, params, x, dout, tc.n, grad)
			want := refBackward(m, params, x, dout, tc.n)
			for l := 0; l < m.NumLayers(); l++ {
				gw, gb := m.LayerParams(grad, l)
				ww, wb := m.LayerParams(want, l)
				if e := relErr(gw, ww); e > 1e-12 {
					t.Errorf("dW%d: rel err %.3g", l, e)
				}
				if e := relErr(gb, wb); e > 1e-12 {
					t.Errorf("db%d: rel err %.3g", l, e)
				}
			}
		})
	}
}

// TestForwardBackward_ZeroAllocs: the training loop must not allocate.
func TestForwardBackward_ZeroAllocs(t *testing.T) {
	for _, tc := range []netCase{
		{"digits", []int{64, 128, 64, 10}, ReLU, 32},
		{"large", []int{784, 256, 256, 10}, Tanh, 128},
		{"linear", []int{20, 3}, Sigmoid, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(tc.sizes, tc.act)
			params := make([]float64, m.NumParams())
			m.Init(params, newRand(1))
			x := gradcheck.Random(2, tc.n*m.In(), 0, 1)
			dout := gradcheck.Random(3, tc.n*m.Out(), -1, 1)
			grad := make([]float64, m.NumParams())
			ws := m.NewWorkspace(tc.n)
			dh := [][]float64{gradcheck.Random(4, tc.n*tc.sizes[1], -1, 1)}
			if len(tc.sizes) == 2 {
				dh = nil
			}
			allocs := testing.AllocsPerRun(20, func() {
				m.Forward(ws, params, x, tc.n)
				m.Backward(ws, params, x, dout, tc.n, grad)
				m.Forward(ws, params, x, tc.n/2) // a short last batch
				m.BackwardHidden(ws, params, x, dout, dh, tc.n/2, grad)
			})
			if allocs != 0 {
				t.Errorf("%v allocations per Forward+Backward, want 0", allocs)
			}
		})
	}
}

func TestInit(t *testing.T) {
	m := New([]int{400, 300, 200, 10}, ReLU)
	p1 := make([]float64, m.NumParams())
	p2 := make([]float64, m.NumParams())
	for i := range p2 {
		p2[i] = math.NaN() // Init must overwrite everything
	}
	m.Init(p1, newRand(42))
	m.Init(p2, newRand(42))
	// Bit identity is the point: same seed, same parameters.
	for i := range p1 {
		if math.Float64bits(p1[i]) != math.Float64bits(p2[i]) {
			t.Fatalf("Init not deterministic at %d: %v vs %v", i, p1[i], p2[i])
		}
	}
	m.Init(p2, newRand(43))
	if slices.Equal(p1, p2) {
		t.Fatalf("different seeds gave the same parameters")
	}
	for _, v := range p1[m.NumWeights():] {
		if v != 0 { // exact: biases are set, not computed
			t.Fatalf("bias %v, want 0", v)
		}
	}
	// ReLU hidden layers: He-normal, std √(2/fan_in). With 120000 and 60000
	// draws the sample std is within ~0.3% of it; allow 2%.
	for l, fanIn := range []float64{400, 300} {
		w, _ := m.LayerParams(p1, l)
		mean, std := meanStd(w)
		if want := math.Sqrt(2 / fanIn); math.Abs(std/want-1) > 0.02 || math.Abs(mean) > 0.05*want {
			t.Errorf("layer %d: mean %.4g std %.4g, want 0 and %.4g", l, mean, std, want)
		}
	}
	// Output layer: Glorot-uniform on ±√(6/(fan_in+fan_out)).
	checkGlorot(t, m, p1, 2)

	mt := New([]int{400, 300, 10}, Tanh)
	pt := make([]float64, mt.NumParams())
	mt.Init(pt, newRand(1))
	checkGlorot(t, mt, pt, 0)
	checkGlorot(t, mt, pt, 1)
}

func checkGlorot(t *testing.T, m *MLP, params []float64, l int) {
	t.Helper()
	w, _ := m.LayerParams(params, l)
	lim := math.Sqrt(6 / float64(m.sizes[l]+m.sizes[l+1]))
	for _, v := range w {
		if math.Abs(v) > lim {
			t.Fatalf("layer %d: weight %v outside ±%v", l, v, lim)
		}
	}
	// Uniform on ±lim has std lim/√3; 2000+ draws put the sample std within
	// a few percent. Allow 5%.
	_, std := meanStd(w)
	if want := lim / math.Sqrt(3); math.Abs(std/want-1) > 0.05 {
		t.Errorf("layer %d: std %.4g, want %.4g", l, std, want)
	}
}

func meanStd(v []float64) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}

func TestForward_Panics(t *testing.T) {
	m := New([]int{3, 4, 2}, ReLU)
	params := make([]float64, m.NumParams())
	ws := m.NewWorkspace(4)
	x := make([]float64, 5*3)
	grad := make([]float64, m.NumParams())
	other := New([]int{3, 4, 2}, ReLU).NewWorkspace(4)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"batch too large", func() { m.Forward(ws, params, x, 5) }},
		{"short params", func() { m.Forward(ws, params[:3], x, 2) }},
		{"short x", func() { m.Forward(ws, params, x[:5], 2) }},
		{"other workspace", func() { m.Forward(other, params, x, 2) }},
		{"hidden before forward", func() { m.NewWorkspace(2).Hidden(0) }},
		{"hidden out of range", func() { m.Forward(ws, params, x, 2); ws.Hidden(1) }},
		{"backward n mismatch", func() {
			m.Forward(ws, params, x, 2)
			m.Backward(ws, params, x, make([]float64, 6), 3, grad)
		}},
		{"short grad", func() {
			m.Forward(ws, params, x, 2)
			m.Backward(ws, params, x, make([]float64, 4), 2, grad[:1])
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "model: ") {
					t.Fatalf("panic = %v, want a \"model: \" message", r)
				}
			}()
			tc.f()
		})
	}
}

func TestBLASBackend(t *testing.T) {
	want := "pure Go"
	if openblasBuild {
		want = "openblas"
	}
	if got := BLASBackend(); got != want {
		t.Fatalf("BLASBackend() = %q, want %q", got, want)
	}
}

// TestForward_NaN: a NaN input must reach the outputs for every activation,
// so that a diverging run is detected rather than hidden by a ReLU.
func TestForward_NaN(t *testing.T) {
	for _, act := range []Activation{ReLU, Tanh, Sigmoid, Identity} {
		m := New([]int{2, 3, 1}, act)
		params := make([]float64, m.NumParams())
		m.Init(params, newRand(1))
		out := m.Forward(m.NewWorkspace(1), params, []float64{math.NaN(), 1}, 1)
		if !math.IsNaN(out[0]) {
			t.Errorf("%v: Forward of a NaN input = %v, want NaN", act, out[0])
		}
	}
}

// TestBackward_EmptyBatch: zero rows give empty outputs and a zero gradient.
func TestBackward_EmptyBatch(t *testing.T) {
	m := New([]int{3, 4, 2}, Tanh)
	params := make([]float64, m.NumParams())
	m.Init(params, newRand(1))
	ws := m.NewWorkspace(2)
	if out := m.Forward(ws, params, nil, 0); len(out) != 0 {
		t.Fatalf("Forward over 0 rows returned %d values", len(out))
	}
	grad := gradcheck.Random(1, m.NumParams(), -1, 1)
	m.Backward(ws, params, nil, nil, 0, grad)
	for i, g := range grad {
		if g != 0 { // exact: must be cleared
			t.Fatalf("grad[%d] = %v after an empty batch, want 0", i, g)
		}
	}
}

func TestBLASDetail(t *testing.T) {
	d := BLASDetail()
	t.Logf("BLAS: %s", d)
	if openblasBuild && !strings.Contains(d, "OpenBLAS") || d == "" {
		t.Errorf("BLASDetail() = %q", d)
	}
}
