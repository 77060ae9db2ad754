package lossterms

import (
	"fmt"
	"math"
	"math/rand/v2"
)

var (
	_ BatchTerm = (*Aux)(nil)
	_ OwnParams = (*Aux)(nil)
)

// Auxiliary losses of the aux term.
const (
	AuxBCE = "bce" // multi-label: one sigmoid per auxiliary target
	AuxCE  = "ce"  // one softmax over the auxiliary targets (a one-hot or probability vector)
	AuxMSE = "mse" // regression of the auxiliary targets
)

func init() {
	register(Info{
		Kind:    "aux",
		Family:  "auxiliary",
		Summary: "auxiliary task: a second head on a hidden layer predicts the auxiliary targets (dataset.aux_targets or a generator's) with its own loss; λ weighs that loss in the shared layers' gradient",
		Params: []ParamInfo{
			{Name: "layer", Default: "-1", Meaning: "hidden layer the head reads, 0-based; -1 = the last"},
			{Name: "loss", Default: AuxBCE, Meaning: "bce (multi-label binary cross-entropy, mean over targets) | ce (softmax cross-entropy over the targets as a one-hot vector) | mse (Σ over targets of the squared error)"},
			{Name: "hidden", Default: "0", Meaning: "tanh units of the head's own hidden layer (0: a linear head)"},
			{Name: "optimizer", Default: "the run's", Meaning: "the head's optimizer: sgd | momentum | adam (momentum and Adam settings are the run's)"},
			{Name: "learning_rate", Default: "the run's", Meaning: "the head's learning rate"},
			{Name: "steps", Default: "1", Meaning: "head updates per batch, taken before the model's step"},
		},
		Metrics: []MetricDef{
			{Pattern: "<split>.aux_accuracy", Better: "higher", Order: 400, How: "Aux.Accuracy",
				Meaning: "accuracy of the aux term's head on the auxiliary targets: fraction of targets labelled right (loss bce) or of rows whose argmax is right (ce); empty for mse",
				Value:   auxValue(func(x *Aux, pred []float64, v *SplitView) float64 { return x.Accuracy(pred, v.Aux, v.N) })},
			{Pattern: "<split>.aux_loss", Better: "lower", Order: 401, How: "Aux.RowsLoss",
				Meaning: "the aux term's loss on the split (its head's bce, ce or mse)",
				Value:   auxValue(func(x *Aux, pred []float64, v *SplitView) float64 { return x.RowsLoss(pred, v.Aux, v.N) })},
		},
		Needs: InfoNeeds{Aux: true, Hidden: true},
		New: func(params map[string]any) (Term, error) {
			if err := checkParamNames("aux", params, "layer", "loss", "hidden", "optimizer", "learning_rate", "steps"); err != nil {
				return nil, err
			}
			a := &Aux{}
			var err error
			if a.Layer, err = layerParam(params); err != nil {
				return nil, err
			}
			if a.Loss, err = stringParam(params, "loss", AuxBCE, AuxBCE, AuxCE, AuxMSE); err != nil {
				return nil, err
			}
			if a.Hidden, err = intParam(params, "hidden", 0, 0, 4096); err != nil {
				return nil, err
			}
			if a.Train, err = ownTrainingParams(params); err != nil {
				return nil, err
			}
			return a, nil
		},
	})
}

// Aux is an auxiliary task: a head on hidden layer Layer of the model
// predicts the A auxiliary targets of each row, and the term's value is
// the head's loss L_aux (mean over the batch's rows; see Loss for the
// per-row form). The head's parameters are the term's own (OwnParams):
// they minimise L_aux with their own optimizer, every batch, at every λ
// (at λ = 0 the head is a probe of a model it does not shape); λ weighs
// ∂L_aux/∂Hidden in the gradient of the shared layers. Because the head's
// parameters appear in the objective only through λ·L_aux, training them
// on L_aux directly is joint training with a per-head learning rate.
//
// The head is a rowMLP of sizes [H, A], linear, or, with Hidden > 0,
// [H, Hidden, A] with tanh, H being the width of the layer it reads; its
// parameters are laid out as rowMLP's (the weight matrices, then the
// biases).
//
// Per row, with z the head's A outputs and y the row's targets:
//
//	bce: (1/A)·Σ_j softplus(z_j) − y_j·z_j   (y_j ∈ [0, 1])
//	ce:  logsumexp(z) − Σ_j y_j·z_j          (y a probability vector)
//	mse: Σ_j (z_j − y_j)²
type Aux struct {
	Layer  int // as given: -1 = the last hidden layer; resolved by Setup
	Loss   string
	Hidden int
	Train  OwnTraining

	layer, h, a int
	net         *rowMLP
	dz          []float64 // one row's ∂loss/∂(head outputs)
}

// Kind returns "aux".
func (*Aux) Kind() string { return "aux" }

// Setup needs a hidden layer and auxiliary targets.
func (x *Aux) Setup(s Shape) error {
	if s.Aux <= 0 {
		return fmt.Errorf("term aux needs auxiliary targets: set dataset.aux_targets or use a builtin that provides them (e.g. edges)")
	}
	l, err := resolveLayer("aux", x.Layer, s)
	if err != nil {
		return err
	}
	switch x.Loss {
	case "":
		x.Loss = AuxBCE
	case AuxBCE, AuxCE, AuxMSE:
	default:
		return fmt.Errorf("term aux: unknown loss %q (valid: bce, ce, mse)", x.Loss)
	}
	if x.Loss == AuxCE && s.Aux < 2 {
		return fmt.Errorf("term aux: loss ce needs at least 2 auxiliary targets (a one-hot vector), got %d", s.Aux)
	}
	x.layer, x.h, x.a = l, s.Hidden[l], s.Aux
	sizes := []int{x.h, x.Hidden, x.a}
	if x.Hidden == 0 {
		sizes = []int{x.h, x.a}
	}
	if x.net, err = newRowMLP(sizes, "tanh"); err != nil {
		return fmt.Errorf("term aux: %w", err)
	}
	x.dz = make([]float64, x.a)
	return nil
}

// Needs: the hidden layer and the auxiliary targets.
func (x *Aux) Needs() Needs { return Needs{Layer: x.layer, Aux: true} }

// ResolvedLayer returns the resolved hidden layer the head reads; valid after
// Setup.
func (x *Aux) ResolvedLayer() int { return x.layer }

// NumOwn returns the number of head parameters.
func (x *Aux) NumOwn() int { return x.net.nParams }

// InitOwn draws Glorot-uniform weights; biases are 0.
func (x *Aux) InitOwn(own []float64, rng *rand.Rand) {
	if len(own) != x.NumOwn() {
		panic(fmt.Sprintf("lossterms: aux: len(own) = %d, want %d", len(own), x.NumOwn()))
	}
	x.net.initGlorot(own, rng)
}

// OwnTraining returns the head's optimizer settings.
func (x *Aux) OwnTraining() OwnTraining { return x.Train }

// Value returns L_aux on b.
func (x *Aux) Value(b *Batch) float64 { return x.eval(nil, nil, b, 0) }

// AddGrad returns L_aux and adds scale·∂L_aux/∂Hidden to dhidden.
func (x *Aux) AddGrad(dout, dhidden []float64, b *Batch, scale float64) float64 {
	if dhidden == nil {
		panic("lossterms: aux: nil dhidden")
	}
	return x.eval(dhidden, nil, b, scale)
}

// OwnGrad overwrites dst with ∂L_aux/∂Own and returns L_aux.
func (x *Aux) OwnGrad(dst []float64, b *Batch) float64 {
	if len(dst) != x.NumOwn() {
		panic(fmt.Sprintf("lossterms: aux: len(dst) = %d, want %d", len(dst), x.NumOwn()))
	}
	clear(dst)
	return x.eval(nil, dst, b, 0)
}

// Predict overwrites dst (n×A) with the head's outputs (logits for bce
// and ce, predictions for mse) on the n rows of hidden (n×H, the layer
// the head reads), with head parameters own. It does not allocate.
func (x *Aux) Predict(dst, hidden, own []float64, n int) {
	if len(dst) != n*x.a || len(hidden) != n*x.h || len(own) != x.NumOwn() {
		panic(fmt.Sprintf("lossterms: aux: predict: len(dst) = %d, len(hidden) = %d, len(own) = %d for %d rows", len(dst), len(hidden), len(own), n))
	}
	for i := range n {
		copy(dst[i*x.a:(i+1)*x.a], x.net.forward(own, hidden[i*x.h:(i+1)*x.h], x.net.layers()-1))
	}
}

// Accuracy returns the head's accuracy on n rows of outputs and targets
// (n×A each): the fraction of targets it labels right (bce), of rows
// whose argmax it finds (ce), or NaN (mse, which has no labels).
func (x *Aux) Accuracy(out, y []float64, n int) float64 {
	switch x.Loss {
	case AuxBCE:
		return MultiLabelAccuracy(out, y, n, x.a)
	case AuxCE:
		return SoftArgmaxAccuracy(out, y, n, x.a)
	}
	return math.NaN()
}

// RowsLoss returns the mean over n rows of the per-row auxiliary loss of
// outputs out (n×A) against targets y.
func (x *Aux) RowsLoss(out, y []float64, n int) float64 {
	var sum float64
	for i := range n {
		sum += x.rowLoss(out[i*x.a:(i+1)*x.a], y[i*x.a:(i+1)*x.a], nil, 0)
	}
	return sum / float64(n)
}

// rowLoss returns one row's loss of outputs z against targets y; with dz
// it overwrites dz with scale·∂loss/∂z.
func (x *Aux) rowLoss(z, y, dz []float64, scale float64) float64 {
	var l float64
	switch x.Loss {
	case AuxBCE:
		inv := 1 / float64(len(z))
		for j, v := range z {
			t := y[j]
			l += softplus(v) - t*v
			if dz != nil {
				dz[j] = scale * inv * (sigmoid(v) - t)
			}
		}
		l *= inv
	case AuxCE:
		m := z[0]
		for _, v := range z[1:] {
			m = math.Max(m, v)
		}
		var e, ty float64
		for j, v := range z {
			e += math.Exp(v - m)
			ty += y[j]
		}
		lse := m + math.Log(e)
		for j, v := range z {
			l -= y[j] * v
			if dz != nil {
				dz[j] = scale * (ty*math.Exp(v-lse) - y[j])
			}
		}
		l += ty * lse
	case AuxMSE:
		for j, v := range z {
			r := v - y[j]
			l += r * r
			if dz != nil {
				dz[j] = scale * 2 * r
			}
		}
	}
	return l
}

// eval returns L_aux on b. With dh it adds scale·∂L_aux/∂Hidden; with
// down it adds ∂L_aux/∂Own.
func (x *Aux) eval(dh, down []float64, b *Batch, scale float64) float64 {
	checkBatch("aux", b, x.Needs())
	if b.H != x.h || b.A != x.a || len(b.Own) != x.NumOwn() || (dh != nil && len(dh) != b.N*x.h) {
		panic(fmt.Sprintf("lossterms: aux: batch of width %d with %d targets and %d own parameters, want %d, %d and %d", b.H, b.A, len(b.Own), x.h, x.a, x.NumOwn()))
	}
	H, A, last := x.h, x.a, x.net.layers()-1
	invN := 1 / float64(b.N)
	var sum float64
	for i := range b.N {
		h := b.Hidden[i*H : (i+1)*H]
		z := x.net.forward(b.Own, h, last)
		grad := dh != nil || down != nil
		var dz []float64
		if grad {
			dz = x.dz
		}
		sum += x.rowLoss(z, b.Aux[i*A:(i+1)*A], dz, invN)
		if !grad {
			continue
		}
		var dhi []float64 // the gradient in this row's hidden layer
		if dh != nil {
			dhi = dh[i*H : (i+1)*H]
		}
		x.net.backward(b.Own, h, last, dz, dhi, scale, down)
	}
	return sum * invN
}

// auxValue is a metric of the run's first aux head on the split's
// auxiliary targets (none when the split has none).
func auxValue(f func(x *Aux, pred []float64, v *SplitView) float64) func(*MetricEval, *SplitView, *MetricColumn) (float64, bool) {
	return func(e *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
		x, own, ok := evalTerm[*Aux](e)
		if !ok || v.A == 0 {
			return 0, false
		}
		h, _ := v.Hidden(x.layer)
		pred := make([]float64, v.N*v.A)
		x.Predict(pred, h, own, v.N)
		return f(x, pred, v), true
	}
}
