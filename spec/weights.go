package spec

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The weights grammar. A term's weight is one of
//
//	weight: 1e-4                                   # fixed λ
//	weight: [0.001, 0.01, 0.1]                     # swept: these values
//	weight: {values: [0.001, 0.01], zero: false}   # swept, without λ = 0
//	weight: {logspace: {from: 1e-5, to: 1e-1, num: 9}}
//	weight: {linspace: {from: 0, to: 1, num: 11}, zero: false}
//	weight: simplex                                # a coordinate of sweep mode simplex (simplex.go)
//
// Every λ must be finite and ≥ 0. A swept weight's values are sorted in
// ascending order and include λ = 0 first (the reference run without the
// term) unless zero: false is given or 0 is already there; duplicates are
// errors. logspace needs 0 < from ≤ to, linspace 0 ≤ from ≤ to, and
// 1 ≤ num ≤ maxWeightNum; num: 1 gives from alone.
//
// logspace values are exactly reproducible: value i is 10^e with
// e = log10(from) + i·(log10(to) − log10(from))/(num−1); when e is an
// integer it is computed with math.Pow10 (so 1e-5…1e-1, num 5 gives exactly
// the float64 literals 1e-5, 1e-4, 1e-3, 1e-2, 1e-1), and the two ends are
// from and to exactly.

// maxWeightNum bounds num in logspace and linspace.
const maxWeightNum = 10000

var (
	weightKeys = []string{"logspace", "linspace", "values", "zero"}
	spaceKeys  = []string{"from", "to", "num"}
)

// ParseWeightString parses a weight given on the command line, as in
// --set l1=0.01. A plain number is a fixed λ; the YAML flow forms of the
// spec grammar ("[0.01, 0.1]", "{logspace: {from: 1e-4, to: 1, num: 5}}")
// are accepted too. Errors are *FieldError with Field "weight".
func ParseWeightString(s string) (Weight, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil || len(doc.Content) == 0 {
		return Weight{}, &FieldError{Field: "weight", Value: s,
			Err: fmt.Errorf("expected a number, a list of numbers, or {logspace|linspace: {from, to, num}}, got %q", s)}
	}
	d := &decoder{spec: &Spec{Pos: map[string]Pos{}}}
	w, err := d.weight(doc.Content[0], "weight")
	if err != nil {
		// Lines and columns of a one-line flag value say nothing useful.
		for _, e := range d.errs {
			e.Line, e.Col = 0, 0
		}
		return Weight{}, joinErrors(d.errs)
	}
	return w, nil
}

// weight decodes a weight node. Problems are recorded in d (each naming
// its sub-field, e.g. "loss.terms[0].weight.logspace.num") and summarized
// by the returned error.
func (d *decoder) weight(n *yaml.Node, field string) (Weight, error) {
	before := len(d.errs)
	w := d.weightNode(n, field)
	if len(d.errs) > before {
		d.failed = append(d.failed, field)
		return Weight{}, errors.New("invalid weight")
	}
	return w, nil
}

func (d *decoder) weightNode(n *yaml.Node, field string) Weight {
	if !d.usable(n, field) {
		return Weight{}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" && n.Value == "simplex" {
			// A coordinate of sweep mode simplex; its values are set
			// from sweep.total and sweep.points (simplex.go).
			return Weight{Swept: true, Simplex: true}
		}
		if t := n.ShortTag(); t != "!!int" && t != "!!float" {
			d.errorf(n, field, "expected a number, a list of numbers, or {logspace|linspace: {from, to, num}}, got %s", describe(n))
			return Weight{}
		}
		v, ok := d.number(n, field)
		if !ok {
			return Weight{}
		}
		if err := checkLambda(v); err != nil {
			d.errAt(n, field, err)
			return Weight{}
		}
		return Weight{Values: []float64{v}}
	case yaml.SequenceNode:
		vals, ok := d.lambdaList(n, field)
		if !ok {
			return Weight{}
		}
		return d.swept(n, field, vals, true)
	case yaml.MappingNode:
		return d.weightMapping(n, field)
	}
	d.errorf(n, field, "expected a number, a list of numbers, or {logspace|linspace: {from, to, num}}, got %s", describe(n))
	return Weight{}
}

func (d *decoder) weightMapping(n *yaml.Node, field string) Weight {
	var (
		vals  []float64
		forms []string
		zero  = true
		ok    = true
	)
	before := len(d.errs)
	d.mapping(n, field, weightKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "zero":
			d.bool(v, f, &zero)
			return
		case "values":
			var good bool
			vals, good = d.lambdaList(v, f)
			ok = ok && good
		case "logspace", "linspace":
			var good bool
			vals, good = d.space(v, f, key == "logspace")
			ok = ok && good
		}
		forms = append(forms, key)
	})
	switch {
	case len(forms) > 1:
		d.errorf(n, field, "give one of logspace, linspace or values, not %s", strings.Join(forms, " and "))
		return Weight{}
	case len(forms) == 0 && len(d.errs) == before:
		d.errorf(n, field, "expected logspace, linspace or values beside zero")
		return Weight{}
	case !ok || len(d.errs) > before:
		return Weight{}
	}
	return d.swept(n, field, vals, zero)
}

// lambdaList decodes a non-empty list of λ values.
func (d *decoder) lambdaList(n *yaml.Node, field string) ([]float64, bool) {
	ok := true
	vals := []float64{}
	listed := d.list(n, field, "numbers", func(_ int, item *yaml.Node, f string) {
		v, good := d.number(item, f)
		if good {
			if err := checkLambda(v); err != nil {
				d.errAt(item, f, err)
				good = false
			}
		}
		ok = ok && good
		vals = append(vals, v)
	})
	if !listed || !ok {
		return nil, false
	}
	if len(vals) == 0 {
		d.errorf(n, field, "empty list: give at least one λ")
		return nil, false
	}
	return vals, true
}

// swept sorts vals, rejects duplicates and puts λ = 0 first when zero.
func (d *decoder) swept(n *yaml.Node, field string, vals []float64, zero bool) Weight {
	vals = slices.Clone(vals)
	slices.Sort(vals)
	for _, v := range vals { // generated values too
		if err := checkLambda(v); err != nil {
			d.errAt(n, field, err)
			return Weight{}
		}
	}
	for i := 1; i < len(vals); i++ {
		if vals[i] == vals[i-1] { // exact: duplicates are identical runs
			d.errorf(n, field, "λ = %g appears twice", vals[i])
			return Weight{}
		}
	}
	if zero && vals[0] != 0 {
		vals = append([]float64{0}, vals...)
	}
	return Weight{Values: vals, Swept: true}
}

// space decodes {from, to, num} and generates its values.
func (d *decoder) space(n *yaml.Node, field string, log bool) ([]float64, bool) {
	var (
		from, to float64
		num      int
		has      = map[string]bool{}
		before   = len(d.errs)
	)
	d.mapping(n, field, spaceKeys, func(key string, v *yaml.Node, f string) {
		has[key] = true
		switch key {
		case "from":
			d.float(v, f, &from)
		case "to":
			d.float(v, f, &to)
		case "num":
			d.int(v, f, &num)
		}
	})
	if len(d.errs) > before {
		return nil, false
	}
	for _, k := range spaceKeys {
		if !has[k] {
			d.errorf(n, field, "missing %s (need from, to and num)", k)
		}
	}
	if len(d.errs) > before {
		return nil, false
	}
	at := func(key string) *yaml.Node { return d.child(n, key) }
	d.spaceEnd(at("from"), joinField(field, "from"), from, log)
	d.spaceEnd(at("to"), joinField(field, "to"), to, log)
	if len(d.errs) > before {
		return nil, false
	}
	switch {
	case from > to:
		d.errorf(at("from"), joinField(field, "from"), "from (%g) is greater than to (%g)", from, to)
	case num < 1 || num > maxWeightNum:
		d.errorf(at("num"), joinField(field, "num"), "must be between 1 and %d, got %d", maxWeightNum, num)
	case num > 1 && from == to:
		d.errorf(at("to"), joinField(field, "to"), "from and to are both %g; use num: 1 or a fixed weight", from)
	}
	if len(d.errs) > before {
		return nil, false
	}
	if log {
		return logspace(from, to, num), true
	}
	return linspace(from, to, num), true
}

// spaceEnd checks from or to (at n, the field f) of a logspace (log) or
// linspace: finite, ≥ 0, > 0 for logspace.
func (d *decoder) spaceEnd(n *yaml.Node, f string, x float64, log bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		d.errorf(n, f, "must be finite, got %g", x)
	} else if log && x <= 0 {
		d.errorf(n, f, "logspace needs a value > 0, got %g (λ = 0 is added automatically)", x)
	} else if x < 0 {
		d.errorf(n, f, "λ must be ≥ 0, got %g", x)
	}
}

// child returns the value node of key in the mapping n (n itself when
// absent), for positioning errors.
func (d *decoder) child(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return n
}

// checkLambda rejects a λ that is negative, NaN or infinite.
func checkLambda(v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Errorf("λ must be finite, got %g", v)
	case v < 0:
		return fmt.Errorf("λ must be ≥ 0, got %g", v)
	}
	return nil
}

// logspace returns num values from from to to (0 < from ≤ to) evenly
// spaced in log10, computed reproducibly (see the grammar above).
func logspace(from, to float64, num int) []float64 {
	if num == 1 {
		return []float64{from}
	}
	lo, hi := log10(from), log10(to)
	out := make([]float64, num)
	for i := range out {
		// Interpolating from both ends keeps e exact at either end.
		t := float64(i) / float64(num-1)
		e := lo*(1-t) + hi*t
		if r := math.Round(e); math.Abs(e-r) < 1e-9 && math.Abs(r) < 300 {
			out[i] = math.Pow10(int(r))
		} else {
			out[i] = math.Pow(10, e)
		}
		// Rounding (and the coarse grid of subnormal numbers) must not
		// carry a value outside [from, to].
		out[i] = min(max(out[i], from), to)
	}
	out[0], out[num-1] = from, to
	return out
}

// log10 is math.Log10, also exact for subnormal x (below 2^-1022),
// where math.Log10 is not (it took 1e-320 for 1.1e-308). Normal x go
// through math.Log10 itself, so their grids keep their bits.
func log10(x float64) float64 {
	if x > 0 && x < 0x1p-1022 {
		f, e := math.Frexp(x)
		return math.Log10(f) + float64(e)*math.Log10(2)
	}
	return math.Log10(x)
}

// linspace returns num values evenly spaced from from to to, ends exact.
func linspace(from, to float64, num int) []float64 {
	if num == 1 {
		return []float64{from}
	}
	out := make([]float64, num)
	for i := range out {
		t := float64(i) / float64(num-1)
		out[i] = from*(1-t) + to*t
	}
	out[0], out[num-1] = from, to
	return out
}
