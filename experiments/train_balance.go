package experiments

import (
	"math"
	"math/rand/v2"

	"github.com/lossexp/lossexp/experiments/balance"
	"github.com/lossexp/lossexp/experiments/optim"
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
	spec  BalanceSpec
	info  balance.Info
	k     int
	terms []int

	w          []float64   // this step's effective weights
	wSum       []float64   // their sum over the epoch's steps
	wN         int         // steps in wSum
	loss       []float64   // this step's loss values
	g          [][]float64 // per-loss gradients over the model parameters
	gram, work []float64   // work: MinNorm's work space (mgda)
	coef       []float64
	perm       []int
	wS, bS     int // shared parameters: weights [0, wS), biases [nw, bS)
	rng        *rand.Rand

	learn, lgrad []float64 // learned parameters (log variances, GradNorm weights)
	lopt         optim.Optimizer

	alpha            float64 // gradnorm
	layerLo, layerHi int     // gradnorm: the balanced weight matrix
	norms, loss0     []float64
	haveL0           bool

	temp                float64 // dwa
	prev, prev2         []float64
	epochsSeen          int
	projections, nsteps int // pcgrad: projections made, steps
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
	b.w, b.wSum, b.loss = make([]float64, k), make([]float64, k), make([]float64, k)
	b.g = make([][]float64, k)
	for i := range b.g {
		b.g[i] = make([]float64, np)
	}
	b.gram, b.coef, b.perm = make([]float64, k*k), make([]float64, k*k), make([]int, k)
	if bs.Method == balance.MGDA {
		b.work = make([]float64, balance.MinNormWorkLen(k))
	}
	b.wS, b.bS = t.nw, np
	for _, p := range b.terms {
		st := t.pens[p].batchTerm
		b.wS, b.bS = min(b.wS, st.wEnd), min(b.bS, st.bEnd)
	}
	b.rng = RepeatRand(s.Seed, run.Repeat, streamBalance)
	for i := range b.w {
		b.w[i] = 1
	}
	lr := bs.Param("lr", s.Train.LearningRate)
	newOpt := func(n int) optim.Optimizer {
		tr := s.Train
		switch tr.Optimizer {
		case "sgd":
			return optim.NewSGD(lr)
		case "momentum":
			return optim.NewMomentum(lr, tr.Momentum, n)
		default:
			return optim.NewAdam(lr, tr.Beta1, tr.Beta2, tr.Epsilon, n)
		}
	}
	switch bs.Method {
	case balance.Uncertainty:
		b.learn, b.lgrad = make([]float64, k), make([]float64, k) // s_i = 0: weight ½
		b.lopt = newOpt(k)
	case balance.GradNorm:
		b.learn, b.lgrad = make([]float64, k), make([]float64, k)
		for i := range b.learn {
			b.learn[i] = 1
		}
		b.lopt = newOpt(k)
		b.alpha = bs.Param("alpha", 1.5)
		b.norms, b.loss0 = make([]float64, k), make([]float64, k)
		// The balanced layer: the last weight matrix inside the shared
		// weights, unless the spec names one.
		sizes := t.m.Sizes()
		lo, layer := 0, -1
		for l := 0; l+1 < len(sizes); l++ {
			hi := lo + sizes[l]*sizes[l+1]
			if hi <= b.wS {
				layer, b.layerLo, b.layerHi = l, lo, hi
			}
			lo = hi
		}
		if l, ok := bs.Params["layer"]; ok {
			want := int(l)
			if want > layer {
				return s.Errorf("loss.balance.layer", "gradnorm balances a layer every loss shares; the shared weight matrices are 0…%d, got %d", layer, want)
			}
			lo = 0
			for j := 0; j < want; j++ {
				lo += sizes[j] * sizes[j+1]
			}
			b.layerLo, b.layerHi = lo, lo+sizes[want]*sizes[want+1]
		}
	case balance.DWA:
		b.temp = bs.Param("T", 2)
		b.prev, b.prev2 = make([]float64, k), make([]float64, k)
	}
	t.bal = b
	return nil
}

// startEpoch sets DWA's weights for the epoch and clears the epoch sums.
func (b *balancer) startEpoch() {
	clear(b.wSum)
	b.wN = 0
	if b.spec.Method == balance.DWA {
		if b.epochsSeen >= 2 {
			balance.DWAWeights(b.w, b.prev, b.prev2, b.temp)
		} else {
			for i := range b.w {
				b.w[i] = 1
			}
		}
	}
}

// endEpoch records the epoch's mean losses (DWA).
func (t *trainer) endBalanceEpoch(taskMean float64) {
	b := t.bal
	if b.spec.Method != balance.DWA {
		return
	}
	copy(b.prev2, b.prev)
	b.prev[0] = taskMean
	for i, p := range b.terms {
		st := t.pens[p].batchTerm
		b.prev[i+1] = st.valSum / float64(max(st.valN, 1))
	}
	b.epochsSeen++
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
// (gradnorm, pcgrad, mgda), and every method on a measured step,
// back-propagate each loss alone into b.g; the others add their weighted
// gradients to dout and the hidden buffers and run one backward pass. On
// a measured step it records the norms and cosines of the weighted
// gradients, as batchStep does, and returns the weighted task gradient's
// norm and true.
func (t *trainer) balanceStep(x, out []float64, n int, dout []float64, taskLoss float64, measure bool) (float64, bool) {
	b := t.bal
	t.stepOwn(out, n)
	b.loss[0] = taskLoss
	switch b.spec.Method {
	case balance.Uncertainty:
		balance.UncertaintyWeights(b.w, b.learn)
	case balance.GradNorm:
		copy(b.w, b.learn)
	case balance.RLW:
		balance.RLWWeights(b.w, b.rng)
	}
	if !b.info.Gradients && !measure {
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
			b.loss[i+1] = v
			st.valSum += v
			st.valN++
		}
		if t.hiddenGrad {
			t.m.BackwardHidden(t.ws, t.param, x, dout, t.dh, n, t.grad)
		} else {
			t.m.Backward(t.ws, t.param, x, dout, n, t.grad)
		}
		b.learnStep()
		return 0, false
	}

	// Each loss's gradient alone.
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
		b.loss[i+1] = v
		st.valSum += v
		st.valN++
		if dh != nil {
			t.m.BackwardHidden(t.ws, t.param, x, do, st.dhOne, n, b.g[i+1])
		} else {
			t.m.Backward(t.ws, t.param, x, do, n, b.g[i+1])
		}
	}
	switch b.spec.Method {
	case balance.MGDA:
		b.sharedGram(t.nw)
		balance.MinNorm(b.w, b.gram, b.k, b.work)
	case balance.PCGrad:
		b.sharedGram(t.nw)
		b.projections += balance.PCGradWeights(b.w, b.gram, b.k, b.coef, b.perm, b.rng)
		b.nsteps++
	}

	var gn float64
	if measure {
		for j, v := range b.g[0] {
			t.grad[j] = b.w[0] * v
		}
		gn = norm(t.grad)
		t.measureConflict(t.weights(), gn)
		for i, p := range b.terms {
			for j, v := range b.g[i+1] {
				t.tgradAll[j] = b.w[i+1] * v
			}
			t.measureBatchTerm(&t.pens[p], gn)
		}
	}

	// The update direction: Σ w_i g_i; pcgrad and mgda combine only the
	// shared parameters so, the others taking the plain sum of the
	// gradients that reach them (the task-specific parameters of Sener &
	// Koltun and LibMTL).
	sharedOnly := b.spec.Method == balance.PCGrad || b.spec.Method == balance.MGDA
	for j := range t.grad {
		shared := j < b.wS || (j >= t.nw && j < b.bS)
		var s float64
		if shared || !sharedOnly {
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
	if b.spec.Method == balance.GradNorm {
		for i := range b.k {
			b.norms[i] = norm(b.g[i][b.layerLo:b.layerHi])
		}
		if !b.haveL0 {
			copy(b.loss0, b.loss)
			b.haveL0 = true
		}
	}
	b.learnStep()
	return gn, measure
}

// sharedGram fills b.gram with the dot products of the per-loss gradients
// over the shared parameters.
func (b *balancer) sharedGram(nw int) {
	for i := range b.k {
		for j := i; j < b.k; j++ {
			var d float64
			for _, r := range [2][2]int{{0, b.wS}, {nw, b.bS}} {
				gi, gj := b.g[i][r[0]:r[1]], b.g[j][r[0]:r[1]]
				for m, v := range gi {
					d += v * gj[m]
				}
			}
			b.gram[i*b.k+j], b.gram[j*b.k+i] = d, d
		}
	}
}

// learnStep accumulates the step's weights and updates the learned
// parameters: uncertainty's log variances on the step's losses,
// GradNorm's weights on the step's losses and gradient norms (then
// renormalized to sum K).
func (b *balancer) learnStep() {
	for i, v := range b.w {
		b.wSum[i] += v
	}
	b.wN++
	switch b.spec.Method {
	case balance.Uncertainty:
		balance.UncertaintyGrad(b.lgrad, b.learn, b.loss)
		b.lopt.Step(b.learn, b.lgrad)
	case balance.GradNorm:
		balance.GradNormGrad(b.lgrad, b.learn, b.norms, b.loss, b.loss0, b.alpha)
		b.lopt.Step(b.learn, b.lgrad)
		balance.Renormalize(b.learn, float64(b.k))
	}
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
	switch b.spec.Method {
	case balance.Uncertainty:
		r.Learned = map[string][]float64{"log_var": append([]float64(nil), b.learn...)}
	case balance.GradNorm:
		r.Learned = map[string][]float64{"weight": append([]float64(nil), b.learn...)}
	case balance.PCGrad:
		r.Learned = map[string][]float64{"projections_per_step": {float64(b.projections) / float64(max(b.nsteps, 1))}}
	}
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
