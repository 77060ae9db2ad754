package compare

import (
	"github.com/lossexp/lossexp/report/table"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/lossexp/lossexp/experiments"
)

// Tests of a row: how the difference B − A was tested.
const (
	TestPaired = "paired" // a paired t-test on the runs both studies have (same seed, repeat and fold)
	TestWelch  = "welch"  // Welch's unequal-variances t-test on the two samples
)

// Estimate is one study's mean of a metric at a point, with its 95% CI.
type Estimate struct {
	N             int
	Mean          float64
	CILow, CIHigh float64
}

// Row compares one metric at one common point.
type Row struct {
	Metric  string
	Lambdas []float64 // aligned with Comparison.Terms
	Axes    []string  // aligned with Comparison.Axes
	A, B    Estimate
	Diff    float64 // B.Mean − A.Mean
	// Test is TestPaired when at least two runs pair, else TestWelch
	// when each side has two values, else "" (no test; Note says why).
	Test  string
	Pairs int // runs that pair (both ok, both with a value)
	// DMean, DLow, DHigh: the tested difference B − A and its 95% CI:
	// the mean of the pairs' differences (paired), or Diff (Welch).
	DMean, DLow, DHigh float64
	T, DF              float64
	P                  float64 // two-sided
	PHolm              float64 // P Holm-adjusted over the metric's rows
	Note               string
}

// metricRows compares metric m at every common point and Holm-adjusts
// the p-values over them.
func (c *Comparison) metricRows(m string) []Row {
	sa, sb := c.a.Summary, c.b.Summary
	ia, ib := slices.Index(sa.Metrics, m), slices.Index(sb.Metrics, m)
	ka, kb := newKeyer(sa, c.Terms, c.Axes), newKeyer(sb, c.Terms, c.Axes)
	va, vb := pairValues(c.a.Runs, slices.Index(c.a.Runs.Metrics, m), ka), pairValues(c.b.Runs, slices.Index(c.b.Runs.Metrics, m), kb)
	var rows []Row
	for _, pp := range c.common {
		pa, pb := sa.Points[pp[0]], sb.Points[pp[1]]
		key := ka.key(pa.Lambdas, pa.Axes)
		r := Row{Metric: m, Lambdas: ka.lambdas(pa.Lambdas), Axes: ka.axisValues(pa.Axes),
			A: estimate(pa.Stats[ia]), B: estimate(pb.Stats[ib])}
		r.Diff = r.B.Mean - r.A.Mean
		r.test(va[key], vb[key], pa.Stats[ia], pb.Stats[ib])
		rows = append(rows, r)
	}
	p := make([]float64, len(rows))
	for i, r := range rows {
		p[i] = r.P
	}
	for i, v := range table.HolmAdjust(p) {
		rows[i].PHolm = v
	}
	return rows
}

func estimate(st table.Stat) Estimate {
	return Estimate{N: st.N, Mean: st.Mean, CILow: st.CILow, CIHigh: st.CIHigh}
}

// pairValues maps each point's key to its ok runs' values of metric mi
// by pairing key (seed, repeat, fold).
func pairValues(runs *table.Runs, mi int, k keyer) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	if mi < 0 {
		return out
	}
	for _, r := range runs.Runs {
		v := r.Metrics[mi]
		if r.Status != experiments.StatusOK || !isFinite(v) {
			continue
		}
		key := k.key(r.Lambdas, r.Axes)
		if out[key] == nil {
			out[key] = map[string]float64{}
		}
		pk := r.Seed + "\x00" + strconv.Itoa(r.Repeat) + "\x00" + strconv.Itoa(r.Fold)
		if _, dup := out[key][pk]; !dup {
			out[key][pk] = v
		}
	}
	return out
}

// pairsOf returns the values of the runs both a and b have, in the
// order of their pairing keys, b's first.
func pairsOf(a, b map[string]float64) (xb, xa []float64) {
	var keys []string
	for k := range a {
		if _, ok := b[k]; ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		xb, xa = append(xb, b[k]), append(xa, a[k])
	}
	return xb, xa
}

// test fills the row's test of B − A: paired on the runs that pair when
// at least two do, else Welch's on the two samples' statistics.
func (r *Row) test(a, b map[string]float64, sa, sb table.Stat) {
	r.DMean, r.DLow, r.DHigh, r.T, r.DF, r.P = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
	xb, xa := pairsOf(a, b)
	r.Pairs = len(xb)
	if r.Pairs >= 2 {
		d := table.PairedTest(xb, xa) // d = B − A
		r.Test = TestPaired
		r.DMean, r.DLow, r.DHigh, r.T, r.DF, r.P, r.Note = d.Mean, d.CILow, d.CIHigh, d.T, float64(d.DF), d.P, d.Note
		return
	}
	if sa.N < 2 || sb.N < 2 {
		r.Note = "fewer than two values on a side and fewer than two pairs: no test"
		return
	}
	r.Test = TestWelch
	w := Welch(sa.Mean, sa.Std, sa.N, sb.Mean, sb.Std, sb.N)
	r.DMean, r.DLow, r.DHigh, r.T, r.DF, r.P, r.Note = w.Diff, w.CILow, w.CIHigh, w.T, w.DF, w.P, w.Note
}

// WelchTest is Welch's t-test of mean b − mean a.
type WelchTest struct {
	Diff, CILow, CIHigh float64 // b − a and its 95% CI
	T, DF, P            float64 // Welch–Satterthwaite degrees of freedom; two-sided p
	Note                string
}

// Welch compares two samples given by their means, sample standard
// deviations (n − 1) and sizes (each ≥ 2) with Welch's t-test:
// se² = sa²/na + sb²/nb, t = (mb − ma)/se, and
// df = se⁴ / ((sa²/na)²/(na−1) + (sb²/nb)²/(nb−1)).
func Welch(ma, sa float64, na int, mb, sb float64, nb int) WelchTest {
	w := WelchTest{Diff: mb - ma, CILow: math.NaN(), CIHigh: math.NaN(), T: math.NaN(), DF: math.NaN(), P: math.NaN()}
	va, vb := sa*sa/float64(na), sb*sb/float64(nb)
	se2 := va + vb
	if !(se2 > 0) {
		w.Note = "no variance on either side: no test"
		return w
	}
	w.DF = se2 * se2 / (va*va/float64(na-1) + vb*vb/float64(nb-1))
	se := math.Sqrt(se2)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: w.DF}
	half := t.Quantile(0.975) * se
	w.CILow, w.CIHigh = w.Diff-half, w.Diff+half
	w.T = w.Diff / se
	w.P = 2 * t.Survival(math.Abs(w.T))
	return w
}
