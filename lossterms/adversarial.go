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
// The adversary is a rowMLP of sizes [in, Hidden, G] with tanh (or
// [in, G], a logistic/softmax regression, when Hidden is 0), in = 1 (+1
// for equalized odds) and G the number of groups; its parameters are
// laid out as rowMLP's: the weight matrices, then the biases.
type Adversarial struct {
	Metric string
	Hidden int
	Train  OwnTraining

	in, groups int
	net        *rowMLP
	ds         []float64 // the loss's gradient in the logits
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
	sizes := []int{a.in, a.Hidden, a.groups}
	if a.Hidden == 0 {
		sizes = []int{a.in, a.groups}
	}
	var err error
	if a.net, err = newRowMLP(sizes, "tanh"); err != nil {
		return fmt.Errorf("adversarial_debias: %w", err)
	}
	a.ds = make([]float64, a.groups)
	return nil
}

// Needs: the outputs and the groups.
func (a *Adversarial) Needs() Needs { return Needs{Outputs: true, Layer: -1, Groups: true} }

// NumOwn returns the number of adversary parameters.
func (a *Adversarial) NumOwn() int { return a.net.nParams }

// InitOwn draws Glorot-uniform weights; biases are 0.
func (a *Adversarial) InitOwn(own []float64, rng *rand.Rand) {
	if len(own) != a.NumOwn() {
		panic(fmt.Sprintf("lossterms: adversarial_debias: len(own) = %d, want %d", len(own), a.NumOwn()))
	}
	a.net.initGlorot(own, rng)
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
		logits := a.net.forward(b.Own, in[:a.in], a.net.layers()-1)
		grp := b.Group[i]
		loss, e := a.softmax(logits, grp)
		sum += loss
		if dout == nil && down == nil {
			continue
		}
		// Backward: ds = (softmax − onehot)/n.
		for g := range a.ds {
			a.ds[g] *= invN / e
		}
		a.ds[grp] -= invN
		var din [2]float64
		a.net.backward(b.Own, in[:a.in], a.net.layers()-1, a.ds, din[:a.in], 1, down)
		if dout != nil {
			dout[i] += scale * din[0]
		}
	}
	return sum * invN
}

// softmax turns the logits s into a.ds = exp(s − max s) and returns the
// cross-entropy of group grp and the normaliser Σ a.ds.
func (a *Adversarial) softmax(s []float64, grp int) (loss, e float64) {
	m := s[0]
	for _, v := range s[1:] {
		m = math.Max(m, v)
	}
	for g, v := range s {
		a.ds[g] = math.Exp(v - m)
		e += a.ds[g]
	}
	return m + math.Log(e) - s[grp], e
}
