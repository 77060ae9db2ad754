package spec

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/lossexp/lossexp/experiments/balance"
	"github.com/lossexp/lossexp/lossterms"
)

// BalanceSpec is a loss-balancing method (package balance): the spec's
// loss.balance, or one entry of sweep.balance. It is written as the
// method's name (`uncertainty`) or as a mapping of the method and its
// parameters (`{method: gradnorm, alpha: 1.5}`).
type BalanceSpec struct {
	Method string
	Params map[string]float64 `json:",omitempty"`
}

// Adaptive reports whether b sets the weights during training (every
// method but static).
func (b *BalanceSpec) Adaptive() bool {
	return b != nil && b.Method != "" && b.Method != balance.Static
}

// Label names the method as the method column of runs.csv and methods.csv
// writes it: the method, then its parameters in name order
// ("gradnorm(alpha=1.5)").
func (b *BalanceSpec) Label() string {
	if b == nil || b.Method == "" {
		return balance.Static
	}
	if len(b.Params) == 0 {
		return b.Method
	}
	keys := slices.Sorted(maps.Keys(b.Params))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.FormatFloat(b.Params[k], 'g', -1, 64)
	}
	return b.Method + "(" + strings.Join(parts, ",") + ")"
}

// HasBalance reports whether the spec names a balancing method
// (loss.balance or sweep.balance): its curves then carry the effective
// weights (weight.task, weight.<term>).
func (s *Spec) HasBalance() bool { return s.Loss.Balance != nil || len(s.Sweep.Balance) > 0 }

// BalancedTerms returns the indices of the terms a balancing method
// weighs: those that are objectives of their own (the batch terms: aux,
// fairness, adversarial_debias, decorrelation, adversarial, perceptual,
// temporal). Weight penalties (l1, l2) keep their λ.
func (s *Spec) BalancedTerms() []int {
	var idx []int
	for i, t := range s.Loss.Terms {
		if isBatchKind(t) {
			idx = append(idx, i)
		}
	}
	return idx
}

// mayBeNegative reports whether term t's value may be negative
// (lossterms.Signed).
func mayBeNegative(t TermSpec) bool {
	sg, ok := specTerm(t).(lossterms.Signed)
	return ok && sg.ValueMayBeNegative()
}

func isBatchKind(t TermSpec) bool {
	_, ok := specTerm(t).(lossterms.BatchTerm)
	return ok
}

// specTerm builds term t from its spec; nil when it cannot be built (the
// term's own checks report why).
func specTerm(t TermSpec) lossterms.Term {
	info, err := lossterms.Lookup(t.Kind)
	if err != nil {
		return nil
	}
	term, err := info.New(t.Params)
	if err != nil {
		return nil
	}
	return term
}

// WithBalance returns a copy of s that trains with method b (loss.balance
// = b, no sweep.balance): the effective spec of one method point of a
// sweep.balance study. s is not modified.
func (s *Spec) WithBalance(b BalanceSpec) *Spec {
	c := *s
	c.Loss.Balance = &b
	c.Sweep.Balance = nil
	return &c
}

// AdaptiveLambdas returns lam with the balanced terms' λ set to NaN: an
// adaptive method sets their weights itself, so runs.csv leaves those
// cells empty. lam is not modified.
func (s *Spec) AdaptiveLambdas(lam []float64) []float64 {
	out := slices.Clone(lam)
	for _, i := range s.BalancedTerms() {
		out[i] = math.NaN()
	}
	return out
}

var balanceKeys = []string{"method"} // and the method's parameters

func (d *decoder) balanceSpec(n *yaml.Node, field string) (BalanceSpec, bool) {
	var b BalanceSpec
	if !d.usable(n, field) {
		return b, false
	}
	if n.Kind == yaml.ScalarNode {
		d.str(n, field, &b.Method)
		return b, b.Method != ""
	}
	ok := d.mapping(n, field, nil, func(key string, v *yaml.Node, f string) {
		if key == "method" {
			d.str(v, f, &b.Method)
			return
		}
		var x float64
		if _, good := d.number(v, f); good {
			d.float(v, f, &x)
			if b.Params == nil {
				b.Params = map[string]float64{}
			}
			b.Params[key] = x
		}
	})
	if ok && b.Method == "" {
		d.errorf(n, field, "missing key method (valid methods: %s)", strings.Join(balance.Names(), ", "))
		return b, false
	}
	return b, ok
}

// validateBalance checks loss.balance and sweep.balance.
func (s *Spec) validateBalance(v *validator) {
	if s.Loss.Balance != nil {
		s.validateMethod(v, "loss.balance", s.Loss.Balance, false)
		if len(s.Sweep.Balance) > 0 {
			v.addf("sweep.balance", "give either loss.balance (one method) or sweep.balance (a comparison), not both")
		}
	}
	if len(s.Sweep.Balance) == 0 {
		if s.has("sweep.balance") {
			v.addf("sweep.balance", "empty list: name the methods to compare, e.g. [%s]", strings.Join(balance.Names(), ", "))
		}
		return
	}
	seen := map[string]int{}
	hasStatic := false
	for i := range s.Sweep.Balance {
		b := &s.Sweep.Balance[i]
		f := indexField("sweep.balance", i)
		s.validateMethod(v, f, b, true)
		if b.Method == balance.Static {
			hasStatic = true
		}
		if j, dup := seen[b.Label()]; dup {
			v.addf(f, "method %s listed twice (also sweep.balance[%d])", b.Label(), j)
		}
		seen[b.Label()] = i
	}
	if !hasStatic {
		v.addf("sweep.balance", "must include static: the adaptive methods are compared with the static λ front (the spec's grid)")
	}
	balanced := s.BalancedTerms()
	for i, t := range s.Loss.Terms {
		if t.Weight.Swept && !slices.Contains(balanced, i) {
			v.addf(indexField("loss.terms", i)+".weight", "term %s (%s) is a weight penalty, which keeps a fixed λ under every method; with sweep.balance sweep only the terms the methods balance", t.Name, t.Kind)
		}
	}
	if len(balanced) > 0 && len(s.SweptTerms()) == 0 {
		v.addf("sweep.balance", "the static front needs a swept weight: sweep the λ of %s", s.Loss.Terms[balanced[0]].Name)
	}
}

// validateMethod checks one method and its parameters against the spec.
func (s *Spec) validateMethod(v *validator, f string, b *BalanceSpec, inSweep bool) {
	info, ok := balance.Lookup(b.Method)
	if !ok {
		v.add(f, oneOf(fmt.Sprintf("unknown balancing method %q", b.Method), b.Method, balance.Names()))
		return
	}
	s.validateMethodParams(v, f, b, info)
	if !b.Adaptive() {
		return
	}
	balanced := s.BalancedTerms()
	if len(balanced) == 0 {
		v.addf(f, "method %s balances the task against terms that are objectives of their own (aux, fairness, adversarial_debias, decorrelation, adversarial, perceptual, temporal); this spec has none", b.Method)
		return
	}
	if s.Train.Optimizer == "lbfgs" {
		v.addf(f, "method %s sets the weights step by step, which lbfgs cannot follow; use sgd, momentum, adam or adamw", b.Method)
	}
	for _, p := range info.Params {
		l, ok := b.Params[p.Name]
		if !p.Layer || !ok || s.Model.Kind == "linear" {
			continue
		}
		if shared := s.lastSharedLayer(balanced); l <= float64(len(s.Model.Hidden)) && l > float64(shared) {
			v.addf(f+"."+p.Name, "%s balances a weight matrix that every loss shares; here those are 0…%d (a term reads hidden layer %d), got %g", b.Method, shared, shared, l)
		}
	}
	for _, i := range balanced {
		t := s.Loss.Terms[i]
		tf := indexField("loss.terms", i)
		if info.Losses && mayBeNegative(t) {
			v.addf(f, "method %s reads the losses' values as positive losses, and the value of term %s (%s) may be negative; use %s or static", b.Method, t.Name, t.Kind, strings.Join(lossFree(), ", "))
		}
		if !inSweep && t.Weight.Swept {
			v.addf(tf+".weight", "loss.balance %s sets the weight of term %s itself: give it a fixed weight, or compare the method with the λ grid through sweep.balance", b.Method, t.Name)
		}
	}
}

// validateMethodParams checks that method b's parameters are the
// method's, each in its valid range (and a layer within the model).
func (s *Spec) validateMethodParams(v *validator, f string, b *BalanceSpec, info balance.Info) {
	var valid []string
	for _, p := range info.Params {
		valid = append(valid, p.Name)
	}
	for _, k := range slices.Sorted(maps.Keys(b.Params)) {
		x := b.Params[k]
		pf := f + "." + k
		i := slices.Index(valid, k)
		if i < 0 {
			if len(valid) == 0 {
				v.addf(pf, "method %s has no parameters", b.Method)
			} else {
				v.add(pf, oneOf(fmt.Sprintf("unknown parameter of method %s", b.Method), k, valid))
			}
			continue
		}
		p := info.Params[i]
		v.inRange(pf, x, p.In(x), p.Valid)
		h := len(s.Model.Hidden) // the last weight matrix
		if s.Model.Kind == "linear" {
			h = 0
		}
		if p.Layer && x > float64(h) {
			v.addf(pf, "the model has %d weight matrices (0…%d), got %g", h+1, h, x)
		}
	}
}

// lossFree returns the adaptive methods that do not read the losses'
// values.
func lossFree() []string {
	var out []string
	for _, m := range balance.Methods() {
		if m.Name != balance.Static && !m.Losses {
			out = append(out, m.Name)
		}
	}
	return out
}

// lastSharedLayer returns the last weight matrix (0 = the first) whose
// gradient every balanced term reaches: a term that reads hidden layer l
// (parameter layer, −1 = the last) reaches matrices 0…l; the others read
// the outputs and reach every matrix.
func (s *Spec) lastSharedLayer(balanced []int) int {
	h := len(s.Model.Hidden)
	last := h
	for _, i := range balanced {
		p, ok := s.Loss.Terms[i].Params["layer"].(float64)
		if !ok {
			continue
		}
		l := int(p)
		if l < 0 {
			l += h
		}
		if l >= 0 && l < last {
			last = l
		}
	}
	return last
}

// BalanceSummary describes the spec's balancing for `lossexp validate`:
// "" without loss.balance or sweep.balance, else one line such as
// "static (the λ grid) + 6 adaptive methods, 1 point per repeat each
// (48 runs): uncertainty, gradnorm, dwa, pcgrad, mgda, rlw".
func (s *Spec) BalanceSummary() string {
	if b := s.Loss.Balance; b != nil {
		if !b.Adaptive() {
			return "static (the λ as written)"
		}
		return fmt.Sprintf("%s sets the weights of %d term(s) during training", b.Label(), len(s.BalancedTerms()))
	}
	var labels []string
	for _, b := range s.Sweep.Balance {
		if b.Adaptive() {
			labels = append(labels, b.Label())
		}
	}
	if len(s.Sweep.Balance) == 0 {
		return ""
	}
	methods := "adaptive methods, 1 point per repeat each"
	if len(labels) == 1 {
		methods = "adaptive method, 1 point per repeat"
	}
	return fmt.Sprintf("static (the λ grid) + %d %s (%d runs): %s",
		len(labels), methods, s.BalanceRuns(), strings.Join(labels, ", "))
}

// BalanceRuns returns the number of runs sweep.balance adds to the λ
// grid's: one per adaptive method, axis point and repeat.
func (s *Spec) BalanceRuns() int {
	n := 0
	for _, b := range s.Sweep.Balance {
		if b.Adaptive() {
			n++
		}
	}
	return n * s.Repeats * max(len(s.AxisPoints()), 1)
}
