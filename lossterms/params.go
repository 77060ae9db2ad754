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
