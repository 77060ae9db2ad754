package lossterms

import (
	"fmt"
	"math"
	"slices"
)

var _ BatchTerm = (*Decorrelation)(nil)

func init() {
	register(Info{
		Kind:    "decorrelation",
		Family:  "disentanglement",
		Summary: "DeCov: ½·Σ over pairs a ≠ b of the squared covariance, over the batch, of units a and b of a hidden layer (Cogswell et al. 2016)",
		Params: []ParamInfo{{
			Name:    "layer",
			Default: "-1",
			Meaning: "hidden layer whose units are decorrelated, 0-based; -1 = the last",
		}},
		Metrics: []MetricDef{
			{Pattern: "<split>.gap_score", Better: "higher", Order: 701, How: "GapScore",
				Meaning: "per generating factor of a builtin, the largest minus the second largest |correlation| with a unit of the decorrelation term's layer, averaged over factors: 1 = each factor has a unit of its own",
				When:    func(c *MetricContext) bool { return c.Factors },
				Value: decorrelationValue(func(h []float64, w int, v *SplitView) (float64, bool) {
					return GapScore(h, v.N, w, v.Factors, v.F), v.F > 0
				})},
			{Pattern: "<split>.mean_abs_corr", Better: "lower", Order: 700, How: "MeanAbsCorr",
				Meaning: "mean over pairs of units of the decorrelation term's hidden layer of |correlation| of their activations on the split (constant units left out)",
				Value: decorrelationValue(func(h []float64, w int, v *SplitView) (float64, bool) {
					return MeanAbsCorr(h, v.N, w), true
				})},
		},
		Needs: InfoNeeds{Hidden: true},
		New: func(params map[string]any) (Term, error) {
			if err := checkParamNames("decorrelation", params, "layer"); err != nil {
				return nil, err
			}
			l, err := layerParam(params)
			if err != nil {
				return nil, err
			}
			return &Decorrelation{Layer: l}, nil
		},
	})
}

// Decorrelation is the DeCov penalty on hidden layer Layer: with
// C_ab = (1/n)·Σ_i (h_ia − μ_a)(h_ib − μ_b) the covariance over the n rows
// of the batch, the value is ½·Σ_{a≠b} C_ab² = ½(‖C‖²_F − ‖diag C‖²). Its
// gradient is ∂/∂h_ic = (2/n)·Σ_{b≠c} C_cb (h_ib − μ_b).
type Decorrelation struct {
	Layer int // as given: -1 = the last hidden layer; resolved by Setup

	layer int
	mu, c []float64
}

// Kind returns "decorrelation".
func (*Decorrelation) Kind() string { return "decorrelation" }

// Setup needs a hidden layer.
func (d *Decorrelation) Setup(s Shape) error {
	l, err := resolveLayer("decorrelation", d.Layer, s)
	if err != nil {
		return err
	}
	d.layer = l
	h := s.Hidden[l]
	d.mu = make([]float64, h)
	d.c = make([]float64, h*h)
	return nil
}

// Needs: the hidden layer.
func (d *Decorrelation) Needs() Needs { return Needs{Layer: d.layer} }

// Value returns ½·Σ_{a≠b} C_ab².
func (d *Decorrelation) Value(b *Batch) float64 { return d.eval(nil, b, 0) }

// AddGrad returns the value and adds scale·∂/∂Hidden to dhidden.
func (d *Decorrelation) AddGrad(dout, dhidden []float64, b *Batch, scale float64) float64 {
	if dhidden == nil {
		panic("lossterms: decorrelation: nil dhidden")
	}
	return d.eval(dhidden, b, scale)
}

func (d *Decorrelation) eval(dh []float64, b *Batch, scale float64) float64 {
	checkBatch("decorrelation", b, d.Needs())
	H, n := b.H, b.N
	if H != len(d.mu) || (dh != nil && len(dh) != n*H) {
		panic(fmt.Sprintf("lossterms: decorrelation: batch width %d, len(dhidden) = %d; set up for width %d", H, len(dh), len(d.mu)))
	}
	invN := 1 / float64(n)
	clear(d.mu)
	for i := range n {
		for a, v := range b.Hidden[i*H : (i+1)*H] {
			d.mu[a] += v
		}
	}
	for a := range d.mu {
		d.mu[a] *= invN
	}
	clear(d.c)
	for i := range n {
		row := b.Hidden[i*H : (i+1)*H]
		for a := range H {
			da := row[a] - d.mu[a]
			ca := d.c[a*H : (a+1)*H]
			for bb := a + 1; bb < H; bb++ {
				ca[bb] += da * (row[bb] - d.mu[bb])
			}
		}
	}
	var v float64
	for a := range H {
		for bb := a + 1; bb < H; bb++ {
			c := d.c[a*H+bb] * invN
			d.c[a*H+bb], d.c[bb*H+a] = c, c
			v += c * c // each pair counted once: ½·(C_ab² + C_ba²)
		}
	}
	if dh != nil {
		s := 2 * invN * scale
		for i := range n {
			row := b.Hidden[i*H : (i+1)*H]
			drow := dh[i*H : (i+1)*H]
			for c := range H {
				cc := d.c[c*H : (c+1)*H]
				var g float64
				for bb, v := range row {
					if bb != c {
						g += cc[bb] * (v - d.mu[bb])
					}
				}
				drow[c] += s * g
			}
		}
	}
	return v
}

// columnStats returns the mean and the standard deviation (1/n) of each
// of the w columns of the n×w matrix a.
func columnStats(a []float64, n, w int) (mean, sd []float64) {
	mean, sd = make([]float64, w), make([]float64, w)
	for i := range n {
		for j, v := range a[i*w : (i+1)*w] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := range n {
		for j, v := range a[i*w : (i+1)*w] {
			d := v - mean[j]
			sd[j] += d * d
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / float64(n))
	}
	return mean, sd
}

// corr returns the correlation over n rows of column i of a (width wa)
// and column j of b (width wb), given their means and standard
// deviations.
func corr(a []float64, wa, i int, b []float64, wb, j, n int, ma, sa, mb, sb float64) float64 {
	var s float64
	for r := range n {
		s += (a[r*wa+i] - ma) * (b[r*wb+j] - mb)
	}
	return s / float64(n) / (sa * sb)
}

// MeanAbsCorr returns the mean over pairs of distinct units of a hidden
// layer (the n×w matrix h) of the absolute correlation of their
// activations. Constant units (dead ReLUs) have no correlation and are
// left out; NaN when fewer than two units vary. It allocates O(w).
func MeanAbsCorr(h []float64, n, w int) float64 {
	if n < 0 || w <= 0 || len(h) != n*w {
		panic(fmt.Sprintf("lossterms: mean_abs_corr: len(h) = %d, n = %d, w = %d", len(h), n, w))
	}
	mean, sd := columnStats(h, n, w)
	var s float64
	pairs := 0
	for a := range w {
		if !(sd[a] > 0) {
			continue
		}
		for b := a + 1; b < w; b++ {
			if !(sd[b] > 0) {
				continue
			}
			s += math.Abs(corr(h, w, a, h, w, b, n, mean[a], sd[a], mean[b], sd[b]))
			pairs++
		}
	}
	if pairs == 0 {
		return math.NaN()
	}
	return s / float64(pairs)
}

// GapScore measures how well each generating factor is captured by a
// single unit: for each factor (column of the n×nf matrix f), the
// absolute correlations with the units of the n×w matrix h are sorted,
// and the gap between the largest and the second largest is taken; the
// score is the mean gap over the factors. Constant units count as
// correlation 0; a constant factor is left out. 1 means every factor has
// one unit that follows it exactly and no other that does; 0, that no
// unit stands out. With one unit the gap is the largest correlation
// itself. NaN when no factor varies. It allocates O(w + nf).
func GapScore(h []float64, n, w int, f []float64, nf int) float64 {
	if n < 0 || w <= 0 || nf <= 0 || len(h) != n*w || len(f) != n*nf {
		panic(fmt.Sprintf("lossterms: gap_score: len(h) = %d, len(f) = %d, n = %d, w = %d, factors = %d", len(h), len(f), n, w, nf))
	}
	hm, hs := columnStats(h, n, w)
	fm, fs := columnStats(f, n, nf)
	c := make([]float64, w)
	var s float64
	m := 0
	for k := range nf {
		if !(fs[k] > 0) {
			continue
		}
		for j := range w {
			c[j] = 0
			if hs[j] > 0 {
				c[j] = math.Abs(corr(f, nf, k, h, w, j, n, fm[k], fs[k], hm[j], hs[j]))
			}
		}
		slices.Sort(c)
		gap := c[w-1]
		if w > 1 {
			gap -= c[w-2]
		}
		s += gap
		m++
	}
	if m == 0 {
		return math.NaN()
	}
	return s / float64(m)
}

// decorrelationValue is a metric of the run's first decorrelation term's
// layer (h, of width w) on the split.
func decorrelationValue(f func(h []float64, w int, v *SplitView) (float64, bool)) func(*MetricEval, *SplitView, *MetricColumn) (float64, bool) {
	return func(e *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
		d, _, ok := evalTerm[*Decorrelation](e)
		if !ok {
			return 0, false
		}
		h, w := v.Hidden(d.layer)
		return f(h, w, v)
	}
}
