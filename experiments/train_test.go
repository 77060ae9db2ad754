package experiments

import (
	"context"
	"errors"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lossexp/lossexp/spec"
)

// prepareRun opens s's data and returns the run of repeat at lambdas.
func prepareRun(t *testing.T, s *spec.Spec, lambdas []float64, repeat int) *Run {
	t.Helper()
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := d.Prepare(repeat)
	if err != nil {
		t.Fatal(err)
	}
	return &Run{Repeat: repeat, Lambdas: lambdas, Spec: s, Data: sp}
}

func trainOne(t *testing.T, s *spec.Spec, lambdas []float64, repeat int) (Result, *Run) {
	t.Helper()
	run := prepareRun(t, s, lambdas, repeat)
	res, err := Train(context.Background(), run)
	if err != nil {
		t.Fatal(err)
	}
	return res, run
}

func metric(t *testing.T, s *spec.Spec, run *Run, res Result, name string) float64 {
	t.Helper()
	for i, n := range MetricNames(s, run.Data) {
		if n == name {
			return res.Metrics[i]
		}
	}
	t.Fatalf("no metric %q", name)
	return 0
}

// TestTrain_LBFGSReachesRidgeOptimum checks that a linear model with an L2
// term trained by L-BFGS reaches the true minimum of
// (1/n)Σ(x·w + b − y)² + λ‖w‖², computed in closed form on the same
// training split: center X and y, w = (XcᵀXc/n + λI)⁻¹ Xcᵀyc/n.
func TestTrain_LBFGSReachesRidgeOptimum(t *testing.T) {
	const lambda = 0.05
	s := mustParse(t, `
name: ridge
repeats: 1
dataset: {builtin: regression, params: {samples: 200, features: 5, noise: 0.5}, split: {test: 0}}
model: {kind: linear}
train: {optimizer: lbfgs, epochs: 500}
loss:
  task: mse
  terms: [{kind: l2, weight: 0.05}]
`)
	res, run := trainOne(t, s, []float64{lambda}, 0)
	if res.Status != StatusOK {
		t.Fatalf("status %s: %s", res.Status, res.Reason)
	}
	got := metric(t, s, run, res, "train.loss") + lambda*metric(t, s, run, res, "weight_l2")

	tr := run.Data.Train
	n, d := tr.N, tr.D
	mean := make([]float64, d)
	var ybar float64
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			mean[j] += tr.X[i*d+j] / float64(n)
		}
		ybar += tr.Y[i] / float64(n)
	}
	xc := mat.NewDense(n, d, nil)
	yc := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			xc.Set(i, j, tr.X[i*d+j]-mean[j])
		}
		yc.SetVec(i, tr.Y[i]-ybar)
	}
	var a mat.Dense
	a.Mul(xc.T(), xc)
	a.Scale(1/float64(n), &a)
	for j := 0; j < d; j++ {
		a.Set(j, j, a.At(j, j)+lambda)
	}
	var rhs mat.VecDense
	rhs.MulVec(xc.T(), yc)
	rhs.ScaleVec(1/float64(n), &rhs)
	var w mat.VecDense
	if err := w.SolveVec(&a, &rhs); err != nil {
		t.Fatal(err)
	}
	b := ybar
	for j := 0; j < d; j++ {
		b -= mean[j] * w.AtVec(j)
	}
	var want float64
	for i := 0; i < n; i++ {
		r := b - tr.Y[i]
		for j := 0; j < d; j++ {
			r += tr.X[i*d+j] * w.AtVec(j)
		}
		want += r * r / float64(n)
	}
	want += lambda * mat.Dot(&w, &w)
	if rel := math.Abs(got-want) / want; rel > 1e-6 {
		t.Errorf("objective %.12g, closed-form minimum %.12g (rel %.2g > 1e-6)", got, want, rel)
	}
	if got < want*(1-1e-9) {
		t.Errorf("objective %.12g below the true minimum %.12g: the closed form or the metric is wrong", got, want)
	}
}

const l1Spec = `
name: l1
repeats: 1
dataset: {builtin: sparse, params: {samples: 200, features: 40, informative: 4}}
model: {kind: linear}
train: {optimizer: %s, learning_rate: 0.1, epochs: 60, batch_size: 0}
loss:
  terms: [{kind: l1, weight: [0.05]}]
`

// TestTrain_ProximalL1MakesExactZeros: under sgd the l1 term is a
// soft-threshold step and zeroes weights exactly; under adam it is a
// subgradient and does not.
func TestTrain_ProximalL1MakesExactZeros(t *testing.T) {
	for _, tt := range []struct {
		opt     string
		minimum float64 // least sparsity expected
	}{{"sgd", 0.5}, {"momentum", 0.05}, {"adam", 0}} {
		t.Run(tt.opt, func(t *testing.T) {
			s := mustParse(t, strings.Replace(l1Spec, "%s", tt.opt, 1))
			res, run := trainOne(t, s, []float64{0.05}, 0)
			sp := metric(t, s, run, res, "sparsity")
			if sp < tt.minimum {
				t.Errorf("sparsity %.3f under %s: proximal L1 should zero noise weights (want ≥ %.2f)", sp, tt.opt, tt.minimum)
			}
			if tt.minimum == 0 && sp != 0 {
				t.Errorf("sparsity %.3f under %s: subgradient L1 should not produce exact zeros", sp, tt.opt)
			}
		})
	}
}

// TestTrain_AdamWDiffersFromAdamL2: decoupled weight decay is not an L2
// term under Adam.
func TestTrain_AdamWDiffersFromAdamL2(t *testing.T) {
	base := `
name: wd
repeats: 1
dataset: {builtin: moons, params: {samples: 100}}
model: {kind: mlp, hidden: [8]}
train: {optimizer: %s, learning_rate: 0.05, epochs: 20}
loss:
  terms: [{kind: l2, weight: %s}]
`
	sw := mustParse(t, strings.Replace(strings.Replace(base, "%s", "adamw, weight_decay: 0.01", 1), "%s", "0", 1))
	sa := mustParse(t, strings.Replace(strings.Replace(base, "%s", "adam", 1), "%s", "0.005", 1))
	rw, runw := trainOne(t, sw, []float64{0}, 0)
	ra, runa := trainOne(t, sa, []float64{0.005}, 0)
	a, b := metric(t, sw, runw, rw, "weight_l2"), metric(t, sa, runa, ra, "weight_l2")
	if a == b {
		t.Errorf("adamw and adam+L2 gave the same weight_l2 %v", a)
	}
	// Both shrink the weights compared with plain adam.
	sp := mustParse(t, strings.Replace(strings.Replace(base, "%s", "adam", 1), "%s", "0", 1))
	rp, runp := trainOne(t, sp, []float64{0}, 0)
	plain := metric(t, sp, runp, rp, "weight_l2")
	if !(a < plain && b < plain) {
		t.Errorf("weight_l2: adamw %v, adam+l2 %v, plain adam %v: both should shrink", a, b, plain)
	}
}

func TestTrain_NoTestSplit(t *testing.T) {
	s := mustParse(t, `
name: all
repeats: 1
dataset: {builtin: blobs, params: {samples: 90, classes: 3}, split: {test: 0}}
model: {kind: linear}
train: {epochs: 5}
`)
	res, run := trainOne(t, s, nil, 0)
	if v := metric(t, s, run, res, "test.accuracy"); !math.IsNaN(v) {
		t.Errorf("test.accuracy = %v without a test split; want no value (NaN)", v)
	}
	if v := metric(t, s, run, res, "train.accuracy"); !(v > 0.5) {
		t.Errorf("train.accuracy = %v on three blobs", v)
	}
}

func TestTrain_Cancelled(t *testing.T) {
	s := mustParse(t, `
name: c
repeats: 1
dataset: {builtin: moons}
model: {kind: mlp, hidden: [16]}
train: {epochs: 100000}
`)
	d, _ := OpenData(s, Folders{})
	sp, _ := d.Prepare(0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Train(ctx, &Run{Spec: s, Data: sp})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestTrain_HotLoopDoesNotAllocate compares the allocations of runs of 2
// and 12 epochs: the difference must not grow with the number of steps
// (a few per epoch for the curve row and the test-loss evaluation are
// allowed; per step there must be none).
func TestTrain_HotLoopDoesNotAllocate(t *testing.T) {
	for _, tc := range hotLoopCases {
		t.Run(tc.name, func(t *testing.T) {
			mk := func(epochs string) *Run {
				s := mustParse(t, strings.Replace(tc.spec, "EPOCHS", epochs, 1))
				d, err := OpenData(s, Folders{})
				if err != nil {
					t.Fatal(err)
				}
				sp, err := d.Prepare(0)
				if err != nil {
					t.Fatal(err)
				}
				lam := make([]float64, len(s.Loss.Terms))
				for i, ts := range s.Loss.Terms {
					lam[i] = ts.Weight.Values[len(ts.Weight.Values)-1]
				}
				return &Run{Spec: s, Data: sp, Lambdas: lam}
			}
			allocs := func(r *Run) float64 {
				return testing.AllocsPerRun(3, func() {
					if _, err := Train(context.Background(), r); err != nil {
						t.Fatal(err)
					}
				})
			}
			a2, a12 := allocs(mk("2")), allocs(mk("12"))
			perEpoch := (a12 - a2) / 10
			if perEpoch > 12 {
				t.Errorf("%.1f allocations per epoch: an epoch's bookkeeping allocates more than its curve row", perEpoch)
			}
			// None per step: batches of 16 take 15 more steps an epoch
			// than batches of 32. What that costs in allocations over 6
			// epochs and over 12 (a setup that differs with the batch
			// size cancels) must be the same: a buffer made once per
			// step, or every 5th, shows as 90, or 18.
			// The garbage collector is off while counting: a sync.Pool
			// emptied by a collection refills with allocations that
			// depend on when it ran, not on the code under test.
			defer debug.SetGCPercent(debug.SetGCPercent(-1))
			extra := func(epochs string) float64 {
				small, large := mk(epochs), mk(epochs)
				large.Spec.Train.BatchSize = 32
				return allocs(small) - allocs(large)
			}
			if d := extra("12") - extra("6"); d != 0 {
				t.Errorf("%+.0f allocations for 90 more steps (%.2f per step): the training step allocates", d, d/90)
			}
		})
	}
}

// hotLoopCases are runs of 640 rows (480 for training) in batches of 16,
// one per kind of term, at λ > 0; EPOCHS is replaced.
var hotLoopCases = []struct{ name, spec string }{
	{"l1_l2", `
name: a
repeats: 1
dataset: {builtin: moons, params: {samples: 640}}
model: {kind: mlp, hidden: [16, 16]}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  terms: [{kind: l2, weight: 0.001}, {kind: l1, weight: 0.001}]
`},
	{"fairness", `
name: a
repeats: 1
dataset: {builtin: fair, params: {samples: 640, groups: 3}}
model: {kind: mlp, hidden: [16, 16]}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  terms: [{kind: fairness, metric: equalized_odds, weight: 0.5}]
`},
	{"adversarial_debias", `
name: a
repeats: 1
dataset: {builtin: fair, params: {samples: 640, groups: 3}}
model: {kind: mlp, hidden: [16, 16]}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  terms: [{kind: adversarial_debias, metric: equalized_odds, optimizer: momentum, steps: 3, weight: 0.5}]
`},
	{"decorrelation", `
name: a
repeats: 1
dataset: {builtin: factors, params: {samples: 640}}
model: {kind: mlp, hidden: [16, 4]}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  terms: [{kind: decorrelation, layer: 0, weight: 0.5}, {kind: decorrelation, name: d2, weight: 0.1}]
`},
	{"aux_segmentation", `
name: a
repeats: 1
dataset: {builtin: edges, params: {samples: 640, length: 16}}
model: {kind: mlp, hidden: [16, 16]}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  terms: [{kind: aux, layer: 0, hidden: 4, optimizer: momentum, steps: 2, weight: 0.5}, {kind: aux, name: a2, loss: mse, weight: 0.1}]
`},
	{"aux_segmentation_semi", `
name: a
repeats: 1
dataset: {builtin: edges, params: {samples: 640, labeled: 0.2, length: 16}}
model: {kind: mlp, hidden: [16, 16]}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  terms: [{kind: aux, weight: 1}]
`},
	{"temporal", `
name: a
repeats: 1
dataset: {builtin: sequences, params: {sequences: 16, length: 40}}
model: {kind: mlp, hidden: [16, 16]}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  terms: [{kind: temporal, weight: 0.5}]
`},
	{"adversarial", `
name: a
repeats: 1
dataset: {builtin: multimodal, params: {samples: 640}}
model: {kind: mlp, hidden: [16, 16], noise: 2}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  task: mse
  terms: [{kind: adversarial, hidden: [8], optimizer: momentum, steps: 2, weight: 0.5}]
`},
	{"perceptual", `
name: a
repeats: 1
dataset: {builtin: glyphs, params: {samples: 640}}
model: {kind: mlp, hidden: [16]}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  task: mse
  terms: [{kind: perceptual, hidden: [8], epochs: 2, weight: 0.5}]
`},
}

func sharedDatasets(t testing.TB) string {
	p := os.Getenv("LOSSEXP_SHARED_DATASETS") // .ci/run sets it where the folder exists
	if _, err := os.Stat(p); p == "" || err != nil {
		// CI sets LOSSEXP_REQUIRE_DATASETS=1 with the folder: there a
		// missing folder is a failure, not a silent skip.
		if os.Getenv("LOSSEXP_REQUIRE_DATASETS") == "1" {
			t.Fatalf("shared datasets not found at %q (LOSSEXP_REQUIRE_DATASETS=1; set LOSSEXP_SHARED_DATASETS)", p)
		}
		t.Skip("LOSSEXP_SHARED_DATASETS not set or missing: the reference datasets are not at hand")
	}
	return p
}

// TestTrain_BreastCancerCSV trains logistic regression on the real breast
// cancer data shipped with lossexp.
func TestTrain_BreastCancerCSV(t *testing.T) {
	dir := ""
	s := mustParse(t, `
name: bc
repeats: 1
dataset: {csv: sklearn/breast_cancer.csv, target: target, split: {test: 0.3}}
model: {kind: linear}
train: {optimizer: lbfgs, epochs: 200}
loss:
  terms: [{kind: l2, weight: 0.01}]
`)
	d, err := OpenData(s, Folders{Data: dir})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := d.Prepare(0)
	if err != nil {
		t.Fatal(err)
	}
	run := &Run{Spec: s, Data: sp, Lambdas: []float64{0.01}}
	res, err := Train(context.Background(), run)
	if err != nil {
		t.Fatal(err)
	}
	if acc := metric(t, s, run, res, "test.accuracy"); acc < 0.93 {
		t.Errorf("test accuracy %.3f on breast cancer with L2 logistic regression; want ≥ 0.93", acc)
	}
}

func TestOpenData_MissingCSVNamesTheSpec(t *testing.T) {
	s := mustParse(t, `
name: m
dataset:
  csv: nowhere.csv
  target: y
`)
	_, err := OpenData(s, Folders{})
	if err == nil || !strings.Contains(err.Error(), "t.yaml:4:8") || !strings.Contains(err.Error(), "nowhere.csv") {
		t.Fatalf("err = %v; want it to name test.yaml:4:8 and the file", err)
	}
}

// TestTrain_GradConflictAtOptimum: at the minimum of task + λ·L2 the task
// gradient over the weights is exactly −λ∇L2, so the two point in
// opposite directions (cosine −1, conflict 1) with equal norms (ratio 1,
// the bias gradient being 0 there too).
func TestTrain_GradConflictAtOptimum(t *testing.T) {
	s := mustParse(t, `
name: conflict
repeats: 1
dataset: {builtin: regression, params: {samples: 120, features: 4}, split: {test: 0}}
model: {kind: linear}
train: {optimizer: lbfgs, epochs: 500}
loss:
  task: mse
  terms: [{kind: l2, weight: 0.3}]
`)
	res, run := trainOne(t, s, []float64{0.3}, 0)
	for name, want := range map[string]float64{"grad.cos.l2": -1, "grad.conflict.l2": 1, "grad.ratio.l2": 1} {
		if got := metric(t, s, run, res, name); math.Abs(got-want) > 1e-5 {
			t.Errorf("%s = %.8f at the optimum, want %v", name, got, want)
		}
	}
	// Without the term there is nothing to compare: no value, not 0.
	res0, run0 := trainOne(t, s, []float64{0}, 0)
	if v := metric(t, s, run0, res0, "grad.cos.l2"); !math.IsNaN(v) {
		t.Errorf("grad.cos.l2 = %v at λ = 0; want no value", v)
	}
}

// TestTrain_LBFGSTolerance: train.tolerance is lbfgs's stopping threshold
// on ‖∇f‖∞. A looser one stops after fewer iterations at an objective
// no lower than the default's, and only a little above it; the default
// written out keeps the spec's hashes, another value changes them.
func TestTrain_LBFGSTolerance(t *testing.T) {
	const lambda = 1e-3
	specAt := func(tol string) *spec.Spec {
		return mustParse(t, `
name: tol
repeats: 1
dataset: {csv: sklearn/breast_cancer.csv, target: target, split: {test: 0.3}}
model: {kind: linear}
train: {optimizer: lbfgs, epochs: 1000`+tol+`}
loss:
  terms: [{kind: l2, weight: 0.001}]
`)
	}
	fit := func(s *spec.Spec) (f float64, iters int) {
		res, run := trainOne(t, s, []float64{lambda}, 0)
		if res.Status != StatusOK {
			t.Fatalf("status %s: %s", res.Status, res.Reason)
		}
		f = metric(t, s, run, res, "train.loss") + lambda*metric(t, s, run, res, "weight_l2")
		return f, int(metric(t, s, run, res, "epochs_run"))
	}
	def, loose := specAt(""), specAt(", tolerance: 1e-3")
	fDef, itDef := fit(def)
	fLoose, itLoose := fit(loose)
	t.Logf("default 1e-10: f %.15g after %d iterations; 1e-3: f %.15g after %d", fDef, itDef, fLoose, itLoose)
	if itLoose >= itDef {
		t.Errorf("tolerance 1e-3 ran %d iterations, the default %d: want fewer", itLoose, itDef)
	}
	if fLoose < fDef-1e-15 || fLoose-fDef > 1e-3 {
		t.Errorf("objective %.15g at tolerance 1e-3, %.15g at the default: want a little above it", fLoose, fDef)
	}
	same := specAt(", tolerance: 1e-10")
	if def.ResultHash() != same.ResultHash() || def.RunBase("x") != same.RunBase("x") {
		t.Errorf("writing the default tolerance changed the spec's hashes")
	}
	if def.ResultHash() == loose.ResultHash() || def.RunBase("x") == loose.RunBase("x") {
		t.Errorf("tolerance 1e-3 kept the default's hashes: its runs would be reused")
	}
}
