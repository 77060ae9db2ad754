package lossterms

import (
	"fmt"
	"sort"
	"strings"
)

// checkParamNames returns a *ParamError for the first (in sorted order) key
// of params that is not one of valid.
func checkParamNames(kind string, params map[string]any, valid ...string) error {
	var unknown []string
	for name := range params {
		ok := false
		for _, v := range valid {
			if name == v {
				ok = true
				break
			}
		}
		if !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	var err error
	if len(valid) == 0 {
		err = fmt.Errorf("unknown parameter of %s (%s takes no parameters)", kind, kind)
	} else {
		err = fmt.Errorf("unknown parameter of %s (valid: %s)", kind, strings.Join(valid, ", "))
	}
	return &ParamError{Param: unknown[0], Err: err}
}

// stringParam returns params[name] as one of the allowed strings, def when
// it is absent.
func stringParam(params map[string]any, name, def string, allowed ...string) (string, error) {
	v, ok := params[name]
	if !ok {
		return def, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", &ParamError{Param: name, Value: v,
			Err: fmt.Errorf("must be a string, one of %s", strings.Join(allowed, ", "))}
	}
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", &ParamError{Param: name, Value: s,
		Err: fmt.Errorf("must be one of %s", strings.Join(allowed, ", "))}
}

// floatParam returns params[name] as a number in [lo, hi], def when it is
// absent.
func floatParam(params map[string]any, name string, def, lo, hi float64) (float64, error) {
	v, ok := params[name]
	if !ok {
		return def, nil
	}
	x, ok := toFloat(v)
	if !ok {
		return 0, &ParamError{Param: name, Value: v, Err: fmt.Errorf("must be a number")}
	}
	if !(x >= lo && x <= hi) {
		return 0, &ParamError{Param: name, Value: v, Err: fmt.Errorf("must be between %g and %g", lo, hi)}
	}
	return x, nil
}

// intParam returns params[name] as a whole number in [lo, hi], def when
// it is absent.
func intParam(params map[string]any, name string, def, lo, hi int) (int, error) {
	v, ok := params[name]
	if !ok {
		return def, nil
	}
	x, ok := toFloat(v)
	if !ok || x != float64(int(x)) { // exact: a whole number converts back unchanged
		return 0, &ParamError{Param: name, Value: v, Err: fmt.Errorf("must be a whole number")}
	}
	if int(x) < lo || int(x) > hi {
		return 0, &ParamError{Param: name, Value: v, Err: fmt.Errorf("must be between %d and %d", lo, hi)}
	}
	return int(x), nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// layerParam reads the hidden-layer parameter "layer": a 0-based index,
// or -1 (the default) for the last hidden layer.
func layerParam(params map[string]any) (int, error) {
	return intParam(params, "layer", -1, -1, 1<<16)
}

// resolveLayer turns a layer parameter into an index of s.Hidden, or an
// error naming the term when the model has no such hidden layer.
func resolveLayer(kind string, layer int, s Shape) (int, error) {
	if len(s.Hidden) == 0 {
		return 0, fmt.Errorf("term %s reads a hidden layer but the model has none (model.kind: linear); use kind: mlp with hidden: [...]", kind)
	}
	if layer == -1 {
		return len(s.Hidden) - 1, nil
	}
	if layer >= len(s.Hidden) {
		return 0, fmt.Errorf("term %s: layer %d does not exist; the model has %d hidden layers (0..%d)", kind, layer, len(s.Hidden), len(s.Hidden)-1)
	}
	return layer, nil
}

// ownTrainingParams reads the parameters of a term's own network's
// training: optimizer (sgd, momentum or adam; "" = the model's),
// learning_rate (0 = the model's) and steps per batch (default 1).
func ownTrainingParams(params map[string]any) (OwnTraining, error) {
	var t OwnTraining
	var err error
	if t.Optimizer, err = stringParam(params, "optimizer", "", "sgd", "momentum", "adam"); err != nil {
		return t, err
	}
	if t.LearningRate, err = floatParam(params, "learning_rate", 0, 1e-12, 1e6); err != nil {
		return t, err
	}
	if t.Steps, err = intParam(params, "steps", 1, 1, 1000); err != nil {
		return t, err
	}
	return t, nil
}
