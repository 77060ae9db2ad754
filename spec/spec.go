package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// Spec is one study: a dataset, a model, a training recipe and a weighted
// loss L = L_task + Σ λ_i·L_i whose swept weights span the grid.
//
// A Spec is produced by Parse or Load (strict YAML decoding) and checked by
// Validate. Pos fields record where in the file a value came from so that
// errors found after decoding (for example a CSV column that does not
// exist) can still name file, line and column.
type Spec struct {
	File        string `json:"-"` // path the spec was read from ("" for a reader)
	Name        string
	Description string
	Seed        uint64
	Repeats     int
	Dataset     DatasetSpec
	Model       ModelSpec
	Train       TrainSpec
	Loss        LossSpec
	// Trainer is the user's own training command (trainer.go), which
	// replaces Dataset, Model and Train; nil for the built-in trainer.
	Trainer *TrainerSpec `json:",omitempty"`
	Sweep   SweepSpec
	Report  ReportSpec
	// Check holds the tolerances of `lossexp check` (nil when the spec
	// has no check section; see runid.go).
	Check *CheckSpec `json:",omitempty"`

	// axisPoint holds the axis values of an effective spec (WithAxes):
	// a training command receives them in LOSSEXP_PARAMS.
	axisPoint []axisSetting

	// Pos maps a dotted field path ("dataset.target",
	// "loss.terms[0].weight") to where its value stands in the file.
	Pos map[string]Pos `json:"-"`
}

// Pos is a position in a spec file, 1-based.
type Pos struct{ Line, Col int }

// DatasetSpec names the data: a built-in generator or a CSV file.
type DatasetSpec struct {
	Builtin     string             // generator name, or "" for CSV
	CSV         string             // path as written in the spec
	Target      string             // csv: label column
	Task        string             // classification | regression ("" = generator's own / classification for csv)
	Features    []string           // csv: default all columns not used elsewhere
	Categorical []string           // csv: one-hot encoded features
	Missing     string             // error (default) | drop
	Group       string             // sensitive attribute column (later issues)
	AuxTargets  []string           // auxiliary targets (later issues)
	Params      map[string]float64 // generator parameters
	Standardize bool               // fit mean/std on train, apply everywhere
	Split       SplitSpec
	// Sequence declares a csv in long format (the temporal term); nil =
	// none. Image declares a csv's features as pixels (the perceptual
	// term); nil = none. Omitted from hashes when nil, so specs without
	// them keep their run ids.
	Sequence *SequenceSpec `json:",omitempty"`
	Image    *ImageSpec    `json:",omitempty"`
}

// SplitSpec gives the held-out fractions.
type SplitSpec struct {
	Test       float64 // default 0.25 (0 with test_csv); 0 trains on all rows
	Validation float64 // default 0
	Stratify   bool    // default true for classification
	// TestCSV is a separate file of the same columns used as the test
	// split (csv only; "" = none), found like dataset.csv. Unseen says
	// what a categorical level of it that the training rows lack
	// becomes: error (default) or zero (all-zero encoding, a warning).
	TestCSV string `json:",omitempty"`
	Unseen  string `json:",omitempty"`
	// CV is the number of cross-validation folds (0 = none, else ≥ 2):
	// inside each repeat the rows outside the test split are cut into CV
	// folds and every grid point trains once per fold, with that fold as
	// its validation split (see Spec.Folds). Omitted from hashes when 0,
	// so specs without it keep their run ids.
	CV int `json:",omitempty"`
}

// SequenceSpec is dataset.sequence: the columns of a long-format csv.
type SequenceSpec struct {
	ID      string // sequence id column
	Order   string // frame order column (consecutive integers)
	Context int    `json:",omitempty"` // frames of context on each side (0: none)
}

// ImageSpec is dataset.image: the csv's features are the pixels of a
// Width×Height image with Channels channels (row-major, channels
// adjacent), and the task is restoring it from a degraded copy.
type ImageSpec struct {
	Width, Height, Channels int
	Max                     float64 // pixel value that maps to 1 (default 1)
	Blur                    float64 // Gaussian blur σ in pixels (default 1)
	Downsample              int     // block-average side (default 2)
	Noise                   float64 // input noise σ (default 0.1)
}

// ModelSpec describes the network.
type ModelSpec struct {
	Kind       string // linear | mlp
	Hidden     []int  // mlp hidden sizes
	Activation string // relu | tanh | sigmoid
	// Noise is the number of standard normal inputs appended to each
	// row's features, drawn afresh per row and per step from the run's
	// seeded stream: the model becomes a conditional generator (the
	// adversarial term). 0 = none; omitted from hashes when 0, so specs
	// without it keep their run ids.
	Noise int `json:",omitempty"`
}

// TrainSpec is the optimization recipe.
type TrainSpec struct {
	Optimizer    string  // sgd | momentum | adam | adamw | lbfgs
	LearningRate float64 // default 0.01 (0.1 for sgd/momentum)
	Epochs       int     // default 100; lbfgs: maximum iterations
	BatchSize    int     // 0 = full batch
	Momentum     float64 // momentum: default 0.9
	WeightDecay  float64 // adamw: decoupled decay, default 0.01
	Beta1, Beta2 float64 // adam/adamw: defaults 0.9, 0.999
	Epsilon      float64 // adam/adamw: default 1e-8
	// EvalEvery is the number of epochs between evaluations of the test
	// loss for curves.csv (default 1; 0 = never, the column stays empty).
	EvalEvery int
	// Tolerance is lbfgs's stopping threshold on the objective's gradient,
	// ‖∇f‖∞ < Tolerance; 0 (unset) is DefaultTolerance. Not filled in by
	// the defaults and omitted from the hashes when it is the default, so
	// specs without it keep their run ids.
	Tolerance float64 `json:",omitempty"`
	// Precision is the floating-point type of training: "float64" (the
	// default, also when "") or "float32" (precision.go). Not filled in by
	// the defaults and omitted from the hashes when float64, so specs
	// without it, or with float64 written, keep their run ids.
	Precision string `json:",omitempty"`
}

// DefaultTolerance is train.tolerance when a spec does not set it: the
// gradient of the mean loss plus penalties, in the ∞-norm, below which
// lbfgs stops (about where double precision stops improving the objective
// of a well-scaled problem).
const DefaultTolerance = 1e-10

// LBFGSTolerance is the gradient threshold lbfgs stops at.
func (t TrainSpec) LBFGSTolerance() float64 {
	if t.Tolerance > 0 {
		return t.Tolerance
	}
	return DefaultTolerance
}

// LossSpec is the task loss and the added terms.
type LossSpec struct {
	Task       string  // cross_entropy | mse | huber
	HuberDelta float64 // huber: default 1
	Terms      []TermSpec
	// Balance is the balancing method that sets the terms' weights
	// during training (balance_spec.go); nil = static, the λ as written.
	Balance *BalanceSpec `json:",omitempty"`
}

// TermSpec is one added term λ·L_term.
type TermSpec struct {
	Kind   string
	Name   string // default Kind; unique within the spec
	Weight Weight
	// Params holds the term's own inline parameters (every key other than
	// kind, name and weight), decoded to Go values (float64, string, bool,
	// []any, map[string]any). The term's constructor validates them.
	Params map[string]any
}

// Weight is a term's λ: one fixed value or a swept list.
type Weight struct {
	Values []float64 // ascending; a swept weight includes 0 first unless zero: false
	Swept  bool      // true when the spec gave a list, logspace or linspace
	// Simplex marks a weight written as `weight: simplex`: the term is
	// one of the coordinates of sweep mode simplex, and Values holds the
	// λ it takes there (total·c/points, c = 0…points).
	Simplex bool `json:",omitempty"`
	// Scale is "" (λ as written), ScaleInitialLoss or ScaleInitialGrad:
	// λ is then relative to the task at initialization (see experiments/scale.go).
	// Written beside the weight as the term's `scale:` key.
	Scale string `json:",omitempty"`
}

// SweepSpec says how swept weights combine.
type SweepSpec struct {
	Mode string // grid (default) | zip | simplex

	// Total and Points define mode simplex (see SimplexGrid): the weights
	// marked simplex take the values total·c_i/points with Σc_i = points.
	// Step, when given, sets Points = total/step. Zero outside simplex.
	Total  float64 `json:",omitempty"`
	Points int     `json:",omitempty"`
	Step   float64 `json:",omitempty"`

	// Axes are the sweep axes beyond λ (axes.go): spec fields that take
	// a list of values. The grid is the product of the axis points and
	// the λ points, axis-major.
	Axes []Axis `json:",omitempty"`

	// Refine asks for adaptive refinement of the λ grid (sweep/refine.go);
	// nil = none.
	Refine *RefineSpec `json:",omitempty"`

	// Halving asks for successive halving over the λ grid (halving.go);
	// nil = every point trains to the full budget.
	Halving *HalvingSpec `json:",omitempty"`

	// Balance lists the balancing methods a study compares
	// (balance_spec.go): static is the λ grid, every adaptive method one
	// more point per repeat, paired with the static runs.
	Balance []BalanceSpec `json:",omitempty"`
}

// RefineSpec is sweep.refine: after the grid is trained, Rounds times add
// up to Points new λ values of the swept term where they tell most (see
// sweep.Refine) and train them.
type RefineSpec struct {
	Rounds int
	Points int
}

// ReportSpec configures plots and the choice of λ.
type ReportSpec struct {
	X       string   // term whose λ is the x axis (default: first swept)
	Metrics []string // metrics plotted against λ
	// SelectOn is the split whose task metric chooses the balance points
	// (λ_best, λ_1se, the knee): SelectValidation (the default),
	// SelectCV (the default with dataset.split.cv) or SelectTest.
	SelectOn string `json:",omitempty"`
	// TaskMetric names the metric that chooses λ on the selection split,
	// without the split ("f1" for validation.f1); "" = the default
	// (TaskCandidates, Spec.TaskMetric).
	TaskMetric string `json:",omitempty"`
	// Validation is the fraction of the training rows held out for
	// validation when SelectOn is SelectValidation and the spec has no
	// validation split of its own (see Spec.CarveFraction); default 0.2.
	Validation float64 `json:",omitempty"`
	// Resamples is the number of bootstrap resamples of the repeats that
	// measure how stable each balance point is (stability.csv); default
	// DefaultResamples, 0 turns the resampling off.
	Resamples int `json:",omitempty"`
}

// DefaultResamples is report.resamples when the spec does not set it.
const DefaultResamples = 1000

// Values of report.select_on.
const (
	SelectValidation = "validation"
	SelectCV         = "cv"
	SelectTest       = "test"
)

// selectOnValues lists report.select_on's values in documented order.
var selectOnValues = []string{SelectValidation, SelectCV, SelectTest}

// CarveFraction returns the fraction of the training rows (the rows
// outside the test split) that become the validation split because the
// report selects on validation and the spec has none of its own
// (dataset.split.validation 0, no cross-validation); 0 otherwise. The
// carved rows are drawn from the repeat's data stream, so they are the
// same at every λ of a repeat and runs stay paired.
func (s *Spec) CarveFraction() float64 {
	if s.Report.SelectOn != SelectValidation || s.Dataset.Split.Validation > 0 || s.Dataset.Split.CV > 0 || s.Trainer != nil {
		return 0 // a training command (trainer) splits its own data
	}
	return s.Report.Validation
}

// Folds returns the number of cross-validation folds, 1 without
// cross-validation: every (grid point, repeat) trains Folds runs.
func (s *Spec) Folds() int {
	return max(1, s.Dataset.Split.CV)
}

// LambdaLabel names the λ tuple lam (one value per term of s, in spec
// order) for messages: "l2=0.01, l1=0.001", or "" when s has no added
// terms. Each λ is written as %g to 4 significant digits (LambdaDigits):
// a generated grid's 0.031622776601683794 as 0.03162, as the report
// writes it.
func (s *Spec) LambdaLabel(lam []float64) string {
	names := make([]string, len(s.Loss.Terms))
	for i, t := range s.Loss.Terms {
		names[i] = t.Name
	}
	return TupleLabel(names, lam, func(t string, v float64) string { return fmt.Sprintf("%s=%.*g", t, LambdaDigits, v) })
}

// LambdaDigits are the significant digits of a λ in messages and in the
// report (0.03162, 1e-05, 12.5).
const LambdaDigits = 4

// LambdaList writes the λ values vs for a person, ", "-joined, each as
// LambdaLabel writes it, with more digits when two would read the same.
func LambdaList(vs []float64) string {
	parts := make([]string, len(vs))
	for prec := LambdaDigits; ; prec++ {
		seen := make(map[string]bool, len(vs))
		distinct := true
		for i, v := range vs {
			parts[i] = fmt.Sprintf("%.*g", prec, v)
			distinct = distinct && !seen[parts[i]]
			seen[parts[i]] = true
		}
		if distinct || prec >= 17 {
			return strings.Join(parts, ", ")
		}
	}
}

// TupleLabel writes the λ tuple lam of terms for a person, item(term, λ)
// for each term joined by ", ": the one joiner of every λ label (the
// messages' LambdaLabel, the report's point labels, the figures' titles),
// which differ only in the item.
func TupleLabel(terms []string, lam []float64, item func(term string, v float64) string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = item(t, lam[i])
	}
	return strings.Join(parts, ", ")
}

// SweptTerms returns the indices of the terms whose weight is swept, in
// spec order.
func (s *Spec) SweptTerms() []int {
	var idx []int
	for i, t := range s.Loss.Terms {
		if t.Weight.Swept {
			idx = append(idx, i)
		}
	}
	return idx
}

// Grid returns the points of the λ grid in their fixed order. Each point
// holds the λ of every term in spec order, fixed terms carrying their
// fixed value. In mode grid the points are the cartesian product of the
// swept weights, the last swept term varying fastest; in mode zip all
// swept weights must have the same number of values and point i takes the
// i-th value of each. A spec without swept terms has one point.
func (s *Spec) Grid() ([][]float64, error) {
	swept := s.SweptTerms()
	for i, t := range s.Loss.Terms {
		if len(t.Weight.Values) == 0 {
			return nil, s.Errorf(indexField("loss.terms", i)+".weight", "empty weight: the grid has no points")
		}
	}
	n := 1
	switch s.Sweep.Mode {
	case "simplex":
		return s.simplexGrid()
	case "zip":
		if len(swept) > 0 {
			first := s.Loss.Terms[swept[0]]
			n = len(first.Weight.Values)
			for _, i := range swept[1:] {
				t := s.Loss.Terms[i]
				if len(t.Weight.Values) != n {
					return nil, s.Errorf(indexField("loss.terms", i)+".weight",
						"sweep mode zip needs swept weights of equal length: %s has %d values, %s has %d",
						first.Name, n, t.Name, len(t.Weight.Values))
				}
			}
		}
	case "grid", "":
		for _, i := range swept {
			n *= len(s.Loss.Terms[i].Weight.Values)
			if n > maxGridPoints {
				return nil, s.Errorf("loss.terms", "the grid has more than %d points; sweep fewer values or use sweep mode zip", maxGridPoints)
			}
		}
	default:
		return nil, s.Errorf("sweep.mode", "unknown sweep mode %q", s.Sweep.Mode)
	}
	if n > maxGridPoints {
		return nil, s.Errorf("loss.terms", "the grid has more than %d points", maxGridPoints)
	}
	if n == 0 {
		return nil, s.Errorf("loss.terms", "the grid has no points")
	}
	points := make([][]float64, n)
	for p := range points {
		points[p] = s.gridPoint(p, swept)
	}
	return points, nil
}

// gridPoint returns the λ tuple of grid point p (Grid): the p-th value of
// each swept term in mode zip, else the mixed-radix digits of p.
func (s *Spec) gridPoint(p int, swept []int) []float64 {
	pt := make([]float64, len(s.Loss.Terms))
	rest := p // mixed-radix digits of p, last swept term least significant
	for k := len(swept) - 1; k >= 0; k-- {
		vals := s.Loss.Terms[swept[k]].Weight.Values
		if s.Sweep.Mode == "zip" {
			pt[swept[k]] = vals[p]
		} else {
			pt[swept[k]] = vals[rest%len(vals)]
			rest /= len(vals)
		}
	}
	for i, t := range s.Loss.Terms {
		if !t.Weight.Swept {
			pt[i] = t.Weight.Values[0]
		}
	}
	return pt
}

// Hash returns the SHA-256 (hex) of a canonical JSON encoding of the
// decoded spec, File and Pos excluded: two files that differ only in key
// order, comments, layout or spelled-out defaults hash the same. It is
// written to manifest.json to tell whether results came from this spec.
func (s *Spec) Hash() string {
	b, err := json.Marshal(s)
	if err != nil {
		// Only NaN or ±Inf, which Validate rejects, fail to encode; keep
		// Hash total anyway with a textual encoding.
		b = []byte(fmt.Sprintf("%#v", withoutPos(*s)))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// withoutPos drops the fields a hash must ignore.
func withoutPos(s Spec) Spec {
	s.File, s.Pos = "", nil
	return s
}
