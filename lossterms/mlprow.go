package lossterms

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// rowMLP is a small fully connected network evaluated one row at a time,
// for every network that lives inside a term: the discriminator of the
// adversarial term, the adversary of adversarial_debias, the aux head
// and the frozen feature extractor of the perceptual term. Unlike model.MLP it gives the gradient with respect to its input.
//
// Sizes are [in, h1, ..., hL, out]; hidden layers apply act, the last
// layer none. The parameters are one flat slice in model.MLP's layout:
// the weight matrices W_0 … W_L in order (W_l is sizes[l]×sizes[l+1],
// row-major, so W_l[i*out+j] connects input i to output j), then the
// biases b_0 … b_L. A rowMLP holds one row's activations and deltas, so
// it belongs to one goroutine; after newRowMLP it does not allocate.
type rowMLP struct {
	sizes      []int
	act        string // "relu", "tanh", "sigmoid" or "identity"
	wOff, bOff []int
	nParams    int
	a          [][]float64 // a[l]: output of layer l (post-activation for hidden layers)
	d          [][]float64 // d[l]: ∂/∂(pre-activation of layer l)
}

// mlpActivations are the activations a rowMLP knows, as model.Activation
// spells them.
var mlpActivations = []string{"relu", "tanh", "sigmoid", "identity"}

func newRowMLP(sizes []int, act string) (*rowMLP, error) {
	if len(sizes) < 2 {
		return nil, fmt.Errorf("network needs at least 2 layer sizes, got %v", sizes)
	}
	for _, s := range sizes {
		if s < 1 {
			return nil, fmt.Errorf("network layer sizes must be positive, got %v", sizes)
		}
	}
	ok := false
	for _, a := range mlpActivations {
		ok = ok || a == act
	}
	if !ok {
		return nil, fmt.Errorf("unknown activation %q (valid: %s)", act, strings.Join(mlpActivations, ", "))
	}
	L := len(sizes) - 1
	m := &rowMLP{sizes: append([]int(nil), sizes...), act: act, wOff: make([]int, L), bOff: make([]int, L),
		a: make([][]float64, L), d: make([][]float64, L)}
	off := 0
	for l := range L {
		m.wOff[l] = off
		off += sizes[l] * sizes[l+1]
		m.a[l] = make([]float64, sizes[l+1])
		m.d[l] = make([]float64, sizes[l+1])
	}
	for l := range L {
		m.bOff[l] = off
		off += sizes[l+1]
	}
	m.nParams = off
	return m, nil
}

// layers returns the number of weight layers.
func (m *rowMLP) layers() int { return len(m.sizes) - 1 }

// initGlorot overwrites p with Glorot-uniform weights U(±√(6/(in+out)))
// drawn layer by layer in row-major order, and zero biases.
func (m *rowMLP) initGlorot(p []float64, rng *rand.Rand) {
	clear(p)
	for l := range m.layers() {
		in, out := m.sizes[l], m.sizes[l+1]
		lim := math.Sqrt(6 / float64(in+out))
		for i := range in * out {
			p[m.wOff[l]+i] = lim * (2*rng.Float64() - 1)
		}
	}
}

// forward evaluates layers 0..upto on the row x (len sizes[0]) and returns
// a[upto], a view valid until the next call.
func (m *rowMLP) forward(p, x []float64, upto int) []float64 {
	prev := x
	for l := 0; l <= upto; l++ {
		in, out := m.sizes[l], m.sizes[l+1]
		w, z := p[m.wOff[l]:m.wOff[l]+in*out], m.a[l]
		copy(z, p[m.bOff[l]:m.bOff[l]+out])
		for i, v := range prev {
			row := w[i*out : (i+1)*out]
			for j, wij := range row {
				z[j] += v * wij
			}
		}
		if l < m.layers()-1 {
			m.activate(z)
		}
		prev = z
	}
	return m.a[upto]
}

func (m *rowMLP) activate(z []float64) {
	switch m.act {
	case "relu":
		for j, v := range z {
			z[j] = max(v, 0)
		}
	case "tanh":
		for j, v := range z {
			z[j] = math.Tanh(v)
		}
	case "sigmoid":
		for j, v := range z {
			z[j] = sigmoid(v)
		}
	}
}

// derivative multiplies g by act'(z) expressed through a = act(z).
func (m *rowMLP) derivative(g, a []float64) {
	switch m.act {
	case "relu":
		for j, v := range a {
			if v <= 0 {
				g[j] = 0
			}
		}
	case "tanh":
		for j, v := range a {
			g[j] *= 1 - v*v
		}
	case "sigmoid":
		for j, v := range a {
			g[j] *= v * (1 - v)
		}
	}
}

// backward follows forward(p, x, upto). Given dout = ∂f/∂a[upto], it adds
// sx·∂f/∂x to dx (when dx is not nil) and ∂f/∂p to dp (when dp is not
// nil). dout may alias nothing of m.
func (m *rowMLP) backward(p, x []float64, upto int, dout, dx []float64, sx float64, dp []float64) {
	g := m.d[upto]
	copy(g, dout)
	if upto < m.layers()-1 {
		m.derivative(g, m.a[upto])
	}
	for l := upto; l >= 0; l-- {
		in, out := m.sizes[l], m.sizes[l+1]
		w := p[m.wOff[l] : m.wOff[l]+in*out]
		prev := x
		if l > 0 {
			prev = m.a[l-1]
		}
		if dp != nil {
			dw, db := dp[m.wOff[l]:m.wOff[l]+in*out], dp[m.bOff[l]:m.bOff[l]+out]
			for i, v := range prev {
				row := dw[i*out : (i+1)*out]
				for j, gj := range g {
					row[j] += v * gj
				}
			}
			for j, gj := range g {
				db[j] += gj
			}
		}
		if l == 0 {
			if dx != nil {
				for i := range in {
					var s float64
					for j, wij := range w[i*out : (i+1)*out] {
						s += wij * g[j]
					}
					dx[i] += sx * s
				}
			}
			break
		}
		gp := m.d[l-1]
		for i := range in {
			var s float64
			for j, wij := range w[i*out : (i+1)*out] {
				s += wij * g[j]
			}
			gp[i] = s
		}
		m.derivative(gp, m.a[l-1])
		g = gp
	}
}
