package experiments

import (
	"fmt"
	"math"

	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/experiments/optim"
	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/spec"
)

// streamFrozen is the first random stream of the networks trained once
// per repeat before the runs (the perceptual term's classifier): term i
// of the spec draws its initialization and batch order from
// RepeatRand(seed, repeat, streamFrozen+i).
const streamFrozen = 0x6c6f737365787030

// prepareFrozen trains, for every perceptual term of the spec, the
// classifier its φ reads: on the training split's clean images (the
// targets) and their class labels, with the term's hidden sizes,
// activation, epochs and learning rate and the run's optimizer and batch
// size. It is called once per repeat, from DataSource.Prepare, so every
// run of a repeat, at any λ, shares the same frozen network; the
// training is a pure function of (spec, repeat).
func prepareFrozen(s *spec.Spec, sp *dataset.Splits, repeat int) error {
	for i, ts := range s.Loss.Terms {
		field := fmt.Sprintf("loss.terms[%d]", i)
		info, err := lossterms.Lookup(ts.Kind)
		if err != nil {
			return s.Errorf(field+".kind", "%v", err)
		}
		term, err := info.New(ts.Params)
		if err != nil {
			return s.Errorf(field, "%v", err)
		}
		p, ok := term.(lossterms.ClassifierUser)
		if !ok {
			continue
		}
		tr := sp.Train
		if sp.Task != dataset.Regression || tr.Label == nil || len(sp.LabelNames) < 2 || tr.T < 2 {
			return s.Errorf(field+".kind", "term %s needs an image-restoration task (clean images as targets and class labels for its classifier): use builtin glyphs", ts.Name)
		}
		net, err := trainClassifier(s, sp, p.Classifier(), repeat, uint64(i))
		if err != nil {
			return s.Errorf(field, "term %s: classifier: %v", ts.Name, err)
		}
		if sp.Frozen == nil {
			sp.Frozen = map[string]*dataset.Network{}
		}
		sp.Frozen[ts.Name] = net
	}
	return nil
}

// trainClassifier fits a model.MLP [T, hidden…, K] (K = 1 logit for two
// classes, else one per class) with cross-entropy to the training split's
// clean targets and labels.
func trainClassifier(s *spec.Spec, sp *dataset.Splits, p lossterms.ClassifierSpec, repeat int, stream uint64) (*dataset.Network, error) {
	tr := sp.Train
	in, classes := tr.T, len(sp.LabelNames)
	k := classes
	if classes == 2 {
		k = 1
	}
	act, err := model.ParseActivation(p.Activation)
	if err != nil {
		return nil, err
	}
	sizes := append(append([]int{in}, p.Hidden...), k)
	m := model.New(sizes, act)
	np := m.NumParams()
	param, grad := make([]float64, np), make([]float64, np)
	rng := RepeatRand(s.Seed, repeat, streamFrozen+stream)
	m.Init(param, rng)
	lr := p.LearningRate
	if lr == 0 {
		lr = s.Train.LearningRate
	}
	opt := classifierOptimizer(s, lr, np)
	batch := s.Train.BatchSize
	if batch <= 0 || batch > tr.N {
		batch = tr.N
	}
	ce, _ := lossterms.NewTaskLoss("cross_entropy", 0)
	ws := m.NewWorkspace(max(batch, tr.N))
	xb, yb := make([]float64, batch*in), make([]float64, batch)
	dout := make([]float64, batch*k)
	perm := make([]int, tr.N)
	for i := range perm {
		perm[i] = i
	}
	for epoch := range p.Epochs {
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for lo := 0; lo < tr.N; lo += batch {
			n := min(batch, tr.N-lo)
			for r := range n {
				i := perm[lo+r]
				copy(xb[r*in:(r+1)*in], tr.Y[i*in:(i+1)*in])
				yb[r] = float64(tr.Label[i])
			}
			out := m.Forward(ws, param, xb[:n*in], n)
			loss := ce.LossGrad(dout[:n*k], out, yb[:n], n, k)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, fmt.Errorf("training loss is %v at epoch %d; lower the term's learning_rate", loss, epoch+1)
			}
			m.Backward(ws, param, xb[:n*in], dout[:n*k], n, grad)
			opt.Step(param, grad)
		}
	}
	return classifierNet(sp, sizes, act, param)
}

// classifierOptimizer is the run's optimizer for a frozen classifier:
// adamw without decay, and lbfgs (refused for batch terms), are adam.
func classifierOptimizer(s *spec.Spec, lr float64, np int) optim.Optimizer {
	switch t := s.Train; t.Optimizer {
	case "sgd":
		return optim.NewSGD(lr)
	case "momentum":
		return optim.NewMomentum(lr, t.Momentum, np)
	default: // adam, adamw (without decay), lbfgs (refused for batch terms)
		return optim.NewAdam(lr, t.Beta1, t.Beta2, t.Epsilon, np)
	}
}

// classifierNet is the trained classifier with its accuracy on the
// training and the test split.
func classifierNet(sp *dataset.Splits, sizes []int, act model.Activation, param []float64) (*dataset.Network, error) {
	net := &dataset.Network{Sizes: sizes, Activation: act.String(), Params: param, TestAccuracy: math.NaN()}
	acc := func(ds *dataset.Dataset) float64 {
		f, err := lossterms.NewFrozenMLP(sizes, net.Activation, param)
		if err != nil {
			return math.NaN()
		}
		return lossterms.Recognizability(f, ds.Y, labelsOf(ds), ds.N)
	}
	if !finite(param) {
		return nil, fmt.Errorf("parameters are not finite after training; lower the term's learning_rate")
	}
	net.Accuracy = acc(sp.Train)
	if sp.Test != nil && sp.Test.N > 0 {
		net.TestAccuracy = acc(sp.Test)
	}
	return net, nil
}

// labelsOf returns ds's labels as float64 class indices.
func labelsOf(ds *dataset.Dataset) []float64 {
	y := make([]float64, len(ds.Label))
	for i, c := range ds.Label {
		y[i] = float64(c)
	}
	return y
}

// setExtractor gives the perceptual term p (named name) its frozen
// classifier, trained once for the run's repeat by DataSource.Prepare.
func (t *trainer) setExtractor(p lossterms.ClassifierUser, name, field string) error {
	net := t.data.Frozen[name]
	if net == nil {
		return t.spec.Errorf(field, "term %s: its classifier was not trained; the data must come from DataSource.Prepare with this spec", name)
	}
	f, err := lossterms.NewFrozenMLP(net.Sizes, net.Activation, net.Params)
	if err != nil {
		return t.spec.Errorf(field, "term %s: %v", name, err)
	}
	p.SetExtractor(f)
	return nil
}
