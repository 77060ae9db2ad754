package experiments

import (
	"errors"
	"math"

	"github.com/lossexp/lossexp/experiments/balance"
	"github.com/lossexp/lossexp/experiments/optim"
	"github.com/lossexp/lossexp/spec"
)

// streamBalance is the random stream of a balancing method: RLW's weights
// and PCGrad's orders. It depends on (seed, repeat) alone, so every method
// of a repeat sees the data, initialization and batch order of the static
// runs, and its own draws are the same at any worker count.
const streamBalance = 0x6c6f737365787020

// BalanceResult is what an adaptive balancing method did in a run: its
// label (BalanceSpec.Label), the losses it weighed ("task", then the
// balanced terms), the effective weights of the last step, and the
// parameters it learned: "log_var" (uncertainty: s_i = log σ_i², weight
// ½e^{−s_i}) or "weight" (gradnorm); for pcgrad, Learned holds instead
// "projections_per_step", the mean number of projections it made. Static
// runs have none.
type BalanceResult struct {
	Method  string
	Losses  []string
	Final   []float64
	Learned map[string][]float64
}

// balancer is the trainer's state for an adaptive balancing method. Loss
// 0 is the task; loss k ≥ 1 is the balanced term t.pens[terms[k-1]].
type balancer struct {
	spec   spec.BalanceSpec
	info   balance.Info
	method balance.Method
	k      int
	terms  []int

	w    []float64     // this step's effective weights
	wSum []float64     // their sum over the epoch's steps
	wN   int           // steps in wSum
	mean []float64     // the epoch's mean losses (EndEpoch)
	step *balance.Step // this step's losses and per-loss gradients
	g    [][]float64   // per-loss gradients over the model parameters
	// shared parameters: weights [0, wS), biases [nw, bS)
	wS, bS int
}

// initBalance sets up the run's adaptive balancing method, if any. It runs
// after the terms and the optimizer are set up and before
// finishBatchTerms, which allocates the hidden-layer buffers of the
// active terms: every balanced term is active (λ = 1 inside the trainer;
// the method's weight multiplies it).
func (t *trainer) initBalance(run *Run) error {
	s := t.spec
	bs := s.Loss.Balance
	if !bs.Adaptive() {
		return nil
	}
	info, _ := balance.Lookup(bs.Method)
	b := &balancer{spec: *bs, info: info}
	for p := range t.pens {
		if t.pens[p].batchTerm != nil {
			b.terms = append(b.terms, p)
			t.pens[p].lambda = 1 // active; the method's weight applies
		}
	}
	if len(b.terms) == 0 {
		return s.Errorf("loss.balance", "method %s has no term to balance against the task", bs.Method)
	}
	k := len(b.terms) + 1
	b.k = k
	np := len(t.param)
	b.w, b.wSum, b.mean = make([]float64, k), make([]float64, k), make([]float64, k)
	b.g = make([][]float64, k)
	for i := range b.g {
		b.g[i] = make([]float64, np)
	}
	b.wS, b.bS = t.nw, np
	for _, p := range b.terms {
		st := t.pens[p].batchTerm
		b.wS, b.bS = min(b.wS, st.wEnd), min(b.bS, st.bEnd)
	}
	b.step = balance.NewStep(k, [2][2]int{{0, b.wS}, {t.nw, b.bS}})
	for i := range b.w {
		b.w[i] = 1
	}
	m, err := balance.New(bs.Method, balance.Setup{
		K: k, Params: bs.Params, LearningRate: s.Train.LearningRate, Layers: t.sharedLayers(b.wS),
		Rand: RepeatRand(s.Seed, run.Repeat, streamBalance), NewOptimizer: func(n int, lr float64) optim.Optimizer { return learnedOptimizer(&s.Train, n, lr) },
	})
	var pe *balance.ParamError
	if errors.As(err, &pe) {
		return s.Errorf("loss.balance."+pe.Param, "%v", pe.Err)
	}
	if err != nil {
		return s.Errorf("loss.balance", "%v", err)
	}
	b.method = m
	t.bal = b
	return nil
}

// sharedLayers returns the model's weight matrices inside the shared
// weights [0, wS): [lo, hi) in the flat parameters, first layer first.
func (t *trainer) sharedLayers(wS int) [][2]int {
	var layers [][2]int
	sizes := t.m.Sizes()
	for l, lo := 0, 0; l+1 < len(sizes); l++ {
		hi := lo + sizes[l]*sizes[l+1]
		if hi <= wS {
			layers = append(layers, [2]int{lo, hi})
		}
		lo = hi
	}
	return layers
}

// learnedOptimizer returns an optimizer of tr's kind (adamw → adam)
// over n learned values of a balancing method, at learning rate lr.
func learnedOptimizer(tr *spec.TrainSpec, n int, lr float64) optim.Optimizer {
	switch tr.Optimizer {
	case "sgd":
		return optim.NewSGD(lr)
	case "momentum":
		return optim.NewMomentum(lr, tr.Momentum, n)
	default:
		return optim.NewAdam(lr, tr.Beta1, tr.Beta2, tr.Epsilon, n)
	}
}

// startEpoch lets the method set the epoch's weights and clears the
// epoch sums.
func (b *balancer) startEpoch() {
	clear(b.wSum)
	b.wN = 0
	b.method.StartEpoch(b.w)
}

// endBalanceEpoch gives the method the epoch's mean losses.
func (t *trainer) endBalanceEpoch(taskMean float64) {
	b := t.bal
	b.mean[0] = taskMean
	for i, p := range b.terms {
		st := t.pens[p].batchTerm
		b.mean[i+1] = st.valSum / float64(max(st.valN, 1))
	}
	b.method.EndEpoch(b.mean)
}

// meanWeight returns loss i's mean effective weight over the epoch.
func (b *balancer) meanWeight(i int) float64 {
	if b.wN == 0 {
		return math.NaN()
	}
	return b.wSum[i] / float64(b.wN)
}

// stepOwn takes the own parameters' steps of every batch term on the
// batch whose outputs are out.
func (t *trainer) stepOwn(out []float64, n int) {
	for p := range t.pens {
		st := t.pens[p].batchTerm
		if st == nil {
			continue
		}
		t.fillBatch(st, out, n)
		for range st.ownSteps * btoi(st.own != nil) {
			st.own.OwnGrad(st.ownG, &st.b)
			st.ownOpt.Step(st.ownP, st.ownG)
		}
	}
}

// balanceStep computes the gradient of the balanced objective on one
// batch into t.grad (the weight penalties are added by the caller), after
// the forward pass that produced out, the task's dout (which it may
// scale) and its loss taskLoss. Methods that need each loss's gradient
// (Info.Gradients: gradnorm, pcgrad, mgda), and every method on a
// measured step, back-propagate each loss alone (perLossStep); the others
// add their weighted gradients to dout and the hidden buffers and run one
// backward pass (fusedStep). On a measured step it records the norms and
// cosines of the weighted gradients, as batchStep does, and returns the
// weighted task gradient's norm and true.
func (t *trainer) balanceStep(x, out []float64, n int, dout []float64, taskLoss float64, measure bool) (float64, bool) {
	b := t.bal
	t.stepOwn(out, n)
	b.step.Loss[0] = taskLoss
	b.method.Weigh(b.w)
	if !b.info.Gradients && !measure {
		t.fusedStep(x, n, dout)
		return 0, false
	}
	gn := t.perLossStep(x, n, dout, measure)
	return gn, measure
}

// fusedStep adds every loss's gradient, at the step's weight, into one
// backward pass, then lets the method see the losses.
func (t *trainer) fusedStep(x []float64, n int, dout []float64) {
	b := t.bal
	for i := range dout {
		dout[i] *= b.w[0]
	}
	for l, d := range t.dh {
		if d != nil {
			clear(d[:n*t.widths[l]])
		}
	}
	for i, p := range b.terms {
		st := t.pens[p].batchTerm
		var do, dh []float64
		if st.needs.Outputs {
			do = dout
		}
		if l := st.needs.Layer; l >= 0 {
			dh = t.dh[l][:n*st.h]
		}
		v := st.term.AddGrad(do, dh, &st.b, b.w[i+1])
		b.step.Loss[i+1] = v
		st.valSum += v
		st.valN++
	}
	t.backward(x, dout, n)
	b.step.Grad = nil
	b.method.Step(b.w, b.step)
	b.sumWeights()
}

// perLossStep back-propagates each loss alone into b.g, lets the method
// set the weights from them, measures the weighted gradients (measure),
// and combines them into t.grad. It returns the weighted task gradient's
// norm on a measured step.
func (t *trainer) perLossStep(x []float64, n int, dout []float64, measure bool) float64 {
	b := t.bal
	t.m.Backward(t.ws, t.param, x, dout, n, b.g[0])
	for i, p := range b.terms {
		st := t.pens[p].batchTerm
		var do, dh []float64
		if st.needs.Outputs {
			do = t.tdout[:n*t.k]
			clear(do)
		}
		if l := st.needs.Layer; l >= 0 {
			dh = t.tdh[l][:n*st.h]
			clear(dh)
		}
		v := st.term.AddGrad(do, dh, &st.b, 1)
		b.step.Loss[i+1] = v
		st.valSum += v
		st.valN++
		if dh != nil {
			t.m.BackwardHidden(t.ws, t.param, x, do, st.dhOne, n, b.g[i+1])
		} else {
			t.m.Backward(t.ws, t.param, x, do, n, b.g[i+1])
		}
	}
	b.step.Grad = b.g
	b.method.Step(b.w, b.step)

	var gn float64
	if measure {
		gn = t.measureBalanced()
	}

	// The update direction: Σ w_i g_i; a SharedOnly method (pcgrad, mgda)
	// combines only the shared parameters so, the others taking the plain
	// sum of the gradients that reach them (the task-specific parameters
	// of Sener & Koltun and LibMTL).
	for j := range t.grad {
		shared := j < b.wS || (j >= t.nw && j < b.bS)
		var s float64
		if shared || !b.info.SharedOnly {
			for i := range b.k {
				s += b.w[i] * b.g[i][j]
			}
		} else {
			for i := range b.k {
				s += b.g[i][j]
			}
		}
		t.grad[j] = s
	}
	b.sumWeights()
	return gn
}

// measureBalanced records the norms and cosines of the weighted
// per-loss gradients, as batchStep does, and returns the weighted task
// gradient's norm.
func (t *trainer) measureBalanced() float64 {
	b := t.bal
	for j, v := range b.g[0] {
		t.grad[j] = b.w[0] * v
	}
	gn := norm(t.grad)
	t.measureConflict(t.weights(), gn)
	for i, p := range b.terms {
		for j, v := range b.g[i+1] {
			t.tgradAll[j] = b.w[i+1] * v
		}
		t.measureBatchTerm(&t.pens[p], gn)
	}
	return gn
}

// sumWeights adds the step's weights to the epoch's sums.
func (b *balancer) sumWeights() {
	for i, v := range b.w {
		b.wSum[i] += v
	}
	b.wN++
}

// result returns the run's BalanceResult.
func (t *trainer) balanceResult() *BalanceResult {
	b := t.bal
	if b == nil {
		return nil
	}
	r := &BalanceResult{Method: b.spec.Label(), Losses: []string{"task"}, Final: append([]float64(nil), b.w...)}
	for _, p := range b.terms {
		r.Losses = append(r.Losses, t.pens[p].name)
	}
	r.Learned = b.method.Learned()
	return r
}

// weightCurves appends the weight.task and weight.<term> curve columns:
// the epoch's mean effective weights under an adaptive method, 1 and the
// λ otherwise.
func (t *trainer) weightCurves(row []float64) []float64 {
	b := t.bal
	if b == nil {
		row = append(row, 1)
		for _, p := range t.pens {
			row = append(row, p.lambda)
		}
		return row
	}
	row = append(row, b.meanWeight(0))
	for p := range t.pens {
		w := t.pens[p].lambda
		for i, q := range b.terms {
			if q == p {
				w = b.meanWeight(i + 1)
			}
		}
		row = append(row, w)
	}
	return row
}

// balancedTotal returns the epoch's objective under an adaptive method:
// the losses' epoch means weighted by their mean effective weights, plus
// the weight penalties at their λ.
func (t *trainer) balancedTotal(taskLoss float64, vals []float64) float64 {
	b := t.bal
	total := b.meanWeight(0) * taskLoss
	for p, pp := range t.pens {
		w := pp.lambda
		for i, q := range b.terms {
			if q == p {
				w = b.meanWeight(i + 1)
			}
		}
		if w != 0 {
			total += w * vals[p]
		}
	}
	return total
}
