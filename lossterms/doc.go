// Package lossterms implements the loss functions of a lossexp experiment:
// the task losses (cross-entropy, mean squared error, Huber), the catalogue
// of added terms with their values, gradients and proximal operators, and
// the metric helpers the trainer reports (accuracy, group gaps,
// correlations, energy distance, flicker, recognizability).
//
// # Catalogue
//
//   - weight penalties: l1 (Σ|w|, with a proximal step), l2 (Σw²);
//   - fairness: fairness (a demographic-parity or equalized-odds gap of
//     the batch), adversarial_debias (an adversary predicting the group);
//   - auxiliary supervision: aux (a second head on a hidden layer);
//   - disentanglement: decorrelation (DeCov on a hidden layer);
//   - realism: adversarial (a discriminator on (x, y) against (x, ŷ) for
//     a conditional generator with noise inputs; non-saturating loss;
//     EnergyDistance, Realism and DiscriminatorAccuracy measure it);
//   - perceptual: perceptual (‖φ(ŷ) − φ(y)‖² through a layer of a frozen
//     classifier, FrozenMLP; Recognizability is its accuracy on ŷ);
//   - temporal: temporal (‖ŷ_{t+1} − ŷ_t‖ over consecutive frames of a
//     sequence; Flicker and FlickerExcess measure it).
//
// Kinds() lists them and Lookup(kind) gives each one's parameters,
// defaults and metrics.
//
// The package is pure math: no I/O, no goroutines, no randomness. Hot-path
// functions (Loss, LossGrad, Value, AddGrad, OwnGrad and Prox) do not
// allocate; end-of-run metrics over groups and units allocate O(groups)
// or O(units).
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
// # Batch terms
//
// A BatchTerm (fairness, adversarial_debias, decorrelation) depends on the
// batch, not only on the weights. The trainer calls Setup once with the
// run's Shape (the term refuses a run that cannot feed it: no group
// column, no hidden layer, not a binary classifier), then, on every batch
// after the forward pass, hands it a Batch: the model's outputs, the
// activations of the hidden layer it named in Needs, the targets, the
// groups and the auxiliary targets. AddGrad returns the term's unweighted
// value, as Value does, bit for bit, and adds scale·∂Value/∂Out and
// scale·∂Value/∂Hidden to the buffers it is given; the trainer passes
// scale = λ, sums these into the task's ∂L/∂out and a per-layer ∂L/∂hidden
// buffer, and runs one backward pass (model.BackwardHidden) for the task
// and every term together. A term's value is a mean or a statistic over
// the batch's rows (so it does not grow with the batch size), and it is
// minimised with its sign as written.
//
// Three interfaces extend BatchTerm for terms that read more of the
// batch: Sequenced (temporal: which sequence each row belongs to; rows
// are frames in order), Conditioned (adversarial: the rows' features x
// without the generator's noise inputs) and, for perceptual, the frozen
// extractor set by SetExtractor before Setup. The trainer calls their
// setters on every batch before Value or AddGrad.
// A term whose value may be negative (adversarial_debias, a negated
// loss) says so through Signed, so that the balancing methods that read
// values as positive losses refuse it.
//
// A term with parameters of its own (OwnParams: an adversary) declares
// their number, initializes them from a generator the trainer passes in
// (seeded from the run's seed, repeat and a stream of its own, never
// from λ), and gives the gradient of the objective they minimise, which
// need not be the term's value: the adversary minimises its loss L_adv
// while the model's term is −L_adv. The trainer updates them with their
// own optimizer, OwnTraining().Steps times per batch, before the model's
// step, with the model's activations held fixed.
//
// # Errors
//
// Wrong slice lengths, n ≤ 0 for a loss and class indices out of range are
// programmer errors (the dataset layer validates labels) and panic with a
// message prefixed "lossterms:". Bad user input, such as an unknown term
// kind or inline parameter, is a returned error; parameter problems are
// *ParamError values.
package lossterms
