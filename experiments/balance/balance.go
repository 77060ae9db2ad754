package balance

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/lossexp/lossexp/experiments/optim"
)

// Static is the method of fixed weights (the spec's λ grid): the
// baseline every adaptive method is compared with. It has no [Method]
// type; the trainer weighs the terms by their λ.
const Static = "static"

// Param describes one parameter of a method, as the spec writes it
// (`{method: gradnorm, alpha: 1.5}`).
type Param struct {
	Name string
	// Value is the default: the value a method reads in Setup.Params when
	// the spec does not give one. NaN when there is no fixed default
	// (Default says what happens then).
	Value float64
	// Default is the default as `lossexp terms` lists it; register writes
	// Value's digits here when it is empty.
	Default string
	Meaning string
	// Valid says which values In accepts, for the message that refuses
	// another ("> 0").
	Valid string
	In    func(x float64) bool
	// Layer: the value names a weight matrix of the model (0 = the first
	// layer's) that every loss must share; the spec's validation checks it
	// against the model and the terms.
	Layer bool
}

// Info describes a method.
type Info struct {
	Name    string
	Summary string
	Params  []Param
	// Order is the method's place in listings (`lossexp terms`, the valid
	// methods of an error message): static first (0), then by Order.
	Order int
	// Losses: the method reads the loss values (and needs them ≥ 0).
	Losses bool
	// Gradients: the method needs each loss's gradient separately
	// (Step.Grad, Step.Gram) on every step.
	Gradients bool
	// SharedOnly: the weights combine only the shared parameters' gradients;
	// the other parameters take the plain sum of the gradients that reach
	// them (the task-specific parameters of Sener & Koltun and LibMTL).
	SharedOnly bool
}

// Method is an adaptive balancing method's state in one run. The trainer
// calls Start once, then StartEpoch at every epoch, Weigh and Step at
// every step of it, and EndEpoch after it; w (length K, the task first)
// holds the step's effective weights, which the trainer applies to the
// losses' gradients between Step and the next Weigh (and averages over the
// epoch). w starts at 1 and keeps what a method last wrote into it.
type Method interface {
	// Info describes the method (it does not depend on the state).
	Info() Info
	// Start sets the method up for a run; it allocates everything the
	// steps use. An error names a parameter that does not fit the run
	// (*ParamError).
	Start(s *Setup) error
	// StartEpoch may set the weights of the epoch's steps (dwa).
	StartEpoch(w []float64)
	// Weigh may set the step's weights before the losses are computed
	// (uncertainty, gradnorm and rlw weigh from their state).
	Weigh(w []float64)
	// Step sees the step's losses and, when Info.Gradients (or on a
	// step the trainer measures), each loss's gradient: it may set the
	// weights (mgda, pcgrad) and updates the learned parameters.
	Step(w []float64, s *Step)
	// EndEpoch receives the epoch's mean losses (the task first).
	EndEpoch(mean []float64)
	// Learned returns what the run record keeps of the learned
	// parameters ("log_var", "weight", "projections_per_step"), nil if
	// nothing.
	Learned() map[string][]float64
}

// Setup is what a method learns of the run it balances.
type Setup struct {
	K int // the losses: the task, then the balanced terms
	// Params holds the method's parameters: the spec's, and the default
	// (Param.Value) of every one the spec does not give.
	Params map[string]float64
	// LearningRate is the default learning rate of learned parameters
	// (train.learning_rate); parameter lr overrides it.
	LearningRate float64
	// NewOptimizer returns an optimizer of the run's kind over n values.
	NewOptimizer func(n int, lr float64) optim.Optimizer
	// Rand is the run's balancing stream (rlw's draws, pcgrad's orders).
	Rand *rand.Rand
	// Layers are the weight matrices every loss shares, first layer
	// first: [lo, hi) in the flat parameters.
	Layers [][2]int
}

// Optimizer returns an optimizer of the run's kind over n learned
// values, at learning rate lr (the spec's parameter, else
// Setup.LearningRate).
func (s *Setup) Optimizer(n int) optim.Optimizer {
	lr, ok := s.Params["lr"]
	if !ok {
		lr = s.LearningRate
	}
	return s.NewOptimizer(n, lr)
}

// ParamError is a parameter that does not fit the run.
type ParamError struct {
	Param string
	Err   error
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Err.Error() }
func (e *ParamError) Unwrap() error { return e.Err }

// Step is what a method sees of one training step. The trainer owns it
// and reuses it across steps.
type Step struct {
	// Loss holds the step's loss values, the task first.
	Loss []float64
	// Grad holds each loss's gradient over the model parameters, nil on a
	// step that did not compute them (a method without Info.Gradients, on
	// a step the trainer does not measure).
	Grad [][]float64
	// Shared holds the parameters every loss shares: two ranges [lo, hi)
	// of the flat parameters (the shared weights, the shared biases).
	Shared [2][2]int
	gram   []float64
}

// NewStep returns a Step for k losses over the shared ranges shared.
func NewStep(k int, shared [2][2]int) *Step {
	return &Step{Loss: make([]float64, k), Shared: shared, gram: make([]float64, k*k)}
}

// Gram returns the K×K Gram matrix (row-major) of the gradients over the
// shared parameters, G_ij = g_i·g_j. It needs Grad; the slice is reused
// by the next call.
func (s *Step) Gram() []float64 {
	k := len(s.Loss)
	for i := range k {
		for j := i; j < k; j++ {
			var d float64
			for _, r := range s.Shared {
				gi, gj := s.Grad[i][r[0]:r[1]], s.Grad[j][r[0]:r[1]]
				for m, v := range gi {
					d += v * gj[m]
				}
			}
			s.gram[i*k+j], s.gram[j*k+i] = d, d
		}
	}
	return s.gram
}

// Base gives a method the Method methods it has nothing to do in:
// embed it and define the others.
type Base struct{}

func (Base) StartEpoch([]float64)          {}
func (Base) Weigh([]float64)               {}
func (Base) Step([]float64, *Step)         {}
func (Base) EndEpoch([]float64)            {}
func (Base) Learned() map[string][]float64 { return nil }

type entry struct {
	info Info
	new  func() Method // nil for static
}

// registry holds every method, in listing order (static first).
var registry = []entry{{info: Info{Name: Static, Summary: "fixed weights: 1 on the task, the spec's λ on each term (the λ grid)"}}}

// register adds the method newMethod makes; a method's file calls it in
// its init.
func register(newMethod func() Method) {
	info := newMethod().Info()
	for i := range info.Params {
		if p := &info.Params[i]; p.Default == "" {
			p.Default = strconv.FormatFloat(p.Value, 'g', -1, 64)
		}
	}
	i, taken := slices.BinarySearchFunc(registry, info.Order, func(e entry, o int) int { return e.info.Order - o })
	if _, dup := Lookup(info.Name); dup || taken || info.Order <= 0 {
		panic("balance: method " + info.Name + ": registered twice, or its Order is taken or ≤ 0")
	}
	registry = slices.Insert(registry, i, entry{info, newMethod})
}

// Methods returns every method, static first.
func Methods() []Info {
	out := make([]Info, len(registry))
	for i, e := range registry {
		out[i] = e.info
	}
	return out
}

// Names returns the method names, static first.
func Names() []string {
	out := make([]string, len(registry))
	for i, e := range registry {
		out[i] = e.info.Name
	}
	return out
}

// Lookup returns method name's entry.
func Lookup(name string) (Info, bool) {
	for _, e := range registry {
		if e.info.Name == name {
			return e.info, true
		}
	}
	return Info{}, false
}

// New starts adaptive method name for a run: s.Params holds the spec's
// parameters, to which New adds the defaults (into a copy).
func New(name string, s Setup) (Method, error) {
	for _, e := range registry {
		if e.info.Name != name || e.new == nil {
			continue
		}
		params := maps.Clone(s.Params)
		if params == nil {
			params = map[string]float64{}
		}
		for _, p := range e.info.Params {
			if _, ok := params[p.Name]; !ok && !math.IsNaN(p.Value) {
				params[p.Name] = p.Value
			}
		}
		s.Params = params
		m := e.new()
		if err := m.Start(&s); err != nil {
			return nil, err
		}
		return m, nil
	}
	return nil, fmt.Errorf("balance: %q is not an adaptive method", name)
}

// atLeast0 and above0 are the ranges of most parameters.
func atLeast0(x float64) bool { return x >= 0 }
func above0(x float64) bool   { return x > 0 }

// lrParam is parameter lr, the learning rate of the learned parameters
// (what): Setup.Optimizer reads it.
func lrParam(what string) Param {
	return Param{Name: "lr", Value: math.NaN(), Default: "train.learning_rate",
		Meaning: "learning rate of " + what + " (optimizer of the run's kind)", Valid: "> 0", In: above0}
}

func checkK(name string, k int, lens ...int) {
	for _, n := range lens {
		if n != k {
			panic(fmt.Sprintf("balance: %s: slice of length %d for %d losses", name, n, k))
		}
	}
}

// ratio is L/L0, 1 when L0 is not positive or the ratio is not finite.
func ratio(l, l0 float64) float64 {
	r := l / l0
	if !(l0 > 0) || math.IsNaN(r) || math.IsInf(r, 0) || r < 0 {
		return 1
	}
	return r
}
