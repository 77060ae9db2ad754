package spec

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Sweep axes beyond λ. sweep.axes maps a numeric field of the spec to the
// values it takes:
//
//	sweep:
//	  axes:
//	    dataset.params.samples: [100, 300, 1000]
//	    train.learning_rate: [0.003, 0.01]
//	    model.hidden: [16, [64, 64]]        # a value is a layer list; 16 = [16]
//
// The axis points are the cartesian product of the axes, in the order the
// axes are written, the last varying fastest. The grid of a sweep is the
// product of the axis points and the λ points, axis-major: for each axis
// point, every λ point in Spec.Grid order; repeats innermost. A spec
// without axes has one axis point and the grid it always had.
//
// Each run trains its effective spec: the spec with its axis point's
// values written into the fields (WithAxes). The run id comes from the
// effective spec, so a run at dataset.params.samples = 300 has the id of
// the same run of a spec that says samples: 300 and has no axis.
//
// Axis fields (AxisFields lists them): seed, dataset.params.<name>,
// dataset.split.test, dataset.split.validation, model.hidden,
// model.noise, train.learning_rate, train.epochs, train.batch_size,
// train.momentum, train.weight_decay, train.beta1, train.beta2,
// train.epsilon, loss.huber_delta and, with a trainer: section,
// trainer.params.<name>. Each value is checked as if written in
// its field; a problem is reported at the value.

// Axis is one sweep axis: a spec field and its values, in the order
// written.
type Axis struct {
	Field  string
	Values []AxisValue
}

// AxisValue is one value of an axis: a number, or a list of layer sizes
// for model.hidden.
type AxisValue struct {
	Num  float64
	List []int `json:",omitempty"`
}

// String formats the value as runs.csv writes it: the shortest decimal
// that parses back to the same number; a layer list as its sizes joined
// by "x" (64x64).
func (v AxisValue) String() string {
	if v.List != nil {
		parts := make([]string, len(v.List))
		for i, h := range v.List {
			parts[i] = strconv.Itoa(h)
		}
		return strings.Join(parts, "x")
	}
	return strconv.FormatFloat(v.Num, 'g', -1, 64)
}

// axisSetting is one axis value of an effective spec.
type axisSetting struct {
	field string
	value float64
}

// AxisPrefix starts the runs.csv column of an axis: axis.<field>.
const AxisPrefix = "axis."

// axisField describes a field that may be an axis.
type axisField struct {
	integer bool // the field is an integer; values must be whole
	list    bool // model.hidden: a value is a list of integers
	set     func(s *Spec, v AxisValue)
}

var axisFields = map[string]axisField{
	"seed":                     {integer: true, set: func(s *Spec, v AxisValue) { s.Seed = uint64(v.Num) }},
	"dataset.split.test":       {set: func(s *Spec, v AxisValue) { s.Dataset.Split.Test = v.Num }},
	"dataset.split.validation": {set: func(s *Spec, v AxisValue) { s.Dataset.Split.Validation = v.Num }},
	"model.hidden":             {list: true, set: func(s *Spec, v AxisValue) { s.Model.Hidden = slices.Clone(v.List) }},
	"model.noise":              {integer: true, set: func(s *Spec, v AxisValue) { s.Model.Noise = int(v.Num) }},
	"train.learning_rate":      {set: func(s *Spec, v AxisValue) { s.Train.LearningRate = v.Num }},
	"train.epochs":             {integer: true, set: func(s *Spec, v AxisValue) { s.Train.Epochs = int(v.Num) }},
	"train.batch_size":         {integer: true, set: func(s *Spec, v AxisValue) { s.Train.BatchSize = int(v.Num) }},
	"train.momentum":           {set: func(s *Spec, v AxisValue) { s.Train.Momentum = v.Num }},
	"train.weight_decay":       {set: func(s *Spec, v AxisValue) { s.Train.WeightDecay = v.Num }},
	"train.beta1":              {set: func(s *Spec, v AxisValue) { s.Train.Beta1 = v.Num }},
	"train.beta2":              {set: func(s *Spec, v AxisValue) { s.Train.Beta2 = v.Num }},
	"train.epsilon":            {set: func(s *Spec, v AxisValue) { s.Train.Epsilon = v.Num }},
	"loss.huber_delta":         {set: func(s *Spec, v AxisValue) { s.Loss.HuberDelta = v.Num }},
}

const paramsPrefix = "dataset.params."

// AxisFields lists the fields that may be axes, sorted;
// dataset.params.<name> stands for every generator parameter.
func AxisFields() []string {
	out := slices.Sorted(maps.Keys(axisFields))
	return append(out, paramsPrefix+"<name>", trainerParamsPrefix+"<name>")
}

func lookupAxisField(field string) (axisField, bool) {
	if name, ok := strings.CutPrefix(field, trainerParamsPrefix); ok && name != "" && !strings.ContainsAny(name, ".[") {
		return axisField{set: func(s *Spec, v AxisValue) {
			if s.Trainer == nil {
				return // refused by validate: an axis of a trainer parameter needs a trainer
			}
			t := *s.Trainer
			t.Params = maps.Clone(t.Params)
			if t.Params == nil {
				t.Params = map[string]float64{}
			}
			t.Params[name] = v.Num
			s.Trainer = &t
		}}, true
	}
	if name, ok := strings.CutPrefix(field, paramsPrefix); ok && name != "" && !strings.ContainsAny(name, ".[") {
		return axisField{set: func(s *Spec, v AxisValue) {
			p := maps.Clone(s.Dataset.Params)
			if p == nil {
				p = map[string]float64{}
			}
			p[name] = v.Num
			s.Dataset.Params = p
		}}, true
	}
	f, ok := axisFields[field]
	return f, ok
}

// maxAxisValues bounds the values of one axis.
const maxAxisValues = 1000

// decodeAxes decodes sweep.axes: a mapping from field to a list of values.
func (d *decoder) decodeAxes(n *yaml.Node, path string) []Axis {
	axes := []Axis{}
	d.mapping(n, path, nil, func(field string, v *yaml.Node, f string) {
		af, ok := lookupAxisField(field)
		if !ok {
			d.errAt(v, f, oneOf("not a field that can be an axis", field, AxisFields()))
			return
		}
		ax := Axis{Field: field}
		seen := map[string]int{}
		d.list(v, f, "values", func(i int, item *yaml.Node, fi string) {
			av, ok := d.axisValue(item, fi, field, af)
			if !ok {
				return
			}
			key := av.String()
			if j, dup := seen[key]; dup {
				d.errorf(item, fi, "value %s appears twice (also %s)", key, indexField(f, j))
				return
			}
			seen[key] = i
			ax.Values = append(ax.Values, av)
		})
		if len(ax.Values) == 0 && len(v.Content) == 0 && v.Kind == yaml.SequenceNode {
			d.errorf(v, f, "empty list: give at least one value")
			return
		}
		if len(ax.Values) > maxAxisValues {
			d.errorf(v, f, "more than %d values", maxAxisValues)
			return
		}
		axes = append(axes, ax)
	})
	return axes
}

// axisValue decodes one value of the axis field (af describes it): a
// layer list for model.hidden, an integer, or a number; ok is false
// after an error.
func (d *decoder) axisValue(item *yaml.Node, fi, field string, af axisField) (av AxisValue, ok bool) {
	switch {
	case af.list && item.Kind == yaml.ScalarNode:
		// A scalar is one layer; a list is the layer sizes.
		var h int
		before := len(d.errs)
		d.int(item, fi, &h)
		if len(d.errs) > before {
			return av, false
		}
		av.List = []int{h}
	case af.list:
		hidden := []int{}
		if !d.list(item, fi, "integers", func(_ int, it *yaml.Node, fj string) {
			var h int
			d.int(it, fj, &h)
			hidden = append(hidden, h)
		}) {
			return av, false
		}
		av.List = hidden
	case af.integer:
		x, ok := d.integer(item, fi)
		if !ok {
			return av, false
		}
		if x < 0 && field == "seed" {
			d.errorf(item, fi, "expected a non-negative integer, got %d", x)
			return av, false
		}
		av.Num = float64(x)
	default:
		x, ok := d.number(item, fi)
		if !ok {
			return av, false
		}
		av.Num = x
	}
	return av, true
}

// AxisPoints returns the axis points in their fixed order: the cartesian
// product of the axes, the last axis varying fastest. Point a holds one
// value per axis. A spec without axes has one point, with no values.
func (s *Spec) AxisPoints() [][]AxisValue {
	n := 1
	for _, ax := range s.Sweep.Axes {
		n *= len(ax.Values)
	}
	out := make([][]AxisValue, n)
	for a := range out {
		pt := make([]AxisValue, len(s.Sweep.Axes))
		rest := a
		for k := len(s.Sweep.Axes) - 1; k >= 0; k-- {
			vals := s.Sweep.Axes[k].Values
			pt[k] = vals[rest%len(vals)]
			rest /= len(vals)
		}
		out[a] = pt
	}
	return out
}

// AxisNames returns the axis fields in order (the runs.csv columns
// axis.<field>).
func (s *Spec) AxisNames() []string {
	out := make([]string, len(s.Sweep.Axes))
	for i, ax := range s.Sweep.Axes {
		out[i] = ax.Field
	}
	return out
}

// WithAxes returns the effective spec of axis point pt: a copy of s with
// each axis value written into its field and no axes. Maps and slices the
// axes change are copied; s is not modified. File and Pos are shared, so
// errors still point into the spec file.
func (s *Spec) WithAxes(pt []AxisValue) *Spec {
	c := *s
	c.Sweep.Axes = nil
	c.axisPoint = nil
	for k, ax := range s.Sweep.Axes {
		af, ok := lookupAxisField(ax.Field)
		if !ok {
			panic("experiments: WithAxes: unknown axis field " + ax.Field)
		}
		af.set(&c, pt[k])
		if pt[k].List == nil {
			c.axisPoint = append(c.axisPoint, axisSetting{ax.Field, pt[k].Num})
		}
	}
	return &c
}

// validateAxes checks every axis value as if it were written in its field:
// the spec with that one value applied is validated, and the problems in
// the field are reported at the value.
func (s *Spec) validateAxes(v *validator) {
	for _, ax := range s.Sweep.Axes {
		if strings.HasPrefix(ax.Field, trainerParamsPrefix) && s.Trainer == nil {
			v.addf(joinField("sweep.axes", ax.Field), "an axis of a trainer parameter needs a trainer: section")
			return
		}
	}
	for _, ax := range s.Sweep.Axes {
		if len(ax.Values) == 0 {
			if f := joinField("sweep.axes", ax.Field); !s.has(f) {
				v.addf(f, "empty list: give at least one value")
			}
			return // reported when decoded
		}
	}
	for i, ax := range s.Sweep.Axes {
		f := joinField("sweep.axes", ax.Field)
		for j, val := range ax.Values {
			pt := make([]AxisValue, len(s.Sweep.Axes))
			for k, other := range s.Sweep.Axes {
				pt[k] = other.Values[0]
			}
			pt[i] = val
			c := s.WithAxes(pt)
			c.Sweep.Refine = nil
			for _, e := range c.validate() {
				if isWithin(e.Field, ax.Field) || (ax.Field == "model.hidden" && e.Field == "model.kind") {
					v.errs = append(v.errs, s.fieldErr(indexField(f, j), val.String(), fmt.Errorf("%s = %s: %w", ax.Field, val, e.Err)))
				}
			}
		}
	}
}

// AxisValues returns the axis values of an effective spec (WithAxes), by
// field; empty without axes.
func (s *Spec) AxisValues() map[string]float64 {
	out := make(map[string]float64, len(s.axisPoint))
	for _, a := range s.axisPoint {
		out[a.field] = a.value
	}
	return out
}
