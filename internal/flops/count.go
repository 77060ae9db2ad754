package flops

import "fmt"

// GEMM returns the floating-point operations of an m×k by k×n matrix
// product: m·n·k multiply-adds, two operations each (as an FMA counts).
func GEMM(m, n, k int) float64 { return 2 * float64(m) * float64(n) * float64(k) }

// MLPStep returns the floating-point operations of the matrix products of
// one training step of an MLP with layer sizes sizes (inputs first,
// outputs last) on a batch of n rows, as experiments/model makes them:
// for layer l (in×out weights)
//
//	forward   Z = A·W          n×in by in×out
//	backward  dW = Aᵀ·δ        in×n by n×out
//	          dA = δ·Wᵀ        n×out by out×in, for every layer but the
//	                           first (no gradient with respect to the input)
//
// Element-wise work (bias, activation, loss, the optimizer) is not counted:
// it is O(parameters + activations), not O(n·in·out).
func MLPStep(sizes []int, n int) float64 {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("flops: %d layer sizes, want at least 2 (inputs and outputs)", len(sizes)))
	}
	var f float64
	for l := 0; l+1 < len(sizes); l++ {
		in, out := sizes[l], sizes[l+1]
		f += GEMM(n, out, in) // forward
		f += GEMM(in, out, n) // dW
		if l > 0 {
			f += GEMM(n, in, out) // dA of the layer below
		}
	}
	return f
}

// MLPTrain returns the floating-point operations of the matrix products
// of training on rows rows for epochs epochs in batches of batch rows (the
// last batch of an epoch partial): every row passes forward and backward
// once an epoch, so this is MLPStep per row times rows·epochs.
func MLPTrain(sizes []int, rows, batch, epochs int) float64 {
	if rows < 0 || batch < 1 || epochs < 0 {
		panic(fmt.Sprintf("flops: rows %d, batch %d, epochs %d", rows, batch, epochs))
	}
	var perEpoch float64
	for s := 0; s < rows; s += batch {
		perEpoch += MLPStep(sizes, min(batch, rows-s))
	}
	return perEpoch * float64(epochs)
}
