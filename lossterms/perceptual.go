package lossterms

import (
	"fmt"
	"math"
)

var _ BatchTerm = (*Perceptual)(nil)

func init() {
	register(Info{
		Kind:    "perceptual",
		Family:  "perceptual",
		Summary: "perceptual loss for restoration: mean over rows of ‖φ(ŷ) − φ(y)‖², φ a chosen layer of a classifier trained on the dataset's labels before the run, then frozen; regression onto images",
		Params: []ParamInfo{
			{Name: "layer", Default: "-1", Meaning: "the classifier layer φ reads, 0-based: a hidden layer's activations; -1 = the last hidden layer; the number of hidden layers = the logits"},
			{Name: "hidden", Default: "[32]", Meaning: "widths of the classifier's hidden layers, a number or a list"},
			{Name: "activation", Default: "relu", Meaning: "the classifier's hidden activation: relu | tanh | sigmoid"},
			{Name: "epochs", Default: "30", Meaning: "epochs of the classifier's training (once per repeat, on the training split's clean targets and labels)"},
			{Name: "learning_rate", Default: "the run's", Meaning: "the classifier's learning rate (the run's optimizer)"},
		},
		Metrics: []MetricDef{
			{Pattern: "<split>.perceptual", Task: "regression", Better: "lower", Order: 600, How: "Perceptual.Value",
				Meaning: "perceptual term: mean over the split's images of ‖φ(ŷ) − φ(y)‖², φ the chosen layer of the frozen classifier",
				When:    func(c *MetricContext) bool { return c.Labels },
				Value: perceptualValue(func(p *Perceptual, v *SplitView) float64 {
					return p.Value(&Batch{N: v.N, K: v.K, Out: v.Out, Y: v.Y})
				})},
			{Pattern: "<split>.recognizability", Task: "regression", Better: "higher", Order: 601, How: "Recognizability",
				Meaning: "perceptual term: accuracy of the frozen classifier (trained on clean images of the repeat's training split) on the restored images ŷ",
				When:    func(c *MetricContext) bool { return c.Labels },
				Value: perceptualValue(func(p *Perceptual, v *SplitView) float64 {
					return Recognizability(p.Extractor(), v.Out, labelsAsFloats(v.Labels), v.N)
				})},
		},
		Needs: InfoNeeds{Images: true, Why: "compares restored and clean images through a classifier of their classes"},
		New: func(params map[string]any) (Term, error) {
			if err := checkParamNames("perceptual", params, "layer", "hidden", "activation", "epochs", "learning_rate"); err != nil {
				return nil, err
			}
			p := &Perceptual{}
			var err error
			if p.Layer, err = layerParam(params); err != nil {
				return nil, err
			}
			if p.Hidden, err = intListParam(params, "hidden", []int{32}, 1, 4096); err != nil {
				return nil, err
			}
			if p.Activation, err = stringParam(params, "activation", "relu", "relu", "tanh", "sigmoid"); err != nil {
				return nil, err
			}
			if p.Epochs, err = intParam(params, "epochs", 30, 1, 100000); err != nil {
				return nil, err
			}
			if p.LearningRate, err = floatParam(params, "learning_rate", 0, 1e-12, 1e6); err != nil {
				return nil, err
			}
			return p, nil
		},
	})
}

// FrozenMLP is a trained network held fixed: the feature extractor φ of
// the perceptual term and the classifier of the recognizability metric.
// It reads the parameters of a model.MLP with the same sizes and
// activation, in that package's layout (the weight matrices W_0 … W_L,
// W_l being sizes[l]×sizes[l+1] row-major, then the biases b_0 … b_L);
// hidden layers apply the activation, the output layer none. The trainer
// builds one with
//
//	NewFrozenMLP(m.Sizes(), m.Activation().String(), params)
//
// A FrozenMLP keeps one row's activations, so it belongs to one
// goroutine. It copies params; Features and Classify do not allocate.
type FrozenMLP struct {
	net    *rowMLP
	params []float64
}

// NewFrozenMLP returns a frozen network of the given sizes [in, h1, …,
// out], hidden activation ("relu", "tanh", "sigmoid" or "identity") and
// parameters (copied).
func NewFrozenMLP(sizes []int, activation string, params []float64) (*FrozenMLP, error) {
	net, err := newRowMLP(sizes, activation)
	if err != nil {
		return nil, fmt.Errorf("frozen network: %w", err)
	}
	if len(params) != net.nParams {
		return nil, fmt.Errorf("frozen network: %d parameters for sizes %v, want %d", len(params), sizes, net.nParams)
	}
	for i, v := range params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("frozen network: parameter %d is %v", i, v)
		}
	}
	return &FrozenMLP{net: net, params: append([]float64(nil), params...)}, nil
}

// In returns the number of inputs.
func (f *FrozenMLP) In() int { return f.net.sizes[0] }

// Layers returns the number of weight layers: the hidden layers are
// 0 … Layers()−2, layer Layers()−1 gives the outputs (logits).
func (f *FrozenMLP) Layers() int { return f.net.layers() }

// Width returns the number of values of layer l.
func (f *FrozenMLP) Width(l int) int { return f.net.sizes[l+1] }

// Features writes layer l's values for the row x (len In()) to dst (len
// Width(l)): a hidden layer's post-activation values, or the outputs for
// l = Layers()−1.
func (f *FrozenMLP) Features(dst, x []float64, l int) {
	if l < 0 || l >= f.Layers() || len(x) != f.In() || len(dst) != f.Width(l) {
		panic(fmt.Sprintf("lossterms: frozen network: layer %d of %d, len(x) = %d, len(dst) = %d", l, f.Layers(), len(x), len(dst)))
	}
	copy(dst, f.net.forward(f.params, x, l))
}

// Classify writes the predicted class of each of the n rows of x (n×In())
// to dst (len n), with the conventions of Accuracy: one output is a logit
// (class 1 when > 0), more are argmaxed (ties to the lowest index).
func (f *FrozenMLP) Classify(dst []int, x []float64, n int) {
	in := f.In()
	if n < 0 || len(x) != n*in || len(dst) != n {
		panic(fmt.Sprintf("lossterms: frozen network: len(x) = %d, len(dst) = %d, n = %d, %d inputs", len(x), len(dst), n, in))
	}
	last := f.Layers() - 1
	k := f.Width(last)
	for i := range n {
		out := f.net.forward(f.params, x[i*in:(i+1)*in], last)
		PredictedLabels(dst[i:i+1], out, 1, k)
	}
}

// Recognizability returns the accuracy of the frozen classifier c on the
// n restored rows (n×c.In()): the fraction whose predicted class equals
// labels[i] (a class index stored as a float64). NaN when n = 0. It
// allocates n ints.
func Recognizability(c *FrozenMLP, restored, labels []float64, n int) float64 {
	if len(labels) != n {
		panic(fmt.Sprintf("lossterms: recognizability: len(labels) = %d, n = %d", len(labels), n))
	}
	if n == 0 {
		return math.NaN()
	}
	pred := make([]int, n)
	c.Classify(pred, restored, n)
	correct := 0
	for i, p := range pred {
		if float64(p) == labels[i] { // exact: class labels are integers
			correct++
		}
	}
	return float64(correct) / float64(n)
}

// Perceptual is the perceptual loss of an image-restoration model whose
// K outputs per row are the restored image ŷ_i and whose K targets are
// the clean image y_i. With φ the values of layer `layer` of a frozen
// classifier (SetExtractor), its value is
//
//	L = (1/n)·Σ_i ‖φ(ŷ_i) − φ(y_i)‖² = (1/n)·Σ_i Σ_u (φ_u(ŷ_i) − φ_u(y_i))²
//
// (a sum over the layer's units, a mean over rows, as the mse task loss).
// Its gradient with respect to ŷ_i is (2/n)·J_φ(ŷ_i)ᵀ(φ(ŷ_i) − φ(y_i)),
// back-propagated through the frozen layers; with ReLU, the derivative
// at 0 is taken as 0. φ's parameters never change.
//
// The classifier is specified by the term's parameters (Hidden,
// Activation, Epochs, LearningRate), which the trainer reads to train it
// on the training split's clean images and labels, once per repeat
// (independent of λ), before calling SetExtractor and Setup.
type Perceptual struct {
	Layer        int    // as given: -1 = the last hidden layer; len(Hidden) = the logits
	Hidden       []int  // the classifier's hidden widths
	Activation   string // the classifier's hidden activation
	Epochs       int    // the classifier's training epochs
	LearningRate float64

	phi   *FrozenMLP
	layer int       // resolved
	fy    []float64 // φ(y_i)
	e     []float64 // 2·scale/n·(φ(ŷ_i) − φ(y_i))
	k     int       // outputs (pixels) per row
}

// Classifier returns how φ's classifier is to be trained.
func (p *Perceptual) Classifier() ClassifierSpec {
	return ClassifierSpec{Hidden: p.Hidden, Activation: p.Activation, Epochs: p.Epochs, LearningRate: p.LearningRate}
}

// SampleKind asks for input, restored and target images.
func (p *Perceptual) SampleKind() string { return SampleImages }

func labelsAsFloats(l []int) []float64 {
	y := make([]float64, len(l))
	for i, c := range l {
		y[i] = float64(c)
	}
	return y
}

var (
	_ ClassifierUser = (*Perceptual)(nil)
	_ Sampler        = (*Perceptual)(nil)
)

// Kind returns "perceptual".
func (*Perceptual) Kind() string { return "perceptual" }

// SetExtractor sets the frozen classifier whose layer Layer is φ. Call it
// before Setup. The term does not modify phi, and uses its scratch space:
// phi must not be used by another goroutine while the term is.
func (p *Perceptual) SetExtractor(phi *FrozenMLP) { p.phi = phi }

// Extractor returns the frozen classifier set by SetExtractor.
func (p *Perceptual) Extractor() *FrozenMLP { return p.phi }

// FeatureLayer returns the layer of the extractor φ reads; valid after
// Setup.
func (p *Perceptual) FeatureLayer() int { return p.layer }

// Setup needs the extractor, a regression task and outputs, targets and
// extractor inputs of one width (the image's pixels).
func (p *Perceptual) Setup(s Shape) error {
	if p.phi == nil {
		return fmt.Errorf("term perceptual needs its frozen classifier; the trainer trains it and calls SetExtractor before Setup")
	}
	if s.Task != TaskRegression {
		return fmt.Errorf("term perceptual needs an image-restoration task (regression onto the clean image); this run has task %s", s.Task)
	}
	if s.K != s.Targets || s.K != p.phi.In() {
		return fmt.Errorf("term perceptual needs images: the model has %d outputs, the data %d targets per row and the classifier %d inputs; they must be equal", s.K, s.Targets, p.phi.In())
	}
	hidden := p.phi.Layers() - 1
	switch {
	case p.Layer == -1 && hidden == 0:
		p.layer = 0 // no hidden layer: the logits
	case p.Layer == -1:
		p.layer = hidden - 1
	case p.Layer >= 0 && p.Layer <= hidden:
		p.layer = p.Layer
	default:
		return fmt.Errorf("term perceptual: layer %d does not exist; the classifier has %d hidden layers (0..%d) and its logits (%d)", p.Layer, hidden, hidden-1, hidden)
	}
	w := p.phi.Width(p.layer)
	p.fy = make([]float64, w)
	p.e = make([]float64, w)
	p.k = s.K
	return nil
}

// Needs: the outputs (and the targets, which every Batch carries).
func (p *Perceptual) Needs() Needs { return Needs{Outputs: true, Layer: -1} }

// Value returns L on b.
func (p *Perceptual) Value(b *Batch) float64 { return p.eval(nil, b, 0) }

// AddGrad returns L and adds scale·∂L/∂Out to dout.
func (p *Perceptual) AddGrad(dout, dhidden []float64, b *Batch, scale float64) float64 {
	if dout == nil {
		panic("lossterms: perceptual: nil dout")
	}
	if len(dout) != len(b.Out) {
		panic(fmt.Sprintf("lossterms: perceptual: len(dout) = %d, want %d", len(dout), len(b.Out)))
	}
	return p.eval(dout, b, scale)
}

func (p *Perceptual) eval(dout []float64, b *Batch, scale float64) float64 {
	checkBatch("perceptual", b, p.Needs())
	K := p.k
	if b.K != K || len(b.Y) != b.N*K {
		panic(fmt.Sprintf("lossterms: perceptual: batch of %d outputs, len(Y) = %d; set up for %d outputs and targets per row", b.K, len(b.Y), K))
	}
	net, par := p.phi.net, p.phi.params
	s := 2 * scale / float64(b.N)
	var sum float64
	for i := range b.N {
		copy(p.fy, net.forward(par, b.Y[i*K:(i+1)*K], p.layer))
		x := b.Out[i*K : (i+1)*K]
		fx := net.forward(par, x, p.layer)
		var v float64
		for u, f := range fx {
			d := f - p.fy[u]
			v += d * d
			p.e[u] = s * d
		}
		sum += v
		if dout != nil {
			net.backward(par, x, p.layer, p.e, dout[i*K:(i+1)*K], 1, nil)
		}
	}
	return sum / float64(b.N)
}

// perceptualValue is a metric of the run's first perceptual term on a
// split with labels.
func perceptualValue(f func(p *Perceptual, v *SplitView) float64) func(*MetricEval, *SplitView, *MetricColumn) (float64, bool) {
	return func(e *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
		p, _, ok := evalTerm[*Perceptual](e)
		if !ok || v.Labels == nil {
			return 0, false
		}
		return f(p, v), true
	}
}
