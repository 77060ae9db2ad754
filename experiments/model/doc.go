// Package model implements the models of lossexp — linear models and
// fully connected networks (MLPs) — with hand-written backpropagation that
// does not allocate in the training loop.
//
// # Architecture
//
// An MLP has layer sizes [in, h1, ..., hL, out]; a linear model is the case
// [in, out]. Every hidden layer applies the same Activation (ReLU, Tanh or
// Sigmoid); the output layer applies none, so Forward returns raw outputs
// (logits or regression values) and the task loss owns the link function.
//
// # Parameter layout
//
// The parameters live in one flat []float64 owned by the caller (the
// optimizer updates it in place), of length NumParams:
//
//	params = [W_0 | W_1 | ... | W_L | b_0 | b_1 | ... | b_L]
//
// all weight matrices first, layer by layer, then all biases. W_l is
// sizes[l]×sizes[l+1] row-major (fan-in rows, fan-out columns) and b_l has
// length sizes[l+1], so layer l computes Z = A·W_l + b_l for a batch A of
// rows. params[:NumWeights()] are exactly the weights, the part that L1 and
// L2 penalties act on; biases are never penalised. LayerParams returns the
// views of one layer. Gradients use the same layout.
//
// # Batches and conventions
//
// Inputs, outputs and hidden activations are row-major n×width matrices,
// one row per sample. Forward and Backward work on a Workspace sized for a
// maximum batch; the slices they return are views into it, valid until the
// next Forward. Backward overwrites (never accumulates into) its gradient,
// must follow the Forward of the same batch, and does not modify params, x
// or dout. BackwardHidden also takes gradients with respect to the hidden
// activations, for loss terms that act on Hidden(l). The derivative of ReLU
// at 0 is taken as 0.
//
// # Backends
//
// Matrix products and the element-wise passes go through the kernels
// interface (kernels.go), one implementation per backend. By default that
// is internal/kernel's pure-Go code: an AVX2/FMA assembly kernel where the
// CPU has one, plain loops with the same bits elsewhere; every product runs
// on the calling goroutine (the sweep parallelises across runs, not inside
// one). Built with -tags openblas, the package sends the products above
// 2^20 multiply-adds to OpenBLAS through gonum.org/v1/netlib's cgo binding
// (Debian: libopenblas-dev), restricted to one thread unless
// OPENBLAS_NUM_THREADS is set, and keeps the Go kernel for the smaller
// ones. Where OpenBLAS's CPU detection falls back to its generic SSE3
// (Prescott) kernels on a CPU with AVX2 or AVX-512, as on virtual machines
// with an unnamed CPU model, the package selects the Haswell or SkylakeX
// kernels instead, unless OPENBLAS_CORETYPE is set. BLASBackend reports
// which backend is in use, BLASDetail its configuration. The two builds
// agree to rounding (about 1e-12 relative), not always bit for bit; within
// one build, results are deterministic.
package model
