package lossterms

import "fmt"

var _ Term = (*External)(nil)

func init() {
	register(Info{
		Kind:   "external",
		Family: "external",
		Summary: "a term the user's training command computes (spec section trainer:): lossexp sweeps its λ, " +
			"passes it as {lambda.<name>} and LOSSEXP_LAMBDA_<NAME>, and analyses what the command reports",
		Params: []ParamInfo{
			{Name: "metric", Default: "none", Meaning: "the metric the term pushes (e.g. test.dp_diff), for the balance and trade-off analysis; it must be one the trainer reports"},
		},
		New: func(params map[string]any) (Term, error) {
			if err := checkParamNames("external", params, "metric"); err != nil {
				return nil, err
			}
			e := &External{}
			if v, ok := params["metric"]; ok {
				s, ok := v.(string)
				if !ok || s == "" {
					return nil, &ParamError{Param: "metric", Value: v, Err: fmt.Errorf("must be a metric name")}
				}
				e.Metric = s
			}
			return e, nil
		},
	})
}

// External is a term with a name and no math of its own: the user's
// training command computes it at the λ lossexp passes. It carries only
// the optional name of the metric the term pushes.
type External struct {
	Metric string // "" when the spec names none
}

// Kind returns "external".
func (External) Kind() string { return "external" }

// OwnMetric returns the metric the term pushes ("" for none).
func (e External) OwnMetric() string { return e.Metric }
