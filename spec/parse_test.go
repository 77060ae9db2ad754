package spec

import (
	"errors"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/lossterms"
)

// base is the smallest valid spec; the error cases below append to it or
// replace it.
const base = "name: q\ndataset: {builtin: moons}\n"

// TestParse_Errors checks the exact message of each kind of bad spec:
// file:line:column, field, message.
func TestParse_Errors(t *testing.T) {
	kinds := strings.Join(lossterms.Kinds(), ", ")
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"unknown top-level key belonging elsewhere", base + "epochs: 3\n",
			"bad.yaml:3:1: epochs: unknown key, did you mean train.epochs? (valid: name, description, seed, repeats, dataset, model, train, trainer, loss, sweep, report, check)"},
		{"unknown nested key", "name: q\ndataset:\n  builtin: moons\n  sampels: 600\n",
			"bad.yaml:4:3: dataset.sampels: unknown key (valid: builtin, csv, target, task, features, categorical, missing, group, aux_targets, sequence, image, params, standardize, split)"},
		{"a train fraction", "name: q\ndataset:\n  builtin: moons\n  split: {train: 0.5, test: 0.3}\n",
			"bad.yaml:4:11: dataset.split.train: unknown key: the training rows are those test and validation leave, no fraction to give (valid: test, validation, stratify, test_csv, unseen, cv)"},
		{"near miss", base + "train:\n  learning-rate: 0.1\n",
			`bad.yaml:4:3: train.learning-rate: unknown key, did you mean "learning_rate"? (valid: optimizer, learning_rate, epochs, batch_size, momentum, weight_decay, beta1, beta2, epsilon, eval_every, tolerance, precision)`},
		{"wrong type word for integer", base + "train:\n  epochs: ten\n",
			`bad.yaml:4:11: train.epochs: expected an integer, got "ten"`},
		{"wrong type fraction for integer", base + "repeats: 2.5\n",
			"bad.yaml:3:10: repeats: expected an integer, got 2.5"},
		{"wrong type mapping for list", base + "model: {hidden: {a: 1}}\n",
			"bad.yaml:3:17: model.hidden: expected a list of integers, got a mapping"},
		{"wrong type bool", base + "model: {kind: true}\n",
			"bad.yaml:3:15: model.kind: expected a string, got true (quote it if you mean the text)"},
		{"negative fixed weight", base + "loss:\n  terms:\n    - kind: l2\n      weight: -0.1\n",
			"bad.yaml:6:15: loss.terms[0].weight: λ must be ≥ 0, got -0.1"},
		{"negative weight in a list", base + "loss:\n  terms:\n    - kind: l2\n      weight: [0.1, -1]\n",
			"bad.yaml:6:21: loss.terms[0].weight[1]: λ must be ≥ 0, got -1"},
		{"NaN weight", base + "loss:\n  terms:\n    - kind: l2\n      weight: .nan\n",
			"bad.yaml:6:15: loss.terms[0].weight: λ must be finite, got NaN"},
		{"empty weight list", base + "loss:\n  terms:\n    - kind: l2\n      weight: []\n",
			"bad.yaml:6:15: loss.terms[0].weight: empty list: give at least one λ"},
		{"duplicate weight", base + "loss:\n  terms:\n    - kind: l2\n      weight: [0.1, 0.01, 0.1]\n",
			"bad.yaml:6:15: loss.terms[0].weight: λ = 0.1 appears twice"},
		{"missing weight", base + "loss:\n  terms:\n    - kind: l2\n",
			"bad.yaml:5:7: loss.terms[0].weight: required: a number, a list of numbers, or {logspace|linspace: {from, to, num}}"},
		{"logspace from > to", base + "loss:\n  terms:\n    - kind: l1\n      weight: {logspace: {from: 1, to: 0.1, num: 3}}\n",
			"bad.yaml:6:33: loss.terms[0].weight.logspace.from: from (1) is greater than to (0.1)"},
		{"logspace from 0", base + "loss:\n  terms:\n    - kind: l1\n      weight: {logspace: {from: 0, to: 0.1, num: 3}}\n",
			"bad.yaml:6:33: loss.terms[0].weight.logspace.from: logspace needs a value > 0, got 0 (λ = 0 is added automatically)"},
		{"linspace num 0", base + "loss:\n  terms:\n    - kind: l1\n      weight: {linspace: {from: 0, to: 1, num: 0}}\n",
			"bad.yaml:6:48: loss.terms[0].weight.linspace.num: must be between 1 and 10000, got 0"},
		{"two weight forms", base + "loss:\n  terms:\n    - kind: l1\n      weight: {values: [1], linspace: {from: 0, to: 1, num: 2}}\n",
			"bad.yaml:6:15: loss.terms[0].weight: give one of logspace, linspace or values, not values and linspace"},
		{"zip length mismatch", base + "sweep: {mode: zip}\nloss:\n  terms:\n    - kind: l1\n      weight: [1, 2]\n    - kind: l2\n      weight: [1, 2, 3]\n",
			"bad.yaml:9:15: loss.terms[1].weight: sweep mode zip needs swept weights of equal length: l1 has 3 values, l2 has 4"},
		{"axis not a field", base + "sweep:\n  axes:\n    train.epochz: [1, 2]\n",
			`bad.yaml:5:19: sweep.axes.train.epochz: not a field that can be an axis, did you mean "train.epochs"? (valid: ` + strings.Join(AxisFields(), ", ") + ")"},
		{"axis value out of range", base + "sweep:\n  axes:\n    train.learning_rate: [0.01, -1]\n",
			"bad.yaml:5:33: sweep.axes.train.learning_rate[1]: train.learning_rate = -1: must be > 0, got -1"},
		{"axis integer field given a fraction", base + "sweep:\n  axes:\n    train.epochs: [10, 2.5]\n",
			"bad.yaml:5:24: sweep.axes.train.epochs[1]: expected an integer, got 2.5"},
		{"axis duplicate value", base + "sweep:\n  axes:\n    dataset.params.samples: [100, 100]\n",
			"bad.yaml:5:35: sweep.axes.dataset.params.samples[1]: value 100 appears twice (also sweep.axes.dataset.params.samples[0])"},
		{"axis hidden layer of 0 units", base + "sweep:\n  axes:\n    model.hidden: [16, [64, 0]]\n",
			"bad.yaml:5:24: sweep.axes.model.hidden[1]: model.hidden = 64x0: a layer needs between 1 and 65536 units, got 0"},
		{"axis not a list", base + "sweep:\n  axes:\n    train.epochs: 10\n",
			"bad.yaml:5:19: sweep.axes.train.epochs: expected a list of values, got 10"},
		{"refine unknown key", base + "sweep:\n  refine: {rounds: 2, pointz: 3}\nloss:\n  terms:\n    - kind: l2\n      weight: [1, 2, 3]\n",
			`bad.yaml:4:23: sweep.refine.pointz: unknown key, did you mean "points"? (valid: rounds, points)`},
		{"refine rounds 0", base + "sweep:\n  refine: {rounds: 0, points: 3}\nloss:\n  terms:\n    - kind: l2\n      weight: [1, 2, 3]\n",
			"bad.yaml:4:20: sweep.refine.rounds: must be between 1 and 20, got 0"},
		{"refine two swept terms", base + "sweep:\n  refine: {rounds: 1, points: 3}\nloss:\n  terms:\n    - kind: l2\n      weight: [1, 2, 3]\n    - kind: l1\n      weight: [1, 2]\n",
			"bad.yaml:4:11: sweep.refine: refinement adds λ values of one swept term; the spec sweeps 2"},
		{"unknown scale", base + "loss:\n  terms:\n    - kind: l2\n      weight: [1, 2]\n      scale: initial_los\n",
			`bad.yaml:7:14: loss.terms[0].scale: unknown scale "initial_los", did you mean "initial_loss"? (valid: initial_loss, initial_grad)`},
		{"scale on a batch term", "name: q\ndataset: {builtin: fair}\nloss:\n  terms:\n    - kind: fairness\n      weight: 1\n      scale: initial_loss\n",
			"bad.yaml:7:14: loss.terms[0].scale: scale is supported for weight penalties (l1, l2, …), whose value at initialization depends on the weights alone; term fairness (fairness) is computed per batch"},
		{"simplex weight outside simplex mode", base + "loss:\n  terms:\n    - kind: l2\n      weight: simplex\n",
			"bad.yaml:6:15: loss.terms[0].weight: weight: simplex needs sweep mode simplex (mode is grid)"},
		{"simplex with one term", base + "sweep: {mode: simplex, points: 4}\nloss:\n  terms:\n    - kind: l2\n      weight: simplex\n",
			"bad.yaml:3:15: sweep.mode: sweep mode simplex needs two or more terms with weight: simplex, got 1"},
		{"simplex step does not divide total", base + "sweep: {mode: simplex, step: 0.3}\nloss:\n  terms:\n    - {kind: l2, weight: simplex}\n    - {kind: l1, weight: simplex}\n",
			"bad.yaml:3:30: sweep.step: total (1) is not a whole number of steps of 0.3 (at most 10000)"},
		{"simplex with a swept list", base + "sweep: {mode: simplex, points: 2}\nloss:\n  terms:\n    - {kind: l2, weight: simplex}\n    - {kind: l1, weight: simplex}\n    - {kind: l1, name: l1b, weight: [1, 2]}\n",
			"bad.yaml:8:37: loss.terms[2].weight: sweep mode simplex sweeps the terms with weight: simplex; term l1b must be simplex or fixed"},
		{"total outside simplex", base + "sweep: {total: 2}\n",
			"bad.yaml:3:16: sweep.total: only used by sweep mode simplex (mode is grid)"},
		{"unknown term kind", base + "loss:\n  terms:\n    - kind: l3\n      weight: 0.1\n",
			`bad.yaml:5:13: loss.terms[0].kind: unknown term kind "l3" (valid: ` + kinds + ")"},
		{"missing term kind", base + "loss: {terms: [{weight: 1}]}\n",
			"bad.yaml:3:16: loss.terms[0].kind: required (valid: " + kinds + ")"},
		{"term not a mapping", base + "loss: {terms: [l1]}\n",
			`bad.yaml:3:16: loss.terms[0]: expected a mapping, got "l1"`},
		{"target with builtin", "name: q\ndataset: {builtin: moons, target: y}\n",
			`bad.yaml:2:35: dataset.target: only for csv datasets (builtin "moons" brings its own columns)`},
		{"target listed as feature", "name: q\ndataset: {csv: a.csv, target: y, features: [y, a]}\n",
			`bad.yaml:2:45: dataset.features[0]: "y" is the target; it cannot also be a feature`},
		{"unknown term param", base + "loss:\n  terms:\n    - kind: l1\n      weight: 0.1\n      methd: proximal\n",
			"bad.yaml:7:14: loss.terms[0].methd: unknown parameter of l1 (valid: method)"},
		{"duplicate term name", base + "loss:\n  terms:\n    - kind: l2\n      weight: 0.1\n    - kind: l2\n      weight: [1]\n",
			`bad.yaml:7:7: loss.terms[1].name: duplicate term name "l2" (also loss.terms[0]); set name: on one of them`},
		{"report.x not swept", base + "report: {x: l2}\nloss:\n  terms:\n    - kind: l1\n      weight: [1, 2]\n    - kind: l2\n      weight: 3\n",
			`bad.yaml:3:13: report.x: term "l2" is not swept (its weight is fixed); swept terms: l1`},
		{"report.x no such term", base + "report: {x: l9}\nloss:\n  terms:\n    - kind: l1\n      weight: [1, 2]\n",
			`bad.yaml:3:13: report.x: no term named "l9"; swept terms: l1`},
		{"lbfgs with l1", base + "train: {optimizer: lbfgs}\nloss:\n  terms:\n    - kind: l1\n      weight: 0.1\n",
			"bad.yaml:3:20: train.optimizer: lbfgs cannot optimise the non-smooth l1 term; use sgd or momentum (proximal) or adam"},
		{"unknown optimizer", base + "train: {optimizer: rmsprop}\n",
			`bad.yaml:3:20: train.optimizer: unknown optimizer "rmsprop" (valid: sgd, momentum, adam, adamw, lbfgs)`},
		{"optimizer typo", base + "train: {optimizer: adm}\n",
			`bad.yaml:3:20: train.optimizer: unknown optimizer "adm", did you mean "adam"? (valid: sgd, momentum, adam, adamw, lbfgs)`},
		{"momentum with adam", base + "train: {momentum: 0.5}\n",
			"bad.yaml:3:19: train.momentum: only used by optimizer momentum (optimizer is adam)"},
		{"tolerance with adam", base + "train: {tolerance: 1e-6}\n",
			"bad.yaml:3:20: train.tolerance: only used by optimizer lbfgs (optimizer is adam)"},
		{"tolerance zero", base + "train: {optimizer: lbfgs, tolerance: 0}\n",
			"bad.yaml:3:38: train.tolerance: must be in (0, 1], got 0"},
		{"bad YAML syntax", "name: q\n  dataset: x\n",
			"bad.yaml:2: invalid YAML: mapping values are not allowed in this context"},
		{"duplicate key", base + "name: r\n",
			"bad.yaml:3:1: name: duplicate key (first at line 1, column 1)"},
		{"empty file", "", "bad.yaml: empty spec"},
		{"only comments", "# nothing here\n", "bad.yaml: empty spec"},
		{"not a mapping", "- a\n- b\n",
			"bad.yaml:1:1: a spec must be a mapping of keys (name, dataset, model, …), got a list"},
		{"two documents", base + "---\nname: r\n",
			"bad.yaml:3:1: a spec file holds one YAML document; found a second one"},
		{"missing name", "dataset: {builtin: moons}\n",
			"bad.yaml:1:1: name: required (letters, digits, '-', '_' and '.'; results go to results/<name>/)"},
		{"name not a folder name", "name: ../up\ndataset: {builtin: moons}\n",
			`bad.yaml:1:7: name: "../up" is not a usable folder name: use letters, digits, '-', '_' and '.', not starting with '.' or '-', at most 100 of them`},
		{"test + validation ≥ 1", "name: q\ndataset:\n  builtin: moons\n  split: {test: 0.5, validation: 0.5}\n",
			"bad.yaml:4:34: dataset.split.validation: test (0.5) + validation (0.5) must be below 1 to leave training rows"},
		{"test fraction 1", "name: q\ndataset:\n  builtin: moons\n  split: {test: 1}\n",
			"bad.yaml:4:17: dataset.split.test: must be in [0, 1), got 1"},
		{"no dataset", "name: q\n",
			"bad.yaml:1:1: dataset: give builtin (a generator) or csv (a file)"},
		{"builtin and csv", "name: q\ndataset: {builtin: moons, csv: a.csv}\n",
			"bad.yaml:2:32: dataset.csv: builtin and csv exclude each other; give one"},
		{"csv without target", "name: q\ndataset: {csv: a.csv}\n",
			"bad.yaml:2:10: dataset.target: required for a csv dataset: name the label column"},
		{"sequence on a builtin", "name: q\ndataset: {builtin: moons, sequence: {id: s, order: t}}\n",
			"bad.yaml:2:37: dataset.sequence: only for csv datasets (builtin \"moons\" brings its own structure)"},
		{"linear with hidden", base + "model: {kind: linear, hidden: [8]}\n",
			"bad.yaml:3:31: model.hidden: a linear model has no hidden layers; remove hidden or use kind: mlp"},
		{"repeats 0", base + "repeats: 0\n",
			"bad.yaml:3:10: repeats: must be at least 1, got 0"},
		{"cross_entropy on regression", "name: q\ndataset: {builtin: friedman, task: regression}\nloss: {task: cross_entropy}\n",
			"bad.yaml:3:14: loss.task: cross_entropy needs a classification dataset (dataset task is regression); use mse or huber"},
		{"alias", "name: &n q\ndataset: {builtin: *n}\n",
			"bad.yaml:2:20: dataset.builtin: aliases (*name) are not supported in specs"},
		{"several errors in file order", "name: q\ntrain:\n  epochs: 0\n  optimizer: nope\ndataset: {builtin: moons}\nrepeats: -1\n",
			"bad.yaml:3:11: train.epochs: must be at least 1, got 0\n" +
				`bad.yaml:4:14: train.optimizer: unknown optimizer "nope" (valid: sgd, momentum, adam, adamw, lbfgs)` + "\n" +
				"bad.yaml:6:10: repeats: must be at least 1, got -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(strings.NewReader(tt.in), "bad.yaml")
			if err == nil {
				t.Fatalf("Parse succeeded (%+v), want error\n%s", s, tt.want)
			}
			if s != nil {
				t.Errorf("Parse returned a spec with an error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error:\ngot  %s\nwant %s", got, tt.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *FieldError", err)
			} else if fe.File != "bad.yaml" {
				t.Errorf("FieldError.File = %q", fe.File)
			}
		})
	}
}

// TestParse_ParamErrorChain checks that a term's parameter error keeps
// the *lossterms.ParamError reachable with errors.As.
func TestParse_ParamErrorChain(t *testing.T) {
	in := base + "loss:\n  terms:\n    - kind: l1\n      weight: 0.1\n      method: sideways\n"
	_, err := Parse(strings.NewReader(in), "p.yaml")
	var pe *lossterms.ParamError
	if !errors.As(err, &pe) || pe.Param != "method" {
		t.Fatalf("errors.As ParamError: %v (%v)", pe, err)
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "loss.terms[0].method" || fe.Line != 7 || fe.Col != 15 {
		t.Fatalf("FieldError = %+v", fe)
	}
}

// TestParse_DecodeErrorNotRepeated checks that a field that failed to
// decode is not reported a second time by validation.
func TestParse_DecodeErrorNotRepeated(t *testing.T) {
	in := base + "loss:\n  terms:\n    - kind: l1\n      weight: {logspace: {from: 1, to: 0.1, num: 3}}\n"
	_, err := Parse(strings.NewReader(in), "p.yaml")
	if err == nil || strings.Count(err.Error(), "\n") != 0 {
		t.Fatalf("want exactly one error, got %v", err)
	}
}

func TestParse_FieldErrorString(t *testing.T) {
	e := errors.New("bad")
	tests := []struct {
		fe   FieldError
		want string
	}{
		{FieldError{File: "a.yaml", Line: 3, Col: 5, Field: "x.y", Err: e}, "a.yaml:3:5: x.y: bad"},
		{FieldError{File: "a.yaml", Line: 3, Field: "x.y", Err: e}, "a.yaml:3: x.y: bad"},
		{FieldError{File: "a.yaml", Field: "x.y", Err: e}, "a.yaml: x.y: bad"},
		{FieldError{Line: 2, Col: 1, Field: "x", Err: e}, "2:1: x: bad"},
		{FieldError{Field: "x", Err: e}, "x: bad"},
		{FieldError{File: "a.yaml", Err: e}, "a.yaml: bad"},
		{FieldError{Field: "x"}, "x: invalid value"},
	}
	for _, tt := range tests {
		if got := tt.fe.Error(); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.fe, got, tt.want)
		}
	}
	fe := &FieldError{Err: e}
	if !errors.Is(fe, e) {
		t.Error("Unwrap does not reach Err")
	}
}

func TestParse_Suggest(t *testing.T) {
	valid := []string{"optimizer", "learning_rate", "epochs", "batch_size"}
	tests := map[string]string{
		"learning-rate": "learning_rate",
		"Epochs":        "epochs",
		"epcohs":        "epochs",
		"batchsize":     "batch_size",
		"lr":            "",
		"x":             "",
		"samples":       "",
	}
	for in, want := range tests {
		if got := suggest(in, valid); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
