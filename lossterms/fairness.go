package lossterms

import (
	"fmt"
)

var _ BatchTerm = (*Fairness)(nil)

// Fairness metrics a Fairness term can penalise.
const (
	DemographicParity = "demographic_parity"
	EqualizedOdds     = "equalized_odds"
	AccuracyParity    = "accuracy_parity"
)

// fairnessMetrics are the metrics every group-aware study reports (the
// trainer's own group metrics).
var fairnessMetrics = groupMetrics

func init() {
	register(Info{
		Kind:    "fairness",
		Family:  "fairness",
		Summary: "gap between groups of the sensitive attribute (dataset.group) in mean predicted probability, the same per true label, or mean task loss; binary classification",
		Params: []ParamInfo{{
			Name:    "metric",
			Default: DemographicParity,
			Meaning: "demographic_parity (mean σ(z) per group) | equalized_odds (the same within each true label, summed over labels) | accuracy_parity (mean cross-entropy per group); the value is the mean squared difference over pairs of groups present in the batch",
		}},
		Metrics: fairnessMetrics,
		Needs:   InfoNeeds{Groups: true},
		New: func(params map[string]any) (Term, error) {
			if err := checkParamNames("fairness", params, "metric"); err != nil {
				return nil, err
			}
			m, err := stringParam(params, "metric", DemographicParity, DemographicParity, EqualizedOdds, AccuracyParity)
			if err != nil {
				return nil, err
			}
			return &Fairness{Metric: m}, nil
		},
	})
}

// Fairness is a differentiable surrogate of a group-fairness gap for a
// binary classifier (one logit z per row, p = σ(z)). Per group g of the
// sensitive attribute present in the batch it takes a mean m_g:
//
//   - demographic_parity: m_g = mean of p over the group's rows;
//   - equalized_odds: the same within each true label c ∈ {0, 1}
//     separately (m_{c,g}: mean p over the rows of group g with label c);
//   - accuracy_parity: m_g = mean cross-entropy of the group's rows.
//
// The value is the mean over pairs of present groups of (m_a − m_b)² (for
// two groups, the squared gap; for more, every pair counts, not only the
// extremes); equalized_odds sums that over the two labels. A batch with
// fewer than two groups present (within a label) contributes 0. The
// square, rather than |m_a − m_b|, keeps the term smooth: with the
// absolute gap, whose gradient does not shrink near parity, Adam
// overshoots parity at large λ and the gap changes sign from step to step.
type Fairness struct {
	Metric string

	groups int
	sum    []float64 // per (label, group) sums; label axis 2 for equalized_odds
	cnt    []float64
	dm     []float64 // ∂Value/∂m per (label, group)
}

// Kind returns "fairness".
func (*Fairness) Kind() string { return "fairness" }

// Setup needs groups and a binary classification task.
func (f *Fairness) Setup(s Shape) error {
	if err := needBinaryGroups("fairness", s); err != nil {
		return err
	}
	f.groups = s.Groups
	f.sum = make([]float64, 2*s.Groups)
	f.cnt = make([]float64, 2*s.Groups)
	f.dm = make([]float64, 2*s.Groups)
	return nil
}

func needBinaryGroups(kind string, s Shape) error {
	if s.Groups == 0 {
		return fmt.Errorf("term %s needs a group column (dataset.group) or a built-in dataset with groups", kind)
	}
	if s.Groups < 2 {
		return fmt.Errorf("term %s needs at least two groups; the group column has %d", kind, s.Groups)
	}
	if s.Task != TaskClassification || s.K != 1 {
		return fmt.Errorf("term %s needs a binary classification task (one logit); this run has task %s with %d outputs", kind, s.Task, s.K)
	}
	return nil
}

// Needs: the outputs and the groups.
func (f *Fairness) Needs() Needs { return Needs{Outputs: true, Layer: -1, Groups: true} }

// Value returns the surrogate gap on b.
func (f *Fairness) Value(b *Batch) float64 { return f.eval(nil, b, 0) }

// AddGrad returns the gap and adds scale·∂gap/∂z to dout.
func (f *Fairness) AddGrad(dout, dhidden []float64, b *Batch, scale float64) float64 {
	if dout == nil {
		panic("lossterms: fairness: nil dout")
	}
	return f.eval(dout, b, scale)
}

// rowMean returns the per-row quantity a group mean is taken over and its
// derivative with respect to the logit.
func (f *Fairness) rowMean(z, y float64) (v, dv float64) {
	if f.Metric == AccuracyParity {
		return softplus(z) - y*z, sigmoid(z) - y
	}
	p := sigmoid(z)
	return p, p * (1 - p)
}

func (f *Fairness) eval(dout []float64, b *Batch, scale float64) float64 {
	checkBatch("fairness", b, f.Needs())
	if dout != nil && len(dout) != b.N {
		panic(fmt.Sprintf("lossterms: fairness: len(dout) = %d, want %d", len(dout), b.N))
	}
	G := f.groups
	labels := 1
	if f.Metric == EqualizedOdds {
		labels = 2
	}
	clear(f.sum)
	clear(f.cnt)
	for i, z := range b.Out {
		g := b.Group[i]
		c := 0
		if labels == 2 {
			c = int(b.Y[i])
		}
		v, _ := f.rowMean(z, b.Y[i])
		f.sum[c*G+g] += v
		f.cnt[c*G+g]++
	}
	var val float64
	for c := range labels {
		val += pairGap(f.sum[c*G:(c+1)*G], f.cnt[c*G:(c+1)*G], f.dm[c*G:(c+1)*G])
	}
	if dout != nil {
		for i, z := range b.Out {
			g := b.Group[i]
			c := 0
			if labels == 2 {
				c = int(b.Y[i])
			}
			_, dv := f.rowMean(z, b.Y[i])
			dout[i] += scale * f.dm[c*G+g] / f.cnt[c*G+g] * dv
		}
	}
	return val
}

// pairGap turns sums and counts per group into means m_g (in place of
// sum) and returns the mean over pairs of groups with cnt > 0 of
// (m_a − m_b)², writing ∂value/∂m_g to dm (0 for absent groups). It
// returns 0 when fewer than two groups are present.
func pairGap(sum, cnt, dm []float64) float64 {
	present := 0
	for g, c := range cnt {
		dm[g] = 0
		if c > 0 {
			sum[g] /= c
			present++
		}
	}
	if present < 2 {
		return 0
	}
	pairs := float64(present * (present - 1) / 2)
	var v float64
	for a := range cnt {
		if cnt[a] == 0 {
			continue
		}
		for b := a + 1; b < len(cnt); b++ {
			if cnt[b] == 0 {
				continue
			}
			d := sum[a] - sum[b]
			v += d * d
			dm[a] += 2 * d / pairs
			dm[b] -= 2 * d / pairs
		}
	}
	return v / pairs
}
