package check

import (
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/lossexp/lossexp/spec"
)

// Regression checks of a sweep against a stored baseline (`lossexp
// check`). Three kinds of check, each judged on summary.csv alone:
//
//   - Points: every checked metric at every grid point. The point
//     regresses when its mean moves the wrong way by more than the band
//     max(Abs, Rel·|baseline mean|, K·√(se_base² + se_new²)), se = std/√n
//     over the ok runs (for a cv.<metric> pooled over folds, its pooled SE,
//     the .se column). Higher-is-better metrics regress downwards,
//     lower-is-better ones upwards, two-sided ones either way. A point
//     that has more diverged runs, or more failed runs, than in the
//     baseline regresses too.
//   - Balance points: lambda_best and lambda_1se of every swept term
//     (chosen as the report's analysis chooses them) regress when they
//     move by more than BalanceSteps grid steps along the term's slice.
//   - Fronts: the trade-off between the task metric and the term's own
//     metric along the slice. Both fronts are scored by the hypervolume
//     they dominate in one box spanned by the union of their points, each
//     axis scaled to [0, 1] and the reference point a little beyond the
//     union's worst corner (see Hypervolumes), so the two numbers are
//     comparable. The front
//     regresses when its hypervolume drops by more than HVTol, or when
//     some point of the baseline's front is no longer matched by the new
//     front to within EpsTol of each axis' range (the additive ε
//     indicator, FrontEpsilon). A change that buys one end of the curve
//     with the other shows here even when no single point leaves its
//     band: the hypervolume may barely move, ε does.

// Tolerance is the band of one metric.
type Tolerance struct {
	Abs, Rel, K float64
	// Better is "higher", "lower" or "both"; "" takes the catalogue's
	// direction (metrics with none are two-sided).
	Better string
}

// DefaultTolerance is the band of a metric the spec and the flags say
// nothing about: 0.01 absolute, 1 % relative, 2 combined standard
// errors, whichever is widest.
var DefaultTolerance = Tolerance{Abs: 0.01, Rel: 0.01, K: 2}

// CheckOptions configure Check.
type CheckOptions struct {
	// Metrics are the metrics checked at every point; empty means every
	// metric of the baseline but the diagnostics of the metric table
	// (gradient telemetry, epochs run).
	Metrics []string
	// Tolerance gives each metric's band; a metric not in the map gets
	// Default.
	Tolerance map[string]Tolerance
	Default   Tolerance
	// BalanceSteps is how many grid steps a balance point may move: 0
	// means the default, 1 (more than one step fails); a negative value
	// means none (any move fails).
	BalanceSteps int
	// HVTol is the largest allowed drop of a front's normalized
	// hypervolume (default 0.05).
	HVTol float64
	// EpsTol is the largest allowed additive ε of the new front against
	// the baseline's (see FrontEpsilon; default 0.1 of each axis' range).
	EpsTol float64
	// Spec, when non-nil, names the kinds of the terms, from which each
	// term's own metric is chosen for its front.
	Spec *spec.Spec
}

// PointCheck is the check of one metric at one grid point.
type PointCheck struct {
	Metric    string
	Point     int       // index in the baseline's Points
	Lambdas   []float64 // the point's λ tuple
	Label     string    // "l2=0.01"
	Better    string    // higher | lower | both
	Base, New float64   // means (NaN: no value)
	Delta     float64   // New − Base
	Band      float64
	Regressed bool
	Note      string // why, in words, when regressed or unusual
}

// BalanceCheck compares one balance point of one term.
type BalanceCheck struct {
	Term, Which string  // term name; lambda_best or lambda_1se
	Base, New   float64 // λ; NaN when undefined
	Steps       int     // grid steps moved (−1 when one side is undefined)
	Regressed   bool
	Note        string
}

// FrontCheck compares the trade-off fronts of one term.
type FrontCheck struct {
	Term, Task, Metric string  // the term, the task metric (x), the term's metric (y)
	Base, New          float64 // hypervolumes (see Hypervolumes)
	Epsilon            float64 // how far the new front falls short of the baseline's (see FrontEpsilon)
	Regressed          bool
	Note               string
}

// CheckReport is what Check found.
type CheckReport struct {
	Terms    []string
	Metrics  []string // the metrics checked
	Points   []PointCheck
	Balance  []BalanceCheck
	Fronts   []FrontCheck
	Warnings []string
}

// Regressions returns how many checks regressed.
func (r *CheckReport) Regressions() int {
	n := 0
	for _, p := range r.Points {
		if p.Regressed {
			n++
		}
	}
	for _, b := range r.Balance {
		if b.Regressed {
			n++
		}
	}
	for _, f := range r.Fronts {
		if f.Regressed {
			n++
		}
	}
	return n
}

// Total returns the number of checks.
func (r *CheckReport) Total() int { return len(r.Points) + len(r.Balance) + len(r.Fronts) }

// ErrIncomparable reports that a sweep and a baseline cannot be compared:
// their grids or metrics differ. Check's errors match it with errors.Is.
var ErrIncomparable = errors.New("report: results and baseline are not comparable")

// incomparable is an error that says how; it is ErrIncomparable.
type incomparable struct{ msg string }

func (e *incomparable) Error() string        { return e.msg }
func (e *incomparable) Is(target error) bool { return target == ErrIncomparable }

func incomparablef(format string, args ...any) error {
	return &incomparable{fmt.Sprintf(format, args...)}
}

// MetricDiverged and MetricFailed are the pseudo-metrics of the checks
// on diverged and on failed runs.
const (
	MetricDiverged = "diverged"
	MetricFailed   = "failed"
)

// Check compares cur (a sweep's summary) with base (the baseline's),
// grid point by grid point; see the comment at the top of this file. An
// error wrapping ErrIncomparable means the two cannot be compared.
func Check(base, cur *table.Summary, opt CheckOptions) (*CheckReport, error) {
	switch {
	case opt.BalanceSteps == 0:
		opt.BalanceSteps = 1
	case opt.BalanceSteps < 0:
		opt.BalanceSteps = 0
	}
	if opt.HVTol <= 0 {
		opt.HVTol = 0.05
	}
	if opt.EpsTol <= 0 {
		opt.EpsTol = 0.1
	}
	if opt.Default == (Tolerance{}) {
		opt.Default = DefaultTolerance
	}
	if err := sameGrid(base, cur); err != nil {
		return nil, err
	}
	metrics := CheckedMetrics(base, opt.Metrics)
	rep := &CheckReport{Terms: base.Terms, Metrics: metrics}
	curIdx := make([]int, len(metrics))
	baseIdx := make([]int, len(metrics))
	for i, m := range metrics {
		baseIdx[i] = slices.Index(base.Metrics, m)
		curIdx[i] = slices.Index(cur.Metrics, m)
		switch {
		case baseIdx[i] < 0:
			return nil, incomparablef("metric %s is not in the baseline's summary (it has %s)", m, listSome(base.Metrics))
		case curIdx[i] < 0:
			return nil, incomparablef("metric %s is in the baseline but not in the results' summary", m)
		}
	}

	for pi, bp := range base.Points {
		cp := cur.Points[pi]
		label := table.PointLabel(base.Terms, bp.Lambdas)
		for i, m := range metrics {
			tol, ok := opt.Tolerance[m]
			if !ok {
				tol = opt.Default
			}
			if tol.Better == "" {
				tol.Better = table.Direction(opt.Spec, m)
			}
			rep.Points = append(rep.Points, checkPoint(m, pi, bp, cp, baseIdx[i], curIdx[i], tol, label))
		}
		rep.Points = append(rep.Points,
			countCheck(MetricDiverged, pi, label, bp, cp, bp.Diverged, cp.Diverged),
			countCheck(MetricFailed, pi, label, bp, cp, bp.Failed, cp.Failed))
	}
	checkCurves(rep, base, cur, opt)
	return rep, nil
}

// countCheck is the check of a count of bad runs (diverged or failed) at
// one grid point: more than the baseline's regresses.
func countCheck(metric string, pi int, label string, bp, cp table.Point, base, cur int) PointCheck {
	pc := PointCheck{Metric: metric, Point: pi, Lambdas: bp.Lambdas, Label: label, Better: "lower",
		Base: float64(base), New: float64(cur), Delta: float64(cur - base)}
	if cur > base {
		pc.Regressed = true
		pc.Note = fmt.Sprintf("%d of %d runs %s, baseline %d of %d", cur, cp.N, metric, base, bp.N)
	}
	return pc
}

// sameGrid reports (wrapping ErrIncomparable) how two summaries' grids
// differ.
func sameGrid(base, cur *table.Summary) error {
	if !slices.Equal(base.Terms, cur.Terms) {
		return incomparablef("the baseline's terms are %s, the results' %s", listOr(base.Terms), listOr(cur.Terms))
	}
	if len(base.Points) != len(cur.Points) {
		return incomparablef("the baseline has %d grid points, the results %d", len(base.Points), len(cur.Points))
	}
	for i := range base.Points {
		if !slices.Equal(base.Points[i].Lambdas, cur.Points[i].Lambdas) {
			lb, lc := table.DistinctLabels(base.Terms, base.Points[i].Lambdas, cur.Points[i].Lambdas)
			return incomparablef("grid point %d is %s in the baseline but %s in the results", i+1, lb, lc)
		}
	}
	return nil
}

func listOr(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, ", ")
}

func listSome(s []string) string {
	if len(s) > 6 {
		return strings.Join(s[:6], ", ") + ", …"
	}
	return listOr(s)
}

func checkPoint(m string, pi int, bp, cp table.Point, bi, ci int, tol Tolerance, label string) PointCheck {
	bs, cs := bp.Stats[bi], cp.Stats[ci]
	pc := PointCheck{Metric: m, Point: pi, Lambdas: bp.Lambdas, Label: label, Better: tol.Better,
		Base: bs.Mean, New: cs.Mean, Delta: cs.Mean - bs.Mean}
	switch {
	case math.IsNaN(bs.Mean) && math.IsNaN(cs.Mean):
		return pc
	case math.IsNaN(bs.Mean):
		pc.Note = "the baseline has no value here"
		return pc
	case math.IsNaN(cs.Mean):
		pc.Regressed, pc.Note = true, "no value (the baseline has one)"
		return pc
	case math.IsInf(bs.Mean, 0) || math.IsInf(cs.Mean, 0):
		if bs.Mean != cs.Mean { // infinities compare exactly: that is the point here
			pc.Regressed, pc.Note = true, "infinite mean"
		}
		return pc
	}
	se := math.Hypot(stdErr(bs, bp), stdErr(cs, cp))
	pc.Band = math.Max(tol.Abs, math.Max(tol.Rel*math.Abs(bs.Mean), tol.K*se))
	var worse float64
	switch pc.Better {
	case "higher":
		worse = -pc.Delta
	case "lower":
		worse = pc.Delta
	default:
		worse = math.Abs(pc.Delta)
	}
	if worse > pc.Band {
		pc.Regressed = true
		b, n := table.DistinctFloats(bs.Mean, cs.Mean, 5)
		pc.Note = fmt.Sprintf("moved %s by %.4g (%s → %s), beyond the band %.4g", wrongWay(pc), math.Abs(pc.Delta), b, n, pc.Band)
	}
	return pc
}

func wrongWay(pc PointCheck) string {
	if pc.Delta < 0 {
		return "down"
	}
	return "up"
}

// stdErr is the standard error of a mean over the point's ok runs, or for
// a metric pooled over cross-validation folds its pooled SE (the folds'
// spread, defined with one repeat too); 0 when undefined.
func stdErr(st table.Stat, p table.Point) float64 {
	if st.Pooled {
		if !table.IsFinite(st.PooledSE) {
			return 0
		}
		return st.PooledSE
	}
	n := st.N
	if n == 0 {
		n = p.N - p.Diverged - p.Failed
	}
	if n < 2 || !table.IsFinite(st.Std) {
		return 0
	}
	return st.Std / math.Sqrt(float64(n))
}

// checkCurves adds the balance-point and front checks of every swept term.
// It uses the analysis' own choices (chooseTaskMetric, termSlice,
// balanceOf), made on the baseline and applied to both summaries so that
// the two are judged alike.
func checkCurves(rep *CheckReport, base, cur *table.Summary, opt CheckOptions) {
	task := table.ChooseTaskMetric(base, opt.Spec)
	if task.Name == "" {
		rep.Warnings = append(rep.Warnings, "no task metric with values in the baseline: no balance-point or front checks")
		return
	}
	curTask := task
	curTask.Index = slices.Index(cur.Metrics, task.Name)
	if curTask.Index < 0 {
		rep.Warnings = append(rep.Warnings, "the results have no "+task.Name+": no balance-point or front checks")
		return
	}
	an := &table.Analysis{Spec: opt.Spec, Summary: base, Task: task}
	for j, term := range base.Terms {
		if table.Distinct(base, j) < 2 {
			continue
		}
		ta := table.TermAnalysis{Term: term, Index: j, Kind: an.TermKind(term)}
		ta.Fixed, ta.Points, ta.Ref = table.TermSlice(base, j)
		ta.Metric = an.ChooseTermMetric(&ta)
		tc := ta
		if tc.Metric.Index >= 0 {
			tc.Metric.Index = slices.Index(cur.Metrics, ta.Metric.Name)
		}
		bb := table.BalanceOf(base, &ta, task)
		cb := table.BalanceOf(cur, &tc, curTask)
		for _, w := range []struct {
			name   string
			bp, cp table.BalancePoint
		}{{table.BalanceBest, bb.Best, cb.Best}, {table.Balance1SE, bb.OneSE, cb.OneSE}} {
			rep.Balance = append(rep.Balance, balanceCheck(term, w.name, ta.Points, base, j, w.bp, w.cp, opt.BalanceSteps))
		}
		if ta.Metric.Index < 0 || tc.Metric.Index < 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("no front check for %s: %s", term, ta.Metric.Why))
			continue
		}
		fc := FrontCheck{Term: term, Task: task.Name, Metric: ta.Metric.Name}
		bx, by := frontPoints(base, ta.Points, task.Index, ta.Metric.Index, task.Higher, ta.Metric.Higher)
		cx, cy := frontPoints(cur, ta.Points, curTask.Index, tc.Metric.Index, task.Higher, ta.Metric.Higher)
		fc.Base, fc.New = Hypervolumes(bx, by, cx, cy)
		fc.Epsilon = FrontEpsilon(bx, by, cx, cy)
		var why []string
		if fc.Base-fc.New > opt.HVTol {
			why = append(why, fmt.Sprintf("the front dominates %.3g less of the common box (tolerance %.3g)", fc.Base-fc.New, opt.HVTol))
		}
		if fc.Epsilon > opt.EpsTol {
			why = append(why, fmt.Sprintf("part of the baseline's front is lost by %.3g of the range (tolerance %.3g)", fc.Epsilon, opt.EpsTol))
		}
		if len(why) > 0 {
			fc.Regressed, fc.Note = true, strings.Join(why, "; ")
		}
		rep.Fronts = append(rep.Fronts, fc)
	}
}

func balanceCheck(term, which string, slice []int, base *table.Summary, j int, bp, cp table.BalancePoint, steps int) BalanceCheck {
	bc := BalanceCheck{Term: term, Which: which, Base: math.NaN(), New: math.NaN(), Steps: -1}
	bi, ci := slices.Index(slice, bp.Point), slices.Index(slice, cp.Point)
	if bp.Point >= 0 {
		bc.Base = base.Points[bp.Point].Lambdas[j]
	}
	if cp.Point >= 0 {
		bc.New = base.Points[cp.Point].Lambdas[j]
	}
	switch {
	case bi < 0 && ci < 0:
		bc.Steps = 0
	case bi < 0:
		bc.Note = "undefined in the baseline (" + bp.Note + ")"
	case ci < 0:
		bc.Regressed, bc.Note = true, "undefined now: "+cp.Note
	default:
		bc.Steps = ci - bi
		if bc.Steps > steps || -bc.Steps > steps {
			bc.Regressed = true
			bc.Note = fmt.Sprintf("moved %d grid steps (at most %d allowed)", abs(bc.Steps), steps)
		}
	}
	return bc
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// frontPoints returns the slice's (task, term metric) means, each oriented
// so that larger is better.
func frontPoints(s *table.Summary, pts []int, xi, yi int, xHigher, yHigher bool) (x, y []float64) {
	for _, p := range pts {
		vx, vy := s.Points[p].Stats[xi].Mean, s.Points[p].Stats[yi].Mean
		if !xHigher {
			vx = -vx
		}
		if !yHigher {
			vy = -vy
		}
		x, y = append(x, vx), append(y, vy)
	}
	return x, y
}

// Hypervolumes returns the hypervolumes dominated by the points (ax, ay)
// and (bx, by), larger being better on both axes, in one box for both:
// each axis is scaled to [0, 1] over the finite points of the union, and
// the reference point lies 10 % of the range beyond the union's worst
// corner, at (−0.1, −0.1), so that the ends of a front (the best point on
// one axis is often the worst on the other) still count. The result is
// divided by the box's area, 1.1², and so lies in [0, 1]. A flat axis
// (every value equal) scales to 1.
func Hypervolumes(ax, ay, bx, by []float64) (a, b float64) {
	lo := [2]float64{math.Inf(1), math.Inf(1)}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, set := range [][2][]float64{{ax, ay}, {bx, by}} {
		for i := range set[0] {
			v := [2]float64{set[0][i], set[1][i]}
			if !table.IsFinite(v[0]) || !table.IsFinite(v[1]) {
				continue
			}
			for k := range 2 {
				lo[k], hi[k] = math.Min(lo[k], v[k]), math.Max(hi[k], v[k])
			}
		}
	}
	if math.IsInf(lo[0], 1) {
		return 0, 0
	}
	scale := func(v float64, k int) float64 {
		if hi[k] == lo[k] {
			return 1
		}
		return unitScale(v, lo[k], hi[k])
	}
	hv := func(xs, ys []float64) float64 {
		type pt struct{ x, y float64 }
		var ps []pt
		for i := range xs {
			if table.IsFinite(xs[i]) && table.IsFinite(ys[i]) {
				ps = append(ps, pt{scale(xs[i], 0), scale(ys[i], 1)})
			}
		}
		// Sweep x from best to worst; each point adds the strip its y
		// raises above the best y seen so far.
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].x != ps[j].x {
				return ps[i].x > ps[j].x
			}
			return ps[i].y > ps[j].y
		})
		const m = 0.1 // reference point (−m, −m)
		area, ybest := 0.0, -m
		for _, p := range ps {
			if p.y > ybest {
				area += (p.x + m) * (p.y - ybest)
				ybest = p.y
			}
		}
		// The strips sum to at most the box; rounding in the sum may
		// overshoot it by an ulp, which must not read as "more than all".
		return math.Min(1, area/((1+m)*(1+m)))
	}
	return hv(ax, ay), hv(bx, by)
}

// unitScale maps v in [lo, hi] (lo < hi, all finite) to [0, 1]. The
// halves keep hi − lo finite when the range spans most of float64 (a
// metric of ±1e308 would otherwise scale every point to 0), and the clamp
// keeps a rounding at the ends inside the box.
func unitScale(v, lo, hi float64) float64 {
	return math.Min(1, math.Max(0, (v/2-lo/2)/(hi/2-lo/2)))
}

// FrontEpsilon returns the additive ε indicator of front b against front
// a, larger being better on both axes, in the normalized box of
// Hypervolumes: the smallest ε such that every Pareto-optimal point of a
// is matched, to within ε on both axes, by some point of b. 0 means b is
// at least as good everywhere; 0.2 means some part of a's front is lost
// by a fifth of the range. +Inf when b has no finite point and a has.
func FrontEpsilon(ax, ay, bx, by []float64) float64 {
	lo := [2]float64{math.Inf(1), math.Inf(1)}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, set := range [][2][]float64{{ax, ay}, {bx, by}} {
		for i := range set[0] {
			if table.IsFinite(set[0][i]) && table.IsFinite(set[1][i]) {
				for k := range 2 {
					v := set[k][i]
					lo[k], hi[k] = math.Min(lo[k], v), math.Max(hi[k], v)
				}
			}
		}
	}
	scale := func(v float64, k int) float64 {
		if hi[k] == lo[k] {
			return 0
		}
		return unitScale(v, lo[k], hi[k])
	}
	front := table.ParetoFront(ax, ay)
	eps := 0.0
	for i := range ax {
		if !front[i] {
			continue
		}
		px, py := scale(ax[i], 0), scale(ay[i], 1)
		best := math.Inf(1)
		for j := range bx {
			if !table.IsFinite(bx[j]) || !table.IsFinite(by[j]) {
				continue
			}
			best = math.Min(best, math.Max(px-scale(bx[j], 0), py-scale(by[j], 1)))
		}
		eps = math.Max(eps, best)
	}
	return eps
}
