package lossterms

import (
	"fmt"
	"math"
	"math/rand/v2"
)

var (
	_ BatchTerm = (*Adversarial)(nil)
	_ OwnParams = (*Adversarial)(nil)
)

func init() {
	register(Info{
		Kind:    "adversarial_debias",
		Family:  "fairness",
		Summary: "an adversary network predicts the group (dataset.group) from the model's logit (and the true label, for equalized odds); the model minimises L_task − λ·L_adversary (Zhang et al. 2018, without the projection)",
		Params: []ParamInfo{
			{Name: "metric", Default: DemographicParity, Meaning: "demographic_parity (the adversary sees the logit) | equalized_odds (the logit and the true label)"},
			{Name: "hidden", Default: "8", Meaning: "tanh units of the adversary's hidden layer (0: a logistic/softmax regression)"},
			{Name: "optimizer", Default: "the run's", Meaning: "the adversary's optimizer: sgd | momentum | adam (momentum and Adam settings are the run's)"},
			{Name: "learning_rate", Default: "the run's", Meaning: "the adversary's learning rate"},
			{Name: "steps", Default: "1", Meaning: "adversary updates per batch, taken before the model's step"},
		},
		Metrics: fairnessMetrics,
		Needs:   InfoNeeds{Groups: true},
		New: func(params map[string]any) (Term, error) {
			if err := checkParamNames("adversarial_debias", params, "metric", "hidden", "optimizer", "learning_rate", "steps"); err != nil {
				return nil, err
			}
			a := &Adversarial{}
			var err error
			if a.Metric, err = stringParam(params, "metric", DemographicParity, DemographicParity, EqualizedOdds); err != nil {
				return nil, err
			}
			if a.Hidden, err = intParam(params, "hidden", 8, 0, 1024); err != nil {
				return nil, err
			}
			if a.Train, err = ownTrainingParams(params); err != nil {
				return nil, err
			}
			return a, nil
		},
	})
}

// Adversarial is adversarial debiasing: an adversary network reads each
// row's logit z (and, for equalized odds, its true label y) and predicts
// the row's group with a softmax over the groups. Its loss L_adv is the
// mean cross-entropy of the groups. The adversary's own parameters
// minimise L_adv (OwnGrad); the term's value, which the model minimises
// with weight λ, is −L_adv: the model is rewarded for outputs from which
// the group cannot be told.
//
// The adversary has one tanh hidden layer of Hidden units (none when 0).
// Its parameters are laid out W1 (in×Hidden), b1, W2 (Hidden×G), b2, or
// W (in×G), b without a hidden layer, with in = 1 (+1 for equalized
// odds) and G the number of groups.
type Adversarial struct {
	Metric string
	Hidden int
	Train  OwnTraining

	in, groups int
	h, pre     []float64 // one row's hidden layer
	s, ds, dh  []float64
}

// Kind returns "adversarial_debias".
func (*Adversarial) Kind() string { return "adversarial_debias" }

// ValueMayBeNegative reports true: the term is the negated adversary
// loss (Signed).
func (*Adversarial) ValueMayBeNegative() bool { return true }

var _ Signed = (*Adversarial)(nil)

// Setup needs groups and a binary classification task.
func (a *Adversarial) Setup(s Shape) error {
	if err := needBinaryGroups("adversarial_debias", s); err != nil {
		return err
	}
	a.groups = s.Groups
	a.in = 1
	if a.Metric == EqualizedOdds {
		a.in = 2
	}
	a.h = make([]float64, a.Hidden)
	a.pre = make([]float64, a.Hidden)
	a.dh = make([]float64, a.Hidden)
	a.s = make([]float64, a.groups)
	a.ds = make([]float64, a.groups)
	return nil
}

// Needs: the outputs and the groups.
func (a *Adversarial) Needs() Needs { return Needs{Outputs: true, Layer: -1, Groups: true} }

// NumOwn returns the number of adversary parameters.
func (a *Adversarial) NumOwn() int {
	if a.Hidden == 0 {
		return a.in*a.groups + a.groups
	}
	return a.in*a.Hidden + a.Hidden + a.Hidden*a.groups + a.groups
}

// InitOwn draws Glorot-uniform weights; biases are 0.
func (a *Adversarial) InitOwn(own []float64, rng *rand.Rand) {
	if len(own) != a.NumOwn() {
		panic(fmt.Sprintf("lossterms: adversarial_debias: len(own) = %d, want %d", len(own), a.NumOwn()))
	}
	clear(own)
	glorot := func(w []float64, in, out int) {
		lim := math.Sqrt(6 / float64(in+out))
		for i := range w {
			w[i] = lim * (2*rng.Float64() - 1)
		}
	}
	if a.Hidden == 0 {
		glorot(own[:a.in*a.groups], a.in, a.groups)
		return
	}
	w1, _, w2, _ := a.split(own)
	glorot(w1, a.in, a.Hidden)
	glorot(w2, a.Hidden, a.groups)
}

// split returns views of the hidden-layer adversary's parameters.
func (a *Adversarial) split(p []float64) (w1, b1, w2, b2 []float64) {
	H, G := a.Hidden, a.groups
	o := 0
	w1, o = p[o:o+a.in*H], o+a.in*H
	b1, o = p[o:o+H], o+H
	w2, o = p[o:o+H*G], o+H*G
	b2 = p[o : o+G]
	return
}

// OwnTraining returns the adversary's optimizer settings.
func (a *Adversarial) OwnTraining() OwnTraining { return a.Train }

// Value returns −L_adv on b.
func (a *Adversarial) Value(b *Batch) float64 { return -a.eval(nil, nil, b, 0) }

// AddGrad returns −L_adv and adds scale·∂(−L_adv)/∂z to dout.
func (a *Adversarial) AddGrad(dout, dhidden []float64, b *Batch, scale float64) float64 {
	if dout == nil {
		panic("lossterms: adversarial_debias: nil dout")
	}
	return -a.eval(dout, nil, b, -scale)
}

// OwnGrad overwrites dst with ∂L_adv/∂Own and returns L_adv.
func (a *Adversarial) OwnGrad(dst []float64, b *Batch) float64 {
	if len(dst) != a.NumOwn() {
		panic(fmt.Sprintf("lossterms: adversarial_debias: len(dst) = %d, want %d", len(dst), a.NumOwn()))
	}
	clear(dst)
	return a.eval(nil, dst, b, 0)
}

// eval returns L_adv on b. With dout it adds scale·∂L_adv/∂z; with down
// it adds ∂L_adv/∂Own.
func (a *Adversarial) eval(dout, down []float64, b *Batch, scale float64) float64 {
	checkBatch("adversarial_debias", b, a.Needs())
	if len(b.Own) != a.NumOwn() {
		panic(fmt.Sprintf("lossterms: adversarial_debias: len(Own) = %d, want %d", len(b.Own), a.NumOwn()))
	}
	invN := 1 / float64(b.N)
	var in [2]float64
	var sum float64
	for i, z := range b.Out {
		in[0] = z
		if a.in == 2 {
			in[1] = b.Y[i]
		}
		a.forward(&in, b.Own)
		grp := b.Group[i]
		loss, e := a.softmax(grp)
		sum += loss
		if dout == nil && down == nil {
			continue
		}
		// Backward: ds = (softmax − onehot)/n.
		for g := range a.ds {
			a.ds[g] *= invN / e
		}
		a.ds[grp] -= invN
		din := a.backward(&in, b.Own, down)
		if dout != nil {
			dout[i] += scale * din[0]
		}
	}
	return sum * invN
}

// forward computes the adversary's logits a.s over the groups (and its
// hidden units a.h) from its inputs in and parameters own.
func (a *Adversarial) forward(in *[2]float64, own []float64) {
	H, G := a.Hidden, a.groups
	if H == 0 {
		w2, b2 := own[:a.in*G], own[a.in*G:]
		copy(a.s, b2)
		for j := range a.in {
			for g := range G {
				a.s[g] += in[j] * w2[j*G+g]
			}
		}
		return
	}
	w1, b1, w2, b2 := a.split(own)
	for u := range H {
		v := b1[u]
		for j := range a.in {
			v += in[j] * w1[j*H+u]
		}
		a.h[u] = math.Tanh(v)
	}
	copy(a.s, b2)
	for u, hv := range a.h {
		row := w2[u*G : (u+1)*G]
		for g, w := range row {
			a.s[g] += hv * w
		}
	}
}

// softmax turns the logits into a.ds = exp(s − max s) and returns the
// cross-entropy of group grp and the normaliser Σ a.ds.
func (a *Adversarial) softmax(grp int) (loss, e float64) {
	m := a.s[0]
	for _, v := range a.s[1:] {
		m = math.Max(m, v)
	}
	for g, v := range a.s {
		a.ds[g] = math.Exp(v - m)
		e += a.ds[g]
	}
	return m + math.Log(e) - a.s[grp], e
}

// backward propagates a.ds (the loss's gradient in the logits) to the
// adversary's inputs, returned, and adds it to its parameters' gradient
// down (nil: not wanted).
func (a *Adversarial) backward(in *[2]float64, own, down []float64) (din [2]float64) {
	H, G := a.Hidden, a.groups
	if H == 0 {
		w2 := own[:a.in*G]
		for j := range a.in {
			for g, d := range a.ds {
				din[j] += d * w2[j*G+g]
				if down != nil {
					down[j*G+g] += in[j] * d
				}
			}
		}
		if down != nil {
			for g, d := range a.ds {
				down[a.in*G+g] += d
			}
		}
		return din
	}
	w1, _, w2, _ := a.split(own)
	var gw1, gb1, gw2, gb2 []float64
	if down != nil {
		gw1, gb1, gw2, gb2 = a.split(down)
	}
	for u, hv := range a.h {
		row := w2[u*G : (u+1)*G]
		var d float64
		for g, w := range row {
			d += a.ds[g] * w
			if down != nil {
				gw2[u*G+g] += hv * a.ds[g]
			}
		}
		d *= 1 - hv*hv // tanh'
		a.dh[u] = d
		for j := range a.in {
			din[j] += d * w1[j*H+u]
			if down != nil {
				gw1[j*H+u] += in[j] * d
			}
		}
		if down != nil {
			gb1[u] += d
		}
	}
	if down != nil {
		for g, d := range a.ds {
			gb2[g] += d
		}
	}
	return din
}
