package model

import (
	"fmt"
	"math"

	"github.com/lossexp/lossexp/internal/kernel"
)

// Activation is the element-wise nonlinearity applied after every hidden
// layer. The output layer never has one: Forward returns raw outputs.
type Activation int

const (
	// Identity is no nonlinearity. It is not a choice for specs (a linear
	// model has no hidden layer); it exists so that a stack of linear layers
	// can be expressed and tested.
	Identity Activation = iota
	// ReLU is max(0, z). Its derivative at z = 0 is taken as 0.
	ReLU
	// Tanh is the hyperbolic tangent.
	Tanh
	// Sigmoid is the logistic function 1/(1+e^-z).
	Sigmoid
)

// activationNames are the spec spellings, in the order listed in errors.
var activationNames = []struct {
	name string
	act  Activation
}{
	{"relu", ReLU},
	{"tanh", Tanh},
	{"sigmoid", Sigmoid},
}

// ParseActivation returns the activation named s ("relu", "tanh" or
// "sigmoid"). An unknown name is an error that lists the valid ones.
func ParseActivation(s string) (Activation, error) {
	for _, a := range activationNames {
		if a.name == s {
			return a.act, nil
		}
	}
	return 0, fmt.Errorf("model: unknown activation %q (valid: relu, tanh, sigmoid)", s)
}

// String returns the spec spelling of a ("relu", "tanh", "sigmoid",
// "identity").
func (a Activation) String() string {
	switch a {
	case Identity:
		return "identity"
	case ReLU:
		return "relu"
	case Tanh:
		return "tanh"
	case Sigmoid:
		return "sigmoid"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

func (a Activation) valid() bool { return a >= Identity && a <= Sigmoid }

// biasActivate adds bias b to every row of the n×len(b) matrix z and applies
// act in place, in one pass.
func biasActivate(act Activation, z []float64, n int, b []float64) {
	w := len(b)
	switch act {
	case ReLU:
		// Keeps NaN, so a diverging run still shows up as NaN.
		kernel.BiasReLU(z[:n*w], n, b)
	case Tanh:
		for i := 0; i < n; i++ {
			row := z[i*w : i*w+w]
			for j, bj := range b {
				row[j] = math.Tanh(row[j] + bj)
			}
		}
	case Sigmoid:
		for i := 0; i < n; i++ {
			row := z[i*w : i*w+w]
			for j, bj := range b {
				row[j] = sigmoid(row[j] + bj)
			}
		}
	default: // Identity
		addBias(z, n, b)
	}
}

// addBias adds b to every row of the n×len(b) matrix z.
func addBias[T Float](z []T, n int, b []T) {
	w := len(b)
	for i := 0; i < n; i++ {
		row := z[i*w : i*w+w]
		for j, bj := range b {
			row[j] += bj
		}
	}
}

// sigmoid is 1/(1+e^-z); for very negative z, e^-z overflows to +Inf and the
// result is the correct limit 0.
func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// mulDerivative multiplies d element-wise by act'(z), expressed through the
// post-activation values a = act(z): relu' = [a > 0], tanh' = 1 − a²,
// sigmoid' = a(1 − a). d and a have the same length.
func mulDerivative(act Activation, d, a []float64) {
	a = a[:len(d)]
	switch act {
	case ReLU:
		kernel.ReLUMask(d, a)
	case Tanh:
		for i, v := range a {
			d[i] *= 1 - v*v
		}
	case Sigmoid:
		for i, v := range a {
			d[i] *= v * (1 - v)
		}
	}
}
