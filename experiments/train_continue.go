package experiments

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/lossexp/lossexp/experiments/optim"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/layout"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/spec"
)

// Continuation of the built-in trainer across the rungs of successive
// halving (sweep.halving). A run of a rung below the full budget leaves
// its state in its (point, repeat)'s checkpoint folder (the folder a
// training command gets, checkpoints/p003-r01/ under WithCheckpoints):
// the parameters, the optimizer's state, the batch order's generator and
// permutation, the epochs run, the first batch's loss bound, the gradient
// telemetry sums and the curves so far; with batch terms the own
// parameters of each (an adversary's or an auxiliary head's network) and
// their optimizer's state; on sequence data the order of the windows;
// with noise inputs (model.noise) the noise's generator; in float32
// (train.precision) the parameters are the float32 weights, exactly, and
// the optimizer's state its float32 moments. The next rung's run of that
// point and repeat starts from it and trains only the epochs it adds, so
// its result is, bit for bit, the one of a run trained from scratch to
// its budget: the full budget's run is the plain sweep's.
//
// That list is a run's whole state: a batch term carries nothing from
// one batch to the next but its own parameters (lossterms.BatchTerm's
// contract), and the per-epoch sums start over every epoch. Runs whose
// state holds more do not continue (continueRefusal: the one list the
// trainer and HalvingWarning read): an adaptive balancing method (its
// weights and loss history), cross-validation folds and lbfgs. They
// train each rung from scratch (their results are the same; only their
// epochs are not saved). The trainer has no learning-rate schedule and
// no early stopping, so nothing but the test-loss evaluation of the last
// epoch (train.eval_every) depends on the budget; the state keeps the
// curve row the full budget's run has there.
//
// A state that does not match its run (another key, sizes, an epoch not
// below the budget) or does not decode is not used: the run trains from
// scratch and writes its own. A link or a special file where the state
// goes is refused, never followed.

// stateFile is the built-in trainer's state in a checkpoint folder.
const stateFile = layout.TrainerStateFile

// trainState is what a rung leaves for the next (see the top of this
// file); exported fields for encoding/gob, which keeps float64 bits.
type trainState struct {
	Key          string // Run.Key: the (λ, repeat) key of the folder
	Epochs       int
	Param        []float64
	Opt          optim.Snapshot
	Rng          []byte // the batch order's PCG (MarshalBinary)
	Perm         []int
	Bound        float64
	Pens         []penState
	Curves       [][]float64
	EpochSeconds []float64
	Own          []ownState // per batch term with own parameters, in the terms' order
	Win          [][2]int   // sequence data: the windows in the last epoch's order
	Noise        []byte     // model.noise: the noise inputs' PCG (MarshalBinary)
}

// ownState is a batch term's own parameters and their optimizer's state.
type ownState struct {
	Param []float64
	Opt   optim.Snapshot
}

// penState is a term's gradient telemetry summed over the run.
type penState struct {
	CosSum, RatioSum    float64
	NegSteps, MeasSteps int
}

// continuation is a run's link to its checkpoint folder: nil for a run
// that does not continue (see the top of this file).
type continuation struct {
	dir   string
	key   string
	from  *trainState // the state to start from; nil: from scratch
	src   *rand.PCG   // the batch order's source (fitSGD)
	bound float64     // the loss bound at the end of fitSGD
	full  bool        // the run trains to the full budget: no state to leave
}

// openContinuation returns run's continuation under ctx's checkpoint
// folders, with the state the previous rung left; nil when run does not
// continue.
func (t *trainer) openContinuation(ctx context.Context, run *Run) (*continuation, error) {
	s := t.spec
	if s.Sweep.Halving == nil || run.Key == "" || checkpointRoot(ctx) == "" || continueRefusal(s) != "" {
		return nil, nil
	}
	if _, ok := t.saveOpt(); !ok {
		return nil, nil
	}
	for _, st := range t.owners() {
		if _, ok := optim.Save(st.ownOpt); !ok {
			return nil, nil
		}
	}
	dir, _, err := openCheckpoint(ctx, run, run.Key)
	if err != nil {
		return nil, err
	}
	c := &continuation{dir: dir, key: run.Key, full: t.budget >= s.FullEpochs()}
	st, err := t.readState(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, err
	}
	if st != nil && st.Key == run.Key && st.Epochs >= 1 && st.Epochs < t.budget && t.fits(st) {
		c.from = st
	}
	return c, nil
}

// readState reads a state file: nil when absent or not decodable (the
// run starts from scratch); an error for a link or a special file.
func (t *trainer) readState(path string) (*trainState, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("trainer state %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a file lossexp wrote: lossexp never follows a link out of its results folder nor opens a special file there; remove it", path, saferead.Kind(fi.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("trainer state %s: %w", path, err)
	}
	defer f.Close()
	// Bounded: the parameters, two optimizer moments, the permutation,
	// a curve row and an epoch time per epoch of the budget.
	limit := int64(64*(4*len(t.param)+len(t.perm)+2*len(t.win)+t.budget*(len(CurveNames(t.spec))+2)) + 1<<16)
	for _, o := range t.owners() {
		limit += int64(64 * 3 * len(o.ownP))
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil || int64(len(b)) > limit {
		return nil, nil
	}
	var st trainState
	if gob.NewDecoder(bytes.NewReader(b)).Decode(&st) != nil {
		return nil, nil
	}
	return &st, nil
}

// fits reports whether st has this run's shapes.
func (t *trainer) fits(st *trainState) bool {
	if len(st.Param) != len(t.param) || len(st.Perm) != len(t.perm) || len(st.Pens) != len(t.pens) || len(st.Curves) != st.Epochs {
		return false
	}
	for _, i := range st.Perm {
		if i < 0 || i >= len(t.perm) {
			return false
		}
	}
	own := t.owners()
	if len(st.Own) != len(own) || len(st.Win) != len(t.win) || (len(st.Noise) == 0) != (t.noise == 0) {
		return false
	}
	for i, o := range own {
		if len(st.Own[i].Param) != len(o.ownP) {
			return false
		}
	}
	// The windows in any order, each once: sorted by their first row they
	// are initWindows' (t.win before the first epoch shuffles it).
	win := slices.Clone(st.Win)
	slices.SortFunc(win, func(a, b [2]int) int { return a[0] - b[0] })
	return slices.Equal(win, t.win)
}

// owners returns the run's batch terms with own parameters, in the
// terms' order.
func (t *trainer) owners() []*batchTerm {
	var own []*batchTerm
	for _, p := range t.pens {
		if p.batchTerm != nil && p.own != nil {
			own = append(own, p.batchTerm)
		}
	}
	return own
}

// restore sets the trainer to the state c starts from and returns the
// epoch to start at and the loss bound; 0 and +Inf from scratch (c nil
// too).
func (c *continuation) restore(t *trainer, src *rand.PCG, res *Result) (first int, bound float64, err error) {
	if c == nil || c.from == nil {
		if c != nil {
			c.src = src
		}
		return 0, math.Inf(1), nil
	}
	c.src = src
	st := c.from
	if err := src.UnmarshalBinary(st.Rng); err != nil {
		return 0, 0, fmt.Errorf("trainer state of run %s: %w", c.key, err)
	}
	if err := t.restoreOpt(st.Opt); err != nil {
		return 0, 0, fmt.Errorf("trainer state of run %s: %w", c.key, err)
	}
	if err := t.restoreTerms(st); err != nil {
		return 0, 0, fmt.Errorf("trainer state of run %s: %w", c.key, err)
	}
	copy(t.param, st.Param)
	if t.f32 != nil {
		t.f32.start(t.param) // the float32 weights, which the saved ones are exactly
	}
	copy(t.perm, st.Perm)
	for i, p := range st.Pens {
		pp := &t.pens[i]
		pp.cosSum, pp.ratioSum, pp.negSteps, pp.measSteps = p.CosSum, p.RatioSum, p.NegSteps, p.MeasSteps
	}
	t.epochs = st.Epochs
	res.Curves = append(res.Curves, st.Curves...)
	res.EpochSeconds = append(res.EpochSeconds, st.EpochSeconds...)
	res.EpochsTrained = t.budget - st.Epochs
	return st.Epochs, st.Bound, nil
}

// saveOpt returns the state of the optimizer of the model's parameters:
// the float32 one under train.precision float32.
func (t *trainer) saveOpt() (optim.Snapshot, bool) {
	if t.f32 != nil {
		return optim.Save32(t.f32.opt)
	}
	return optim.Save(t.opt)
}

// restoreOpt sets the optimizer saveOpt saved.
func (t *trainer) restoreOpt(s optim.Snapshot) error {
	if t.f32 != nil {
		return optim.Restore32(t.f32.opt, s)
	}
	return optim.Restore(t.opt, s)
}

// restoreTerms sets the batch terms' own parameters and optimizers, the
// windows' order and the noise's generator to st's (fits checked their
// sizes).
func (t *trainer) restoreTerms(st *trainState) error {
	for i, o := range t.owners() {
		if err := optim.Restore(o.ownOpt, st.Own[i].Opt); err != nil {
			return err
		}
		copy(o.ownP, st.Own[i].Param)
	}
	copy(t.win, st.Win)
	if t.noise > 0 {
		return t.noiseSrc.UnmarshalBinary(st.Noise)
	}
	return nil
}

// saveTerms adds to st what restoreTerms restores.
func (t *trainer) saveTerms(st *trainState) error {
	for _, o := range t.owners() {
		opt, _ := optim.Save(o.ownOpt)
		st.Own = append(st.Own, ownState{Param: o.ownP, Opt: opt})
	}
	st.Win = t.win
	if t.noise > 0 {
		b, err := t.noiseSrc.MarshalBinary()
		if err != nil {
			return err
		}
		st.Noise = b
	}
	return nil
}

// keepBound keeps fitSGD's loss bound for save (c nil: nothing).
func (c *continuation) keepBound(bound float64) {
	if c != nil {
		c.bound = bound
	}
}

// finish ends the run's continuation (c nil: nothing): an ok run leaves
// its state (save); a diverged one is final, its folder removed.
func (c *continuation) finish(t *trainer, res *Result, ok bool) error {
	switch {
	case c == nil:
		return nil
	case !ok:
		return os.RemoveAll(c.dir)
	}
	return c.save(t, res)
}

// save leaves the state of a run that ended ok below the full budget for
// the next rung, written atomically; a full-budget run removes the
// folder (its point and repeat are final).
func (c *continuation) save(t *trainer, res *Result) error {
	if c.full {
		return os.RemoveAll(c.dir)
	}
	opt, _ := t.saveOpt()
	rng, err := c.src.MarshalBinary()
	if err != nil {
		return err
	}
	st := trainState{Key: c.key, Epochs: t.epochs, Param: t.param, Opt: opt, Rng: rng, Perm: t.perm, Bound: c.bound,
		Curves: make([][]float64, len(res.Curves)), EpochSeconds: res.EpochSeconds}
	for _, p := range t.pens {
		st.Pens = append(st.Pens, penState{CosSum: p.cosSum, RatioSum: p.ratioSum, NegSteps: p.negSteps, MeasSteps: p.measSteps})
	}
	if err := t.saveTerms(&st); err != nil {
		return err
	}
	copy(st.Curves, res.Curves)
	// The last row evaluated the test loss because it ended this budget
	// (fitSGD's evalTest); the full budget's run has it only every
	// train.eval_every epochs.
	if ev := t.spec.Train.EvalEvery; ev > 0 && t.epochs%ev != 0 && len(st.Curves) > 0 {
		last := append([]float64(nil), st.Curves[len(st.Curves)-1]...)
		last[testLossColumn(len(t.pens))] = math.NaN()
		st.Curves[len(st.Curves)-1] = last
	}
	return atomicfile.Write(filepath.Join(c.dir, stateFile), func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(&st)
	})
}

// continueRefusal returns why the built-in trainer's runs of s cannot
// continue from one rung to the next, "" when they can (see the top of
// this file): openContinuation and HalvingWarning both read it.
func continueRefusal(s *spec.Spec) string {
	const retrain = "retrain every rung from scratch"
	switch {
	case s.Loss.Balance.Adaptive():
		return fmt.Sprintf("runs with an adaptive balancing method (loss.balance: %s) %s", s.Loss.Balance.Method, retrain)
	case s.Folds() > 1:
		return fmt.Sprintf("runs with cross-validation folds (%d) %s", s.Folds(), retrain)
	case s.Train.Optimizer == "lbfgs":
		return "lbfgs runs " + retrain
	}
	return ""
}

// testLossColumn is the index of test.loss in a curve row of a run with
// n terms (appendCurve): loss.total, loss.task, n values, grad.task, n
// gradient norms, n cosines, then test.loss.
func testLossColumn(n int) int { return 3 + 3*n }
