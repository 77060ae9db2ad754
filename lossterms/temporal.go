package lossterms

import (
	"fmt"
	"math"
)

var (
	_ BatchTerm = (*Temporal)(nil)
	_ Sequenced = (*Temporal)(nil)
)

// Norms of the temporal term.
const (
	NormL1        = "l1"         // Σ_j |d_j|
	NormL2        = "l2"         // √(Σ_j d_j²)
	NormL2Squared = "l2_squared" // Σ_j d_j²
)

// What the temporal term compares between frames.
const (
	OnProbabilities = "probabilities" // σ(z) per output (one logit, segmentation), softmax(z) (K > 1 classes)
	OnOutputs       = "outputs"       // the raw outputs z
)

func init() {
	register(Info{
		Kind:    "temporal",
		Family:  "temporal",
		Summary: "temporal consistency: mean over consecutive frames t, t+1 of the same sequence (dataset.sequence) of ‖ŷ_{t+1} − ŷ_t‖, on predicted probabilities or raw outputs",
		Params: []ParamInfo{
			{Name: "norm", Default: NormL1, Meaning: "l1 (Σ|d|, total variation: favours few, sharp changes) | l2 (Euclidean √Σd²) | l2_squared (Σd², smooth: favours many small changes)"},
			{Name: "on", Default: "probabilities (classification, segmentation); outputs (regression)", Meaning: "probabilities (σ of each logit, or the softmax over K > 2 classes) | outputs (the raw model outputs)"},
		},
		Metrics: flickerMetrics,
		Needs:   InfoNeeds{Sequences: true, Why: "compares consecutive frames of a sequence"},
		New: func(params map[string]any) (Term, error) {
			if err := checkParamNames("temporal", params, "norm", "on"); err != nil {
				return nil, err
			}
			t := &Temporal{}
			var err error
			if t.Norm, err = stringParam(params, "norm", NormL1, NormL1, NormL2, NormL2Squared); err != nil {
				return nil, err
			}
			if t.On, err = stringParam(params, "on", "", OnProbabilities, OnOutputs); err != nil {
				return nil, err
			}
			return t, nil
		},
	})
}

// Sequenced is a BatchTerm that reads which sequence each row of a batch
// belongs to. The rows of a batch are frames in order: row i+1 is the
// frame after row i when both carry the same sequence id. On every batch,
// before Value or AddGrad, the trainer calls SetSequence with the batch's
// N sequence ids, or with nil when the whole batch is one contiguous
// window of a single sequence. The term keeps the slice (it does not copy
// it) until the next call; it must not change in between.
type Sequenced interface {
	BatchTerm
	SetSequence(seq []int)
}

// Temporal is the temporal-consistency term. With ŷ_i the row-i vector it
// compares (the K raw outputs, or their probabilities: σ(z) per output
// for one logit or a segmentation mask, softmax(z) for K > 1 classes) and
// P the set of frame pairs of the batch, the rows (i, i+1) with
// seq[i] = seq[i+1], its value is
//
//	L = (1/|P|)·Σ_{(i,i+1)∈P} ‖ŷ_{i+1} − ŷ_i‖
//
// with ‖d‖ = Σ_j|d_j| (l1), √(Σ_j d_j²) (l2) or Σ_j d_j² (l2_squared).
// L = 0 when the batch has no pair. Where the norm is not differentiable
// (|d_j| = 0 for l1, d = 0 for l2) the subgradient 0 is used.
//
// The gradient with respect to the outputs goes through the
// probabilities: for σ, ∂ŷ_j/∂z_j = ŷ_j(1 − ŷ_j); for the softmax,
// ∂L/∂z_j = ŷ_j(g_j − Σ_m ŷ_m g_m) with g = ∂L/∂ŷ.
//
// Temporal implements Sequenced: without SetSequence (or after
// SetSequence(nil)) every consecutive pair of rows is a frame pair.
type Temporal struct {
	Norm string // NormL1, NormL2 or NormL2Squared
	On   string // OnProbabilities or OnOutputs; "" = by task, resolved by Setup

	on    string
	soft  bool // softmax over the row (classification, K > 1); else σ per output
	k     int
	p, dp []float64 // MaxBatch×K probabilities and ∂L/∂ŷ
	seq   []int
}

// Kind returns "temporal".
func (*Temporal) Kind() string { return "temporal" }

// Setup resolves On (probabilities unless the task is regression) and
// sizes the scratch buffers. It refuses probabilities on a regression
// task.
func (t *Temporal) Setup(s Shape) error {
	if s.K <= 0 || s.MaxBatch <= 0 {
		return fmt.Errorf("term temporal: run with %d outputs and batches of %d rows", s.K, s.MaxBatch)
	}
	t.on = t.On
	if t.on == "" {
		t.on = OnProbabilities
		if s.Task == TaskRegression {
			t.on = OnOutputs
		}
	}
	if t.on == OnProbabilities && s.Task == TaskRegression {
		return fmt.Errorf("term temporal: on: probabilities needs a classification or segmentation task; this run is a regression (use on: outputs)")
	}
	t.soft = s.Task == TaskClassification && s.K > 1
	t.k = s.K
	t.p = make([]float64, s.MaxBatch*s.K)
	t.dp = make([]float64, s.MaxBatch*s.K)
	return nil
}

// Needs: the outputs.
func (t *Temporal) Needs() Needs { return Needs{Outputs: true, Layer: -1} }

// SetSequence sets the sequence ids of the next batch's rows (nil: one
// sequence).
func (t *Temporal) SetSequence(seq []int) { t.seq = seq }

// Value returns L on b.
func (t *Temporal) Value(b *Batch) float64 { return t.eval(nil, b, 0) }

// AddGrad returns L and adds scale·∂L/∂Out to dout.
func (t *Temporal) AddGrad(dout, dhidden []float64, b *Batch, scale float64) float64 {
	if dout == nil {
		panic("lossterms: temporal: nil dout")
	}
	return t.eval(dout, b, scale)
}

func (t *Temporal) eval(dout []float64, b *Batch, scale float64) float64 {
	checkBatch("temporal", b, t.Needs())
	n, K := b.N, b.K
	if K != t.k || n*K > len(t.p) {
		panic(fmt.Sprintf("lossterms: temporal: batch of %d rows × %d outputs; set up for %d outputs and %d rows", n, K, t.k, len(t.p)/max(t.k, 1)))
	}
	if t.seq != nil && len(t.seq) != n {
		panic(fmt.Sprintf("lossterms: temporal: len(seq) = %d, want %d", len(t.seq), n))
	}
	if dout != nil && len(dout) != n*K {
		panic(fmt.Sprintf("lossterms: temporal: len(dout) = %d, want %d", len(dout), n*K))
	}
	y := t.smoothed(b)
	var dp []float64
	if dout != nil {
		dp = t.dp[:n*K]
		clear(dp)
	}
	var sum float64
	pairs := 0
	for i := 0; i+1 < n; i++ {
		if t.seq != nil && t.seq[i] != t.seq[i+1] {
			continue
		}
		pairs++
		a, c := y[i*K:(i+1)*K], y[(i+1)*K:(i+2)*K]
		norm := t.pairNorm(a, c)
		sum += norm
		if dp == nil {
			continue
		}
		t.addPairGrad(dp[i*K:(i+1)*K], dp[(i+1)*K:(i+2)*K], a, c, norm)
	}
	if pairs == 0 {
		return 0
	}
	inv := 1 / float64(pairs)
	if dout != nil {
		t.chain(dout, dp, y, n, K, scale*inv)
	}
	return sum * inv
}

// smoothed returns what the term smooths: the batch's outputs, or their
// probabilities (in t.p).
func (t *Temporal) smoothed(b *Batch) []float64 {
	if t.on != OnProbabilities {
		return b.Out
	}
	n, K := b.N, b.K
	y := t.p[:n*K]
	for i := range n {
		row, pr := b.Out[i*K:(i+1)*K], y[i*K:(i+1)*K]
		if t.soft {
			softmaxRow(pr, row)
		} else {
			for j, z := range row {
				pr[j] = sigmoid(z)
			}
		}
	}
	return y
}

// pairNorm is the term's norm of c − a for consecutive frames a, c.
func (t *Temporal) pairNorm(a, c []float64) float64 {
	var v float64
	switch t.Norm {
	case NormL1:
		for j := range a {
			v += math.Abs(c[j] - a[j])
		}
	default: // l2, l2_squared
		for j := range a {
			d := c[j] - a[j]
			v += d * d
		}
	}
	if t.Norm == NormL2 {
		return math.Sqrt(v)
	}
	return v
}

// addPairGrad adds g = ∂‖d‖/∂d (d = c − a, of norm norm) to dc, the
// gradient of row i+1, and subtracts it from da, that of row i.
func (t *Temporal) addPairGrad(da, dc, a, c []float64, norm float64) {
	for j := range a {
		d := c[j] - a[j]
		var g float64
		switch t.Norm {
		case NormL1:
			if d > 0 {
				g = 1
			} else if d < 0 {
				g = -1
			}
		case NormL2:
			if norm > 0 {
				g = d / norm
			}
		default:
			g = 2 * d
		}
		dc[j] += g
		da[j] -= g
	}
}

// chain adds s times the gradient dp in the smoothed values y to dout,
// the gradient in the outputs, through the softmax or sigmoid.
func (t *Temporal) chain(dout, dp, y []float64, n, K int, s float64) {
	for i := range n {
		g, dz := dp[i*K:(i+1)*K], dout[i*K:(i+1)*K]
		switch {
		case t.on == OnOutputs:
			for j, v := range g {
				dz[j] += s * v
			}
		case t.soft:
			pr := y[i*K : (i+1)*K]
			var dot float64
			for j, v := range g {
				dot += pr[j] * v
			}
			for j, v := range g {
				dz[j] += s * pr[j] * (v - dot)
			}
		default:
			pr := y[i*K : (i+1)*K]
			for j, v := range g {
				dz[j] += s * pr[j] * (1 - pr[j]) * v
			}
		}
	}
}

// softmaxRow writes softmax(z) to dst, subtracting the maximum first.
func softmaxRow(dst, z []float64) {
	m := z[0]
	for _, v := range z[1:] {
		m = math.Max(m, v)
	}
	var e float64
	for j, v := range z {
		dst[j] = math.Exp(v - m)
		e += dst[j]
	}
	for j := range dst {
		dst[j] /= e
	}
}

// PredictedLabels writes each row's predicted class to dst (len n): with
// k = 1 the output is a logit and the class is 1 when it is > 0, else 0;
// with k > 1 it is the argmax of the row, ties going to the lowest index
// (the conventions of Accuracy).
func PredictedLabels(dst []int, out []float64, n, k int) {
	if k <= 0 || n < 0 || len(out) != n*k || len(dst) != n {
		panic(fmt.Sprintf("lossterms: predicted labels: len(dst) = %d, len(out) = %d, n = %d, k = %d", len(dst), len(out), n, k))
	}
	for i := range n {
		if k == 1 {
			dst[i] = 0
			if out[i] > 0 {
				dst[i] = 1
			}
			continue
		}
		row := out[i*k : (i+1)*k]
		c := 0
		for j, v := range row {
			if v > row[c] {
				c = j
			}
		}
		dst[i] = c
	}
}

// Flicker returns the fraction of frame pairs whose labels differ. The
// rows are frames in order within their sequence; a frame pair is two
// consecutive rows i, i+1 with seq[i] = seq[i+1] (seq nil: every
// consecutive pair, one sequence). It returns NaN when there is no frame
// pair. It does not allocate.
func Flicker(labels, seq []int) float64 {
	if seq != nil && len(seq) != len(labels) {
		panic(fmt.Sprintf("lossterms: flicker: len(labels) = %d, len(seq) = %d", len(labels), len(seq)))
	}
	pairs, changes := 0, 0
	for i := 0; i+1 < len(labels); i++ {
		if seq != nil && seq[i] != seq[i+1] {
			continue
		}
		pairs++
		if labels[i] != labels[i+1] {
			changes++
		}
	}
	if pairs == 0 {
		return math.NaN()
	}
	return float64(changes) / float64(pairs)
}

// FlickerExcess returns Flicker(pred, seq) − Flicker(truth, seq): how
// much more often the predicted label changes between consecutive frames
// than the true label does (0 for a perfect per-frame classifier,
// negative when predictions lag or skip true transitions). NaN when there
// is no frame pair.
func FlickerExcess(pred, truth, seq []int) float64 {
	if len(pred) != len(truth) {
		panic(fmt.Sprintf("lossterms: flicker_excess: len(pred) = %d, len(truth) = %d", len(pred), len(truth)))
	}
	return Flicker(pred, seq) - Flicker(truth, seq)
}
