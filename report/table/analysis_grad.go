package table

import (
	"iter"
	"math"
	"slices"
	"strconv"

	"github.com/lossexp/lossexp/experiments"
)

// Gradient-conflict columns of runs.csv, one per term, written by the
// trainer:
//
//	grad.cos.<term>       mean cosine between ∇L_task and λ∇L_term over
//	                      the parameters they share
//	grad.conflict.<term>  fraction of the measured steps with a negative cosine
//	grad.ratio.<term>     mean ‖λ∇L_term‖ / ‖∇L_task‖
//
// A term that touches no parameter of the task has empty cosine cells.
const (
	GradCosPrefix      = "grad.cos."
	GradConflictPrefix = "grad.conflict."
	GradRatioPrefix    = "grad.ratio."
)

// GradConflict is the gradient conflict of one term along its slice.
type GradConflict struct {
	// Source is where the numbers come from: "runs.csv", "curves.csv"
	// (ratio of the last epoch's mean gradient norms, no cosine) or ""
	// when neither has them.
	Source string
	Points []GradPoint // the slice points, λ ascending

	HasCos   bool // the cosine is measured (runs.csv has the column)
	NoShared bool // measured, but empty at every λ > 0: no shared parameter

	// Crossing is the λ at which the mean ratio first reaches 1, by
	// log–log interpolation between the grid points around it; NaN if it
	// does not. CrossNote says how it was found, or why there is none.
	Crossing  float64
	CrossNote string
	Note      string
}

// GradPoint is the gradient statistics of one grid point over its ok runs.
type GradPoint struct {
	Point                int
	Lambda               float64
	Cos, Conflict, Ratio Stat
}

// gradConflict gathers the gradient statistics of ta's slice, from runs.csv
// when it has the columns, else from the last epoch of curves.csv.
func (a *Analysis) gradConflict(ta *TermAnalysis) GradConflict {
	g := GradConflict{Crossing: math.NaN()}
	s := a.Summary
	ci := slices.Index(s.Metrics, GradCosPrefix+ta.Term)
	fi := slices.Index(s.Metrics, GradConflictPrefix+ta.Term)
	ri := slices.Index(s.Metrics, GradRatioPrefix+ta.Term)
	empty := Stat{Mean: math.NaN(), Std: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
	get := func(p Point, i int) Stat {
		if i < 0 {
			return empty
		}
		return p.Stats[i]
	}
	switch {
	case ri >= 0 && HasValues(s, ri):
		g.Source = RunsFile
		g.HasCos = ci >= 0
		for _, pi := range ta.Points {
			p := s.Points[pi]
			g.Points = append(g.Points, GradPoint{Point: pi, Lambda: p.Lambdas[ta.Index], Cos: get(p, ci), Conflict: get(p, fi), Ratio: get(p, ri)})
		}
	case a.Curves != nil:
		ratios := a.lastEpochRatios(ta)
		if ri >= 0 && len(ratios) == 0 {
			// The columns are there, empty: not an older sweep.
			g.Note = "not reported by the trainer: runs.csv's " + GradRatioPrefix + ta.Term + " and curves.csv's grad.task and grad." + ta.Term + " have no value: no gradient diagnostics"
			return g
		}
		if ratios == nil {
			g.Note = "curves.csv has no grad.task and grad." + ta.Term + " columns: no gradient diagnostics"
			return g
		}
		g.Source = CurvesFile
		for _, pi := range ta.Points {
			g.Points = append(g.Points, GradPoint{Point: pi, Lambda: s.Points[pi].Lambdas[ta.Index], Cos: empty, Conflict: empty, Ratio: Describe(ratios[pi])})
		}
		g.Note = curvesRatioNote(ta.Term, ri >= 0)
	case ri >= 0:
		g.Note = "not reported by the trainer: runs.csv's " + GradRatioPrefix + ta.Term + " has no value: no gradient diagnostics"
		return g
	default:
		g.Note = "neither runs.csv nor curves.csv has gradient columns: no gradient diagnostics"
		return g
	}
	if g.HasCos {
		g.NoShared = true
		for _, gp := range g.Points {
			if gp.Lambda > 0 && IsFinite(gp.Cos.Mean) {
				g.NoShared = false
			}
		}
		if g.NoShared {
			g.Note = "the cosine is empty at every λ > 0: " + ta.Term + " touches no parameter the task loss uses, so its gradient cannot conflict with the task's"
		}
	}
	g.Crossing, g.CrossNote = ratioCrossing(g.Points)
	return g
}

// curvesRatioNote says why the ratio of term comes from curves.csv: runs.csv
// has its column, empty (the trainer did not report it), or has none (a
// sweep from an older version).
func curvesRatioNote(term string, column bool) string {
	if column {
		return GradRatioPrefix + term + " not reported by the trainer: the ratio ‖λ∇L_" + term + "‖/‖∇L_task‖ is taken from the last epoch of curves.csv (grad.task and grad." + term + ")"
	}
	return "runs.csv has no grad.cos/grad.conflict/grad.ratio columns (a sweep from an older version): " +
		"the ratio ‖λ∇L_" + term + "‖/‖∇L_task‖ is taken from the last epoch of curves.csv (mean norms over up to 8 sampled steps); the cosine is unavailable"
}

// ratioCrossing finds where the mean ratio first reaches 1 along λ > 0.
func ratioCrossing(pts []GradPoint) (float64, string) {
	var xs, ys []float64
	for _, p := range pts {
		if p.Lambda > 0 && IsFinite(p.Ratio.Mean) && p.Ratio.Mean > 0 {
			xs, ys = append(xs, p.Lambda), append(ys, p.Ratio.Mean)
		}
	}
	if len(xs) == 0 {
		return math.NaN(), "no ratio at λ > 0"
	}
	if ys[0] >= 1 {
		return math.NaN(), "the ratio is ≥ 1 already at the smallest λ > 0 (" + FormatLambda(xs[0]) + "): the term's gradient dominates everywhere on the grid"
	}
	for i := 1; i < len(xs); i++ {
		if ys[i] >= 1 {
			t := (0 - math.Log(ys[i-1])) / (math.Log(ys[i]) - math.Log(ys[i-1]))
			x := math.Exp(math.Log(xs[i-1]) + t*(math.Log(xs[i])-math.Log(xs[i-1])))
			return x, "interpolated on log–log axes between λ = " + FormatLambda(xs[i-1]) + " (ratio " + FormatNum(ys[i-1]) +
				") and λ = " + FormatLambda(xs[i]) + " (ratio " + FormatNum(ys[i]) + ")"
		}
	}
	hi := slices.Max(ys)
	return math.NaN(), "the ratio stays below 1 on the whole grid (at most " + FormatNum(hi) + "): the task gradient dominates"
}

// lastEpochRatios returns, per grid point, the ratio grad.<term>/grad.task
// at the last epoch of every ok run; nil when curves.csv lacks the columns.
func (a *Analysis) lastEpochRatios(ta *TermAnalysis) map[int][]float64 {
	c := a.Curves
	idC, epC, taskC, termC := c.Col(ColRunID), c.Col(ColEpoch), c.Col("grad.task"), c.Col("grad."+ta.Term)
	if idC < 0 || epC < 0 || taskC < 0 || termC < 0 {
		return nil
	}
	// curves.csv has a run's epochs together, in runs.csv's order: read
	// the two in step, holding one run (and the ratios, 8 bytes a run).
	index := PointIndex(a.Summary)
	next, stop := iter.Pull2(a.runSeq())
	defer stop()
	out := map[int][]float64{}
	var cur runLast
	misfit := false
	c.Each(func(_ int, row []string) error {
		if misfit || len(row) != len(c.Header) {
			return nil
		}
		if id := row[idC]; id != cur.id {
			cur.flushTo(out)
			r := nextRun(next, id)
			if r == nil {
				misfit = true
				return nil
			}
			cur = runLast{id: id, ok: r.Status == experiments.StatusOK, point: index[PointKey(r)]}
		}
		if !cur.ok {
			return nil
		}
		if ep, ratio, ok := gradRatio(row, epC, taskC, termC); ok && (!cur.seen || ep > cur.epoch) {
			cur.epoch, cur.ratio, cur.seen = ep, ratio, true
		}
		return nil
	})
	if misfit {
		return a.lastEpochRatiosByID(c, idC, epC, taskC, termC)
	}
	cur.flushTo(out)
	return out
}

// runLast is the run lastEpochRatios reads: its id, whether it is ok, its
// grid point, and its last epoch with a ratio so far (seen).
type runLast struct {
	id    string
	ok    bool
	point int
	seen  bool
	epoch int
	ratio float64
}

// flushTo adds the run's last ratio to its point in out when it is an ok
// run with one.
func (l *runLast) flushTo(out map[int][]float64) {
	if l.id != "" && l.ok && l.seen {
		out[l.point] = append(out[l.point], l.ratio)
	}
}

// nextRun advances next to the run id and returns it; nil when the runs
// end (or fail) first.
func nextRun(next func() (*Run, error, bool), id string) *Run {
	for {
		r, err, ok := next()
		if !ok || err != nil {
			return nil
		}
		if r.RunID == id {
			return r
		}
	}
}

// lastEpochRatiosByID is lastEpochRatios for a curves.csv whose runs are
// not in runs.csv's order: the runs are indexed by id, one entry a run.
func (a *Analysis) lastEpochRatiosByID(c *Table, idC, epC, taskC, termC int) map[int][]float64 {
	index := PointIndex(a.Summary)
	type runInfo struct {
		point int
		ok    bool
	}
	var order []string
	runIdx := map[string]runInfo{}
	if err := a.EachRun(func(r *Run) error {
		if _, seen := runIdx[r.RunID]; !seen {
			order = append(order, r.RunID)
		}
		runIdx[r.RunID] = runInfo{index[PointKey(r)], r.Status == experiments.StatusOK}
		return nil
	}); err != nil {
		return nil
	}
	type last struct {
		epoch int
		ratio float64
	}
	lasts := map[string]last{}
	c.Each(func(_ int, row []string) error {
		if len(row) != len(c.Header) {
			return nil
		}
		ri, ok := runIdx[row[idC]]
		if !ok || !ri.ok {
			return nil
		}
		ep, ratio, ok := gradRatio(row, epC, taskC, termC)
		if !ok {
			return nil
		}
		if l, seen := lasts[row[idC]]; !seen || ep > l.epoch {
			lasts[row[idC]] = last{ep, ratio}
		}
		return nil
	})
	out := map[int][]float64{}
	for _, id := range order { // run order: deterministic
		if l, ok := lasts[id]; ok {
			out[runIdx[id].point] = append(out[runIdx[id].point], l.ratio)
		}
	}
	return out
}

// gradRatio reads a curves.csv row's epoch and its ratio
// grad.<term>/grad.task; ok is false when the epoch is not a number or a
// gradient norm is missing, not finite, or (the task's) not positive.
func gradRatio(row []string, epC, taskC, termC int) (ep int, ratio float64, ok bool) {
	ep, err := strconv.Atoi(row[epC])
	if err != nil {
		return 0, 0, false
	}
	gt, err1 := ParseCell(row[taskC])
	gterm, err2 := ParseCell(row[termC])
	if err1 != nil || err2 != nil || !IsFinite(gt) || !IsFinite(gterm) || gt <= 0 {
		return 0, 0, false
	}
	return ep, gterm / gt, true
}

// FormatNum writes a statistic for a person: 3 significant digits.
func FormatNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	a := math.Abs(v)
	if v != 0 && (a < 1e-3 || a >= 1e5) {
		return FormatLambda(v)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
