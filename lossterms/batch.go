package lossterms

import (
	"fmt"
	"math/rand/v2"
)

// Task names a BatchTerm sees in Shape.Task.
const (
	TaskClassification = "classification"
	TaskRegression     = "regression"
	TaskSegmentation   = "segmentation" // a binary mask per row: one logit per position
)

// Shape is what a BatchTerm learns about its run before training.
type Shape struct {
	Task     string // TaskClassification, TaskRegression or TaskSegmentation
	K        int    // model outputs per row (1 for a binary classifier)
	Classes  int    // classification: number of classes
	Targets  int    // target values per row (1, or the mask length)
	Hidden   []int  // widths of the model's hidden layers (empty: linear model)
	Groups   int    // groups of the sensitive attribute (0: the data has none)
	Aux      int    // auxiliary targets per row (0: the data has none)
	MaxBatch int    // most rows of one Batch
}

// Needs says what a BatchTerm reads from a Batch and, for the hidden
// layer, where its gradient goes.
type Needs struct {
	Outputs bool // reads Out and adds to ∂/∂Out
	Layer   int  // the hidden layer it reads and adds ∂/∂Hidden to (0-based), or -1
	Groups  bool // reads Group
	Aux     bool // reads Aux
}

// Batch is one batch as a BatchTerm sees it. Every slice is row-major and
// read-only for the term.
type Batch struct {
	N      int       // rows
	K      int       // outputs per row
	Out    []float64 // N×K raw model outputs (logits or predictions)
	Y      []float64 // N×T targets (T = Shape.Targets)
	Hidden []float64 // N×H post-activation values of layer Needs().Layer (nil when < 0)
	H      int
	Group  []int     // N group indices in [0, Shape.Groups) (nil unless Needs().Groups)
	Aux    []float64 // N×A auxiliary targets (nil unless Needs().Aux)
	A      int
	Own    []float64 // the term's own parameters (OwnParams), nil otherwise
}

// BatchTerm is an added term computed from a batch: the model's outputs,
// one hidden layer's activations, the targets, the groups of a sensitive
// attribute and auxiliary targets. Unlike a WeightPenalty it depends on
// the data, so the trainer evaluates it on every batch and back-propagates
// its gradient through the model with the task's (one backward pass:
// model.BackwardHidden).
//
// A BatchTerm value belongs to one run, and so to one goroutine: Setup
// sizes its scratch buffers, after which Value and AddGrad do not
// allocate.
//
// What Value, AddGrad (and OwnParams.OwnGrad) return depends on the batch
// (its Own included), the scale and what Setup and the trainer's setters
// (SetSequence, SetInputs, SetExtractor) were given, and on nothing a
// previous call left: a term carries no state from one batch to the next
// but its own parameters, which the trainer keeps. The trainer relies on
// it to continue a run from the state it saved (sweep.halving's rungs,
// experiments/train_continue.go): a term that kept running statistics or
// drew random numbers would need its state saved there too.
type BatchTerm interface {
	Term
	// Setup checks that a run of this shape can feed the term (a fairness
	// term needs groups, an auxiliary head a hidden layer and auxiliary
	// targets), resolves defaults that depend on the shape (the hidden
	// layer -1 = the last) and allocates scratch space. It is called once,
	// before any other method but Kind. Its error says what is missing.
	Setup(s Shape) error
	// Needs says what the term reads; valid after Setup.
	Needs() Needs
	// Value returns the unweighted value of the term on b. It modifies
	// nothing in b.
	Value(b *Batch) float64
	// AddGrad returns Value(b), bit for bit, and adds scale·∂Value/∂Out
	// to dout (N×K) and scale·∂Value/∂Hidden to dhidden (N×H). dout is
	// nil when Needs().Outputs is false and dhidden when Needs().Layer is
	// -1; neither may alias b.
	AddGrad(dout, dhidden []float64, b *Batch, scale float64) float64
}

// OwnTraining says how the trainer updates a term's own parameters.
type OwnTraining struct {
	Optimizer    string  // "sgd", "momentum" or "adam"; "" = the run's optimizer
	LearningRate float64 // 0 = the run's learning rate
	Steps        int     // updates per batch, ≥ 1
}

// OwnParams is a BatchTerm with parameters of its own: an auxiliary head,
// an adversary. The trainer owns them (a flat slice of NumOwn values, set
// by InitOwn from the run's seeded stream) and passes them as Batch.Own.
//
// On every batch, after the model's forward pass and before the model's
// step, the trainer takes OwnTraining().Steps optimizer steps on the own
// parameters along OwnGrad, with the model's activations held fixed. The
// own parameters minimise their own objective J, which need not be the
// term's Value: an auxiliary head minimises its loss, an adversary its
// classification loss while the model's term is minus that loss. J does
// not depend on λ, so at λ = 0 the own parameters still train: they probe
// a model they do not influence.
type OwnParams interface {
	BatchTerm
	// NumOwn returns the number of own parameters; valid after Setup.
	NumOwn() int
	// InitOwn overwrites own with initial values drawn from rng.
	InitOwn(own []float64, rng *rand.Rand)
	// OwnGrad overwrites dst (len NumOwn) with ∂J/∂Own at b.Own and
	// returns J. It does not allocate.
	OwnGrad(dst []float64, b *Batch) float64
	// OwnTraining says how to update the own parameters.
	OwnTraining() OwnTraining
}

// checkBatch panics when b's slices do not match its sizes for what the
// term needs.
func checkBatch(kind string, b *Batch, nd Needs) {
	if b.N <= 0 || b.K <= 0 || len(b.Out) != b.N*b.K {
		panic(fmt.Sprintf("lossterms: %s: batch of %d rows × %d outputs with len(Out) = %d", kind, b.N, b.K, len(b.Out)))
	}
	if nd.Groups && len(b.Group) != b.N {
		panic(fmt.Sprintf("lossterms: %s: len(Group) = %d, want %d", kind, len(b.Group), b.N))
	}
	if nd.Layer >= 0 && (b.H <= 0 || len(b.Hidden) != b.N*b.H) {
		panic(fmt.Sprintf("lossterms: %s: len(Hidden) = %d, want %d×%d", kind, len(b.Hidden), b.N, b.H))
	}
	if nd.Aux && (b.A <= 0 || len(b.Aux) != b.N*b.A) {
		panic(fmt.Sprintf("lossterms: %s: len(Aux) = %d, want %d×%d", kind, len(b.Aux), b.N, b.A))
	}
}

// Signed is implemented by a batch term whose value may be negative (an
// adversarial term that is a negated loss). Loss-balancing methods that
// read the values as positive losses (uncertainty weighting, GradNorm,
// DWA) refuse it.
type Signed interface {
	ValueMayBeNegative() bool
}
