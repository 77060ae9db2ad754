package lossterms

// TaskLoss is the primary loss L_task, a mean over the samples of a batch.
//
// out holds the model's raw outputs, n rows of k values (row-major): logits
// for classification (k = 1: one logit and the sigmoid; k > 1: softmax over
// k logits), predictions for regression. y holds one target per row: the
// class index as a float64 for classification, the value for regression
// (k = 1).
type TaskLoss interface {
	Name() string
	// Loss returns the mean loss over the n rows. It must not modify out
	// or y.
	Loss(out, y []float64, n, k int) float64
	// LossGrad returns the mean loss and overwrites dout (len n*k) with
	// its gradient with respect to out (already divided by n).
	LossGrad(dout, out, y []float64, n, k int) float64
}

// Term is an added loss term; λ multiplies its value as written.
type Term interface {
	Kind() string
}

// WeightPenalty is a term on the model's weight matrices (never biases),
// e.g. L1 = Σ|w| and L2 = Σw².
type WeightPenalty interface {
	Term
	// Value returns the unweighted penalty of w. It must not modify w.
	Value(w []float64) float64
	// AddGrad adds scale·∂Value/∂w to dst (len(dst) == len(w)). Where the
	// penalty is not differentiable (|w| at 0) it uses the subgradient 0.
	AddGrad(dst, w []float64, scale float64)
}

// Proximal is implemented by penalties with a closed-form proximal
// operator: Prox overwrites w with argmin_z ½‖z−w‖² + t·Value(z).
type Proximal interface {
	Prox(w []float64, t float64)
}
