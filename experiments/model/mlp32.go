package model

import (
	"fmt"

	"github.com/lossexp/lossexp/internal/kernel"
)

// Workspace32 is Workspace for float32 training (train.precision:
// float32): the activations and deltas of one batch in float32. The
// float32 path supports the ReLU activation (and linear models); its
// products are internal/kernel's Sgemm in every build, OpenBLAS's
// included.
type Workspace32 struct {
	m        *MLP
	maxBatch int
	n        int
	act      [][]float32
	delta    [2][]float32
	wt       []float32
}

// NewWorkspace32 returns a float32 workspace for batches of up to
// maxBatch rows. It panics for an activation other than ReLU in a model
// with hidden layers (the spec refuses it before).
func (m *MLP) NewWorkspace32(maxBatch int) *Workspace32 {
	if maxBatch < 1 {
		panic(fmt.Sprintf("model: maxBatch %d must be positive", maxBatch))
	}
	if m.maxHidden > 0 && m.act != ReLU {
		panic(fmt.Sprintf("model: float32 supports relu hidden layers, not %s", m.act))
	}
	L := len(m.wOff)
	ws := &Workspace32{m: m, maxBatch: maxBatch, n: -1, act: make([][]float32, L)}
	for l := 0; l < L; l++ {
		ws.act[l] = make([]float32, maxBatch*m.sizes[l+1])
	}
	ws.delta[0] = make([]float32, maxBatch*m.maxHidden)
	ws.delta[1] = make([]float32, maxBatch*m.maxHidden)
	ws.wt = make([]float32, m.maxWT)
	return ws
}

func (m *MLP) checkCall32(ws *Workspace32, params, x []float32, n int) {
	if ws.m != m {
		panic("model: workspace belongs to another MLP")
	}
	if n < 0 || n > ws.maxBatch {
		panic(fmt.Sprintf("model: batch of %d rows, workspace holds 0..%d", n, ws.maxBatch))
	}
	if len(params) != m.numParams {
		panic(fmt.Sprintf("model: len(params) = %d, want %d", len(params), m.numParams))
	}
	if len(x) < n*m.sizes[0] {
		panic(fmt.Sprintf("model: len(x) = %d, want at least %d", len(x), n*m.sizes[0]))
	}
}

// Forward32 is Forward in float32.
func (m *MLP) Forward32(ws *Workspace32, params, x []float32, n int) []float32 {
	m.checkCall32(ws, params, x, n)
	ws.n = n
	L := len(m.wOff)
	prev := x
	for l := 0; l < L; l++ {
		in, out := m.sizes[l], m.sizes[l+1]
		wo, bo := m.wOff[l], m.bOff[l]
		w, b := params[wo:wo+in*out], params[bo:bo+out]
		z := ws.act[l][:n*out]
		sgemm(false, n, out, in, prev, in, w, out, z, out) // Z = A·W
		addBiasReLU32(z, n, b, l < L-1)
		prev = z
	}
	return ws.act[L-1][: n*m.sizes[L] : n*m.sizes[L]]
}

// Backward32 is Backward in float32: it overwrites grad with ∂L/∂params
// given dout = ∂L/∂out, after a Forward32 with the same ws, params, x and
// n. It does not allocate.
func (m *MLP) Backward32(ws *Workspace32, params, x, dout []float32, n int, grad []float32) {
	m.checkCall32(ws, params, x, n)
	L := len(m.wOff)
	if len(grad) != m.numParams || ws.n != n || len(dout) < n*m.sizes[L] {
		panic(fmt.Sprintf("model: Backward32: len(grad) = %d (want %d), %d rows after a Forward32 over %d, len(dout) = %d", len(grad), m.numParams, n, ws.n, len(dout)))
	}
	cur := dout[:n*m.sizes[L]]
	next := 0
	for l := L - 1; l >= 0; l-- {
		in, out := m.sizes[l], m.sizes[l+1]
		wo, bo := m.wOff[l], m.bOff[l]
		gw, gb := grad[wo:wo+in*out], grad[bo:bo+out]
		prev := x
		if l > 0 {
			prev = ws.act[l-1]
		}
		sgemm(true, in, out, n, prev, in, cur, out, gw, out) // dW = Aᵀ·δ
		colSums32(gb, cur, n)
		if l == 0 {
			break
		}
		// δ below = (δ·Wᵀ) ⊙ relu'(Z), with W transposed first (the
		// kernel streams rows of its right operand).
		d := ws.delta[next][:n*in]
		next ^= 1
		wt := ws.wt[:in*out]
		transpose32(wt, params[wo:wo+in*out], in, out)
		sgemm(false, n, in, out, cur, out, wt, in, d, in)
		kernel.ReLUMask32(d, ws.act[l-1][:n*in])
		cur = d
	}
}

// sgemm is gemm for float32 with an untransposed b; a zero m, n or k is
// handled here (a zero k gives a zero C).
func sgemm(ta bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	kernel.Sgemm(ta, false, m, n, k, a, lda, b, ldb, c, ldc)
}

// addBiasReLU32 adds b to every row of the n×len(b) matrix z and, with
// relu, applies the ReLU (kernel.BiasReLU32: NaN and -0 kept).
func addBiasReLU32(z []float32, n int, b []float32, relu bool) {
	if relu {
		kernel.BiasReLU32(z[:n*len(b)], n, b)
		return
	}
	w := len(b)
	for i := 0; i < n; i++ {
		row := z[i*w : i*w+w]
		for j, bj := range b {
			row[j] += bj
		}
	}
}

// colSums32 sets dst[j] to the sum of column j of the n×len(dst) matrix
// a, adding rows in order (n = 0 gives 0).
func colSums32(dst, a []float32, n int) {
	w := len(dst)
	clear(dst)
	for i := 0; i < n; i++ {
		for j, v := range a[i*w : i*w+w] {
			dst[j] += v
		}
	}
}

// transpose32 sets dst (c×r) to the transpose of the r×c matrix a.
func transpose32(dst, a []float32, r, c int) {
	for i := 0; i < r; i++ {
		for j, v := range a[i*c : i*c+c] {
			dst[j*r+i] = v
		}
	}
}
