package table

import (
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/experiments"
)

// Names of a sweep.balance study's columns and tables.
const (
	ColMethod    = "method" // runs.csv: the run's balancing method
	MethodStatic = "static" // the method of the λ grid's runs
	MethodsFile  = "methods.csv"
	WeightsFile  = "weights.csv"
)

// Positions of a method relative to the static front (MethodRow.Position).
const (
	PosBeyond = "beyond" // it beats a Pareto-optimal static λ on both axes
	PosOn     = "on"     // neither beaten by a static λ nor beating a Pareto-optimal one
	PosBehind = "behind" // a static λ beats it on both axes
)

// DominanceAlpha is the level of the paired tests behind dominated_by and
// the positions.
const DominanceAlpha = 0.05

// Methods compares the adaptive balancing methods of a sweep.balance
// study with the static front of one swept term (the first, in runs.csv
// order, with a metric of its own; with several swept terms its slice
// holds the others at their reference λ): per axis point, the static λ
// along the term's slice, then every method.
//
// The two axes are the task metric (Analysis.Task) and the term's own
// metric (TermAnalysis.Metric), on the test split when the runs have it
// (the methods are evaluated, not chosen: see testAxis), both oriented so
// that "better" is the
// term's or the task's direction. A static λ dominates a method when,
// over the repeats where both runs are ok (paired: same data,
// initialization and batch order), it is at least as good on average on
// both axes and better on at least one by a paired t-test: the test's p
// is the smaller two-sided p of the axes where it is better, doubled for
// the two axes (dominanceP), then Holm-adjusted over the static λ the
// method is compared with, and it must be below DominanceAlpha.
// dominated_by is the dominating static λ with the smallest adjusted p
// (ties: the first in grid order). A method lies behind the front when a
// static λ dominates it, beyond it when it dominates, by the same rule
// (Holm over the Pareto-optimal λ), a static λ that is Pareto-optimal
// among the static means, and on it otherwise.
type Methods struct {
	Term       string
	Task, Side MetricChoice // the axes: the task metric, the term's metric
	Axes       []string     // sweep axes (as in Summary.Axes)
	Rows       []MethodRow
	// Weights are the methods' mean effective weights per epoch
	// (curves.csv columns weight.task, weight.<term>); nil without
	// curves.csv or the columns.
	WeightCols []string
	Weights    []MethodEpoch
}

// MethodRow is one row of methods.csv.
type MethodRow struct {
	Method     string
	Lambda     float64 // the static λ; NaN for an adaptive method
	Axes       []string
	N          int // ok runs
	Task, Side Stat
	Pareto     bool // static: Pareto-optimal among the static means of its axis point

	DominatedBy float64 // adaptive: the dominating static λ; NaN if none
	DomP        float64 // its Holm-adjusted p-value
	Beats       float64 // adaptive: a Pareto-optimal static λ it dominates; NaN if none
	BeatsP      float64 // its p-value
	Position    string  // adaptive: beyond | on | behind
	Cost        float64 // mean seconds per run / that of the static runs; NaN without timings

	byRepeat [2]map[int]float64 // oriented task and side values of the ok runs by repeat
}

// MethodEpoch is one row of weights.csv.
type MethodEpoch struct {
	Method  string
	Axes    []string
	Epoch   int
	N       int
	Weights []float64 // aligned with Methods.WeightCols; means over the runs
}

// analyzeMethods builds a.Methods when runs.csv has adaptive methods.
func (a *Analysis) analyzeMethods() {
	runs, s := a.Runs, a.Summary
	if runs == nil || len(runs.Methods) == 0 || a.Task.Index < 0 { // nil: streamed, no method column
		return
	}
	var ta *TermAnalysis
	for i := range a.Terms {
		if a.Terms[i].Metric.Index >= 0 {
			ta = &a.Terms[i]
			break
		}
	}
	if ta == nil {
		a.Notes = append(a.Notes, "the balancing methods have no front to be compared with: no swept term has a metric of its own")
		return
	}
	m := &Methods{Term: ta.Term, Task: testAxis(s, a.Task), Side: testAxis(s, ta.Metric), Axes: s.Axes}
	b := &methodsBuilder{m: m, secs: a.runSeconds(), staticMean: math.NaN()}
	index := PointIndex(s)
	b.pointOf = make([]int, len(runs.Runs)) // a sweep.balance study's runs are held whole (Render)
	for i := range runs.Runs {
		b.pointOf[i] = index[PointKey(&runs.Runs[i])]
	}
	for _, tai := range a.Terms {
		if tai.Term != ta.Term {
			continue
		}
		ax := tai.Axes
		static := b.staticRows(s, runs.Runs, tai)
		m.Rows = append(m.Rows, static...)
		var labels []string
		for _, r := range runs.Methods {
			if slices.Equal(r.Axes, ax) && !slices.Contains(labels, r.Method) {
				labels = append(labels, r.Method)
			}
		}
		for _, lab := range labels {
			row := b.collect(runs.Methods, func(_ int, r *Run) bool { return r.Method == lab && slices.Equal(r.Axes, ax) })
			row.Method, row.Lambda, row.Axes = lab, math.NaN(), ax
			compareWithFront(&row, static)
			m.Rows = append(m.Rows, row)
		}
	}
	a.weightsOf(m)
	a.Methods = m
}

// methodsBuilder holds what analyzeMethods needs to make the rows of m.
type methodsBuilder struct {
	m          *Methods
	secs       map[string]float64 // each run's total seconds (timings.csv)
	pointOf    []int              // each static run's point in the summary
	staticMean float64            // seconds per static run at the current axis point
}

// orient turns v so that higher is better.
func orient(v float64, higher bool) float64 {
	if higher {
		return v
	}
	return -v
}

// collect is the row of the ok runs of rs that keep accepts: their count,
// the statistics of both axes, their oriented values by repeat, and their
// cost relative to b.staticMean.
func (b *methodsBuilder) collect(rs []Run, keep func(i int, r *Run) bool) MethodRow {
	m := b.m
	row := MethodRow{DominatedBy: math.NaN(), DomP: math.NaN(), Beats: math.NaN(), BeatsP: math.NaN(), Cost: math.NaN()}
	row.byRepeat = [2]map[int]float64{{}, {}}
	var tv, sv, sec []float64
	for i := range rs {
		r := &rs[i]
		if !keep(i, r) || r.Status != experiments.StatusOK {
			continue
		}
		row.N++
		x, y := r.Metrics[m.Task.Index], r.Metrics[m.Side.Index]
		if !math.IsNaN(x) {
			tv = append(tv, x)
			row.byRepeat[0][r.Repeat] = orient(x, m.Task.Higher)
		}
		if !math.IsNaN(y) {
			sv = append(sv, y)
			row.byRepeat[1][r.Repeat] = orient(y, m.Side.Higher)
		}
		if v := b.secs[r.RunID]; IsFinite(v) {
			sec = append(sec, v)
		}
	}
	row.Task, row.Side = Describe(tv), Describe(sv)
	if b.staticMean > 0 && len(sec) > 0 {
		row.Cost = mean(sec) / b.staticMean
	}
	return row
}

// staticRows returns the rows of the static λ of tai's slice, Pareto
// marked, and sets b.staticMean to the seconds per static run at its axis
// point.
func (b *methodsBuilder) staticRows(s *Summary, runs []Run, tai TermAnalysis) []MethodRow {
	m, ax := b.m, tai.Axes
	var static []MethodRow
	var ox, oy []float64
	for _, pi := range tai.Points {
		row := b.collect(runs, func(i int, _ *Run) bool { return b.pointOf[i] == pi })
		row.Method, row.Lambda, row.Axes = MethodStatic, s.Points[pi].Lambdas[tai.Index], ax
		row.Cost = math.NaN()
		static = append(static, row)
		ox = append(ox, orient(row.Task.Mean, m.Task.Higher))
		oy = append(oy, orient(row.Side.Mean, m.Side.Higher))
	}
	var staticSecs []float64
	for _, r := range runs {
		if r.Status == experiments.StatusOK && slices.Equal(r.Axes, ax) && IsFinite(b.secs[r.RunID]) {
			staticSecs = append(staticSecs, b.secs[r.RunID])
		}
	}
	b.staticMean = mean(staticSecs)
	front := paretoFinite(ox, oy)
	for i := range static {
		static[i].Pareto = front[i]
	}
	return static
}

// compareWithFront fills the adaptive row's DominatedBy, Beats and
// Position. Is the method dominated by a static λ, and does it dominate a
// Pareto-optimal one? Each family of tests Holm-adjusted.
func compareWithFront(row *MethodRow, static []MethodRow) {
	var by, over []MethodRow
	var pBy, pOver []float64
	for _, st := range static {
		by, pBy = append(by, st), append(pBy, dominanceP(st.byRepeat, row.byRepeat))
		if st.Pareto {
			over, pOver = append(over, st), append(pOver, dominanceP(row.byRepeat, st.byRepeat))
		}
	}
	if i := holmBest(pBy); i >= 0 {
		row.DominatedBy, row.DomP = by[i].Lambda, holm(pBy)[i]
	}
	if i := holmBest(pOver); i >= 0 {
		row.Beats, row.BeatsP = over[i].Lambda, holm(pOver)[i]
	}
	switch {
	case !math.IsNaN(row.DominatedBy):
		row.Position = PosBehind
	case !math.IsNaN(row.Beats):
		row.Position = PosBeyond
	default:
		row.Position = PosOn
	}
}

// paretoFinite is ParetoFront with points that have a NaN coordinate
// marked not optimal.
func paretoFinite(x, y []float64) []bool {
	var xs, ys []float64
	var idx []int
	for i := range x {
		if IsFinite(x[i]) && IsFinite(y[i]) {
			xs, ys, idx = append(xs, x[i]), append(ys, y[i]), append(idx, i)
		}
	}
	out := make([]bool, len(x))
	for k, o := range ParetoFront(xs, ys) {
		out[idx[k]] = o
	}
	return out
}

// dominanceP returns the p-value of "a dominates b" on the paired,
// oriented values by repeat: 1 when a is worse on average on either axis
// (or fewer than two pairs), else the smaller two-sided paired-t p of the
// axes on which a is better on average, doubled (Bonferroni over the two
// axes) and capped at 1.
func dominanceP(a, b [2]map[int]float64) float64 {
	best := 1.0
	for ax := range 2 {
		var x, ref []float64
		for _, r := range slices.Sorted(maps.Keys(a[ax])) {
			if v, ok := b[ax][r]; ok {
				x, ref = append(x, a[ax][r]), append(ref, v)
			}
		}
		if len(x) < 2 {
			return 1
		}
		d := PairedTest(x, ref)
		if !(d.Mean >= 0) {
			return 1
		}
		if d.Mean > 0 && IsFinite(d.P) {
			best = min(best, 2*d.P)
		}
	}
	return min(best, 1)
}

// holm returns the Holm–Bonferroni adjusted p-values of ps (same order):
// sorted ascending, p̃_(i) = max_{j≤i} min(1, (m−j+1)·p_(j)).
func holm(ps []float64) []float64 {
	m := len(ps)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return CmpFloat(ps[a], ps[b]) })
	out := make([]float64, m)
	run := 0.0
	for j, i := range idx {
		run = max(run, min(1, float64(m-j)*ps[i]))
		out[i] = run
	}
	return out
}

// holmBest returns the index of the smallest Holm-adjusted p-value of ps
// when it is below DominanceAlpha (ties: the first), else -1.
func holmBest(ps []float64) int {
	best := -1
	for i, p := range holm(ps) {
		if p < DominanceAlpha && (best < 0 || p < holm(ps)[best]) {
			best = i
		}
	}
	return best
}

// runSeconds returns each run's total seconds from timings.csv.
func (a *Analysis) runSeconds() map[string]float64 {
	out := map[string]float64{}
	t := a.Timings
	if t == nil {
		return out
	}
	idC, epC, secC := t.Col(ColRunID), t.Col(ColEpoch), t.Col(ColSeconds)
	if idC < 0 || epC < 0 || secC < 0 {
		return out
	}
	t.Each(func(_ int, row []string) error {
		if len(row) == len(t.Header) && row[epC] == EpochTotal {
			if v, err := ParseCell(row[secC]); err == nil {
				out[row[idC]] = v
			}
		}
		return nil
	})
	return out
}

// weightsOf fills m's per-epoch mean effective weights of every adaptive
// method from curves.csv.
func (a *Analysis) weightsOf(m *Methods) {
	c := a.Curves
	if c == nil {
		return
	}
	idC, epC := c.Col(ColRunID), c.Col(ColEpoch)
	var cols []int
	for i, h := range c.Header {
		if strings.HasPrefix(h, "weight.") {
			cols = append(cols, i)
			m.WeightCols = append(m.WeightCols, h)
		}
	}
	if idC < 0 || epC < 0 || len(cols) == 0 {
		m.WeightCols = nil
		return
	}
	run := map[string]*Run{}
	for i := range a.Runs.Methods {
		if r := &a.Runs.Methods[i]; r.Status == experiments.StatusOK {
			run[r.RunID] = r
		}
	}
	sums, ns, order := sumWeights(c, idC, epC, cols, run)
	// Methods in methods.csv order, epochs ascending.
	rank := map[string]int{}
	for i, r := range m.Rows {
		k := r.Method + "\x01" + strings.Join(r.Axes, "\x00")
		if _, ok := rank[k]; !ok {
			rank[k] = i
		}
	}
	slices.SortStableFunc(order, func(x, y weightKey) int {
		rx, ry := rank[x.method+"\x01"+x.axes], rank[y.method+"\x01"+y.axes]
		if rx != ry {
			return rx - ry
		}
		return x.epoch - y.epoch
	})
	for _, k := range order {
		w := sums[k]
		for j := range w {
			w[j] /= float64(ns[k])
		}
		var ax []string
		if k.axes != "" || len(m.Axes) > 0 {
			ax = strings.Split(k.axes, "\x00")
		}
		m.Weights = append(m.Weights, MethodEpoch{Method: k.method, Axes: ax, Epoch: k.epoch, N: ns[k], Weights: w})
	}
}

// weightKey is a method's epoch at one axis point (axes joined by NUL).
type weightKey struct {
	method, axes string
	epoch        int
}

// sumWeights sums, over the curves.csv rows of the runs in run, the
// weight columns cols by method, axis point and epoch; it returns the sums,
// the number of rows of each, and the keys in the order first seen.
func sumWeights(c *Table, idC, epC int, cols []int, run map[string]*Run) (map[weightKey][]float64, map[weightKey]int, []weightKey) {
	sums := map[weightKey][]float64{}
	ns := map[weightKey]int{}
	var order []weightKey
	c.Each(func(_ int, row []string) error {
		if len(row) != len(c.Header) {
			return nil
		}
		r := run[row[idC]]
		if r == nil {
			return nil
		}
		ep, err := strconv.Atoi(row[epC])
		if err != nil {
			return nil
		}
		k := weightKey{r.Method, strings.Join(r.Axes, "\x00"), ep}
		if _, ok := sums[k]; !ok {
			sums[k] = make([]float64, len(cols))
			order = append(order, k)
		}
		for j, ci := range cols {
			v, _ := ParseCell(row[ci])
			sums[k][j] += v
		}
		ns[k]++
		return nil
	})
	return sums, ns, order
}

// WriteMethods writes methods.csv: one row per static λ of the front's
// slice (method static, its λ in lambda) and one per adaptive method, per
// axis point:
//
//	method, lambda, [axis.<field>…,] n,
//	<task>.mean, <task>.ci_low, <task>.ci_high,
//	<term metric>.mean, <term metric>.ci_low, <term metric>.ci_high,
//	pareto        static: 1 when Pareto-optimal among the static means
//	dominated_by  adaptive: the static λ that beats it (see Methods); empty if none
//	dominated_p   the Holm-adjusted p-value of that paired test
//	beats         adaptive: a Pareto-optimal static λ it beats; empty if none
//	beats_p       the Holm-adjusted p-value of that test
//	position      adaptive: beyond | on | behind
//	cost          adaptive: mean seconds per run / mean seconds per static
//	              run of the same axis point (timings.csv)
func WriteMethods(path string, m *Methods) error {
	return WriteFileAtomic(path, func(w io.Writer) error { return writeMethods(w, m) })
}

func writeMethods(w io.Writer, m *Methods) error {
	cw := csv.NewWriter(w)
	head := []string{ColMethod, "lambda"}
	for _, a := range m.Axes {
		head = append(head, AxisPrefix+a)
	}
	head = append(head, ColN)
	for _, name := range []string{m.Task.Name, m.Side.Name} {
		head = append(head, name+".mean", name+".ci_low", name+".ci_high")
	}
	head = append(head, "pareto", "dominated_by", "dominated_p", "beats", "beats_p", "position", "cost")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range m.Rows {
		row := []string{r.Method, formatExact(r.Lambda)}
		row = append(row, r.Axes...)
		row = append(row, strconv.Itoa(r.N))
		for _, st := range []Stat{r.Task, r.Side} {
			row = append(row, formatStat(st.Mean), formatStat(st.CILow), formatStat(st.CIHigh))
		}
		pareto := ""
		if r.Method == MethodStatic {
			pareto = "0"
			if r.Pareto {
				pareto = "1"
			}
		}
		row = append(row, pareto, formatExact(r.DominatedBy), formatStat(r.DomP), formatExact(r.Beats), formatStat(r.BeatsP), r.Position, formatStat(r.Cost))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteWeights writes weights.csv: per adaptive method (and axis point)
// and epoch, the mean over its ok runs of the effective weights,
//
//	method, [axis.<field>…,] epoch, n, weight.task, weight.<term>…
//
// the epoch's mean weight of each loss (a weight penalty keeps its λ).
func WriteWeights(path string, m *Methods) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		head := []string{ColMethod}
		for _, a := range m.Axes {
			head = append(head, AxisPrefix+a)
		}
		head = append(head, ColEpoch, ColN)
		head = append(head, m.WeightCols...)
		if err := cw.Write(head); err != nil {
			return err
		}
		for _, e := range m.Weights {
			row := append([]string{e.Method}, e.Axes...)
			row = append(row, strconv.Itoa(e.Epoch), strconv.Itoa(e.N))
			for _, v := range e.Weights {
				row = append(row, formatExact(v))
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// Sentences says in words where each method lies relative to the front.
func (m *Methods) Sentences() []string {
	var out []string
	for _, r := range m.Rows {
		if r.Method == MethodStatic {
			continue
		}
		where := ""
		if len(r.Axes) > 0 {
			where = " (at " + strings.Join(r.Axes, ", ") + ")"
		}
		stats := fmt.Sprintf("%s %s, %s %s over %d runs", m.Task.Name, FormatNum(r.Task.Mean), m.Side.Name, FormatNum(r.Side.Mean), r.N)
		switch r.Position {
		case PosBehind:
			out = append(out, fmt.Sprintf("%s%s lies behind the static front: λ_%s = %s is at least as good on both axes and better on one by a paired test (p = %s); %s.",
				r.Method, where, m.Term, FormatLambda(r.DominatedBy), FormatP(r.DomP), stats))
		case PosBeyond:
			out = append(out, fmt.Sprintf("%s%s lies beyond the static front: it is at least as good as the Pareto-optimal λ_%s = %s on both axes and better on one by a paired test (p = %s); %s.",
				r.Method, where, m.Term, FormatLambda(r.Beats), FormatP(r.BeatsP), stats))
		default:
			out = append(out, fmt.Sprintf("%s%s lies on the static front: no static λ beats it on both axes by a paired test, and it beats no Pareto-optimal λ; %s.",
				r.Method, where, stats))
		}
	}
	return out
}

// methodsFiles lists the tables WriteMethodsTables writes.
func MethodsTables(dir string, m *Methods) error {
	if err := WriteMethods(filepath.Join(dir, MethodsFile), m); err != nil {
		return err
	}
	if m.WeightCols != nil {
		return WriteWeights(filepath.Join(dir, WeightsFile), m)
	}
	return nil
}

// testAxis returns the test split's version of a metric chosen on the
// validation split or the cross-validation folds (validation.accuracy →
// test.accuracy) when the runs have it, else the metric itself: the
// methods and the static front are compared where no choice was made.
func testAxis(s *Summary, m MetricChoice) MetricChoice {
	split, base, ok := strings.Cut(m.Name, ".")
	if !ok || (split != "validation" && split != "cv") {
		return m
	}
	if mi := slices.Index(s.Metrics, "test."+base); mi >= 0 && HasValues(s, mi) {
		m.Name, m.Index = "test."+base, mi
	}
	return m
}

func FormatP(p float64) string {
	if p < 1e-4 {
		return "< 1e-4"
	}
	return fmt.Sprintf("%.3g", p)
}
