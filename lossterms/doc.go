// Package lossterms implements the loss functions of a lossexp experiment:
// the task losses (cross-entropy, mean squared error, Huber), the catalogue
// of added terms (L1, L2, ...) with their values, gradients and proximal
// operators, and the metric helpers the trainer reports.
//
// The package is pure math: no I/O, no goroutines, no randomness. Hot-path
// functions (Loss, LossGrad, Value, AddGrad, Prox and the metrics) do not
// allocate.
//
// # Conventions
//
// The objective of a run is
//
//	L = L_task + λ1·L_term1 + λ2·L_term2 + ...
//
// and it is minimised.
//
//   - A task loss is the mean over the n rows of a batch of a per-row loss
//     (sum over a row's outputs for mse and huber). Its gradient with respect
//     to the outputs is therefore already divided by n.
//   - A weight penalty is a sum over the entries of the model's weight
//     matrices, never over biases: L1 = Σ|w|, L2 = Σw². It is not divided
//     by the number of samples or of weights.
//   - λ multiplies a term's value as written: the L2 term contributes
//     λ·Σw² to the objective and 2λw to the gradient (there is no ½).
//
// # Gradient contract
//
// TaskLoss.LossGrad overwrites its destination dout with ∂L_task/∂out and
// returns the same value as Loss, bit for bit. WeightPenalty.AddGrad adds
// scale·∇Value to its destination (the trainer passes scale = λ), so the
// gradients of several terms accumulate into one buffer. Neither modifies
// its inputs. Where a penalty is not differentiable (|w| at 0) the
// subgradient 0 is used; Proximal.Prox gives the exact proximal step
// instead.
//
// # Errors
//
// Wrong slice lengths, n ≤ 0 for a loss and class indices out of range are
// programmer errors (the dataset layer validates labels) and panic with a
// message prefixed "lossterms:". Bad user input, such as an unknown term
// kind or inline parameter, is a returned error; parameter problems are
// *ParamError values.
package lossterms
