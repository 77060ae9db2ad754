package table

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/lossexp/lossexp/experiments"
)

// Balance points of one swept term, chosen on the task metric along the
// term's slice of the grid (see TermAnalysis).
//
//   - Best: the λ with the best mean task metric. Ties (means equal to
//     within 1e-9 relative) go to the larger λ, as glmnet's lambda.min,
//     which scans the path from large λ to small.
//   - OneSE: the largest λ whose mean is within one standard error of the
//     best mean, SE = std/√n at Best (the one-standard-error rule of
//     glmnet's lambda.1se); with cross-validation (cv.<metric>) SE is
//     cv.glmnet's: sd over the folds/√K, pooled over repeats (Stat.SE).
//     Undefined when Best has a single run.
//   - Knee: the knee of the trade-off curve between the term's metric and
//     the task metric, found with Kneedle (Satopää et al., 2011, offline,
//     no sensitivity threshold): both metrics are oriented so that larger
//     is better, min–max normalised to [0, 1] over the slice, and the knee
//     is the point furthest above the chord of a pure trade-off, that is
//     the maximum of the difference curve x̂ + ŷ − 1 (x̂ the term's
//     metric, ŷ the task metric). No knee when that maximum is not above 0
//     (no point beats the chord), when either metric is flat, or with
//     fewer than 3 points. Ties go to the larger λ.
//   - Overshadow: the smallest λ > 0 whose mean task metric is worse than
//     the λ = 0 mean beyond the 95% CI of the λ = 0 runs: where the term
//     starts to overshadow the task. Undefined without λ = 0 in the grid or
//     with a single run there.
//
// Grid points with a diverged run, or without a task-metric value, are left
// out of every choice: their mean is over the survivors only. Excluded
// lists them.
type Balance struct {
	Best, OneSE, Knee, Overshadow BalancePoint
	Excluded                      []string // "λ=0.1: 2 of 5 runs diverged"
	// PartlyFailed lists the points that take part although some of
	// their runs failed (their mean is over the others): "λ=1: 1 of 3
	// runs failed".
	PartlyFailed []string
}

// BalancePoint is one balance point; Point is -1 when it is undefined, and
// Note then says why (Note may also qualify a defined point).
type BalancePoint struct {
	Point  int     // index in Summary.Points; -1 = undefined
	Lambda float64 // the term's λ there
	Note   string
}

// Names of the balance points, as written in balance.csv.
const (
	BalanceBest       = "lambda_best"
	Balance1SE        = "lambda_1se"
	BalanceKnee       = "knee"
	BalanceOvershadow = "lambda_overshadow"
)

// curvePoint is one grid point of a term's curve, in the units of the
// balance-point rules.
type curvePoint struct {
	Lambda   float64
	Task     Stat   // the task metric over the ok runs
	Term     Stat   // the term's metric; Mean NaN when there is none
	Excluded string // non-empty: why the point takes no part
}

// BalanceOf computes the balance points of ta along its slice.
func BalanceOf(s *Summary, ta *TermAnalysis, task MetricChoice) Balance {
	pts := make([]curvePoint, len(ta.Points))
	ref := -1
	for k, pi := range ta.Points {
		p := s.Points[pi]
		cp := curvePoint{Lambda: p.Lambdas[ta.Index], Task: p.Stats[task.Index], Term: Stat{Mean: math.NaN()}}
		if ta.Metric.Index >= 0 {
			cp.Term = p.Stats[ta.Metric.Index]
		}
		switch {
		case p.Diverged > 0:
			cp.Excluded = fmt.Sprintf("%d of %d runs diverged", p.Diverged, p.N)
		case cp.Task.N == 0 && p.Failed == p.N:
			cp.Excluded = fmt.Sprintf("all %d runs failed", p.N)
		case cp.Task.N == 0 && p.Failed > 0:
			cp.Excluded = fmt.Sprintf("%d of %d runs failed, no %s value in the others", p.Failed, p.N, task.Name)
		case cp.Task.N == 0 || !IsFinite(cp.Task.Mean):
			cp.Excluded = "no " + task.Name + " value"
		}
		if pi == ta.Ref {
			ref = k
		}
		pts[k] = cp
	}
	b := balancePoints(pts, ref, task.Higher, ta.Metric.Higher)
	for k, pi := range ta.Points {
		if p := s.Points[pi]; p.Failed > 0 && pts[k].Excluded == "" {
			b.PartlyFailed = append(b.PartlyFailed, fmt.Sprintf("λ=%s: %d of %d runs failed", FormatLambda(pts[k].Lambda), p.Failed, p.N))
		}
	}
	for _, bp := range []*BalancePoint{&b.Best, &b.OneSE, &b.Knee, &b.Overshadow} {
		if bp.Point >= 0 {
			bp.Point = ta.Points[bp.Point]
		}
	}
	return b
}

// sameMean reports whether two means are equal up to rounding noise.
func sameMean(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// balancePoints applies the rules of Balance to pts, sorted by λ
// ascending; ref is the index of λ = 0 in pts or -1. The Points of the
// result index pts.
func balancePoints(pts []curvePoint, ref int, taskHigher, termHigher bool) Balance {
	b := Balance{
		Best: BalancePoint{Point: -1}, OneSE: BalancePoint{Point: -1},
		Knee: BalancePoint{Point: -1}, Overshadow: BalancePoint{Point: -1},
	}
	var ok []int
	for i, p := range pts {
		if p.Excluded != "" {
			b.Excluded = append(b.Excluded, "λ="+FormatLambda(p.Lambda)+": "+p.Excluded)
			continue
		}
		ok = append(ok, i)
	}
	if len(ok) == 0 {
		note := "no grid point has a usable task metric"
		b.Best.Note, b.OneSE.Note, b.Knee.Note, b.Overshadow.Note = note, note, note, note
		return b
	}
	b.Best = bestPoint(pts, ok, taskHigher)
	b.OneSE = oneSEPoint(pts, ok, b.Best.Point, taskHigher)
	// Knee (Kneedle).
	b.Knee = knee(pts, ok, taskHigher, termHigher)
	b.Overshadow = overshadowPoint(pts, ok, ref, taskHigher)
	return b
}

// atPoint is the balance point at pts[i].
func atPoint(pts []curvePoint, i int) BalancePoint {
	return BalancePoint{Point: i, Lambda: pts[i].Lambda}
}

// bestPoint is λ_best among the usable points ok: ties go to the larger λ.
func bestPoint(pts []curvePoint, ok []int, taskHigher bool) BalancePoint {
	best := ok[0]
	for _, i := range ok[1:] {
		v, bv := orient(pts[i].Task.Mean, taskHigher), orient(pts[best].Task.Mean, taskHigher)
		if v > bv || sameMean(v, bv) {
			best = i
		}
	}
	bp := atPoint(pts, best)
	flat := true
	for _, i := range ok {
		if !sameMean(pts[i].Task.Mean, pts[best].Task.Mean) {
			flat = false
		}
	}
	if flat && len(ok) > 1 {
		bp.Note = "flat: every λ ties for the best mean; the largest is reported"
	}
	return bp
}

// oneSEPoint is λ_1se: the largest λ whose mean is within one standard
// error of the best's.
func oneSEPoint(pts []curvePoint, ok []int, best int, taskHigher bool) BalancePoint {
	bs := pts[best].Task
	if !IsFinite(bs.StdErr()) {
		return BalancePoint{Point: -1, Note: "single run at λ_best: no standard error, so no 1-SE rule"}
	}
	se := bs.StdErr()
	thr := orient(bs.Mean, taskHigher) - se
	pick := best
	for _, i := range ok {
		v := orient(pts[i].Task.Mean, taskHigher)
		if (v >= thr || sameMean(v, thr)) && pts[i].Lambda > pts[pick].Lambda {
			pick = i
		}
	}
	bp := atPoint(pts, pick)
	if pick == best && best != ok[len(ok)-1] {
		bp.Note = "no larger λ is within 1 SE of the best"
	}
	return bp
}

// overshadowPoint is λ_overshadow: the smallest λ > 0 whose mean is worse
// than the λ = 0 point (ref) beyond its 95% interval.
func overshadowPoint(pts []curvePoint, ok []int, ref int, taskHigher bool) BalancePoint {
	switch {
	case ref < 0:
		return BalancePoint{Point: -1, Note: "no λ = 0 run in the grid to compare with"}
	case pts[ref].Excluded != "":
		return BalancePoint{Point: -1, Note: "the λ = 0 point is left out (" + pts[ref].Excluded + ")"}
	case !IsFinite(pts[ref].Task.CILow):
		return BalancePoint{Point: -1, Note: "single run at λ = 0: no 95% interval to compare with"}
	}
	r := pts[ref].Task
	for _, i := range ok {
		if pts[i].Lambda <= 0 {
			continue
		}
		m := pts[i].Task.Mean
		if (taskHigher && m < r.CILow && !sameMean(m, r.CILow)) || (!taskHigher && m > r.CIHigh && !sameMean(m, r.CIHigh)) {
			return atPoint(pts, i)
		}
	}
	return BalancePoint{Point: -1, Note: "no λ in the grid is worse than λ = 0 beyond its 95% CI"}
}

// knee finds the Kneedle knee of the (term metric, task metric) curve over
// the points ok of pts; see Balance.
func knee(pts []curvePoint, ok []int, taskHigher, termHigher bool) BalancePoint {
	bp := BalancePoint{Point: -1}
	var idx []int
	for _, i := range ok {
		if IsFinite(pts[i].Term.Mean) {
			idx = append(idx, i)
		}
	}
	if len(idx) < 3 {
		bp.Note = "fewer than 3 points with both metrics: no curve to find a knee on"
		if len(ok) >= 3 {
			bp.Note = "no term metric: no trade-off curve"
		}
		return bp
	}
	xs, ys := make([]float64, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		xs[k], ys[k] = pts[i].Term.Mean, pts[i].Task.Mean
		if !termHigher {
			xs[k] = -xs[k]
		}
		if !taskHigher {
			ys[k] = -ys[k]
		}
	}
	if !normalise(xs) {
		bp.Note = "the term's metric is flat: no trade-off curve"
		return bp
	}
	if !normalise(ys) {
		bp.Note = "the task metric is flat: no trade-off, so no knee"
		return bp
	}
	bestK, bestD := -1, 0.0
	for k := range idx {
		d := xs[k] + ys[k] - 1
		if bestK < 0 || d > bestD || sameMean(d, bestD) {
			bestK, bestD = k, d
		}
	}
	if bestD <= 1e-9 {
		bp.Note = "no point lies above the chord of the trade-off curve (convex or linear curve): no knee"
		return bp
	}
	bp.Point, bp.Lambda = idx[bestK], pts[idx[bestK]].Lambda
	return bp
}

// normalise maps v to [0, 1] by min–max in place; false if v is constant
// (up to rounding).
func normalise(v []float64) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	if sameMean(lo, hi) {
		return false
	}
	for i := range v {
		v[i] = (v[i] - lo) / (hi - lo)
	}
	return true
}

// Paired is the paired comparison of one grid point with λ = 0 on one
// metric, over the repeats both have (runs with the same repeat index
// share data split, initialization and batch order).
type Paired struct {
	Term   string
	Fixed  string
	Lambda float64
	Point  int // in Summary.Points
	Metric string
	Higher bool
	PairedDiff
	// PHolm is P adjusted for multiple comparisons by Holm's step-down
	// method over the family of tests of one term slice on one metric
	// (every λ of the slice against λ = 0); NaN when P is. Effect decides
	// on it.
	PHolm float64
}

// PairedDiff is a paired comparison: d_r = value at λ − value at λ = 0.
type PairedDiff struct {
	N             int     // pairs with both runs ok and both values present
	Mean          float64 // mean of d; NaN if N = 0
	Std           float64 // sample standard deviation of d; NaN if N < 2
	CILow, CIHigh float64 // 95% Student-t CI of the mean of d; NaN if N < 2
	T             float64 // t = mean/(std/√N); NaN if N < 2 or std = 0
	DF            int     // N − 1
	P             float64 // two-sided p-value of the paired t-test; NaN when T is
	Note          string
}

// PairedTest compares x with ref pair by pair (x[i] with ref[i]).
func PairedTest(x, ref []float64) PairedDiff {
	if len(x) != len(ref) {
		panic("report: PairedTest: slices of different lengths")
	}
	pd := PairedDiff{N: len(x), Mean: math.NaN(), Std: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN(), T: math.NaN(), P: math.NaN(), DF: len(x) - 1}
	if len(x) == 0 {
		pd.DF = 0
		pd.Note = "no pairs"
		return pd
	}
	d := make([]float64, len(x))
	for i := range x {
		d[i] = x[i] - ref[i]
	}
	if len(d) == 1 {
		pd.Mean = d[0]
		pd.Note = "single pair: no CI and no test"
		return pd
	}
	pd.Mean, pd.Std = stat.MeanStdDev(d, nil)
	n := float64(len(d))
	se := pd.Std / math.Sqrt(n)
	tq := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}
	half := tq.Quantile(0.975) * se
	pd.CILow, pd.CIHigh = pd.Mean-half, pd.Mean+half
	if pd.Std == 0 || pd.Std <= 1e-12*math.Abs(pd.Mean) { // constant up to rounding
		if pd.Mean == 0 {
			pd.Note = "every pair is identical: no test"
		} else {
			pd.Note = "every pair differs by the same amount: no test"
		}
		pd.CILow, pd.CIHigh = pd.Mean, pd.Mean
		return pd
	}
	pd.T = pd.Mean / se
	pd.P = 2 * tq.Survival(math.Abs(pd.T))
	return pd
}

// Effect says whether the difference is significant at 5% after the Holm
// correction, and in which direction for a metric where higher (or lower)
// is better: "better", "worse", "n.s.", or "" when there is no test. A
// difference that is the same in every pair (no variance, so no t-test)
// is significant by that fact; one that is 0 in every pair is "n.s.".
func (p *Paired) Effect() string {
	sign := 0
	switch {
	case IsFinite(p.PHolm):
		if p.PHolm < 0.05 {
			sign = cmpSign(p.Mean)
		}
	case IsFinite(p.CILow) && p.CILow == p.CIHigh: // constant difference
		sign = cmpSign(p.Mean)
	default:
		return ""
	}
	switch {
	case sign == 0:
		return "n.s."
	case (sign > 0) == p.Higher:
		return "better"
	}
	return "worse"
}

func cmpSign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// HolmAdjust returns Holm's step-down adjusted p-values (Holm, 1979) of
// the family p: with the m finite p-values sorted ascending,
// p̃(i) = max over j ≤ i of min(1, (m − j + 1)·p(j)). Rejecting where
// p̃ < α controls the family-wise error rate at α. NaN entries (no test)
// stay NaN and do not count in m. The result is in the order of p.
func HolmAdjust(p []float64) []float64 {
	out := make([]float64, len(p))
	var idx []int
	for i, v := range p {
		out[i] = math.NaN()
		if IsFinite(v) {
			idx = append(idx, i)
		}
	}
	// A stable sort keeps ties in input order, so equal p-values get
	// equal adjusted values whatever their order (the running max).
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
	m, run := len(idx), 0.0
	for j, i := range idx {
		run = max(run, min(1, float64(m-j)*p[i]))
		out[i] = run
	}
	return out
}

// pairAll fills the paired comparisons of every term analysis: each point
// of its slice against its λ = 0 point, run by run (repeat r with repeat
// r), on the task metric and then on the term's metric. A first pass over
// the runs keeps those of the reference points (one per term and axis
// point); a second takes each point's runs as they come (a point's runs
// are contiguous in runs.csv) and compares them. Only the reference
// points and the point being read are held; a table whose points are not
// contiguous is read whole instead.
func (a *Analysis) pairAll() error {
	pp := &pairer{a: a, index: PointIndex(a.Summary),
		refs: map[int]map[int]*Run{}, compare: map[int][]int{}, results: map[pairKey]Paired{}}
	for k, ta := range a.Terms {
		if ta.Ref < 0 {
			continue
		}
		pp.refs[ta.Ref] = map[int]*Run{}
		for _, pi := range ta.Points {
			if pi != ta.Ref {
				pp.compare[pi] = append(pp.compare[pi], k)
			}
		}
	}
	if len(pp.refs) == 0 {
		return nil
	}
	if err := a.EachRun(func(r *Run) error {
		if p, ok := pp.index[PointKey(r)]; ok && pp.refs[p] != nil {
			pp.refs[p][r.Repeat] = r
		}
		return nil
	}); err != nil {
		return err
	}
	// Second pass: one point at a time; all of them if they are scattered.
	scattered, err := pp.pass(false)
	if err != nil {
		return err
	}
	if scattered {
		if _, err := pp.pass(true); err != nil {
			return err
		}
	}
	pp.fill()
	return nil
}

// pairer holds pairAll's state: the reference points' runs by repeat,
// the term analyses that compare each point, and the comparisons made.
type pairer struct {
	a       *Analysis
	index   map[string]int
	refs    map[int]map[int]*Run // reference point → repeat → run
	compare map[int][]int        // point → term analyses that compare it
	results map[pairKey]Paired
}

// pairKey names one comparison: term analysis k, its metric m (0 the
// task's, 1 the term's), point p.
type pairKey struct{ k, m, p int }

// pairedMetrics are the metrics a term's points are compared on: the task
// metric, then the term's metric when it has one.
func (a *Analysis) pairedMetrics(ta *TermAnalysis) []MetricChoice {
	ms := []MetricChoice{a.Task}
	if ta.Metric.Index >= 0 {
		ms = append(ms, ta.Metric)
	}
	return ms
}

// finish compares point pi's runs (group: repeat → run) with the
// reference runs of every term analysis that compares it.
func (pp *pairer) finish(pi int, group map[int]*Run) {
	s := pp.a.Summary
	for _, k := range pp.compare[pi] {
		ta := &pp.a.Terms[k]
		for mi, m := range pp.a.pairedMetrics(ta) {
			var x, ref []float64
			for r := 0; r <= maxRepeat(group); r++ {
				ra, rb := group[r], pp.refs[ta.Ref][r]
				if ra == nil || rb == nil || ra.Status != experiments.StatusOK || rb.Status != experiments.StatusOK {
					continue
				}
				va, vb := ra.Metrics[m.Index], rb.Metrics[m.Index]
				if !IsFinite(va) || !IsFinite(vb) {
					continue
				}
				x, ref = append(x, va), append(ref, vb)
			}
			pr := Paired{Term: ta.Term, Fixed: ta.Fixed, Lambda: s.Points[pi].Lambdas[ta.Index], Point: pi,
				Metric: m.Name, Higher: m.Higher, PairedDiff: PairedTest(x, ref)}
			if d := s.Points[pi].Diverged; d > 0 {
				pr.Note = strings.TrimPrefix(pr.Note+"; "+fmt.Sprintf("%d diverged run(s) left out", d), "; ")
			}
			pp.results[pairKey{k, mi, pi}] = pr
		}
	}
}

// pass reads the runs once and compares each point's runs: one point at a
// time (its runs contiguous), or with holdAll every point's at the end.
// scattered says a point's runs came apart (try again with holdAll).
func (pp *pairer) pass(holdAll bool) (scattered bool, err error) {
	groups := map[int]map[int]*Run{}
	done := map[int]bool{}
	cur := -1
	err = pp.a.EachRun(func(r *Run) error {
		p, ok := pp.index[PointKey(r)]
		if !ok || pp.compare[p] == nil {
			return nil
		}
		if p != cur && !holdAll {
			if cur >= 0 {
				pp.finish(cur, groups[cur])
				delete(groups, cur)
				done[cur] = true
			}
			if done[p] {
				scattered = true
				return errScattered
			}
			cur = p
		}
		if groups[p] == nil {
			groups[p] = map[int]*Run{}
		}
		groups[p][r.Repeat] = r
		return nil
	})
	if errors.Is(err, errScattered) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	for p, g := range groups {
		pp.finish(p, g)
	}
	return false, nil
}

// fill appends each term analysis's comparisons in its slice's order, per
// metric, and adjusts each family's p-values (Holm).
func (pp *pairer) fill() {
	a := pp.a
	for k := range a.Terms {
		ta := &a.Terms[k]
		if ta.Ref < 0 {
			continue
		}
		for mi := range a.pairedMetrics(ta) {
			start := len(ta.Paired)
			for _, pi := range ta.Points {
				if pi == ta.Ref {
					continue
				}
				pr, ok := pp.results[pairKey{k, mi, pi}]
				if !ok {
					pp.finish(pi, nil)
					pr = pp.results[pairKey{k, mi, pi}]
				}
				ta.Paired = append(ta.Paired, pr)
			}
			holmFamily(ta.Paired[start:])
		}
	}
}

// holmFamily sets PHolm by Holm's adjustment within one family (one term,
// one metric).
func holmFamily(fam []Paired) {
	ps := make([]float64, len(fam))
	for i := range fam {
		ps[i] = fam[i].P
	}
	for i, q := range HolmAdjust(ps) {
		fam[i].PHolm = q
	}
}

// errScattered stops a pass that found a point's runs not contiguous.
var errScattered = errors.New("report: the runs of a point are not contiguous")

func maxRepeat(m map[int]*Run) int {
	hi := -1
	for r := range m {
		hi = max(hi, r)
	}
	return hi
}

// ParetoFront returns, for points (x[i], y[i]) where larger is better on
// both axes, whether each point is Pareto-optimal: no other point is at
// least as good on both axes and strictly better on one. Equal points are
// all optimal. NaN points are never optimal and dominate nothing.
func ParetoFront(x, y []float64) []bool {
	if len(x) != len(y) {
		panic("report: ParetoFront: slices of different lengths")
	}
	opt := make([]bool, len(x))
	for i := range x {
		if !IsFinite(x[i]) || !IsFinite(y[i]) {
			continue
		}
		opt[i] = true
		for j := range x {
			if j == i || !IsFinite(x[j]) || !IsFinite(y[j]) {
				continue
			}
			geX := x[j] > x[i] || sameMean(x[j], x[i])
			geY := y[j] > y[i] || sameMean(y[j], y[i])
			gtX := x[j] > x[i] && !sameMean(x[j], x[i])
			gtY := y[j] > y[i] && !sameMean(y[j], y[i])
			if geX && geY && (gtX || gtY) {
				opt[i] = false
				break
			}
		}
	}
	return opt
}
