package spec

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/lossterms"
)

// Valid choices, in documented order (error messages list them so).
var (
	tasks        = []string{"classification", "regression"}
	missingModes = []string{"error", "drop"}
	modelKinds   = []string{"linear", "mlp"}
	activations  = []string{"relu", "tanh", "sigmoid"}
	optimizers   = []string{"sgd", "momentum", "adam", "adamw", "lbfgs"}
	taskLosses   = []string{"cross_entropy", "mse", "huber"}
	sweepModes   = []string{"grid", "zip", "simplex"}
	scales       = []string{ScaleInitialLoss, ScaleInitialGrad}
)

// maxGridPoints bounds the number of grid points a spec may expand to.
const maxGridPoints = 100000

// DefaultSpec returns a spec holding every default that does not depend
// on another field: seed 1, 3 repeats, missing cells are errors,
// standardized features, a 25 % stratified test split and no validation
// split, an mlp with one hidden layer of 32 relu units, adam with learning
// rate 0.01 for 100 epochs in batches of 32 (momentum 0.9, weight decay
// 0.01, β1 0.9, β2 0.999, ε 1e-8), Huber δ 1 and grid sweeps.
//
// Parse starts from DefaultSpec and then applies the defaults that depend
// on what the file says: a linear model has no hidden layers; sgd and
// momentum default to learning rate 0.1; a csv dataset is a
// classification unless task says otherwise; loss.task defaults to
// cross_entropy for classification and mse for regression (it stays ""
// for a built-in dataset whose task is not written: the trainer resolves
// it from the generator); a term's name defaults to its kind; report.x
// defaults to the first swept term.
func DefaultSpec() Spec {
	return Spec{
		Seed:    1,
		Repeats: 3,
		Dataset: DatasetSpec{
			Missing:     "error",
			Standardize: true,
			Split:       SplitSpec{Test: 0.25, Stratify: true},
		},
		Model: ModelSpec{Kind: "mlp", Hidden: []int{32}, Activation: "relu"},
		Train: TrainSpec{
			Optimizer:    "adam",
			LearningRate: 0.01,
			Epochs:       100,
			BatchSize:    32,
			EvalEvery:    1,
			Momentum:     0.9,
			WeightDecay:  0.01,
			Beta1:        0.9,
			Beta2:        0.999,
			Epsilon:      1e-8,
		},
		Loss:   LossSpec{HuberDelta: 1},
		Sweep:  SweepSpec{Mode: "grid"},
		Report: ReportSpec{SelectOn: SelectValidation, Validation: defaultCarve, Resamples: DefaultResamples},
	}
}

// has reports whether field was written in the spec file.
func (s *Spec) has(field string) bool {
	_, ok := s.Pos[field]
	return ok
}

// applyDefaults sets the defaults that depend on other fields (see
// DefaultSpec). Fields written in the file are left alone.
func (s *Spec) applyDefaults() {
	if s.Trainer != nil {
		// The command owns data, model and training: none of the built-in
		// defaults apply (validateTrainer refuses the sections if written).
		s.Dataset, s.Model, s.Train = DatasetSpec{}, ModelSpec{}, TrainSpec{}
		s.Loss.Task, s.Loss.HuberDelta = "", 0
	}
	if s.Model.Kind == "linear" && !s.has("model.hidden") {
		s.Model.Hidden = nil
	}
	if (s.Train.Optimizer == "sgd" || s.Train.Optimizer == "momentum") && !s.has("train.learning_rate") {
		s.Train.LearningRate = 0.1
	}
	if s.Dataset.CSV != "" && s.Dataset.Builtin == "" && s.Dataset.Task == "" {
		s.Dataset.Task = "classification"
		if s.Dataset.Image != nil {
			s.Dataset.Task = "regression" // restoring the image; the target column is its class
		}
	}
	if s.Dataset.Split.TestCSV != "" && !s.has("dataset.split.test") {
		s.Dataset.Split.Test = 0
	}
	if s.Dataset.Split.TestCSV != "" && s.Dataset.Split.Unseen == "" {
		s.Dataset.Split.Unseen = "error"
	}
	if s.Loss.Task == "" {
		switch s.Dataset.Task {
		case "classification":
			s.Loss.Task = "cross_entropy"
		case "regression":
			s.Loss.Task = "mse"
		}
	}
	for i := range s.Loss.Terms {
		if t := &s.Loss.Terms[i]; t.Name == "" && !s.has(indexField("loss.terms", i)+".name") {
			t.Name = t.Kind
		}
	}
	if s.Sweep.Mode == "simplex" {
		s.simplexDefaults()
	}
	if s.Dataset.Split.CV > 0 && !s.has("report.select_on") {
		s.Report.SelectOn = SelectCV
	}
	if s.Report.X == "" && !s.has("report.x") {
		// The first term with a curve: a swept weight of one value
		// (weight: [0]) has nothing to plot against.
		for _, i := range s.SweptTerms() {
			if len(s.Loss.Terms[i].Weight.Values) > 1 {
				s.Report.X = s.Loss.Terms[i].Name
				break
			}
		}
	}
}

// Validate checks the spec as a whole: required fields, ranges, choices,
// the term catalogue (kinds and inline parameters), unique term names,
// optimizer and term compatibility, the report axis and the grid. It
// returns nil, one *FieldError, or every problem joined one per line in
// file order. Positions come from s.Pos, so a spec built in Go (start from
// DefaultSpec) gets the same messages without line numbers.
func (s *Spec) Validate() error {
	return joinErrors(s.validate())
}

// validator collects the problems Validate finds.
type validator struct {
	s    *Spec
	errs []*FieldError
}

func (v *validator) add(field string, err error) {
	v.errs = append(v.errs, v.s.fieldErr(field, "", err))
}

func (v *validator) addf(field, format string, args ...any) {
	v.add(field, fmt.Errorf(format, args...))
}

// choice checks that val is one of valid.
func (v *validator) choice(field, what, val string, valid []string) {
	if !slices.Contains(valid, val) {
		v.add(field, oneOf(fmt.Sprintf("unknown %s %q", what, val), val, valid))
	}
}

// finite checks that x is finite and, with lo/hi, in range.
func (v *validator) inRange(field string, x float64, cond bool, want string) {
	if math.IsNaN(x) || math.IsInf(x, 0) || !cond {
		v.addf(field, "must be %s, got %g", want, x)
	}
}

// maxNamePart is the longest metric name that may become part of a file
// name (<metric>_vs_<term>.png must fit the 255 bytes of a file name).
const maxNamePart = 100

// fileNamePart checks a name that becomes part of a file name of the
// results folder (a metric's figures): the report escapes '/', but a name
// with an empty, '.' or '..' path segment, or too long for a file name,
// is refused. It reports whether name passed.
func (v *validator) fileNamePart(field, what, name string) bool {
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			v.addf(field, "%s name %s has an empty, '.' or '..' path segment; it becomes part of file names (its figures): write it without one", what, clipValue(name))
			return false
		}
	}
	if len(name) > maxNamePart || strings.ContainsRune(name, 0) {
		v.addf(field, "%s name %s is not usable in a file name (its figures): at most %d bytes, no NUL", what, clipValue(name), maxNamePart)
		return false
	}
	return true
}

var (
	nameRE     = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]*$`)
	termNameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]*$`)
)

func (s *Spec) validate() []*FieldError {
	v := &validator{s: s}
	switch {
	case s.Name == "" && s.has("name"):
		v.addf("name", "must not be empty")
	case s.Name == "":
		v.addf("name", "required (letters, digits, '-', '_' and '.'; results go to results/<name>/)")
	case len(s.Name) > 100 || !nameRE.MatchString(s.Name):
		v.addf("name", "%s is not a usable folder name: use letters, digits, '-', '_' and '.', not starting with '.' or '-', at most 100 of them", clipValue(s.Name))
	}
	if s.Repeats < 1 {
		v.addf("repeats", "must be at least 1, got %d", s.Repeats)
	}
	if s.Trainer != nil {
		s.validateTrainer(v)
	} else {
		s.validateDataset(v)
		s.validateModel(v)
		s.validateTrain(v)
	}
	s.validateLoss(v)
	s.validateSweep(v)
	s.validateBalance(v)
	s.validateReport(v)
	return v.errs
}

// validateDataset checks the dataset section: its source, its columns,
// its generator parameters and its splits.
func (s *Spec) validateDataset(v *validator) {
	ds := &s.Dataset
	s.validateDataSource(v)
	s.validateColumns(v)
	for _, k := range slices.Sorted(maps.Keys(ds.Params)) {
		x := ds.Params[k]
		v.inRange("dataset.params."+k, x, true, "finite")
	}
	s.validateSplit(v)
}

// validateDataSource checks that the dataset is a builtin or a csv, not
// both, with the keys of its kind, and its task and missing mode.
func (s *Spec) validateDataSource(v *validator) {
	ds := &s.Dataset
	// A field that was written but failed to decode still counts as given.
	builtin := ds.Builtin != "" || s.has("dataset.builtin")
	csv := ds.CSV != "" || s.has("dataset.csv")
	for _, f := range []struct{ key, val string }{{"builtin", ds.Builtin}, {"csv", ds.CSV}} {
		if f.val == "" && s.has("dataset."+f.key) {
			v.addf("dataset."+f.key, "must not be empty")
		}
	}
	switch {
	case !builtin && !csv:
		v.addf("dataset", "give builtin (a generator) or csv (a file)")
	case builtin && csv:
		v.addf("dataset.csv", "builtin and csv exclude each other; give one")
	case csv:
		if ds.Target == "" {
			v.addf("dataset.target", "required for a csv dataset: name the label column")
		}
		if len(ds.Params) > 0 {
			v.addf("dataset.params", "generator parameters are only for builtin datasets")
		}
	case builtin:
		for _, f := range []struct {
			key string
			set bool
		}{
			{"target", ds.Target != ""},
			{"features", len(ds.Features) > 0},
			{"categorical", len(ds.Categorical) > 0},
			{"missing", s.has("dataset.missing")},
		} {
			if f.set {
				v.addf("dataset."+f.key, "only for csv datasets (builtin %q brings its own columns)", ds.Builtin)
			}
		}
	}
	if ds.Task != "" {
		v.choice("dataset.task", "task", ds.Task, tasks)
	}
	v.choice("dataset.missing", "missing mode", ds.Missing, missingModes)
}

// validateColumns checks the column lists: no empty or repeated name, the
// target in none, every categorical column among the features.
func (s *Spec) validateColumns(v *validator) {
	ds := &s.Dataset
	columns := func(field string, names []string) {
		seen := map[string]int{}
		for i, n := range names {
			f := indexField(field, i)
			if n == "" {
				v.addf(f, "empty column name")
			} else if j, dup := seen[n]; dup {
				v.addf(f, "column %q listed twice (also %s)", n, indexField(field, j))
			} else {
				seen[n] = i
			}
		}
	}
	columns("dataset.features", ds.Features)
	columns("dataset.categorical", ds.Categorical)
	columns("dataset.aux_targets", ds.AuxTargets)
	if ds.Target != "" {
		if i := slices.Index(ds.Features, ds.Target); i >= 0 {
			v.addf(indexField("dataset.features", i), "%q is the target; it cannot also be a feature", ds.Target)
		}
		if i := slices.Index(ds.AuxTargets, ds.Target); i >= 0 {
			v.addf(indexField("dataset.aux_targets", i), "%q is the target; it cannot also be an auxiliary target", ds.Target)
		}
	}
	if len(ds.Features) > 0 {
		for i, c := range ds.Categorical {
			if c != "" && !slices.Contains(ds.Features, c) {
				v.addf(indexField("dataset.categorical", i), "%q is not in features", c)
			}
		}
	}
}

// validateSplit checks dataset.split: the fractions, the extras
// (validateDataExtras) and the cross-validation folds.
func (s *Spec) validateSplit(v *validator) {
	sp := s.Dataset.Split
	v.inRange("dataset.split.test", sp.Test, sp.Test >= 0 && sp.Test < 1, "in [0, 1)")
	v.inRange("dataset.split.validation", sp.Validation, sp.Validation >= 0 && sp.Validation < 1, "in [0, 1)")
	if sp.Test >= 0 && sp.Test < 1 && sp.Validation >= 0 && sp.Validation < 1 && sp.Test+sp.Validation >= 1 {
		field := "dataset.split.validation"
		if !s.has(field) {
			field = "dataset.split.test"
		}
		v.addf(field, "test (%g) + validation (%g) must be below 1 to leave training rows", sp.Test, sp.Validation)
	}
	s.validateDataExtras(v)
	switch {
	case sp.CV < 0 || sp.CV == 1:
		v.addf("dataset.split.cv", "want 0 (no cross-validation) or a number of folds ≥ 2, got %d", sp.CV)
	case sp.CV > maxFolds:
		v.addf("dataset.split.cv", "%d folds; at most %d", sp.CV, maxFolds)
	case sp.CV > 0 && sp.Validation > 0:
		v.addf("dataset.split.cv", "cross-validation takes its validation folds from the training rows: drop dataset.split.validation (%g)", sp.Validation)
	case sp.CV > 0 && len(s.Sweep.Balance) > 0:
		v.addf("dataset.split.cv", "cross-validation of sweep.balance's adaptive methods is not supported: drop one of the two")
	}
}

func (s *Spec) validateModel(v *validator) {
	m := &s.Model
	v.choice("model.kind", "model kind", m.Kind, modelKinds)
	switch {
	case m.Kind == "linear" && len(m.Hidden) > 0:
		v.addf("model.hidden", "a linear model has no hidden layers; remove hidden or use kind: mlp")
	case m.Kind == "mlp" && len(m.Hidden) == 0:
		v.addf("model.hidden", "an mlp needs at least one hidden layer; use kind: linear for none")
	}
	for i, h := range m.Hidden {
		if h < 1 || h > 1<<16 {
			f := indexField("model.hidden", i)
			if s.has("model.hidden") && !s.has(f) {
				f = "model.hidden" // written as a scalar
			}
			v.addf(f, "a layer needs between 1 and %d units, got %d", 1<<16, h)
		}
	}
	v.choice("model.activation", "activation", m.Activation, activations)
	switch {
	case m.Noise < 0 || m.Noise > MaxNoise:
		v.addf("model.noise", "must be between 0 and %d noise inputs per row, got %d", MaxNoise, m.Noise)
	case m.Noise > 0 && s.Train.Optimizer == "lbfgs":
		v.addf("model.noise", "noise inputs are drawn afresh on every step, which lbfgs (one fixed objective) cannot follow; use sgd, momentum, adam or adamw")
	}
}

// MaxNoise bounds model.noise.
const MaxNoise = 1024

func (s *Spec) validateTrain(v *validator) {
	t := &s.Train
	v.choice("train.optimizer", "optimizer", t.Optimizer, optimizers)
	v.inRange("train.learning_rate", t.LearningRate, t.LearningRate > 0, "> 0")
	if t.Epochs < 1 {
		v.addf("train.epochs", "must be at least 1, got %d", t.Epochs)
	}
	if t.EvalEvery < 0 {
		v.addf("train.eval_every", "must be ≥ 0 (0 = never), got %d", t.EvalEvery)
	}
	if t.BatchSize < 0 {
		v.addf("train.batch_size", "must be ≥ 0 (0 = full batch), got %d", t.BatchSize)
	}
	v.inRange("train.momentum", t.Momentum, t.Momentum >= 0 && t.Momentum < 1, "in [0, 1)")
	v.inRange("train.weight_decay", t.WeightDecay, t.WeightDecay >= 0, "≥ 0")
	v.inRange("train.beta1", t.Beta1, t.Beta1 >= 0 && t.Beta1 < 1, "in [0, 1)")
	v.inRange("train.beta2", t.Beta2, t.Beta2 >= 0 && t.Beta2 < 1, "in [0, 1)")
	v.inRange("train.epsilon", t.Epsilon, t.Epsilon > 0, "> 0")
	if s.has("train.tolerance") {
		v.inRange("train.tolerance", t.Tolerance, t.Tolerance > 0 && t.Tolerance <= 1, "in (0, 1]")
	}
	s.validatePrecision(v)
	if !slices.Contains(optimizers, t.Optimizer) {
		return
	}
	// A setting the chosen optimizer ignores is a mistake worth stopping
	// for: the study would silently not vary what the author meant.
	only := func(key string, users ...string) {
		if s.has("train."+key) && !slices.Contains(users, t.Optimizer) {
			v.addf("train."+key, "only used by optimizer %s (optimizer is %s)", strings.Join(users, " or "), t.Optimizer)
		}
	}
	only("momentum", "momentum")
	only("tolerance", "lbfgs")
	only("weight_decay", "adamw")
	only("beta1", "adam", "adamw")
	only("beta2", "adam", "adamw")
	only("epsilon", "adam", "adamw")
}

func (s *Spec) validateLoss(v *validator) {
	l := &s.Loss
	if s.Trainer != nil {
		s.validateTerms(v)
		return
	}
	if l.Task != "" {
		v.choice("loss.task", "task loss", l.Task, taskLosses)
		switch {
		case l.Task == "cross_entropy" && s.Dataset.Task == "regression":
			v.addf("loss.task", "cross_entropy needs a classification dataset (dataset task is regression); use mse or huber")
		case (l.Task == "mse" || l.Task == "huber") && s.Dataset.Task == "classification":
			v.addf("loss.task", "%s needs a regression dataset (dataset task is classification); use cross_entropy", l.Task)
		}
	}
	v.inRange("loss.huber_delta", l.HuberDelta, l.HuberDelta > 0, "> 0")
	if s.has("loss.huber_delta") && l.Task != "huber" {
		v.addf("loss.huber_delta", "only used by task huber")
	}
	s.validateTerms(v)
}

// validateTerms checks every term: kind, parameters, needs, name, weight
// and scale.
func (s *Spec) validateTerms(v *validator) {
	l := &s.Loss
	names := map[string]int{}
	for i := range l.Terms {
		t := &l.Terms[i]
		base := indexField("loss.terms", i)
		if t.Kind == "" {
			v.addf(base+".kind", "required (valid: %s)", strings.Join(lossterms.Kinds(), ", "))
		} else if info, err := lossterms.Lookup(t.Kind); err != nil {
			v.add(base+".kind", oneOf(fmt.Sprintf("unknown term kind %q", t.Kind), t.Kind, lossterms.Kinds()))
		} else if term, err := info.New(t.Params); err != nil {
			var pe *lossterms.ParamError
			switch {
			case errors.As(err, &pe) && slices.Contains(weightKeys, pe.Param):
				// A key of the weight mapping written beside weight:.
				eg := "weight: {values: [0.01, 0.1], zero: false}"
				if pe.Param != "zero" {
					eg = "weight: {" + pe.Param + ": …}"
				}
				v.addf(base+"."+pe.Param, "%s belongs inside the weight mapping, e.g. %s", pe.Param, eg)
			case errors.As(err, &pe):
				v.errs = append(v.errs, s.fieldErr(base+"."+pe.Param, fmt.Sprint(pe.Value), paramError{pe}))
			default:
				v.add(base, err)
			}
		} else if t.Kind == "external" && s.Trainer == nil {
			v.addf(base+".kind", "term %s is computed by a training command: kind external needs a trainer: section", t.Name)
		} else if s.Trainer == nil {
			s.validateTermNeeds(v, base, t, info, term)
		}
		switch {
		case t.Name == "" && t.Kind == "" && !s.has(base+".name"):
			// Nothing to check: the missing kind is reported above.
		case t.Name == "":
			v.addf(base+".name", "must not be empty")
		case !termNameRE.MatchString(t.Name):
			v.addf(base+".name", "%q: use letters, digits, '-' and '_' (it names the column lambda.<name>)", t.Name)
		default:
			if j, dup := names[t.Name]; dup {
				v.addf(base+".name", "duplicate term name %q (also loss.terms[%d]); set name: on one of them", t.Name, j)
			} else {
				names[t.Name] = i
			}
		}
		if !t.Weight.Simplex || len(t.Weight.Values) > 0 {
			s.validateWeight(v, base+".weight", t.Weight)
		}
		s.validateScale(v, base, t)
		if t.Kind == "l1" && s.Train.Optimizer == "lbfgs" {
			v.addf("train.optimizer", "lbfgs cannot optimise the non-smooth l1 term; use sgd or momentum (proximal) or adam")
		}
	}
}

// validateWeight checks a weight that did not come from the parser (which
// already guarantees all of this).
func (s *Spec) validateWeight(v *validator, field string, w Weight) {
	if len(w.Values) == 0 {
		v.addf(field, "required: a number, a list of numbers, or {logspace|linspace: {from, to, num}}")
		return
	}
	if !w.Swept && len(w.Values) != 1 {
		v.addf(field, "a fixed weight has one value, got %d", len(w.Values))
		return
	}
	for i, x := range w.Values {
		if err := checkLambda(x); err != nil {
			v.add(field, err)
			return
		}
		if i > 0 && x <= w.Values[i-1] {
			v.addf(field, "swept values must be strictly ascending")
			return
		}
	}
}

func (s *Spec) validateSweep(v *validator) {
	v.choice("sweep.mode", "sweep mode", s.Sweep.Mode, sweepModes)
	before := len(v.errs)
	s.validateSimplex(v)
	if s.Sweep.Mode == "simplex" && len(v.errs) > before {
		return // Grid would repeat the problem
	}
	s.validateAxes(v)
	s.validateRefine(v)
	s.validateHalving(v)
	for _, t := range s.Loss.Terms {
		if len(t.Weight.Values) == 0 || !slices.Contains(sweepModes, s.Sweep.Mode) {
			return // reported above; there is no grid to check
		}
	}
	if _, err := s.Grid(); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			v.errs = append(v.errs, fe)
		}
	}
}

func (s *Spec) validateReport(v *validator) {
	r := &s.Report
	v.choice("report.select_on", "selection split", r.SelectOn, selectOnValues)
	cv := s.Dataset.Split.CV
	switch {
	case r.SelectOn == SelectCV && cv == 0:
		v.addf("report.select_on", "select_on cv needs dataset.split.cv: the number of folds (for example 5)")
	case r.SelectOn == SelectValidation && cv > 0:
		v.addf("report.select_on", "with dataset.split.cv (%d folds) λ is chosen on the folds: select_on cv (the default), not validation", cv)
	case r.SelectOn == SelectTest && s.Trainer == nil && s.Dataset.Split.Test == 0 && s.Dataset.Split.TestCSV == "" && !s.axisSets("dataset.split.test"):
		v.addf("report.select_on", "select_on test needs a test split (dataset.split.test > 0)")
	}
	if r.TaskMetric == "" && s.has("report.task_metric") {
		v.addf("report.task_metric", "must not be empty (leave it out for the default)")
	}
	v.inRange("report.validation", r.Validation, r.Validation > 0 && r.Validation < 1, "in (0, 1)")
	v.inRange("report.resamples", float64(r.Resamples), r.Resamples >= 0 && r.Resamples <= 100000, "in [0, 100000]")
	if s.has("report.validation") && r.Validation > 0 && r.Validation < 1 && s.CarveFraction() == 0 && !s.axisSets("dataset.split.validation") {
		why := "the spec has its own validation split (dataset.split.validation)"
		switch {
		case r.SelectOn != SelectValidation:
			why = "λ is chosen on " + r.SelectOn + ", not on validation"
		case cv > 0:
			why = "the spec cross-validates"
		}
		v.addf("report.validation", "report.validation is the fraction of the training rows carved out for validation when the spec has no validation split; it is not used here: %s", why)
	}
	s.validateReportX(v)
	seen := map[string]int{}
	for i, m := range r.Metrics {
		f := indexField("report.metrics", i)
		j, dup := seen[m]
		switch {
		case m == "":
			v.addf(f, "empty metric name")
		case !v.fileNamePart(f, "metric", m):
		case dup:
			v.addf(f, "metric %q listed twice (also report.metrics[%d])", m, j)
		default:
			seen[m] = i
		}
	}
}

// validateReportX checks report.x: a swept term taking more than one λ.
func (s *Spec) validateReportX(v *validator) {
	r := &s.Report
	swept := s.SweptTerms()
	var sweptNames []string
	for _, i := range swept {
		sweptNames = append(sweptNames, s.Loss.Terms[i].Name)
	}
	if i := slices.Index(sweptNames, r.X); i >= 0 && len(s.Loss.Terms[swept[i]].Weight.Values) == 1 {
		v.addf("report.x", "term %q takes a single λ (%g): there is nothing to plot against; sweep it over more values or leave report.x out", r.X, s.Loss.Terms[swept[i]].Weight.Values[0])
	}
	if r.X != "" && !slices.Contains(sweptNames, r.X) {
		list := "there are no swept terms"
		if len(sweptNames) > 0 {
			list = "swept terms: " + strings.Join(sweptNames, ", ")
		}
		fixed := slices.ContainsFunc(s.Loss.Terms, func(t TermSpec) bool { return t.Name == r.X })
		if fixed {
			v.addf("report.x", "term %q is not swept (its weight is fixed); %s", r.X, list)
		} else {
			v.addf("report.x", "no term named %q; %s", r.X, list)
		}
	}
}

// paramError presents a term's *lossterms.ParamError under the field that
// names the parameter, without repeating the parameter's name.
type paramError struct{ pe *lossterms.ParamError }

func (e paramError) Error() string {
	if e.pe.Value != nil {
		return fmt.Sprintf("%v (got %v)", e.pe.Err, e.pe.Value)
	}
	return fmt.Sprint(e.pe.Err)
}

func (e paramError) Unwrap() error { return e.pe }

// validateTermNeeds refuses a term whose dataset or model cannot feed it:
// a fairness term without a group column, an auxiliary head without
// auxiliary targets, a hidden-layer term on a linear model, a batch term
// under lbfgs. The message names the term and the field to set.
func (s *Spec) validateTermNeeds(v *validator, base string, t *TermSpec, info lossterms.Info, term lossterms.Term) {
	ds := &s.Dataset
	gen, known := builtinInfo(ds.Builtin)
	if !known {
		return // an unknown builtin is reported when the data is opened
	}
	nd := info.Needs
	switch {
	case nd.Groups && gen != nil && !gen.Groups && ds.Group == "":
		v.addf(base+".kind", "term %s needs a sensitive-attribute (group) column, and builtin %s has none: use a builtin with groups (e.g. fair) or a csv with dataset.group", t.Name, ds.Builtin)
	case nd.Groups && gen == nil && ds.Group == "":
		v.addf(base+".kind", "term %s needs a sensitive-attribute (group) column: set dataset.group to the column that holds it", t.Name)
	case nd.Aux && gen != nil && !gen.Aux:
		v.addf(base+".kind", "term %s needs auxiliary targets, and builtin %s has none: use a builtin with auxiliary targets (e.g. edges) or a csv with dataset.aux_targets", t.Name, ds.Builtin)
	case nd.Aux && gen == nil && len(ds.AuxTargets) == 0:
		v.addf(base+".kind", "term %s needs auxiliary targets: set dataset.aux_targets to the columns that hold them", t.Name)
	}
	why := nd.Why
	if why == "" {
		why = "needs it"
	}
	if nd.Sequences {
		if gen != nil && !gen.Sequences {
			v.addf(base+".kind", "term %s %s, and builtin %s has no sequences: use a builtin with sequences (e.g. sequences) or a csv with dataset.sequence", t.Name, why, ds.Builtin)
		} else if gen == nil && ds.Sequence == nil {
			v.addf(base+".kind", "term %s %s: set dataset.sequence: {id: <column>, order: <column>} for a csv in long format (one row per frame)", t.Name, why)
		}
	}
	if nd.Generator {
		switch {
		case gen != nil && gen.Task != dataset.Regression:
			v.addf(base+".kind", "term %s %s, and builtin %s is a %s task: use a regression builtin (e.g. multimodal)", t.Name, why, ds.Builtin, gen.Task)
		case gen == nil && ds.Task != "regression":
			v.addf(base+".kind", "term %s %s: set dataset.task: regression", t.Name, why)
		}
		if s.Model.Noise == 0 {
			field := base + ".kind"
			if s.has("model.noise") {
				field = "model.noise"
			}
			v.addf(field, "term %s needs noise inputs to generate from (a model without them can only predict one value per x): set model.noise to their number, e.g. 2", t.Name)
		}
	}
	if nd.Images {
		if gen != nil && !gen.Images {
			v.addf(base+".kind", "term %s %s, and builtin %s is not an image-restoration task with class labels: use builtin glyphs", t.Name, why, ds.Builtin)
		} else if gen == nil && ds.Image == nil {
			v.addf(base+".kind", "term %s %s, so it needs an image-restoration task (clean images as targets and class labels for its classifier): set dataset.image: {width, height} to declare the csv's features as pixels and its target as the class (or use builtin glyphs)", t.Name, why)
		}
	}
	if nd.Hidden && (s.Model.Kind == "linear" || len(s.Model.Hidden) == 0) {
		v.addf(base+".kind", "term %s reads a hidden layer, but the model has none (model.kind: %s): use model.kind: mlp with model.hidden", t.Name, s.Model.Kind)
	}
	if _, ok := term.(lossterms.BatchTerm); ok && s.Train.Optimizer == "lbfgs" {
		v.addf("train.optimizer", "lbfgs cannot train term %s, which is computed per batch; use sgd, momentum, adam or adamw", t.Name)
	}
}

// builtinInfo returns the generator named name: nil for "" (a csv),
// known false for a name that is no builtin.
func builtinInfo(name string) (gen *dataset.GeneratorInfo, known bool) {
	if name == "" {
		return nil, true
	}
	for _, g := range dataset.Builtins() {
		if g.Name == name {
			return &g, true
		}
	}
	return nil, false
}

// validateSimplex checks sweep mode simplex and the fields only it uses
// (simplex.go).
func (s *Spec) validateSimplex(v *validator) {
	sw := &s.Sweep
	if sw.Mode != "simplex" {
		for _, k := range []string{"total", "points", "step"} {
			if s.has("sweep." + k) {
				v.addf("sweep."+k, "only used by sweep mode simplex (mode is %s)", sw.Mode)
			}
		}
		for i, t := range s.Loss.Terms {
			if t.Weight.Simplex {
				v.addf(indexField("loss.terms", i)+".weight", "weight: simplex needs sweep mode simplex (mode is %s)", sw.Mode)
			}
		}
		return
	}
	v.inRange("sweep.total", sw.Total, sw.Total > 0, "> 0")
	switch {
	case s.has("sweep.points") && s.has("sweep.step"):
		v.addf("sweep.step", "give points or step, not both")
	case s.has("sweep.points"):
		if sw.Points < 1 || sw.Points > maxWeightNum {
			v.addf("sweep.points", "must be between 1 and %d, got %d", maxWeightNum, sw.Points)
		}
	case s.has("sweep.step"):
		if sw.Step <= 0 || math.IsNaN(sw.Step) || sw.Step > sw.Total {
			v.addf("sweep.step", "must be > 0 and at most total (%g), got %g", sw.Total, sw.Step)
		} else if s.simplexN() == 0 {
			v.addf("sweep.step", "total (%g) is not a whole number of steps of %g (at most %d)", sw.Total, sw.Step, maxWeightNum)
		}
	default:
		v.addf("sweep.mode", "sweep mode simplex needs points (divisions of total) or step")
	}
	var n int
	for i, t := range s.Loss.Terms {
		switch {
		case t.Weight.Simplex:
			n++
		case t.Weight.Swept:
			v.addf(indexField("loss.terms", i)+".weight", "sweep mode simplex sweeps the terms with weight: simplex; term %s must be simplex or fixed", t.Name)
		}
	}
	if n < 2 {
		v.addf("sweep.mode", "sweep mode simplex needs two or more terms with weight: simplex, got %d", n)
	}
}

// maxRefineRounds and maxRefinePoints bound sweep.refine.
const (
	maxRefineRounds = 20
	maxRefinePoints = 100
)

// validateRefine checks sweep.refine: it refines the λ of the one swept
// term.
func (s *Spec) validateRefine(v *validator) {
	r := s.Sweep.Refine
	if r == nil {
		return
	}
	if r.Rounds < 1 || r.Rounds > maxRefineRounds {
		v.addf("sweep.refine.rounds", "must be between 1 and %d, got %d", maxRefineRounds, r.Rounds)
	}
	if r.Points < 1 || r.Points > maxRefinePoints {
		v.addf("sweep.refine.points", "must be between 1 and %d, got %d", maxRefinePoints, r.Points)
	}
	switch sw := s.SweptTerms(); {
	case s.Sweep.Mode == "simplex":
		v.addf("sweep.refine", "refinement adds λ values of one swept term; it does not apply to sweep mode simplex")
	case len(sw) != 1:
		v.addf("sweep.refine", "refinement adds λ values of one swept term; the spec sweeps %d", len(sw))
	case len(s.Loss.Terms[sw[0]].Weight.Values) < 3:
		v.addf(indexField("loss.terms", sw[0])+".weight", "refinement needs a coarse grid of at least 3 λ values to start from, got %d", len(s.Loss.Terms[sw[0]].Weight.Values))
	}
}

// validateScale checks a term's scale: it must be known, and the term must
// be a weight penalty (experiments/scale.go measures R(w) at initialization).
func (s *Spec) validateScale(v *validator, base string, t *TermSpec) {
	sc := t.Weight.Scale
	if sc == "" && !s.has(base+".scale") {
		return
	}
	if !slices.Contains(scales, sc) {
		v.add(base+".scale", oneOf(fmt.Sprintf("unknown scale %q", sc), sc, scales))
		return
	}
	info, err := lossterms.Lookup(t.Kind)
	if err != nil {
		return // reported at kind
	}
	term, err := info.New(t.Params)
	if err != nil {
		return
	}
	if _, ok := term.(lossterms.WeightPenalty); !ok {
		v.addf(base+".scale", "scale is supported for weight penalties (l1, l2, …), whose value at initialization depends on the weights alone; term %s (%s) is computed per batch", t.Name, t.Kind)
	}
}

// maxFolds bounds dataset.split.cv: every fold trains the whole grid.
const maxFolds = 100

// defaultCarve is report.validation's default: the fraction of the
// training rows carved out for validation.
const defaultCarve = 0.2

// axisSets reports whether a sweep axis sets field: the value in the
// spec's own field is then not the one every run trains with.
func (s *Spec) axisSets(field string) bool {
	return slices.ContainsFunc(s.Sweep.Axes, func(ax Axis) bool { return ax.Field == field })
}

// clipValue quotes a value from the spec for a message, cut to 60 bytes
// (on a rune boundary) with its length: a 1 MB value is not echoed whole.
func clipValue(v string) string {
	const max = 60
	if len(v) <= max {
		return strconv.Quote(v)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", v[:cut], len(v))
}
