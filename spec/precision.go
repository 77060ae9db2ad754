package spec

import (
	"slices"
	"strings"

	"github.com/lossexp/lossexp/lossterms"
)

// The values of train.precision.
const (
	PrecisionFloat64 = "float64"
	PrecisionFloat32 = "float32"
)

var precisions = []string{PrecisionFloat32, PrecisionFloat64}

// Float32 reports whether the spec trains in float32 (train.precision:
// float32); anything else trains in float64.
func (t TrainSpec) Float32() bool { return t.Precision == PrecisionFloat32 }

// Float32Optimizers and Float32Activations are what float32 training
// supports so far, with the weight penalties that have a float32
// gradient (lossterms.WeightPenalty32): the built-in trainer's MLP path.
// Everything else is refused by validatePrecision, naming it.
var (
	Float32Optimizers  = []string{"sgd", "momentum", "adam", "adamw"}
	Float32Activations = []string{"relu"}
)

// validatePrecision checks train.precision and, for float32, that the
// rest of the spec is what float32 training supports.
func (s *Spec) validatePrecision(v *validator) {
	t := &s.Train
	if t.Precision == "" {
		return
	}
	v.choice("train.precision", "precision", t.Precision, precisions)
	if !t.Float32() {
		return
	}
	switch {
	case t.Optimizer == "lbfgs":
		v.addf("train.precision", "float32 is not available with optimizer lbfgs, which stays float64 (its line search needs the precision): use precision float64, or optimizer sgd, momentum, adam or adamw")
	case !slices.Contains(Float32Optimizers, t.Optimizer):
		v.addf("train.precision", "float32 supports optimizer %s so far, not %s: use precision float64 for %s", strings.Join(Float32Optimizers, " or "), t.Optimizer, t.Optimizer)
	}
	if s.Model.Kind == "mlp" && !slices.Contains(Float32Activations, s.Model.Activation) {
		v.addf("train.precision", "float32 supports activation %s so far, not %s: use precision float64", strings.Join(Float32Activations, ", "), s.Model.Activation)
	}
	if s.Model.Noise > 0 {
		v.addf("train.precision", "float32 does not support model.noise yet: use precision float64")
	}
	if s.Loss.Balance.Adaptive() {
		v.addf("train.precision", "float32 does not support adaptive balancing (loss.balance) yet: use precision float64")
	}
	for _, term := range s.Loss.Terms {
		info, err := lossterms.Lookup(term.Kind)
		if err != nil {
			continue // reported by validateLoss
		}
		t, err := info.New(term.Params)
		if _, ok := t.(lossterms.WeightPenalty32); err == nil && !ok {
			v.addf("train.precision", "float32 supports the loss terms %s so far, not term %s (kind %s): use precision float64", strings.Join(lossterms.Float32Kinds(), ", "), term.Name, term.Kind)
		}
	}
}
