package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/experiments/optim"
	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/spec"
)

// evalChunk is the number of rows evaluated per forward pass when metrics
// are computed on a whole split.
const evalChunk = 512

// normSamples is the number of steps per epoch on which gradient norms
// are measured.
const normSamples = 8

// penalty is one added term of a run with its λ: a weight-matrix penalty
// (pen) or a batch term (bt, see batchterms.go).
type penalty struct {
	name   string
	lambda float64
	pen    lossterms.WeightPenalty
	prox   lossterms.Proximal // non-nil when applied as a proximal step
	gnorm  float64            // sum over the epoch's measured steps of ‖λ∇R‖

	*batchTerm // nil for a weight penalty

	// Gradient conflict with the task, over the weights (the parameters
	// the term and the task share), on measured steps: epoch sums of the
	// cosine, and run totals of cosine, ratio ‖λ∇R‖/‖∇L_task‖ and steps
	// with a negative cosine.
	ecos                float64
	emeas               int
	cosSum, ratioSum    float64
	negSteps, measSteps int
}

// trainer owns every buffer of one run; the training step reuses them, so
// the hot loop does not allocate.
type trainer struct {
	live LiveRun // hears of each epoch (lossexp status)
	spec *spec.Spec
	// budget is what the run trains to (Run.EpochBudget): train.epochs,
	// or a rung's budget under sweep.halving.
	budget int
	data   *dataset.Splits
	m      *model.MLP
	ws     *model.Workspace
	k      int
	nw     int
	task   lossterms.TaskLoss
	pens   []penalty
	opt    optim.Optimizer
	lr     float64
	param  []float64
	grad   []float64
	tgrad  []float64 // one term's weighted gradient
	xb     []float64 // batch rows (batch × din)
	yb     []float64 // batch targets (batch × tpr)
	din    int       // model inputs per row: the features, then model.noise noise inputs

	gen        // conditional generator state (train_gen.go): noise inputs, conditioned terms
	tpr    int // targets per row
	dout   []float64
	perm   []int
	win    [][2]int                       // sequence data: contiguous windows [lo, hi) of the training rows, one per batch
	bounds []int                          // sequence data: this epoch's batch starts in perm (len(win)+1)
	epochs int                            // epochs (or L-BFGS iterations) run
	evals  map[*dataset.Dataset][]float64 // outputs of a whole split

	batchState // batch terms' buffers (batchterms.go); empty without them

	bal *balancer // adaptive balancing method (train_balance.go); nil = static

	f32  *prec32       // float32 training (train32.go); nil = float64
	cont *continuation // sweep.halving's rungs (train_continue.go); nil = from scratch
}

// Train trains one run and returns its result. A run whose loss becomes
// NaN or infinite returns a Result with Status "diverged" and a nil
// error; an error means the run could not be carried out (bad spec, or
// ctx cancelled — checked between batches).
//
// A spec with a trainer: section runs the user's command instead
// (train_command.go).
func Train(ctx context.Context, run *Run) (Result, error) {
	ctx, live := startLive(ctx, run) // lossexp status
	defer live.End()
	if run.Spec.Trainer != nil {
		return trainCommand(ctx, run)
	}
	s := run.Spec
	// The metric columns (MetricNames), each with the row computing it.
	cols := lossterms.ExpandMetrics(metricContext(s, run.Data))
	res := newResult(run, len(cols))
	if s.Loss.Balance.Adaptive() {
		res.Lambdas = s.AdaptiveLambdas(run.Lambdas)
	}
	t, err := newTrainer(run)
	if err != nil {
		return res, err
	}
	t.live = live
	// Terms with scale: (scale.go) train with λ relative to the task at
	// the initial parameters: measure it now, before the first step.
	if err := t.applyScales(); err != nil {
		return res, err
	}
	if t.cont, err = t.openContinuation(ctx, run); err != nil { // sweep.halving's rungs (train_continue.go)
		return res, err
	}
	start := time.Now()
	var reason string
	if s.Train.Optimizer == "lbfgs" {
		reason, err = t.fitLBFGS(ctx, &res)
	} else {
		reason, err = t.fitSGD(ctx, &res)
	}
	res.Seconds = time.Since(start).Seconds()
	if err != nil {
		return res, err
	}
	if reason == "" && !finite(t.param) {
		reason = "parameters are not finite at the end of training"
	}
	if err := t.cont.finish(t, &res, reason == ""); err != nil {
		return res, err
	}
	res.Balance = t.balanceResult()
	if reason != "" {
		res.Status, res.Reason = StatusDiverged, reason
		t.metrics(cols, res.Metrics, true)
		return res, nil
	}
	t.metrics(cols, res.Metrics, false)
	if run.Repeat == 0 && run.Fold == 0 {
		res.Samples = t.samples()
	}
	return res, nil
}

func newTrainer(run *Run) (*trainer, error) {
	s, d := run.Spec, run.Data
	if d.Train == nil || d.Train.N == 0 {
		return nil, fmt.Errorf("run %s: empty training split", run.ID())
	}
	k := d.K()
	m, din, err := newModel(s, d)
	if err != nil {
		return nil, err
	}
	task, err := newTaskLoss(s, d)
	if err != nil {
		return nil, err
	}
	batch := s.Train.BatchSize
	if batch <= 0 || batch > d.Train.N || s.Train.Optimizer == "lbfgs" {
		batch = d.Train.N
	}
	np, nw := m.NumParams(), m.NumWeights()
	t := &trainer{
		spec: s, data: d, m: m, k: k, nw: nw, task: task, budget: run.EpochBudget(),
		ws:    m.NewWorkspace(max(batch, evalChunk)),
		param: make([]float64, np),
		grad:  make([]float64, np),
		tgrad: make([]float64, nw),
		xb:    make([]float64, batch*din),
		din:   din,
		yb:    make([]float64, batch*max(d.Train.T, 1)),
		tpr:   max(d.Train.T, 1),
		dout:  make([]float64, max(batch, evalChunk)*k),
		perm:  make([]int, d.Train.N),
		evals: map[*dataset.Dataset][]float64{},
	}
	t.initGen(run, batch)
	if err := t.addTerms(run, batch); err != nil {
		return nil, err
	}
	if err := t.initOptimizer(); err != nil {
		return nil, err
	}
	t.initWindows(batch)
	if err := t.initBalance(run); err != nil {
		return nil, err
	}
	if err := t.finishBatchTerms(run); err != nil {
		return nil, err
	}
	if err := t.initPrec32(batch); err != nil {
		return nil, err
	}
	m.Init(t.param, RepeatRand(s.Seed, run.Repeat, streamInit))
	if t.f32 != nil {
		t.f32.start(t.param)
	}
	t.initOwn(run)
	return t, nil
}

// newModel returns the spec's model for data d and its inputs per row
// (the features, then model.noise noise inputs).
func newModel(s *spec.Spec, d *dataset.Splits) (*model.MLP, int, error) {
	noise := s.Model.Noise
	if noise < 0 || noise > spec.MaxNoise {
		return nil, 0, s.Errorf("model.noise", "must be between 0 and %d, got %d", spec.MaxNoise, noise)
	}
	if noise > 0 && s.Train.Optimizer == "lbfgs" {
		return nil, 0, s.Errorf("model.noise", "noise inputs are drawn afresh on every step, which lbfgs cannot follow; use sgd, momentum, adam or adamw")
	}
	din := d.Train.D + noise
	sizes := []int{din}
	if s.Model.Kind != "linear" {
		sizes = append(sizes, s.Model.Hidden...)
	}
	sizes = append(sizes, d.K())
	act, err := model.ParseActivation(s.Model.Activation)
	if err != nil {
		return nil, 0, s.Errorf("model.activation", "%v", err)
	}
	return model.New(sizes, act), din, nil
}

// newTaskLoss returns the spec's task loss, checked against the data's
// task (default: cross_entropy, mse for regression).
func newTaskLoss(s *spec.Spec, d *dataset.Splits) (lossterms.TaskLoss, error) {
	taskName := s.Loss.Task
	if taskName == "" {
		taskName = "cross_entropy"
		if d.Task == dataset.Regression {
			taskName = "mse"
		}
	}
	if d.Task == dataset.Classification && taskName != "cross_entropy" {
		return nil, s.Errorf("loss.task", "%s is a regression loss but the dataset is a classification task; use cross_entropy", taskName)
	}
	if d.Task == dataset.Regression && taskName == "cross_entropy" {
		return nil, s.Errorf("loss.task", "cross_entropy needs class labels but the dataset is a regression task; use mse or huber")
	}
	if d.Task == dataset.Segmentation && taskName != "cross_entropy" {
		return nil, s.Errorf("loss.task", "the dataset is a segmentation task (a binary mask per row); its loss is cross_entropy (per position), not %s", taskName)
	}
	task, err := lossterms.NewTaskLoss(taskName, s.Loss.HuberDelta)
	if err != nil {
		return nil, s.Errorf("loss.task", "%v", err)
	}
	if d.Task == dataset.Segmentation {
		task = lossterms.MultiLabelCrossEntropy{}
	}
	return task, nil
}

// addTerms adds the spec's terms: batch terms (batchterms.go) and weight
// penalties, the proximal ones as a proximal step where the optimizer
// allows it.
func (t *trainer) addTerms(run *Run, batch int) error {
	s := t.spec
	for i, ts := range s.Loss.Terms {
		info, err := lossterms.Lookup(ts.Kind)
		if err != nil {
			return s.Errorf(fmt.Sprintf("loss.terms[%d].kind", i), "%v", err)
		}
		term, err := info.New(ts.Params)
		if err != nil {
			return s.Errorf(fmt.Sprintf("loss.terms[%d]", i), "%v", err)
		}
		if bt, ok := term.(lossterms.BatchTerm); ok {
			if err := t.addBatchTerm(run, i, bt, batch); err != nil {
				return err
			}
			continue
		}
		wp, ok := term.(lossterms.WeightPenalty)
		if !ok {
			return s.Errorf(fmt.Sprintf("loss.terms[%d].kind", i), "term kind %s is not supported by the trainer yet", ts.Kind)
		}
		p := penalty{name: ts.Name, lambda: run.Lambdas[i], pen: wp}
		if px, ok := term.(lossterms.Proximal); ok && useProx(ts, s.Train.Optimizer) {
			p.prox = px
		}
		t.pens = append(t.pens, p)
	}
	return nil
}

// initOptimizer makes the spec's optimizer over the parameters; lbfgs
// takes neither proximal steps nor batch terms.
func (t *trainer) initOptimizer() error {
	s, tr, np, nw := t.spec, t.spec.Train, len(t.param), t.nw
	t.lr = tr.LearningRate
	switch tr.Optimizer {
	case "sgd":
		t.opt = optim.NewSGD(tr.LearningRate)
	case "momentum":
		t.opt = optim.NewMomentum(tr.LearningRate, tr.Momentum, np)
	case "adam":
		t.opt = optim.NewAdam(tr.LearningRate, tr.Beta1, tr.Beta2, tr.Epsilon, np)
	case "adamw":
		t.opt = optim.NewAdamW(tr.LearningRate, tr.Beta1, tr.Beta2, tr.Epsilon, tr.WeightDecay, nw, np)
	case "lbfgs":
		for i, p := range t.pens {
			if p.prox != nil {
				return s.Errorf("train.optimizer", "lbfgs cannot take the proximal step of term %s", p.name)
			}
			if p.batchTerm != nil {
				return s.Errorf(fmt.Sprintf("loss.terms[%d].kind", i), "term %s is computed per batch and is not supported with optimizer lbfgs; use sgd, momentum, adam or adamw", p.name)
			}
		}
	default:
		return s.Errorf("train.optimizer", "unknown optimizer %q", tr.Optimizer)
	}
	return nil
}

// useProx reports whether an l1-like term is applied as a proximal step:
// its method parameter says so, or it is "auto" under sgd or momentum.
func useProx(ts spec.TermSpec, optimizer string) bool {
	switch m, _ := ts.Params["method"].(string); m {
	case "proximal":
		return true
	case "subgradient":
		return false
	}
	return optimizer == "sgd" || optimizer == "momentum"
}

func (t *trainer) weights() []float64 { return t.param[:t.nw] }

// startEpoch shuffles the training rows (or arranges the sequence
// windows) and resets the epoch's sums.
func (t *trainer) startEpoch(rng *rand.Rand) {
	if t.win == nil {
		rng.Shuffle(len(t.perm), func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
	} else {
		t.arrangeWindows(rng)
	}
	if t.bal != nil {
		t.bal.startEpoch()
	}
	for p := range t.pens {
		t.pens[p].gnorm, t.pens[p].ecos, t.pens[p].emeas = 0, 0, 0
		if bt := t.pens[p].batchTerm; bt != nil {
			bt.valSum, bt.valN = 0, 0
		}
	}
}

// batchRows returns the first row in t.perm and the rows of batch bi.
func (t *trainer) batchRows(bi, batch int) (lo, n int) {
	if t.win != nil {
		return t.bounds[bi], t.bounds[bi+1] - t.bounds[bi]
	}
	return bi * batch, min(batch, t.data.Train.N-bi*batch)
}

// DivergeFactor bounds the task loss of a training run: a run whose batch
// loss exceeds DivergeFactor × max(its first batch's loss, 1) has
// diverged (as one whose loss is NaN or ±Inf), with the reason in
// Result.Reason. The floor of 1 keeps a run that starts near a loss of 0
// from being called diverged for an ordinary loss.
const DivergeFactor = 1e6

// lossBound is the bound of DivergeFactor for a first loss of loss0.
func lossBound(loss0 float64) float64 { return DivergeFactor * math.Max(loss0, 1) }

// diverged says why a batch loss means divergence, or "" when it does not.
// bound is lossBound of the first batch's loss (+Inf before it is known).
func diverged(loss, bound float64, epoch, step int) string {
	switch {
	case math.IsNaN(loss) || math.IsInf(loss, 0):
		return fmt.Sprintf("task loss is %v at epoch %d, step %d", loss, epoch, step)
	case loss > bound:
		return fmt.Sprintf("task loss %.3g at epoch %d, step %d exceeds %g × the first batch's loss (bound %.3g): lower the learning rate", loss, epoch, step, DivergeFactor, bound)
	}
	return ""
}

// fitSGD runs the epochs of a first-order optimizer.
func (t *trainer) fitSGD(ctx context.Context, res *Result) (string, error) {
	s, tr := t.spec, t.data.Train
	rng, first, bound, err := t.startFit(res)
	if err != nil {
		return "", err
	}
	batch := len(t.yb) / t.tpr
	nb := (tr.N + batch - 1) / batch
	if t.win != nil {
		nb = len(t.win)
	}
	ncurve := len(CurveNames(s))
	// Gradient norms are diagnostics: they are measured on up to
	// normSamples evenly spaced steps of each epoch (always the same
	// steps), so they cost little on long epochs.
	stride := max(1, nb/normSamples)
	for epoch := first; epoch < t.budget; epoch++ {
		estart := time.Now()
		t.startEpoch(rng)
		var lossSum, gnormSum float64
		steps, measured := 0, 0
		for bi := range nb {
			if err := ctx.Err(); err != nil {
				return "", err
			}
			lo, n := t.batchRows(bi, batch)
			x := t.loadBatch(tr, lo, n)
			out, dout, loss := t.forwardLoss(x, n)
			if why := diverged(loss, bound, epoch+1, steps+1); why != "" {
				t.appendCurve(res, lossSum/float64(max(steps, 1)), gnormSum/float64(max(measured, 1)), measured, ncurve, false)
				return why, nil
			}
			if epoch == 0 && steps == 0 {
				bound = lossBound(loss)
			}
			if gn, ok := t.update(x, out, n, dout, loss, steps%stride == 0); ok {
				gnormSum += gn
				measured++
			}
			lossSum += loss
			steps++
		}
		t.epochs++
		if t.bal != nil {
			t.endBalanceEpoch(lossSum / float64(steps))
		}
		evalTest := s.Train.EvalEvery > 0 && (t.epochs%s.Train.EvalEvery == 0 || t.epochs == t.budget)
		t.appendCurve(res, lossSum/float64(steps), gnormSum/float64(measured), measured, ncurve, evalTest)
		res.EpochSeconds = append(res.EpochSeconds, time.Since(estart).Seconds())
		if t.live != nil {
			t.live.Epoch(t.epochs, res.Curves[len(res.Curves)-1])
		}
		if tot := res.Curves[len(res.Curves)-1][0]; math.IsNaN(tot) || math.IsInf(tot, 0) {
			return fmt.Sprintf("objective is %v at the end of epoch %d", tot, epoch+1), nil
		}
	}
	t.cont.keepBound(bound)
	return "", nil
}

// startFit prepares fitSGD's epochs: the identity permutation and the
// repeat's batch-order stream, or the state the previous rung of
// sweep.halving left (train_continue.go). It returns the generator, the
// first epoch to run and the loss bound (+Inf until the first batch).
func (t *trainer) startFit(res *Result) (*rand.Rand, int, float64, error) {
	src := repeatPCG(t.spec.Seed, res.Repeat, streamBatch)
	for i := range t.perm {
		t.perm[i] = i
	}
	first, bound, err := t.cont.restore(t, src, res)
	return rand.New(src), first, bound, err
}

// stepGrad fills t.grad with the gradient, at t.param, of one step's
// objective: the task loss on the batch (loss; dout holds its gradient
// with respect to out), plus λ times every batch term and every weight
// penalty not applied as a proximal step (an adaptive balancing method
// weighs the task and the batch terms itself: balanceStep). With measure
// it also records the gradient diagnostics and returns the task
// gradient's norm (ok true).
func (t *trainer) stepGrad(x, out []float64, n int, dout []float64, loss float64, measure bool) (gn float64, ok bool) {
	gn, ok = t.unpenalizedGrad(x, out, n, dout, loss, measure)
	t.addPenaltyGrads(-1)
	return gn, ok
}

// unpenalizedGrad is stepGrad without the weight penalties: the task loss's
// gradient and the batch terms' (or the balancing method's combination).
func (t *trainer) unpenalizedGrad(x, out []float64, n int, dout []float64, loss float64, measure bool) (gn float64, ok bool) {
	w := t.weights()
	if t.bal != nil {
		gn, ok = t.balanceStep(x, out, n, dout, loss, measure)
	} else if t.batchTerms == 0 {
		t.m.Backward(t.ws, t.param, x, dout, n, t.grad)
		if measure {
			// Measure against the task gradient alone, before any
			// term's gradient is added to it.
			gn, ok = norm(t.grad), true
			t.measureConflict(w, gn)
		}
	} else {
		gn, ok = t.batchStep(x, out, n, dout, measure)
	}
	return gn, ok
}

// addPenaltyGrads adds to t.grad λ times the gradient of every weight
// penalty not applied as a proximal step, in the order of the terms,
// except the term skip (-1: none), whose gradient the optimizer adds
// (fusedL2).
func (t *trainer) addPenaltyGrads(skip int) {
	w := t.weights()
	for p := range t.pens {
		if pp := &t.pens[p]; p != skip && pp.lambda != 0 && pp.pen != nil && pp.prox == nil {
			pp.pen.AddGrad(t.grad[:t.nw], w, pp.lambda)
		}
	}
}

// proxStep applies, after the optimizer's step, the proximal step of every
// term minimised that way: w ← prox_{lr·λ·R}(w).
func (t *trainer) proxStep() {
	w := t.weights()
	for p := range t.pens {
		if pp := &t.pens[p]; pp.prox != nil && pp.lambda > 0 {
			pp.prox.Prox(w, t.lr*pp.lambda)
		}
	}
}

// measureConflict records, for every active term, the norm of its
// weighted gradient λ∇R, its cosine with the task gradient over the
// weights and the ratio of the norms. t.grad must hold the task gradient
// only; gn is its norm over all parameters.
func (t *trainer) measureConflict(w []float64, gn float64) {
	gw := t.grad[:t.nw]
	var gwn float64
	for _, v := range gw {
		gwn += v * v
	}
	gwn = math.Sqrt(gwn)
	for p := range t.pens {
		pp := &t.pens[p]
		if pp.lambda == 0 || pp.pen == nil {
			continue
		}
		clear(t.tgrad)
		pp.pen.AddGrad(t.tgrad, w, pp.lambda)
		var dot, tn float64
		for i, v := range t.tgrad {
			dot += v * gw[i]
			tn += v * v
		}
		pp.measureGrad(dot, math.Sqrt(tn), gwn, gn)
	}
}

// measureGrad records one step's gradient telemetry of the term: tn is
// the norm of its gradient, dot its dot product with the task gradient
// over the parameters they share, sn the task gradient's norm there and
// gn its norm over all parameters. The norm always counts; the cosine and
// the ratio tn/gn only when no norm is 0 (no direction to compare).
func (pp *penalty) measureGrad(dot, tn, sn, gn float64) {
	pp.gnorm += tn
	if tn == 0 || sn == 0 || gn == 0 {
		return
	}
	cos := dot / (tn * sn)
	pp.ecos += cos
	pp.emeas++
	pp.cosSum += cos
	pp.ratioSum += tn / gn
	pp.measSteps++
	if cos < 0 {
		pp.negSteps++
	}
}

// appendCurve adds one curves.csv row: loss.total, loss.task, loss.<term>…,
// grad.task, grad.<term>…, test.loss (evaluated when evalTest).
func (t *trainer) appendCurve(res *Result, taskLoss, gnorm float64, steps, ncurve int, evalTest bool) {
	if t.f32 != nil {
		t.f32.sync(t.param)
	}
	row := make([]float64, 0, ncurve)
	total := taskLoss
	w := t.weights()
	vals := make([]float64, len(t.pens))
	for i, p := range t.pens {
		if p.batchTerm != nil {
			vals[i] = p.valSum / float64(p.valN)
		} else {
			vals[i] = p.pen.Value(w)
		}
		if p.lambda != 0 {
			total += p.lambda * vals[i]
		}
	}
	if t.bal != nil {
		total = t.balancedTotal(taskLoss, vals)
	}
	row = append(row, total, taskLoss)
	row = append(row, vals...)
	row = append(row, gnorm)
	for _, p := range t.pens {
		row = append(row, p.gnorm/float64(max(steps, 1)))
	}
	for _, p := range t.pens {
		cos := math.NaN()
		if p.emeas > 0 {
			cos = p.ecos / float64(p.emeas)
		}
		row = append(row, cos)
	}
	testLoss := math.NaN()
	if ts := t.data.Test; ts != nil && evalTest {
		testLoss = t.task.Loss(t.outputs(ts), ts.Y, ts.N, t.k)
	}
	row = append(row, testLoss)
	if t.spec.HasBalance() {
		row = t.weightCurves(row)
	}
	res.Curves = append(res.Curves, row)
}

// objective returns the full-batch training objective at the current
// parameters: the mean task loss plus Σλ·R(w).
func (t *trainer) objective() float64 {
	tr := t.data.Train
	f := t.task.Loss(t.outputs(tr), tr.Y, tr.N, t.k)
	for _, p := range t.pens {
		if p.lambda != 0 && p.pen != nil {
			f += p.lambda * p.pen.Value(t.weights())
		}
	}
	return f
}

// fitLBFGS minimises the full-batch objective with L-BFGS. Its curves have
// one row, at the end; epochs_run is the iteration count.
func (t *trainer) fitLBFGS(ctx context.Context, res *Result) (string, error) {
	tr := t.data.Train
	full := make([]float64, len(t.param))
	fg := func(grad, x []float64) float64 {
		out := t.m.Forward(t.ws, x, tr.X, tr.N)
		dout := t.dout[:tr.N*t.k]
		if len(t.dout) < tr.N*t.k {
			t.dout = make([]float64, tr.N*t.k)
			dout = t.dout
		}
		f := t.task.LossGrad(dout, out, tr.Y, tr.N, t.k)
		t.m.Backward(t.ws, x, tr.X, dout, tr.N, grad)
		for _, p := range t.pens {
			if p.lambda != 0 && p.pen != nil {
				f += p.lambda * p.pen.Value(x[:t.nw])
				p.pen.AddGrad(grad[:t.nw], x[:t.nw], p.lambda)
			}
		}
		return f
	}
	start := time.Now()
	copy(full, t.param)
	r, err := optim.LBFGS(ctx, fg, full, t.budget, t.spec.Train.LBFGSTolerance())
	copy(t.param, full)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return fmt.Sprintf("lbfgs: %v", err), nil
	}
	// Gradient norms at the optimum, for the curve row.
	out := t.m.Forward(t.ws, t.param, tr.X, tr.N)
	task := t.task.LossGrad(t.dout[:tr.N*t.k], out, tr.Y, tr.N, t.k)
	t.m.Backward(t.ws, t.param, tr.X, t.dout[:tr.N*t.k], tr.N, t.grad)
	t.measureConflict(t.weights(), norm(t.grad))
	t.epochs = r.Iterations
	t.appendCurve(res, task, norm(t.grad), 1, len(CurveNames(t.spec)), t.spec.Train.EvalEvery > 0)
	res.EpochSeconds = append(res.EpochSeconds, time.Since(start).Seconds())
	return "", nil
}

// outputs returns the model outputs for every row of ds, computed in
// chunks into a buffer owned by the trainer.
func (t *trainer) outputs(ds *dataset.Dataset) []float64 {
	buf := t.evals[ds]
	if buf == nil {
		buf = make([]float64, ds.N*t.k)
		t.evals[ds] = buf
	}
	X, din := t.inputs(ds), t.din
	for lo := 0; lo < ds.N; lo += evalChunk {
		n := min(evalChunk, ds.N-lo)
		out := t.m.Forward(t.ws, t.param, X[lo*din:(lo+n)*din], n)
		copy(buf[lo*t.k:(lo+n)*t.k], out)
	}
	return buf
}

// metrics fills dst (aligned with cols, the run's MetricNames) from the
// final parameters: each column's value is computed by its row of the
// metric table (lossterms.MetricValues); a diverged run reports
// epochs_run only.
func (t *trainer) metrics(cols []lossterms.MetricColumn, dst []float64, diverged bool) {
	e := &lossterms.MetricEval{Epochs: t.epochs, Diverged: diverged}
	if !diverged {
		t.metricEval(e)
	}
	lossterms.MetricValues(cols, e, dst)
}

// metricEval fills e with the run's splits, weights, gradient telemetry
// and batch terms at the end of training.
func (t *trainer) metricEval(e *lossterms.MetricEval) {
	d := t.data
	e.Splits = map[string]*lossterms.SplitView{}
	for _, sp := range []struct {
		name string
		ds   *dataset.Dataset
	}{{"train", d.Train}, {"validation", d.Validation}, {"test", d.Test}} {
		if ds := sp.ds; ds != nil && ds.N > 0 {
			e.Splits[sp.name] = &lossterms.SplitView{
				Split: sp.name, Task: d.Task.String(), N: ds.N, D: ds.D, K: t.k,
				X: ds.X, Y: ds.Y, Out: t.outputs(ds), A: ds.A, Aux: ds.Aux, F: ds.F, Factors: ds.Factors,
				Labels: ds.Label, Group: ds.Group, Seq: ds.Seq,
				Hidden: func(l int) ([]float64, int) { return t.hiddenOf(ds, l) },
			}
		}
	}
	e.Test = d.Test != nil
	if hasGroups(d) {
		e.Groups = len(d.GroupNames)
	}
	e.Loss = t.task.Loss
	e.Weights = t.weights()
	e.Grad = map[string]lossterms.GradStats{}
	for _, p := range t.pens {
		e.Grad[p.name] = lossterms.GradStats{Steps: p.measSteps, Negative: p.negSteps, CosSum: p.cosSum, RatioSum: p.ratioSum}
		if st := p.batchTerm; st != nil {
			e.Terms = append(e.Terms, lossterms.EvalTerm{Term: st.term, Own: st.ownP})
		}
	}
}

func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func axpy(dst []float64, a float64, x []float64) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] += a * v
	}
}

func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
