package model

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// MLP is a fully connected network with sizes [in, h1, ..., hL, out]: L
// hidden layers followed by an output layer with no activation. A linear
// model is sizes = [in, out].
//
// An MLP holds only the architecture: the parameters live in one external
// flat slice of length NumParams (see the package documentation for the
// layout), and per-batch buffers live in a Workspace. One MLP value may be
// shared by goroutines; a Workspace may not.
type MLP struct {
	sizes      []int
	act        Activation
	wOff, bOff []int // offset of layer l's weights and biases in params
	numWeights int
	numParams  int
	maxHidden  int // widest hidden layer (0 for a linear model)
	maxWT      int // largest in×out of all layers (transpose buffers)
	flops      int // floating-point operations of one Forward+Backward, per row
}

// New returns an MLP with the given layer sizes and hidden activation. It
// panics if there are fewer than two sizes, a size is not positive or act is
// not a known Activation: these are programmer errors, a spec is validated
// before it gets here.
func New(sizes []int, act Activation) *MLP {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("model: need at least 2 layer sizes (in, out), got %v", sizes))
	}
	for i, s := range sizes {
		if s < 1 {
			panic(fmt.Sprintf("model: layer size %d is %d, must be positive (sizes %v)", i, s, sizes))
		}
	}
	if !act.valid() {
		panic(fmt.Sprintf("model: invalid activation %d", int(act)))
	}
	L := len(sizes) - 1
	m := &MLP{
		sizes: append([]int(nil), sizes...),
		act:   act,
		wOff:  make([]int, L),
		bOff:  make([]int, L),
	}
	off := 0
	for l := 0; l < L; l++ {
		m.wOff[l] = off
		off += sizes[l] * sizes[l+1]
		m.maxWT = max(m.maxWT, sizes[l]*sizes[l+1])
		if l >= 1 {
			m.flops += 6 * sizes[l] * sizes[l+1] // forward, dW, dX
		} else {
			m.flops += 4 * sizes[l] * sizes[l+1] // forward, dW: no dX for the input
		}
	}
	m.numWeights = off
	for l := 0; l < L; l++ {
		m.bOff[l] = off
		off += sizes[l+1]
	}
	m.numParams = off
	for _, h := range sizes[1:L] {
		m.maxHidden = max(m.maxHidden, h)
	}
	return m
}

// Sizes returns a copy of the layer sizes [in, h1, ..., out].
func (m *MLP) Sizes() []int { return append([]int(nil), m.sizes...) }

// Activation returns the hidden-layer activation.
func (m *MLP) Activation() Activation { return m.act }

// NumLayers returns the number of weight layers (hidden layers + 1).
func (m *MLP) NumLayers() int { return len(m.sizes) - 1 }

// NumParams returns the length of the flat parameter slice.
func (m *MLP) NumParams() int { return m.numParams }

// NumWeights returns the number of weights: params[:NumWeights()] are the
// weight matrices, params[NumWeights():] the biases.
func (m *MLP) NumWeights() int { return m.numWeights }

// In returns the number of inputs; Out the number of outputs.
func (m *MLP) In() int  { return m.sizes[0] }
func (m *MLP) Out() int { return m.sizes[len(m.sizes)-1] }

// FLOPs returns the floating-point operations of the matrix products of one
// Forward and Backward over n rows (element-wise work not counted).
func (m *MLP) FLOPs(n int) int { return m.flops * n }

// LayerParams returns views into params of layer l's weights w (a
// sizes[l]×sizes[l+1] row-major matrix) and biases b (length sizes[l+1]).
// Their capacity ends with them, so an append cannot spill into a neighbour.
func (m *MLP) LayerParams(params []float64, l int) (w, b []float64) {
	checkLen("params", params, m.numParams)
	if l < 0 || l >= len(m.wOff) {
		panic(fmt.Sprintf("model: layer %d out of range [0, %d)", l, len(m.wOff)))
	}
	in, out := m.sizes[l], m.sizes[l+1]
	wo, bo := m.wOff[l], m.bOff[l]
	return params[wo : wo+in*out : wo+in*out], params[bo : bo+out : bo+out]
}

// Init overwrites params with fresh initial values drawn from rng: hidden
// layers with ReLU get He-normal weights N(0, 2/fan_in); hidden layers with
// tanh, sigmoid or identity, and the output layer, get Glorot-uniform
// weights U(±√(6/(fan_in+fan_out))). Biases are 0. The draws are made layer
// by layer in row-major order, so params is a pure function of the state of
// rng.
func (m *MLP) Init(params []float64, rng *rand.Rand) {
	checkLen("params", params, m.numParams)
	L := len(m.wOff)
	for l := 0; l < L; l++ {
		w, b := m.LayerParams(params, l)
		in, out := float64(m.sizes[l]), float64(m.sizes[l+1])
		if l < L-1 && m.act == ReLU {
			std := math.Sqrt(2 / in)
			for i := range w {
				w[i] = std * rng.NormFloat64()
			}
		} else {
			lim := math.Sqrt(6 / (in + out))
			for i := range w {
				w[i] = lim * (2*rng.Float64() - 1)
			}
		}
		clear(b)
	}
}

func checkLen[T Float](name string, s []T, want int) {
	if len(s) != want {
		panic(fmt.Sprintf("model: len(%s) = %d, want %d", name, len(s), want))
	}
}

// Float is the element type of a training precision: float64 (the
// default) or float32 (train.precision: float32).
type Float interface{ float32 | float64 }

// WorkspaceOf holds the activations and back-propagated deltas of one batch
// of up to a fixed number of rows in precision T, so that Forward and
// Backward do not allocate. A workspace belongs to the MLP that made it and
// to one goroutine. Workspace (float64) and Workspace32 (float32) are its
// two instances; the kernels of its precision (ops) are chosen when it is
// made.
type WorkspaceOf[T Float] struct {
	m        *MLP
	ops      ops[T]
	maxBatch int
	n        int   // rows of the last Forward; -1 before the first
	act      [][]T // act[l]: output of layer l, post-activation for hidden layers, raw for the last
	delta    [2][]T
	wt       []T // transpose of one weight matrix (see ops.transposeB)
}

// Workspace is the float64 workspace (see WorkspaceOf).
type Workspace = WorkspaceOf[float64]

// Workspace32 is the float32 workspace (train.precision: float32). The
// float32 path supports the ReLU activation (and linear models); its
// products are internal/kernel's Sgemm in every build, OpenBLAS's
// included.
type Workspace32 = WorkspaceOf[float32]

// NewWorkspace returns a workspace for batches of up to maxBatch rows.
func (m *MLP) NewWorkspace(maxBatch int) *Workspace { return newWorkspace[float64](m, maxBatch) }

// NewWorkspace32 returns a float32 workspace for batches of up to
// maxBatch rows. It panics for an activation other than ReLU in a model
// with hidden layers (the spec refuses it before).
func (m *MLP) NewWorkspace32(maxBatch int) *Workspace32 {
	if m.maxHidden > 0 && m.act != ReLU {
		panic(fmt.Sprintf("model: float32 supports relu hidden layers, not %s", m.act))
	}
	return newWorkspace[float32](m, maxBatch)
}

func newWorkspace[T Float](m *MLP, maxBatch int) *WorkspaceOf[T] {
	if maxBatch < 1 {
		panic(fmt.Sprintf("model: maxBatch %d must be positive", maxBatch))
	}
	L := len(m.wOff)
	ws := &WorkspaceOf[T]{m: m, ops: opsFor[T](), maxBatch: maxBatch, n: -1, act: make([][]T, L)}
	for l := 0; l < L; l++ {
		ws.act[l] = make([]T, maxBatch*m.sizes[l+1])
	}
	ws.delta[0] = make([]T, maxBatch*m.maxHidden)
	ws.delta[1] = make([]T, maxBatch*m.maxHidden)
	ws.wt = make([]T, m.maxWT)
	return ws
}

// MaxBatch returns the largest batch the workspace holds.
func (ws *WorkspaceOf[T]) MaxBatch() int { return ws.maxBatch }

// Hidden returns the post-activation output of hidden layer l (0-based), an
// n×sizes[l+1] row-major view valid until the next Forward with ws. It
// panics before the first Forward or if l is not a hidden layer.
func (ws *WorkspaceOf[T]) Hidden(l int) []T {
	if l < 0 || l >= len(ws.act)-1 {
		panic(fmt.Sprintf("model: hidden layer %d out of range [0, %d)", l, len(ws.act)-1))
	}
	if ws.n < 0 {
		panic("model: Hidden called before Forward")
	}
	w := ws.m.sizes[l+1]
	return ws.act[l][: ws.n*w : ws.n*w]
}

func checkCall[T Float](m *MLP, ws *WorkspaceOf[T], params, x []T, n int) {
	if ws.m != m {
		panic("model: workspace belongs to another MLP")
	}
	if n < 0 || n > ws.maxBatch {
		panic(fmt.Sprintf("model: batch of %d rows, workspace holds 0..%d", n, ws.maxBatch))
	}
	checkLen("params", params, m.numParams)
	if len(x) < n*m.sizes[0] {
		panic(fmt.Sprintf("model: len(x) = %d, want at least %d (%d rows × %d inputs)", len(x), n*m.sizes[0], n, m.sizes[0]))
	}
}

// Forward computes the outputs for the n rows of x (n×in, row-major) and
// returns them as an n×out row-major matrix of raw outputs (logits or
// regression values: no final activation). The result is a view into ws,
// valid until the next Forward with ws. Forward panics if n exceeds the
// workspace's maxBatch or a slice has the wrong length. It does not modify
// params or x and does not allocate.
func (m *MLP) Forward(ws *Workspace, params, x []float64, n int) []float64 {
	return forward(m, ws, params, x, n)
}

// Forward32 is Forward in float32.
func (m *MLP) Forward32(ws *Workspace32, params, x []float32, n int) []float32 {
	return forward(m, ws, params, x, n)
}

func forward[T Float](m *MLP, ws *WorkspaceOf[T], params, x []T, n int) []T {
	checkCall(m, ws, params, x, n)
	ws.n = n
	L := len(m.wOff)
	prev := x
	for l := 0; l < L; l++ {
		in, out := m.sizes[l], m.sizes[l+1]
		wo, bo := m.wOff[l], m.bOff[l]
		w, b := params[wo:wo+in*out], params[bo:bo+out]
		z := ws.act[l][:n*out]
		ws.ops.gemm(false, false, n, out, in, prev, in, w, out, z, out) // Z = A·W
		if l < L-1 {
			ws.ops.biasActivate(m.act, z, n, b)
		} else {
			addBias(z, n, b)
		}
		prev = z
	}
	return ws.act[L-1][: n*m.sizes[L] : n*m.sizes[L]]
}

// Backward overwrites grad (length NumParams) with ∂L/∂params, given
// dout = ∂L/∂out (n×out, row-major). It must follow a Forward with the same
// ws, params, x and n, whose activations it reuses. It does not modify
// params, x or dout and does not allocate.
func (m *MLP) Backward(ws *Workspace, params, x, dout []float64, n int, grad []float64) {
	backward(m, ws, params, x, dout, nil, n, grad)
}

// Backward32 is Backward in float32, after a Forward32.
func (m *MLP) Backward32(ws *Workspace32, params, x, dout []float32, n int, grad []float32) {
	backward(m, ws, params, x, dout, nil, n, grad)
}

// BackwardHidden is Backward for a loss that also depends on the hidden
// layers: dhidden[l], if not nil, is ∂L/∂Hidden(l) (n×sizes[l+1]) and is
// added to what flows back from above. dhidden may be shorter than the
// number of hidden layers (missing entries are zero), and dout may be nil
// (the loss does not depend on the outputs). Nothing passed is modified.
// The dhidden slices must not alias the workspace (write ∂L/∂Hidden(l) to
// a buffer of your own, not into the Hidden(l) view): Backward still reads
// the activations.
func (m *MLP) BackwardHidden(ws *Workspace, params, x, dout []float64, dhidden [][]float64, n int, grad []float64) {
	backward(m, ws, params, x, dout, dhidden, n, grad)
}

// hiddenGrad returns the first rows of dhidden[l] (nil: none given).
func hiddenGrad[T Float](dhidden [][]T, l, rows int) []T {
	if l >= len(dhidden) || dhidden[l] == nil {
		return nil
	}
	dh := dhidden[l]
	if len(dh) < rows {
		panic(fmt.Sprintf("model: len(dhidden[%d]) = %d, want at least %d", l, len(dh), rows))
	}
	return dh[:rows]
}

// deltaBelow sets d (n×in) to ∂L/∂A of the layer below weights w (in×out):
// cur·Wᵀ (cur nil: zero) plus dh (nil: zero).
func deltaBelow[T Float](ws *WorkspaceOf[T], d, cur, w, dh []T, n, in, out int) {
	switch {
	case cur == nil:
		copy(d, dh)
	case !ws.ops.transposeB(n, in, out):
		ws.ops.gemm(false, true, n, in, out, cur, out, w, out, d, in)
	default:
		// δ·Wᵀ as δ·(Wᵀ): the pure-Go kernel streams rows of its
		// right operand, so W is transposed first (in·out copies
		// against n·in·out multiply-adds).
		wt := ws.wt[:in*out]
		ws.ops.transpose(wt, w, in, out)
		ws.ops.gemm(false, false, n, in, out, cur, out, wt, in, d, in)
	}
	if dh != nil && cur != nil {
		for i, v := range dh {
			d[i] += v
		}
	}
}

func backward[T Float](m *MLP, ws *WorkspaceOf[T], params, x, dout []T, dhidden [][]T, n int, grad []T) {
	checkCall(m, ws, params, x, n)
	checkLen("grad", grad, m.numParams)
	if ws.n != n {
		panic(fmt.Sprintf("model: Backward over %d rows after a Forward over %d", n, ws.n))
	}
	L := len(m.wOff)
	if dout != nil && len(dout) < n*m.sizes[L] {
		panic(fmt.Sprintf("model: len(dout) = %d, want at least %d", len(dout), n*m.sizes[L]))
	}
	if len(dhidden) > L-1 {
		panic(fmt.Sprintf("model: %d hidden gradients for %d hidden layers", len(dhidden), L-1))
	}
	// cur is ∂L/∂Z of layer l (n×out, pre-activation), nil when zero. It is
	// dout for the output layer, then one of the two delta buffers in turn.
	cur := dout
	if cur != nil {
		cur = cur[:n*m.sizes[L]]
	}
	next := 0
	for l := L - 1; l >= 0; l-- {
		in, out := m.sizes[l], m.sizes[l+1]
		wo, bo := m.wOff[l], m.bOff[l]
		gw, gb := grad[wo:wo+in*out], grad[bo:bo+out]
		prev := x
		if l > 0 {
			prev = ws.act[l-1]
		}
		if cur == nil || n == 0 {
			clear(gw)
			clear(gb)
		} else {
			ws.ops.gemm(true, false, in, out, n, prev, in, cur, out, gw, out) // dW = Aᵀ·δ
			ws.ops.colSums(gb, cur, n)
		}
		if l == 0 {
			break // no gradient with respect to the input
		}
		// ∂L/∂A of layer l-1 = δ·Wᵀ (+ dhidden), then ⊙ act'(Z).
		dh := hiddenGrad(dhidden, l-1, n*in)
		if cur == nil && dh == nil {
			continue
		}
		d := ws.delta[next][:n*in]
		next ^= 1
		deltaBelow(ws, d, cur, params[wo:wo+in*out], dh, n, in, out)
		ws.ops.mulDerivative(m.act, d, ws.act[l-1][:n*in])
		cur = d
	}
}
