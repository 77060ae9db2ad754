package experiments

import "math"

// Run status values, as written in runs.csv.
const (
	StatusOK       = "ok"
	StatusDiverged = "diverged" // loss became NaN or ±Inf; Reason says where
	// StatusFailed is a run of a training command (trainer:) that did
	// not report its metrics: it exited with an error, timed out, or
	// wrote a malformed metrics.jsonl; Reason says which. A failed run
	// is not a result: a sweep stores it so its tables show it, and the
	// next sweep trains it again.
	StatusFailed = "failed"
	// StatusPruned marks, in runs.csv of a sweep.halving study, the runs
	// of a grid point dropped after a rung below the full budget: their
	// metrics are at that rung's budget (column budget), and no table
	// or figure of the study uses them.
	StatusPruned = "pruned"
)

// newResult returns run's result before it is trained: its identity and
// λ, status ok, and n metrics with no value (NaN) yet.
func newResult(run *Run, n int) Result {
	res := Result{
		Index:   run.Index,
		RunID:   run.ID(),
		Point:   run.Point,
		Repeat:  run.Repeat,
		Fold:    run.Fold,
		Lambdas: append([]float64(nil), run.Lambdas...),
		Status:  StatusOK,
		Metrics: make([]float64, n),
	}
	for i := range res.Metrics {
		res.Metrics[i] = math.NaN()
	}
	if run.Spec != nil {
		res.Seed = RunSeed(run.Spec, run.Repeat)
	}
	return res
}

// Result is what one run produced. Every field but the timings is a pure
// function of (spec, grid point, repeat).
type Result struct {
	Index   int       // position in the sweep's run order
	RunID   string    // stable id, e.g. "p003-r1"
	Point   int       // grid point index
	Repeat  int       // repeat index
	Seed    uint64    // the run's seed (RunSeed)
	Fold    int       // cross-validation fold (0 without)
	Lambdas []float64 // λ of every term, in spec order (fixed ones too)
	Status  string
	Reason  string // why a run diverged ("" when ok)

	// Metrics are aligned with the sweep's MetricNames; NaN means "no
	// value" (for example test metrics when the spec has no test split)
	// and is written as an empty cell.
	Metrics []float64
	// ExtraNames are the metrics a training command's final line held
	// beyond MetricNames, in name order, and Extra their values (nil for
	// the built-in trainer): runs.csv lists them after the others.
	ExtraNames []string
	Extra      []float64

	// Curves has one row per epoch, aligned with CurveNames.
	Curves [][]float64

	// Samples holds a few test predictions for figures (repeat 0 of a
	// spec with an adversarial, perceptual or temporal term; nil
	// otherwise).
	Samples *Samples

	// Balance is what an adaptive balancing method did (its label and
	// learned parameters; train_balance.go); nil for a static run.
	Balance *BalanceResult

	// Seconds is the wall time of the whole run (data preparation
	// excluded), EpochSeconds that of each epoch. They are the only
	// fields that vary between two identical runs.
	Seconds      float64
	EpochSeconds []float64

	// EpochsTrained is how many epochs a training command's run trained
	// in the attempt that gave its result: its last epoch line's epoch
	// minus its first's plus one (a trainer that continued from its
	// checkpoint starts above 1), else its budget (Run.EpochBudget); 0 for
	// the built-in trainer. Successive halving sums it (epochs_budgeted).
	EpochsTrained int

	// LogDir is the folder holding the logs of a training command's run
	// (stdout, stderr and metrics.jsonl of each attempt); "" for the
	// built-in trainer. A store keeps them beside the run's record
	// (sweep.Store.Save moves the folder).
	LogDir string
}
