package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/lossexp/lossexp/experiments/model"
)

// NumericsVersion identifies the numerical behaviour of training: the
// order of floating-point operations, initialization, batching and metric
// definitions. Bump it in any change that can alter a single bit of a
// run's metrics or curves for an unchanged spec; every run id changes
// with it, so a resumed sweep never mixes runs of two versions.
const NumericsVersion = 3 // 3: matrix products as FMA chains (internal/kernel); 2: a run whose task loss exceeds DivergeFactor × its first is diverged

// ResultHash returns the SHA-256 (hex) of the part of the spec that
// decides the results: seed, repeats, dataset, model, training, loss
// (every term's kind, weights and parameters) and sweep mode. It leaves
// out name, description, report and check, which only change how results
// are shown or judged. `lossexp check` compares it with the baseline's to
// say whether the study itself changed.
func (s *Spec) ResultHash() string {
	c := withoutPos(*s)
	c.Train = c.Train.hashed()
	c.Name, c.Description = "", ""
	c.Report = ReportSpec{}
	c.Check = nil
	// The carved validation split changes the training rows; the report
	// keys that ask for it count. Omitted when 0 (the JSON of the
	// embedded spec alone), so other specs keep their hash.
	return hashJSON(struct {
		Spec
		Carve float64 `json:",omitempty"`
	}{c, s.CarveFraction()})
}

// hashed is t as the hashes see it: the default tolerance and precision
// written out hash as none, so writing a default keeps the run ids.
func (t TrainSpec) hashed() TrainSpec {
	if t.Tolerance == DefaultTolerance {
		t.Tolerance = 0
	}
	if t.Precision == PrecisionFloat64 {
		t.Precision = ""
	}
	return t
}

// RunBase is the part of every run id that does not depend on the grid
// point or the repeat: the result-relevant spec without the term weights
// (the grid, but with each term's scale) and the number of repeats, the data's checksum, the
// numerics version and the BLAS backend (whose kernels round
// differently). Two specs with the same RunBase share every run whose λ
// tuple and repeat they share: extending a grid or adding repeats reuses
// the runs already stored.
func (s *Spec) RunBase(dataChecksum string) string {
	if s.Trainer != nil {
		return s.trainerRunBase(dataChecksum)
	}
	type term struct {
		Kind   string
		Params map[string]any `json:",omitempty"`
		// Scale changes the λ trained (scale.go); omitted when empty, so
		// terms without it keep their run ids.
		Scale string `json:",omitempty"`
	}
	k := struct {
		Numerics   int
		BLAS       string
		Seed       uint64
		Dataset    DatasetSpec
		DataSHA256 string
		Model      ModelSpec
		Train      TrainSpec
		Task       string
		HuberDelta float64
		Terms      []term
		// Balance is an adaptive loss.balance (balance_spec.go);
		// omitted for static, so runs without one keep their ids.
		Balance *BalanceSpec `json:",omitempty"`
		// Carve is the validation fraction carved from the training
		// rows (Spec.CarveFraction): it changes the rows trained on.
		// Omitted when 0, so specs with their own validation split, or
		// that select on test, keep their run ids.
		Carve float64 `json:",omitempty"`
	}{
		Numerics: NumericsVersion, BLAS: model.BLASBackend(), Seed: s.Seed,
		Dataset: s.Dataset, DataSHA256: dataChecksum, Model: s.Model, Train: s.Train.hashed(),
		Task: s.Loss.Task, HuberDelta: s.Loss.HuberDelta, Carve: s.CarveFraction(),
	}
	// The CSV path as written does not matter, its content does (the
	// checksum): moving the file keeps the ids.
	k.Dataset.CSV = ""
	k.Dataset.Split.TestCSV = ""
	for _, t := range s.Loss.Terms {
		k.Terms = append(k.Terms, term{Kind: t.Kind, Params: t.Params, Scale: t.Weight.Scale})
	}
	if s.Loss.Balance.Adaptive() {
		k.Balance = s.Loss.Balance
	}
	return hashJSON(k)
}

// RunID returns the id of the run of repeat r at the λ tuple lambdas under
// base (from RunBase): 16 hex digits of a SHA-256, stable across grid
// changes, worker counts and resumes.
func RunID(base string, lambdas []float64, repeat int) string {
	return hex.EncodeToString(runIDHash(base, lambdas, repeat).Sum(nil)[:8])
}

// RunIDFold is RunID for cross-validation fold fold of a spec with
// dataset.split.cv: the fold enters the hash after the repeat (RunID,
// without it, is the id of every run of a spec without folds).
func RunIDFold(base string, lambdas []float64, repeat, fold int) string {
	h := runIDHash(base, lambdas, repeat)
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(fold))
	h.Write([]byte("fold"))
	h.Write(b[:])
	return hex.EncodeToString(h.Sum(nil)[:8])
}

func runIDHash(base string, lambdas []float64, repeat int) hash.Hash {
	h := sha256.New()
	h.Write([]byte(base))
	var b [8]byte
	for _, l := range lambdas {
		if l == 0 {
			l = 0 // −0 and +0 train alike
		}
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(l))
		h.Write(b[:])
	}
	binary.LittleEndian.PutUint64(b[:], uint64(repeat))
	h.Write(b[:])
	return h
}

func hashJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		b = fmt.Appendf(nil, "%#v", v)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CheckSpec is the spec's optional check section: the tolerances `lossexp
// check` applies when it compares a sweep with a baseline. A grid point
// regresses on a metric when its mean moves the wrong way by more than
// max(Abs, Rel·|baseline mean|, K·√(se_base² + se_new²)).
type CheckSpec struct {
	Abs, Rel, K float64
	// Metrics lists the metrics checked (default: report.metrics) with
	// their own tolerances; a zero field takes the section's value.
	Metrics map[string]MetricCheck
}

// MetricCheck overrides the tolerances for one metric.
type MetricCheck struct {
	Abs, Rel, K *float64 `json:",omitempty"`
	// Better is "higher", "lower" or "both" (two-sided); "" takes the
	// metric's direction from MetricCatalogue.
	Better string `json:",omitempty"`
}

var (
	checkKeys       = []string{"abs", "rel", "k", "metrics"}
	metricCheckKeys = []string{"abs", "rel", "k", "better"}
	betterValues    = []string{"higher", "lower", "both"}
)

func (c *CheckSpec) decode(d *decoder, n *yaml.Node, path string) {
	d.mapping(n, path, checkKeys, func(key string, v *yaml.Node, f string) {
		switch key {
		case "abs":
			d.nonNegative(v, f, &c.Abs)
		case "rel":
			d.nonNegative(v, f, &c.Rel)
		case "k":
			d.nonNegative(v, f, &c.K)
		case "metrics":
			ms := map[string]MetricCheck{}
			d.mapping(v, f, nil, func(metric string, v *yaml.Node, f string) {
				var m MetricCheck
				d.mapping(v, f, metricCheckKeys, func(key string, v *yaml.Node, f string) {
					x := new(float64)
					switch key {
					case "abs":
						d.nonNegative(v, f, x)
						m.Abs = x
					case "rel":
						d.nonNegative(v, f, x)
						m.Rel = x
					case "k":
						d.nonNegative(v, f, x)
						m.K = x
					case "better":
						d.str(v, f, &m.Better)
						if m.Better != "" && !slices.Contains(betterValues, m.Better) {
							d.errorf(v, f, "unknown direction %q (valid: higher, lower, both)", m.Better)
						}
					}
				})
				ms[metric] = m
			})
			c.Metrics = ms
		}
	})
}

func (d *decoder) nonNegative(n *yaml.Node, field string, dst *float64) {
	v, ok := d.number(n, field)
	if !ok {
		return
	}
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		d.errorf(n, field, "want a finite number ≥ 0, got %s", n.Value)
		return
	}
	*dst = v
}

// Has reports whether field (a dotted path such as "check.abs") was
// written in the spec file, as opposed to holding its default.
func (s *Spec) Has(field string) bool { return s.has(field) }
