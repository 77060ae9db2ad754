package experiments

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/experiments/optim"
	"github.com/lossexp/lossexp/lossterms"
)

// streamOwn is the first random stream of the own parameters of batch
// terms (an auxiliary head, an adversary): term i of the spec draws its
// initial values from RepeatRand(seed, repeat, streamOwn+i), so they are
// the same at every λ and for every worker.
const streamOwn = 0x6c6f737365787010

// batchTerm is the trainer's state for one lossterms.BatchTerm.
type batchTerm struct {
	term  lossterms.BatchTerm
	own   lossterms.OwnParams // nil when the term has no parameters of its own
	needs lossterms.Needs
	index int             // position in the spec's terms
	b     lossterms.Batch // reused every step
	h     int             // width of the hidden layer it reads

	ownP, ownG []float64
	ownOpt     optim.Optimizer
	ownSteps   int

	// The model parameters the term's gradient reaches, which it shares
	// with the task: weights [0, wEnd) and biases [nw, bEnd).
	wEnd, bEnd int
	dhOne      [][]float64 // ∂/∂Hidden of this term alone, for measured steps

	valSum float64 // sum of the term's batch values over the epoch
	valN   int
}

// batchState holds the buffers batch terms share; all are sized once.
type batchState struct {
	batchTerms int       // number of batch terms of the run
	gb         []int     // the batch's groups (nil when no term reads them)
	ab         []float64 // the batch's auxiliary targets
	dh         [][]float64
	hiddenGrad bool        // some active term adds to dh
	tdh        [][]float64 // per hidden layer: one term's ∂/∂Hidden (measured steps)
	tdout      []float64   // one term's ∂/∂out (measured steps)
	tgradAll   []float64   // one term's gradient over the model parameters
	bgrad      []float64   // the batch terms' summed gradient (measured steps)
	widths     []int       // widths of the hidden layers
}

// shape describes the run to a batch term.
func (t *trainer) shape(batch int) lossterms.Shape {
	d := t.data
	sh := lossterms.Shape{
		Task:     d.Task.String(),
		K:        t.k,
		Classes:  len(d.Classes),
		Targets:  t.tpr,
		Hidden:   append([]int(nil), t.m.Sizes()[1:t.m.NumLayers()]...),
		MaxBatch: max(batch, evalChunk),
		Aux:      d.Train.A,
	}
	if d.Train.Group != nil {
		sh.Groups = len(d.GroupNames)
	}
	return sh
}

// addBatchTerm sets up term i of the spec, a batch term.
func (t *trainer) addBatchTerm(run *Run, i int, bt lossterms.BatchTerm, batch int) error {
	s := t.spec
	field := fmt.Sprintf("loss.terms[%d].kind", i)
	if sq, ok := bt.(lossterms.Sequenced); ok {
		if t.data.Train.Seq == nil {
			return s.Errorf(field, "term %s compares consecutive frames of a sequence, and the data has no sequences: use a builtin with sequences (e.g. sequences) or set dataset.sequence", s.Loss.Terms[i].Name)
		}
		// Every batch is one contiguous window of one sequence.
		sq.SetSequence(nil)
	}
	if c, ok := bt.(lossterms.Conditioned); ok {
		if s.Model.Noise == 0 {
			return s.Errorf(field, "term %s needs noise inputs to generate from: set model.noise to their number, e.g. 2", s.Loss.Terms[i].Name)
		}
		c.SetInputDim(t.data.Train.D)
		t.conds = append(t.conds, c)
	}
	if p, ok := bt.(lossterms.ClassifierUser); ok {
		if err := t.setExtractor(p, s.Loss.Terms[i].Name, field); err != nil {
			return err
		}
	}
	if err := bt.Setup(t.shape(batch)); err != nil {
		return s.Errorf(field, "%v", err)
	}
	st := &batchTerm{term: bt, needs: bt.Needs(), index: i}
	sizes := t.m.Sizes()
	st.wEnd, st.bEnd = t.nw, t.m.NumParams()
	if l := st.needs.Layer; l >= 0 {
		st.h = sizes[l+1]
		st.wEnd, st.bEnd = 0, t.nw
		for j := 0; j <= l; j++ {
			st.wEnd += sizes[j] * sizes[j+1]
			st.bEnd += sizes[j+1]
		}
	}
	if own, ok := bt.(lossterms.OwnParams); ok {
		if err := t.setOwn(st, own, s.Loss.Terms[i].Name, field); err != nil {
			return err
		}
	}
	t.pens = append(t.pens, penalty{name: s.Loss.Terms[i].Name, lambda: run.Lambdas[i], batchTerm: st})
	t.batchTerms++
	return nil
}

// finishBatchTerms allocates the buffers the batch terms share.
func (t *trainer) finishBatchTerms(run *Run) error {
	if t.batchTerms == 0 {
		return nil
	}
	d := t.data.Train
	batch := len(t.yb) / t.tpr
	sizes := t.m.Sizes()
	hidden := t.m.NumLayers() - 1
	t.widths = sizes[1 : hidden+1]
	t.dh = make([][]float64, hidden)
	t.tdh = make([][]float64, hidden)
	t.tdout = make([]float64, batch*t.k)
	t.tgradAll = make([]float64, len(t.param))
	t.bgrad = make([]float64, len(t.param))
	for _, p := range t.pens {
		st := p.batchTerm
		if st == nil {
			continue
		}
		if st.needs.Groups && t.gb == nil {
			t.gb = make([]int, batch)
		}
		if st.needs.Aux && t.ab == nil {
			t.ab = make([]float64, batch*d.A)
		}
		if l := st.needs.Layer; l >= 0 {
			if t.tdh[l] == nil {
				t.tdh[l] = make([]float64, batch*sizes[l+1])
			}
			st.dhOne = make([][]float64, l+1)
			st.dhOne[l] = t.tdh[l]
			if p.lambda != 0 {
				if t.dh[l] == nil {
					t.dh[l] = make([]float64, batch*sizes[l+1])
				}
				t.hiddenGrad = true
			}
		}
	}
	return nil
}

// initOwn draws the initial own parameters of every batch term.
func (t *trainer) initOwn(run *Run) {
	for _, p := range t.pens {
		if st := p.batchTerm; st != nil && st.own != nil {
			st.own.InitOwn(st.ownP, RepeatRand(t.spec.Seed, run.Repeat, streamOwn+uint64(st.index)))
		}
	}
}

// copyBatchColumns copies the groups and auxiliary targets of the batch
// rows perm[lo:lo+n].
func (t *trainer) copyBatchColumns(tr *dataset.Dataset, lo, n int) {
	if t.gb != nil {
		for r := range n {
			t.gb[r] = tr.Group[t.perm[lo+r]]
		}
	}
	if t.ab != nil {
		a := tr.A
		for r := range n {
			i := t.perm[lo+r]
			copy(t.ab[r*a:(r+1)*a], tr.Aux[i*a:(i+1)*a])
		}
	}
}

// fillBatch points st's Batch at the current batch.
func (t *trainer) fillBatch(st *batchTerm, out []float64, n int) {
	b := &st.b
	b.N, b.K, b.Out, b.Y = n, t.k, out, t.yb[:n*t.tpr]
	if l := st.needs.Layer; l >= 0 {
		b.Hidden, b.H = t.ws.Hidden(l), st.h
	}
	if st.needs.Groups {
		b.Group = t.gb[:n]
	}
	if st.needs.Aux {
		a := t.data.Train.A
		b.Aux, b.A = t.ab[:n*a], a
	}
	b.Own = st.ownP
}

// batchStep computes the gradient of the task and of every term on one
// batch into t.grad, after the forward pass that produced out and the
// task's dout (which it may add to). First the terms' own parameters take
// their steps on the batch. On a measured step the task gradient is
// back-propagated alone, and each active term's separately, to measure
// their norms and cosines; it then returns the task gradient's norm and
// true. Otherwise the terms' gradients are added to dout and the hidden
// layers' buffers and one backward pass carries them all.
func (t *trainer) batchStep(x, out []float64, n int, dout []float64, measure bool) (float64, bool) {
	t.stepOwn(out, n)
	if !measure {
		t.batchGrad(x, n, dout)
		return 0, false
	}
	return t.batchGradMeasured(x, n, dout), true
}

// batchGrad adds the batch terms' gradients to dout and the hidden
// layers' gradients, and backpropagates them with the task's into
// t.grad.
func (t *trainer) batchGrad(x []float64, n int, dout []float64) {
	for l, d := range t.dh {
		if d != nil {
			clear(d[:n*t.widths[l]])
		}
	}
	for p := range t.pens {
		pp := &t.pens[p]
		st := pp.batchTerm
		if st == nil {
			continue
		}
		var v float64
		if pp.lambda == 0 {
			v = st.term.Value(&st.b)
		} else {
			var do, dh []float64
			if st.needs.Outputs {
				do = dout
			}
			if l := st.needs.Layer; l >= 0 {
				dh = t.dh[l][:n*st.h]
			}
			v = st.term.AddGrad(do, dh, &st.b, pp.lambda)
		}
		st.valSum += v
		st.valN++
	}
	t.backward(x, dout, n)
}

// batchGradMeasured is batchGrad on a measured step: each term's
// gradient is backpropagated on its own for the telemetry (the norm of
// the task's gradient is returned).
func (t *trainer) batchGradMeasured(x []float64, n int, dout []float64) float64 {
	t.m.Backward(t.ws, t.param, x, dout, n, t.grad)
	gn := norm(t.grad)
	t.measureConflict(t.weights(), gn)
	clear(t.bgrad)
	for p := range t.pens {
		pp := &t.pens[p]
		st := pp.batchTerm
		if st == nil {
			continue
		}
		if pp.lambda == 0 {
			st.valSum += st.term.Value(&st.b)
			st.valN++
			continue
		}
		var do, dh []float64
		if st.needs.Outputs {
			do = t.tdout[:n*t.k]
			clear(do)
		}
		if l := st.needs.Layer; l >= 0 {
			dh = t.tdh[l][:n*st.h]
			clear(dh)
		}
		st.valSum += st.term.AddGrad(do, dh, &st.b, pp.lambda)
		st.valN++
		if dh != nil {
			t.m.BackwardHidden(t.ws, t.param, x, do, st.dhOne, n, t.tgradAll)
		} else {
			t.m.Backward(t.ws, t.param, x, do, n, t.tgradAll)
		}
		t.measureBatchTerm(pp, gn)
		for i, v := range t.tgradAll {
			t.bgrad[i] += v
		}
	}
	for i, v := range t.bgrad {
		t.grad[i] += v
	}
	return gn
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// measureBatchTerm records the norm of a batch term's weighted gradient
// (in t.tgradAll), its cosine with the task gradient (in t.grad) over the
// parameters they share, and the ratio of its norm to gn, the task
// gradient's norm over all parameters. A term whose gradient does not
// reach a shared parameter (norm 0) records no cosine and no ratio.
func (t *trainer) measureBatchTerm(pp *penalty, gn float64) {
	st := pp.batchTerm
	var dot, tn, sn float64
	for _, r := range [2][2]int{{0, st.wEnd}, {t.nw, st.bEnd}} {
		g, h := t.grad[r[0]:r[1]], t.tgradAll[r[0]:r[1]]
		for i, v := range h {
			dot += v * g[i]
			tn += v * v
			sn += g[i] * g[i]
		}
	}
	pp.measureGrad(dot, math.Sqrt(tn), math.Sqrt(sn), gn)
}

// hasGroups reports whether the run's data carries a sensitive attribute
// that the group metrics can be computed on.
func hasGroups(d *dataset.Splits) bool {
	return d != nil && d.Task == dataset.Classification && len(d.GroupNames) > 0 && d.Train != nil && d.Train.Group != nil
}

// sampler returns the first batch term whose figures need samples
// (lossterms.Sampler), and the kind of samples it wants.
func (t *trainer) sampler() (string, bool) {
	for _, p := range t.pens {
		if st := p.batchTerm; st != nil {
			if s, ok := st.term.(lossterms.Sampler); ok {
				return s.SampleKind(), true
			}
		}
	}
	return "", false
}

// hiddenOf returns the activations of hidden layer l over every row of ds
// (ds.N × width, row-major, freshly allocated) and the layer's width.
func (t *trainer) hiddenOf(ds *dataset.Dataset, l int) ([]float64, int) {
	w := t.m.Sizes()[l+1]
	h := make([]float64, ds.N*w)
	X, din := t.inputs(ds), t.din
	for lo := 0; lo < ds.N; lo += evalChunk {
		n := min(evalChunk, ds.N-lo)
		t.m.Forward(t.ws, t.param, X[lo*din:(lo+n)*din], n)
		copy(h[lo*w:(lo+n)*w], t.ws.Hidden(l))
	}
	return h, w
}

// initWindows cuts the training split of sequence data into contiguous
// windows of at most batch frames that never cross a sequence: the rows
// of a split are sorted by (sequence, order), so a window is a run of
// rows with one sequence id.
func (t *trainer) initWindows(batch int) {
	tr := t.data.Train
	if tr.Seq == nil {
		return
	}
	for lo := 0; lo < tr.N; {
		hi := lo + 1
		for hi < tr.N && tr.Seq[hi] == tr.Seq[lo] && hi-lo < batch {
			hi++
		}
		t.win = append(t.win, [2]int{lo, hi})
		lo = hi
	}
	t.bounds = make([]int, len(t.win)+1)
}

// arrangeWindows shuffles the order of the windows for an epoch and lays
// their rows out in perm, in frame order within each window.
func (t *trainer) arrangeWindows(rng *rand.Rand) {
	rng.Shuffle(len(t.win), func(i, j int) { t.win[i], t.win[j] = t.win[j], t.win[i] })
	k := 0
	for w, r := range t.win {
		t.bounds[w] = k
		for i := r[0]; i < r[1]; i++ {
			t.perm[k] = i
			k++
		}
	}
	t.bounds[len(t.win)] = k
}

// setOwn sets up the own parameters of batch term st (named name, its
// spec field field) and their optimizer: the term's, else the run's.
func (t *trainer) setOwn(st *batchTerm, own lossterms.OwnParams, name, field string) error {
	s := t.spec
	ot := own.OwnTraining()
	st.own, st.ownSteps = own, max(ot.Steps, 1)
	st.ownP = make([]float64, own.NumOwn())
	st.ownG = make([]float64, own.NumOwn())
	opt, lr := ot.Optimizer, ot.LearningRate
	if opt == "" {
		opt = s.Train.Optimizer
	}
	if lr == 0 {
		lr = s.Train.LearningRate
	}
	tr := s.Train
	switch opt {
	case "sgd":
		st.ownOpt = optim.NewSGD(lr)
	case "momentum":
		st.ownOpt = optim.NewMomentum(lr, tr.Momentum, len(st.ownP))
	case "adam", "adamw":
		st.ownOpt = optim.NewAdam(lr, tr.Beta1, tr.Beta2, tr.Epsilon, len(st.ownP))
	default:
		return s.Errorf(field, "term %s: its own parameters cannot be trained with optimizer %s", name, opt)
	}
	return nil
}

// backward backpropagates dout, and the hidden layers' gradients t.dh
// when a batch term adds to them, into t.grad.
func (t *trainer) backward(x, dout []float64, n int) {
	if t.hiddenGrad {
		t.m.BackwardHidden(t.ws, t.param, x, dout, t.dh, n, t.grad)
	} else {
		t.m.Backward(t.ws, t.param, x, dout, n, t.grad)
	}
}
