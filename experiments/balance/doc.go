// Package balance implements the loss-balancing methods of the built-in
// trainer: the weights (or, for PCGrad, the coefficients) each method
// puts on K losses L_0 (the task) … L_{K−1} (the added terms that are
// objectives of their own), and the updates of the parameters some
// methods learn.
//
//   - static: fixed weights (1 on the task, the spec's λ on each term).
//   - uncertainty (Kendall, Gal & Cipolla 2018): a learned log variance
//     s_i per loss; the objective is U = Σ ½e^{−s_i}·L_i + ½s_i, so the
//     weight of L_i is ½e^{−s_i} and ∂U/∂s_i = ½ − ½e^{−s_i}·L_i.
//   - gradnorm (Chen et al. 2018): learned weights w_i, Σw_i = K, moved
//     so that the norms G_i = ‖∇_W w_i·L_i‖ on a shared layer W approach
//     Ḡ·r_i^α, r_i the relative inverse training rate.
//   - dwa (Liu, Johns & Davison 2019): w_i = K·softmax_i(r_i/T),
//     r_i = L̄_i(e−1)/L̄_i(e−2) the ratio of the last two epochs' mean
//     losses; 1 in the first two epochs.
//   - pcgrad (Yu et al. 2020): each loss's gradient loses its component
//     along every other loss's gradient it conflicts with (negative dot
//     product), the others visited in a random order.
//   - mgda (Sener & Koltun 2018): the convex combination of the
//     gradients with the smallest norm (the min-norm point of their
//     convex hull), over the shared parameters. (Sener & Koltun's
//     MGDA-UB variant takes the gradients with respect to the shared
//     representation instead, an upper bound that saves backward
//     passes; it is not implemented.)
//   - rlw (Lin et al. 2022): w = softmax(z), z ~ N(0, I) drawn afresh at
//     every step.
//
// Each adaptive method is one type implementing [Method], in a file of
// its own that registers it (its name, summary, parameters with their
// defaults and valid ranges, what it reads) in its init; the spec's
// validation, the trainer and `lossexp terms` know a method only through
// this package's registry ([Lookup], [New]). The math of each method is
// a pure function beside its type (DWAWeights, MinNorm, …) that works on
// a Gram matrix or on per-loss scalars, never on the gradients
// themselves: [Step.Gram] measures G_ij = g_i·g_j over the shared
// parameters. Nothing here allocates after a method's Start; randomness
// comes from the run's generator ([Setup.Rand]).
package balance
