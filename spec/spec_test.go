package spec

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustParse(t *testing.T, in string) *Spec {
	t.Helper()
	s, err := Parse(strings.NewReader(in), "t.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

// TestParse_Defaults hand-checks every default on the smallest spec.
func TestParse_Defaults(t *testing.T) {
	s := mustParse(t, "name: q\ndataset: {builtin: moons}\nloss: {terms: [{kind: l2, weight: [0.1]}]}\n")
	want := Spec{
		File:    "t.yaml",
		Name:    "q",
		Seed:    1,
		Repeats: 3,
		Dataset: DatasetSpec{
			Builtin:     "moons",
			Missing:     "error",
			Standardize: true,
			Split:       SplitSpec{Test: 0.25, Validation: 0, Stratify: true},
		},
		Model: ModelSpec{Kind: "mlp", Hidden: []int{32}, Activation: "relu"},
		Train: TrainSpec{Optimizer: "adam", LearningRate: 0.01, Epochs: 100, BatchSize: 32,
			Momentum: 0.9, WeightDecay: 0.01, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, EvalEvery: 1},
		Loss: LossSpec{
			Task:       "", // built-in without a task: the trainer resolves it
			HuberDelta: 1,
			Terms:      []TermSpec{{Kind: "l2", Name: "l2", Weight: Weight{Values: []float64{0, 0.1}, Swept: true}}},
		},
		Sweep:  SweepSpec{Mode: "grid"},
		Report: ReportSpec{X: "l2", SelectOn: SelectValidation, Validation: 0.2, Resamples: DefaultResamples},
	}
	got := *s
	got.Pos = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults:\ngot  %+v\nwant %+v", got, want)
	}
	def := DefaultSpec()
	def.Name, def.Dataset.Builtin = "q", "moons"
	if err := def.Validate(); err != nil {
		t.Errorf("DefaultSpec with a name and a dataset does not validate: %v", err)
	}
}

// TestParse_DependentDefaults checks the defaults that depend on other
// fields.
func TestParse_DependentDefaults(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(s *Spec) bool
	}{
		{"linear has no hidden layers", base + "model: {kind: linear}\n",
			func(s *Spec) bool { return s.Model.Hidden == nil }},
		{"hidden scalar is one layer", base + "model: {hidden: 64}\n",
			func(s *Spec) bool { return reflect.DeepEqual(s.Model.Hidden, []int{64}) }},
		{"sgd defaults to learning rate 0.1", base + "train: {optimizer: sgd}\n",
			func(s *Spec) bool { return s.Train.LearningRate == 0.1 }},
		{"momentum defaults to learning rate 0.1", base + "train: {optimizer: momentum}\n",
			func(s *Spec) bool { return s.Train.LearningRate == 0.1 }},
		{"explicit learning rate kept for sgd", base + "train: {optimizer: sgd, learning_rate: 0.5}\n",
			func(s *Spec) bool { return s.Train.LearningRate == 0.5 }},
		{"csv is classification with cross_entropy", "name: q\ndataset: {csv: a.csv, target: y}\n",
			func(s *Spec) bool { return s.Dataset.Task == "classification" && s.Loss.Task == "cross_entropy" }},
		{"regression gets mse", "name: q\ndataset: {csv: a.csv, target: y, task: regression}\n",
			func(s *Spec) bool { return s.Loss.Task == "mse" }},
		{"builtin regression gets mse", "name: q\ndataset: {builtin: friedman, task: regression}\n",
			func(s *Spec) bool { return s.Loss.Task == "mse" }},
		{"term name defaults to kind", base + "loss: {terms: [{kind: l1, weight: 0.1}, {kind: l2, name: b, weight: 1}]}\n",
			func(s *Spec) bool { return s.Loss.Terms[0].Name == "l1" && s.Loss.Terms[1].Name == "b" }},
		{"report.x is the first swept term", base + "loss: {terms: [{kind: l1, weight: 0.1}, {kind: l2, name: b, weight: [1]}, {kind: l2, weight: [2]}]}\n",
			func(s *Spec) bool { return s.Report.X == "b" }},
		{"no swept term, no report.x", base + "loss: {terms: [{kind: l1, weight: 0.1}]}\n",
			func(s *Spec) bool { return s.Report.X == "" }},
		{"huber delta", "name: q\ndataset: {builtin: friedman, task: regression}\nloss: {task: huber, huber_delta: 0.5}\n",
			func(s *Spec) bool { return s.Loss.Task == "huber" && s.Loss.HuberDelta == 0.5 }},
		{"params are numbers", "name: q\ndataset: {builtin: moons, params: {samples: 600, noise: 0.3}}\n",
			func(s *Spec) bool {
				return reflect.DeepEqual(s.Dataset.Params, map[string]float64{"samples": 600, "noise": 0.3})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s := mustParse(t, tt.in); !tt.check(s) {
				t.Errorf("unexpected spec: %+v", *s)
			}
		})
	}
}

// TestLoad_Full checks a spec with every field written.
func TestSpec_LoadFull(t *testing.T) {
	path := filepath.Join("testdata", "full.yaml")
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.File != path {
		t.Errorf("File = %q, want %q", s.File, path)
	}
	want := Spec{
		File: path, Name: "full-spec_1.0", Description: "every field of a spec", Seed: 42, Repeats: 2,
		Dataset: DatasetSpec{CSV: "data/adult.csv", Target: "income", Task: "classification",
			Features: []string{"age", "sex", "hours"}, Categorical: []string{"sex"}, Missing: "drop",
			Group: "sex", AuxTargets: []string{"edge"}, Standardize: false,
			Split: SplitSpec{Test: 0.2, Validation: 0.1, Stratify: false}},
		Model: ModelSpec{Kind: "mlp", Hidden: []int{16, 8}, Activation: "tanh"},
		Train: TrainSpec{Optimizer: "adamw", LearningRate: 0.003, Epochs: 20, BatchSize: 0,
			Momentum: 0.9, WeightDecay: 0.05, Beta1: 0.8, Beta2: 0.99, Epsilon: 1e-7, EvalEvery: 1},
		Loss: LossSpec{Task: "cross_entropy", HuberDelta: 1, Terms: []TermSpec{
			{Kind: "l1", Name: "sparse", Params: map[string]any{"method": "proximal"},
				Weight: Weight{Values: []float64{1e-4, 1e-3, 1e-2}, Swept: true}},
			{Kind: "l2", Name: "l2", Weight: Weight{Values: []float64{0, 0.01, 0.1}, Swept: true}},
			{Kind: "l2", Name: "l2fixed", Weight: Weight{Values: []float64{1e-3}}},
		}},
		Sweep:  SweepSpec{Mode: "grid"},
		Report: ReportSpec{X: "l2", Metrics: []string{"test.accuracy", "sparsity"}, SelectOn: SelectValidation, Validation: 0.2, Resamples: DefaultResamples},
	}
	got := *s
	got.Pos = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if _, err := Load(filepath.Join("testdata", "does-not-exist.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want os.ErrNotExist", err)
	}
}

// TestSpec_Pos checks recorded positions and Errorf's fallback to the
// nearest written parent.
func TestSpec_Pos(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]Pos{
		"name":                          {2, 7},
		"dataset":                       {7, 3},
		"dataset.csv":                   {7, 8},
		"dataset.features[2]":           {10, 24},
		"dataset.split.validation":      {16, 34},
		"loss.terms[0]":                 {33, 7},
		"loss.terms[0].method":          {35, 15},
		"loss.terms[0].weight":          {36, 15},
		"loss.terms[1].weight":          {38, 15},
		"loss.terms[1].weight[1]":       {38, 21},
		"loss.terms[0].weight.logspace": {36, 26},
	}
	for f, want := range pos {
		if got := s.Pos[f]; got != want {
			t.Errorf("Pos[%q] = %v, want %v", f, got, want)
		}
	}
	tests := []struct{ field, want string }{
		{"dataset.csv", "testdata/full.yaml:7:8: dataset.csv: column \"x\" not found"},
		{"dataset.split.test", "testdata/full.yaml:16:17: dataset.split.test: column \"x\" not found"},
		{"dataset.params", "testdata/full.yaml:7:3: dataset.params: column \"x\" not found"},
		{"loss.terms[1].method", "testdata/full.yaml:37:7: loss.terms[1].method: column \"x\" not found"},
		{"nowhere.at.all", "testdata/full.yaml:2:1: nowhere.at.all: column \"x\" not found"},
	}
	for _, tt := range tests {
		err := s.Errorf(tt.field, "column %q not found", "x")
		if got := err.Error(); got != filepath.FromSlash(tt.want) {
			t.Errorf("Errorf(%q) = %q, want %q", tt.field, got, tt.want)
		}
	}
	inner := errors.New("inner")
	if err := s.Errorf("dataset.csv", "read: %w", inner); !errors.Is(err, inner) {
		t.Error("Errorf does not wrap %w")
	}
	var bare Spec
	if got := bare.Errorf("dataset.csv", "oops").Error(); got != "dataset.csv: oops" {
		t.Errorf("Errorf without positions = %q", got)
	}
}

// TestSpec_Grid checks the order of the grid points against hand-written
// expectations.
func TestSpec_Grid(t *testing.T) {
	terms := "loss:\n  terms:\n" +
		"    - {kind: l1, weight: [1, 2]}\n" +
		"    - {kind: l2, name: fixed, weight: 0.5}\n" +
		"    - {kind: l2, weight: {values: [10, 20, 30], zero: false}}\n"
	tests := []struct {
		name string
		in   string
		want [][]float64
	}{
		{"grid: last swept term fastest", base + terms, [][]float64{
			{0, 0.5, 10}, {0, 0.5, 20}, {0, 0.5, 30},
			{1, 0.5, 10}, {1, 0.5, 20}, {1, 0.5, 30},
			{2, 0.5, 10}, {2, 0.5, 20}, {2, 0.5, 30},
		}},
		{"zip: i-th of each", base + "sweep: {mode: zip}\n" + terms, [][]float64{
			{0, 0.5, 10}, {1, 0.5, 20}, {2, 0.5, 30},
		}},
		{"no swept term: one point", base + "loss: {terms: [{kind: l2, weight: 0.1}]}\n", [][]float64{{0.1}}},
		{"no terms: one empty point", base, [][]float64{{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.in)
			got, err := s.Grid()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestSpec_GridErrors checks Grid on specs built in Go (no positions).
func TestSpec_GridErrors(t *testing.T) {
	s := DefaultSpec()
	s.Name, s.Dataset.Builtin = "q", "moons"
	s.Sweep.Mode = "zip"
	s.Loss.Terms = []TermSpec{
		{Kind: "l1", Name: "a", Weight: Weight{Values: []float64{0, 1}, Swept: true}},
		{Kind: "l2", Name: "b", Weight: Weight{Values: []float64{0, 1, 2}, Swept: true}},
	}
	_, err := s.Grid()
	want := "loss.terms[1].weight: sweep mode zip needs swept weights of equal length: a has 2 values, b has 3"
	if err == nil || err.Error() != want {
		t.Errorf("zip mismatch: %v, want %s", err, want)
	}
	s.Loss.Terms[1].Weight = Weight{}
	if _, err := s.Grid(); err == nil {
		t.Error("empty weight: no error")
	}
	s.Sweep.Mode = "grid"
	s.Loss.Terms = nil
	for i := 0; i < 6; i++ {
		vals := make([]float64, 10)
		for j := range vals {
			vals[j] = float64(j)
		}
		s.Loss.Terms = append(s.Loss.Terms, TermSpec{Kind: "l2", Name: string(rune('a' + i)), Weight: Weight{Values: vals, Swept: true}})
	}
	if _, err := s.Grid(); err == nil || !strings.Contains(err.Error(), "more than 100000 points") {
		t.Errorf("huge grid: %v", err)
	}
}

// TestSpec_Validate checks Validate on specs built in Go.
func TestSpec_Validate(t *testing.T) {
	good := func() Spec {
		s := DefaultSpec()
		s.Name, s.Dataset.Builtin = "q", "moons"
		s.Loss.Terms = []TermSpec{{Kind: "l2", Name: "l2", Weight: Weight{Values: []float64{0, 0.1}, Swept: true}}}
		s.Report.X = "l2"
		return s
	}
	tests := []struct {
		name   string
		modify func(s *Spec)
		want   string
	}{
		{"valid", func(s *Spec) {}, ""},
		{"unsorted weight", func(s *Spec) { s.Loss.Terms[0].Weight.Values = []float64{0.1, 0} },
			"loss.terms[0].weight: swept values must be strictly ascending"},
		{"fixed with two values", func(s *Spec) { s.Loss.Terms[0].Weight.Swept = false; s.Report.X = "" },
			"loss.terms[0].weight: a fixed weight has one value, got 2"},
		{"empty weight", func(s *Spec) { s.Loss.Terms[0].Weight = Weight{}; s.Report.X = "" },
			"loss.terms[0].weight: required: a number, a list of numbers, or {logspace|linspace: {from, to, num}}"},
		{"bad term name", func(s *Spec) { s.Loss.Terms[0].Name = "a.b"; s.Report.X = "a.b" },
			`loss.terms[0].name: "a.b": use letters, digits, '-' and '_' (it names the column lambda.<name>)`},
		{"mlp without layers", func(s *Spec) { s.Model.Hidden = nil },
			"model.hidden: an mlp needs at least one hidden layer; use kind: linear for none"},
		{"zero units", func(s *Spec) { s.Model.Hidden = []int{0} },
			"model.hidden[0]: a layer needs between 1 and 65536 units, got 0"},
		{"bad learning rate", func(s *Spec) { s.Train.LearningRate = 0 },
			"train.learning_rate: must be > 0, got 0"},
		{"bad sweep mode", func(s *Spec) { s.Sweep.Mode = "random" },
			`sweep.mode: unknown sweep mode "random" (valid: grid, zip, simplex)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good()
			tt.modify(&s)
			err := s.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestSpec_Hash checks that the hash ignores layout, key order, comments,
// spelled-out defaults and the file name, and sees every value.
func TestSpec_Hash(t *testing.T) {
	a, err := Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(filepath.Join("testdata", "full_reordered.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash() != b.Hash() {
		t.Errorf("reordered spec hashes differently: %s vs %s", a.Hash(), b.Hash())
	}
	if h := a.Hash(); len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Errorf("Hash = %q, want 64 hex digits", h)
	}
	short := mustParse(t, base)
	long := mustParse(t, base+"# a comment\nseed: 1\nrepeats: 3\nmodel: {kind: mlp, hidden: 32}\nsweep: {mode: grid}\n")
	if short.Hash() != long.Hash() {
		t.Error("spelled-out defaults change the hash")
	}
	if h := mustParse(t, base+"seed: 2\n").Hash(); h == short.Hash() {
		t.Error("a different seed does not change the hash")
	}
	if h := mustParse(t, base+"loss: {terms: [{kind: l1, weight: 0.1, method: proximal}]}\n").Hash(); h == mustParse(t, base+"loss: {terms: [{kind: l1, weight: 0.1}]}\n").Hash() {
		t.Error("a term parameter does not change the hash")
	}
}

// TestConfigs loads and validates every example spec in configs/.
func TestSpec_Configs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "configs", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Grid(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// expectRefused parses spec (as t.yaml) and checks that it is refused with
// an error mentioning every part of want.
func expectRefused(t *testing.T, spec string, want ...string) {
	t.Helper()
	_, err := Parse(strings.NewReader(spec), "t.yaml")
	if err == nil {
		t.Fatal("spec accepted")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}
