package model

import (
	"math"
	"math/rand/v2"
)

// refForward is a naive triple-loop forward pass, independent of BLAS and of
// the fused loops in the package. It returns the pre-activations z[l] and
// the outputs a[l] of every layer (a[L-1] = z[L-1]: no output activation).
func refForward(m *MLP, params, x []float64, n int) (z, a [][]float64) {
	L := m.NumLayers()
	prev := x[:n*m.sizes[0]]
	for l := 0; l < L; l++ {
		in, out := m.sizes[l], m.sizes[l+1]
		w, b := m.LayerParams(params, l)
		zl := make([]float64, n*out)
		al := make([]float64, n*out)
		for i := 0; i < n; i++ {
			for j := 0; j < out; j++ {
				s := b[j]
				for k := 0; k < in; k++ {
					s += prev[i*in+k] * w[k*out+j]
				}
				zl[i*out+j] = s
				al[i*out+j] = s
				if l < L-1 {
					al[i*out+j] = refAct(m.act, s)
				}
			}
		}
		z, a = append(z, zl), append(a, al)
		prev = al
	}
	return z, a
}

func refAct(act Activation, z float64) float64 {
	switch act {
	case ReLU:
		return math.Max(0, z)
	case Tanh:
		return math.Tanh(z)
	case Sigmoid:
		return 1 / (1 + math.Exp(-z))
	}
	return z
}

func refActDeriv(act Activation, z float64) float64 {
	switch act {
	case ReLU:
		if z > 0 {
			return 1
		}
		return 0
	case Tanh:
		t := math.Tanh(z)
		return 1 - t*t
	case Sigmoid:
		s := 1 / (1 + math.Exp(-z))
		return s * (1 - s)
	}
	return 1
}

// refBackward is a naive backward pass from the pre-activations.
func refBackward(m *MLP, params, x, dout []float64, n int) []float64 {
	z, a := refForward(m, params, x, n)
	L := m.NumLayers()
	grad := make([]float64, m.NumParams())
	delta := append([]float64(nil), dout[:n*m.sizes[L]]...)
	for l := L - 1; l >= 0; l-- {
		in, out := m.sizes[l], m.sizes[l+1]
		prev := x
		if l > 0 {
			prev = a[l-1]
		}
		gw, gb := m.LayerParams(grad, l)
		w, _ := m.LayerParams(params, l)
		for k := 0; k < in; k++ {
			for j := 0; j < out; j++ {
				s := 0.0
				for i := 0; i < n; i++ {
					s += prev[i*in+k] * delta[i*out+j]
				}
				gw[k*out+j] = s
			}
		}
		for j := 0; j < out; j++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += delta[i*out+j]
			}
			gb[j] = s
		}
		if l == 0 {
			break
		}
		nd := make([]float64, n*in)
		for i := 0; i < n; i++ {
			for k := 0; k < in; k++ {
				s := 0.0
				for j := 0; j < out; j++ {
					s += delta[i*out+j] * w[k*out+j]
				}
				nd[i*in+k] = s * refActDeriv(m.act, z[l-1][i*in+k])
			}
		}
		delta = nd
	}
	return grad
}

// minAbsPreact is the smallest |z| over the hidden pre-activations: the
// distance to the nearest ReLU kink.
func minAbsPreact(m *MLP, params, x []float64, n int) float64 {
	z, _ := refForward(m, params, x, n)
	mn := math.Inf(1)
	for _, zl := range z[:len(z)-1] {
		for _, v := range zl {
			mn = math.Min(mn, math.Abs(v))
		}
	}
	return mn
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1)) }

// relErr is max_i |a_i − b_i| / max(1e-300, max_i |b_i|).
func relErr(a, b []float64) float64 {
	num, den := 0.0, 1e-300
	for i := range b {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	return num / den
}
