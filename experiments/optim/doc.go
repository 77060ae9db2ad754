// Package optim implements the optimizers of a lossexp run: the first-order
// steppers SGD, Momentum, Adam and AdamW, which update a flat parameter
// vector in place from its gradient one mini-batch at a time, and LBFGS, a
// full-batch quasi-Newton minimiser built on gonum.org/v1/gonum/optimize.
//
// Parameters are one flat []float64 owned by the model, weights first and
// biases after them; AdamW relies on that layout to decay only the weights.
// The steppers keep their state (moments, step count) between calls and
// do not allocate in Step, so the training loop stays allocation-free.
//
// Hyperparameters are validated by the spec layer; the constructors panic
// with an "optim:" message on values that make no sense (a programmer
// error), and Step panics when the slice lengths differ from the size the
// optimizer was built for.
package optim
