package lossterms

import (
	"fmt"
	"sort"
	"strings"
)

// ParamInfo documents one inline parameter of a term.
type ParamInfo struct {
	Name    string
	Default string
	Meaning string
}

// Info describes a term kind in the catalogue.
type Info struct {
	Kind    string
	Family  string // regularization, auxiliary, fairness, ...
	Summary string // one line, shown by `lossexp terms`
	Params  []ParamInfo
	// Metrics describes the model-level or per-split metrics the term
	// adds or is judged by (e.g. "sparsity"), most telling first: rows of
	// the metric table (MetricTable), shown by `lossexp terms` and
	// `lossexp metrics`; the report judges the term by the first that has
	// values.
	Metrics []MetricDef
	// Needs says what the term needs from a spec's dataset and model, so
	// that a spec that cannot feed it is refused before training.
	Needs InfoNeeds
	// New builds the term from its inline spec parameters. An unknown or
	// ill-typed parameter is reported as a *ParamError.
	New func(params map[string]any) (Term, error)
}

// InfoNeeds is what a term kind needs from a spec. A spec that cannot
// provide it is refused before training with a message that names the
// term, says why it needs it (Why) and which field to set.
type InfoNeeds struct {
	Groups bool // a group column (dataset.group) or a generator with groups
	Aux    bool // auxiliary targets (dataset.aux_targets) or a generator with them
	Hidden bool // a hidden layer (model.kind: mlp)
	// Sequences: rows that are frames of sequences, in order
	// (dataset.sequence, or a generator with sequences).
	Sequences bool
	// Images: an image-restoration task with class labels (dataset.image,
	// or a generator of images).
	Images bool
	// Generator: a conditional generator, a real-valued target
	// (regression) and noise inputs (model.noise) to generate from.
	Generator bool
	// Why says what the term does with what it needs, completing "term
	// <name> …" (e.g. "compares consecutive frames of a sequence"); the
	// messages of Sequences, Images and Generator use it.
	Why string
}

// ParamError is a bad inline parameter of a term.
type ParamError struct {
	Param string
	Value any
	Err   error
}

func (e *ParamError) Error() string {
	if e.Value != nil {
		return fmt.Sprintf("%s: %v (got %v)", e.Param, e.Err, e.Value)
	}
	return fmt.Sprintf("%s: %v", e.Param, e.Err)
}

func (e *ParamError) Unwrap() error { return e.Err }

// catalogue is the one explicit registry from kind to constructor.
var catalogue = map[string]Info{}

func register(i Info) {
	if _, dup := catalogue[i.Kind]; dup {
		panic("lossterms: duplicate term kind " + i.Kind)
	}
	catalogue[i.Kind] = i
}

// Lookup returns the catalogue entry for kind; an unknown kind's error
// lists the valid ones.
func Lookup(kind string) (Info, error) {
	i, ok := catalogue[kind]
	if !ok {
		return Info{}, fmt.Errorf("unknown term kind %q (valid: %s)", kind, strings.Join(Kinds(), ", "))
	}
	return i, nil
}

// Kinds returns every registered term kind, sorted.
func Kinds() []string {
	k := make([]string, 0, len(catalogue))
	for name := range catalogue {
		k = append(k, name)
	}
	sort.Strings(k)
	return k
}

// Catalogue returns every entry, sorted by family then kind.
func Catalogue() []Info {
	out := make([]Info, 0, len(catalogue))
	for _, i := range catalogue {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Family != out[b].Family {
			return out[a].Family < out[b].Family
		}
		return out[a].Kind < out[b].Kind
	})
	return out
}

// TaskLossInfo describes a task loss.
type TaskLossInfo struct {
	Name    string
	Summary string
}

// TaskLosses lists the task losses, in a fixed order.
func TaskLosses() []TaskLossInfo {
	return []TaskLossInfo{
		{"cross_entropy", "mean negative log-likelihood: sigmoid for one logit, softmax for K > 2 classes"},
		{"mse", "mean over samples of the squared error (Σ over outputs of (ŷ−y)²)"},
		{"huber", "mean Huber loss with threshold huber_delta (default 1): quadratic near 0, linear beyond"},
	}
}
