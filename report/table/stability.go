package table

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/spec"
)

// Stability of the balance points: how often the bootstrap of the repeats
// chooses each λ.
//
// A resample draws R repeat indices with replacement from the study's R
// repeats. It is paired: the same drawn repeats make every grid point's
// statistics, so runs that share a data split, an initialisation and a
// batch order stay together, as in the paired tests. Under
// cross-validation the runs are already one per grid point and repeat
// (PoolFolds), so a resample draws whole repeats with all their folds. Each
// resample's per-λ statistics are built from the drawn runs as Summarize
// builds them (Describe; the folds' pooled SE under cross-validation) and
// the balance points are recomputed by the report's own rules (balanceOf).
// The draws come from one PCG stream seeded by the spec's seed alone, so
// stability.csv is the same on every rerun and with any worker count.

// StabilityFile is the table of the balance points' selection shares.
const StabilityFile = "stability.csv"

// StabilityHeader is the header of stability.csv: one row per swept term,
// balance point (lambda_best, lambda_1se, knee) and λ chosen in some
// resample, λ ascending, then a row with an empty lambda for the resamples
// where the point is undefined, so a point's shares sum to 1. With several
// swept terms (or sweep axes) a fixed column follows term, as in
// balance.csv.
//
//	term        the swept term
//	point       lambda_best | lambda_1se | knee
//	lambda      the λ chosen, as in runs.csv; empty = undefined
//	share       the fraction of the resamples that chose it
//	lo90, hi90  the shortest run of consecutive grid λ of the slice that
//	            holds at least 90% of the resamples where the point is
//	            defined (the more of them, then the smaller λ, on a tie);
//	            empty when it is never defined
var StabilityHeader = []string{"term", "point", "lambda", "share", "lo90", "hi90"}

// stabilityPoints are the points resampled, as named in balance.csv.
var stabilityPoints = []string{BalanceBest, Balance1SE, BalanceKnee}

// Stability is the resampled choice of one balance point.
type Stability struct {
	Point     string    // lambda_best | lambda_1se | knee
	Counts    []int     // per point of the term's slice (TermAnalysis.Points)
	Undefined int       // resamples where the point is undefined
	B         int       // resamples
	Lo, Hi    int       // the 90% run in the slice; -1 when never defined
	Lambdas   []float64 // the slice's λ, aligned with Counts
}

// TermStability is the stability of one term analysis: its points'
// Stability and what more repeats would do.
type TermStability struct {
	Points  []Stability // lambda_best, lambda_1se, knee
	Repeats int         // the study's repeats (R)
	// NeedRepeats is the smallest n' tried (StabilityLevels × R) at which
	// λ_best keeps its λ in at least 80% of the resamples of n' repeats
	// drawn with replacement; 0 when it already does at R, -1 when no
	// level tried reaches it or λ_best is undefined.
	NeedRepeats int
	Power       Power // the paired difference from λ = 0 80% power detects
}

// StabilityLevels multiply the study's repeats for NeedRepeats, and
// levelResamples bounds the resamples at each level.
var StabilityLevels = []int{2, 4, 8, 16}

const levelResamples = 200

// repeatRun is what a resample needs of one run.
type repeatRun struct {
	status string
	vals   []float64 // per needed metric
	ses    []float64 // per needed metric: the folds' SE; nil without folds
}

// resampler holds the runs of the analysed points by repeat.
type resampler struct {
	a       *Analysis
	repeats []int            // distinct repeat indices, ascending
	metrics []int            // needed metric indices (task, terms' metrics)
	byPoint [][][]*repeatRun // [summary point][repeat position] → runs
	s       *Summary         // the resampled summary, reused
	vals    []float64
	ses     []float64
	t975    map[int]float64 // t975 by degrees of freedom
}

// tq is t975, computed once per degrees of freedom.
func (rs *resampler) tq(df int) float64 {
	t, ok := rs.t975[df]
	if !ok {
		t = t975(df)
		rs.t975[df] = t
	}
	return t
}

// newResampler reads the runs of every analysed point once.
func newResampler(a *Analysis) (*resampler, error) {
	s := a.Summary
	rs := &resampler{a: a, metrics: []int{a.Task.Index}, byPoint: make([][][]*repeatRun, len(s.Points)),
		t975: map[int]float64{}}
	need := make([]bool, len(s.Points))
	for _, ta := range a.Terms {
		for _, pi := range ta.Points {
			need[pi] = true
		}
		if ta.Metric.Index >= 0 && !slices.Contains(rs.metrics, ta.Metric.Index) {
			rs.metrics = append(rs.metrics, ta.Metric.Index)
		}
	}
	index := PointIndex(s)
	type keyed struct {
		pi, rep int
		run     *repeatRun
	}
	var all []keyed
	err := a.EachRun(func(r *Run) error {
		pi, ok := index[PointKey(r)]
		if !ok || !need[pi] {
			return nil
		}
		rr := &repeatRun{status: r.Status, vals: make([]float64, len(rs.metrics))}
		if r.FoldSE != nil {
			rr.ses = make([]float64, len(rs.metrics))
		}
		for k, m := range rs.metrics {
			rr.vals[k] = r.Metrics[m]
			if rr.ses != nil {
				rr.ses[k] = r.FoldSE[m]
			}
		}
		all = append(all, keyed{pi, r.Repeat, rr})
		if !slices.Contains(rs.repeats, r.Repeat) {
			rs.repeats = append(rs.repeats, r.Repeat)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(rs.repeats)
	for pi := range rs.byPoint {
		if need[pi] {
			rs.byPoint[pi] = make([][]*repeatRun, len(rs.repeats))
		}
	}
	for _, k := range all {
		pos, _ := slices.BinarySearch(rs.repeats, k.rep)
		rs.byPoint[k.pi][pos] = append(rs.byPoint[k.pi][pos], k.run)
	}
	rs.s = &Summary{Terms: s.Terms, Axes: s.Axes, Metrics: s.Metrics, Points: make([]Point, len(s.Points))}
	for pi, p := range s.Points {
		rs.s.Points[pi] = Point{Lambdas: p.Lambdas, Axes: p.Axes, Stats: make([]Stat, len(s.Metrics))}
	}
	return rs, nil
}

// summary fills rs.s with the statistics of the runs of the drawn repeat
// positions, as Summarize computes them from runs.
func (rs *resampler) summary(draw []int) *Summary {
	for pi, byRep := range rs.byPoint {
		if byRep == nil {
			continue
		}
		pt := &rs.s.Points[pi]
		pt.N, pt.Diverged, pt.Failed = 0, 0, 0
		for _, pos := range draw {
			for _, r := range byRep[pos] {
				pt.N++
				pt.count(r.status)
			}
		}
		for k, m := range rs.metrics {
			rs.vals, rs.ses = rs.vals[:0], rs.ses[:0]
			for _, pos := range draw {
				for _, r := range byRep[pos] {
					if r.status != experiments.StatusOK || math.IsNaN(r.vals[k]) {
						continue
					}
					rs.vals = append(rs.vals, r.vals[k])
					if r.ses != nil {
						rs.ses = append(rs.ses, r.ses[k])
					}
				}
			}
			pt.Stats[m] = describe(rs.vals, rs.tq)
			if strings.HasPrefix(rs.s.Metrics[m], CVPrefix) {
				pt.Stats[m].Pooled, pt.Stats[m].PooledSE = true, pooledSE(rs.ses)
			}
		}
	}
	return rs.s
}

// Draws returns b resamples of n repeat positions out of r, drawn with
// replacement from the PCG stream (seed, stream).
func Draws(seed, stream uint64, b, n, r int) [][]int {
	rng := rand.New(rand.NewPCG(seed, stream))
	out := make([][]int, b)
	for i := range out {
		out[i] = make([]int, n)
		for j := range out[i] {
			out[i][j] = rng.IntN(r)
		}
	}
	return out
}

// Streams of Draws: the stability resamples, and those at larger n.
const (
	streamStability = 0x57ab1e
	streamRepeats   = 0x4e4e
)

// stabilityOf recomputes the balance points of every term analysis of a
// for each draw (repeat positions of rs.repeats) and counts the choices.
func (rs *resampler) stabilityOf(draws [][]int) [][]Stability {
	out := make([][]Stability, len(rs.a.Terms))
	for k, ta := range rs.a.Terms {
		out[k] = make([]Stability, len(stabilityPoints))
		lambdas := make([]float64, len(ta.Points))
		for i, pi := range ta.Points {
			lambdas[i] = rs.a.Summary.Points[pi].Lambdas[ta.Index]
		}
		for j, name := range stabilityPoints {
			out[k][j] = Stability{Point: name, Counts: make([]int, len(ta.Points)), B: len(draws), Lambdas: lambdas}
		}
	}
	for _, d := range draws {
		s := rs.summary(d)
		for k := range rs.a.Terms {
			ta := &rs.a.Terms[k]
			b := BalanceOf(s, ta, rs.a.Task)
			for j, bp := range []BalancePoint{b.Best, b.OneSE, b.Knee} {
				st := &out[k][j]
				if i := slices.Index(ta.Points, bp.Point); bp.Point >= 0 && i >= 0 {
					st.Counts[i]++
				} else {
					st.Undefined++
				}
			}
		}
	}
	for k := range out {
		for j := range out[k] {
			out[k][j].Lo, out[k][j].Hi = run90(out[k][j].Counts)
		}
	}
	return out
}

// run90 returns the shortest run [lo, hi] of consecutive counts holding at
// least 90% of their total; among runs of that length the one with the
// most, then the first. -1, -1 when the total is 0.
func run90(counts []int) (lo, hi int) {
	total := 0
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		return -1, -1
	}
	lo, hi = -1, -1
	bestLen, bestSum := len(counts)+1, -1
	for i := range counts {
		sum := 0
		for j := i; j < len(counts); j++ {
			sum += counts[j]
			if 10*sum >= 9*total { // sum/total ≥ 0.9 in integers
				if n := j - i + 1; n < bestLen || (n == bestLen && sum > bestSum) {
					lo, hi, bestLen, bestSum = i, j, n, sum
				}
				break
			}
		}
	}
	return lo, hi
}

// Share is the fraction of resamples that chose slice point i.
func (st *Stability) Share(i int) float64 { return float64(st.Counts[i]) / float64(st.B) }

// needRepeats returns, for each term analysis, the smallest n' = level·R
// at which λ_best keeps the study's λ_best in at least 80% of resamples of
// n' repeats drawn with replacement (0: already at R, per shares; -1: no
// level reaches it or λ_best is undefined).
func (rs *resampler) needRepeats(seed uint64, b int, shares [][]Stability) []int {
	out := make([]int, len(rs.a.Terms))
	open := 0
	for k, ta := range rs.a.Terms {
		out[k] = -1
		best := slices.Index(ta.Points, ta.Balance.Best.Point)
		switch {
		case ta.Balance.Best.Point < 0 || best < 0:
		case shares[k][0].Share(best) >= 0.8:
			out[k] = 0
		default:
			open++
		}
	}
	r := len(rs.repeats)
	for li, level := range StabilityLevels {
		if open == 0 || r == 0 {
			break
		}
		got := rs.stabilityOf(Draws(seed, streamRepeats+uint64(li), min(b, levelResamples), level*r, r))
		for k, ta := range rs.a.Terms {
			best := slices.Index(ta.Points, ta.Balance.Best.Point)
			if out[k] == -1 && best >= 0 && got[k][0].Share(best) >= 0.8 {
				out[k] = level * r
				open--
			}
		}
	}
	return out
}

// computeStability fills each term analysis' Stability with b resamples
// seeded by the spec's seed (report.resamples; none when 0).
func (a *Analysis) computeStability() error {
	b, seed := spec.DefaultResamples, uint64(0)
	if a.Spec != nil {
		b, seed = a.Spec.Report.Resamples, a.Spec.Seed
	}
	if b == 0 || a.Task.Name == "" || len(a.Terms) == 0 {
		return nil
	}
	rs, err := newResampler(a)
	if err != nil {
		return err
	}
	if len(rs.repeats) == 0 {
		return nil
	}
	got := rs.stabilityOf(Draws(seed, streamStability, b, len(rs.repeats), len(rs.repeats)))
	need := rs.needRepeats(seed, b, got)
	for k := range a.Terms {
		ta := &a.Terms[k]
		ta.Stability = &TermStability{Points: got[k], Repeats: len(rs.repeats), NeedRepeats: need[k], Power: a.powerOf(ta)}
	}
	return nil
}

// WriteStability computes the stability and writes stability.csv.
func (a *Analysis) WriteStability(path string) error {
	if err := a.computeStability(); err != nil {
		return err
	}
	return WriteFileAtomic(path, func(w io.Writer) error { return writeStabilityCSV(w, a) })
}

func writeStabilityCSV(w io.Writer, a *Analysis) error {
	fixed := slices.ContainsFunc(a.Terms, func(ta TermAnalysis) bool { return ta.Fixed != "" })
	head := StabilityHeader
	if fixed {
		head = slices.Insert(slices.Clone(head), 1, "fixed")
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, ta := range a.Terms {
		if ta.Stability == nil {
			continue
		}
		for _, st := range ta.Stability.Points {
			lo, hi := "", ""
			if st.Lo >= 0 {
				lo, hi = formatExact(st.Lambdas[st.Lo]), formatExact(st.Lambdas[st.Hi])
			}
			write := func(lambda string, share float64) error {
				row := []string{ta.Term, st.Point, lambda, formatStat(share), lo, hi}
				if fixed {
					row = slices.Insert(row, 1, ta.Fixed)
				}
				return cw.Write(row)
			}
			for i, c := range st.Counts {
				if c > 0 {
					if err := write(formatExact(st.Lambdas[i]), st.Share(i)); err != nil {
						return err
					}
				}
			}
			if st.Undefined > 0 {
				if err := write("", float64(st.Undefined)/float64(st.B)); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// StabilityLine says a point's stability in one line: "λ_1se = 0.1, chosen
// in 78% of resamples; 90% within 0.03–0.3". lambda is the study's choice
// (nil: undefined), share the fraction of resamples that chose it (for an
// undefined point: that found it undefined), lo and hi the 90% run (nil:
// never defined).
func StabilityLine(point string, lambda *float64, share float64, lo, hi *float64) string {
	name := map[string]string{BalanceBest: "λ_best", Balance1SE: "λ_1se", BalanceKnee: "knee"}[point]
	var b strings.Builder
	if lambda == nil {
		fmt.Fprintf(&b, "%s undefined, as in %s of resamples", name, percent(share))
	} else {
		fmt.Fprintf(&b, "%s = %s, chosen in %s of resamples", name, FormatLambda(*lambda), percent(share))
	}
	if lo != nil && hi != nil {
		if *lo == *hi {
			fmt.Fprintf(&b, "; 90%% at %s", FormatLambda(*lo))
		} else {
			fmt.Fprintf(&b, "; 90%% within %s–%s", FormatLambda(*lo), FormatLambda(*hi))
		}
	}
	return b.String()
}

func percent(v float64) string { return strconv.FormatFloat(100*v, 'f', 0, 64) + "%" }

// StabilityLines are StabilityLine for each resampled point of ta.
func (ta *TermAnalysis) StabilityLines() []string {
	if ta.Stability == nil {
		return nil
	}
	var out []string
	for j, bp := range []BalancePoint{ta.Balance.Best, ta.Balance.OneSE, ta.Balance.Knee} {
		st := ta.Stability.Points[j]
		var lambda, lo, hi *float64
		share := float64(st.Undefined) / float64(st.B)
		if i := slices.Index(ta.Points, bp.Point); bp.Point >= 0 && i >= 0 {
			lambda, share = &bp.Lambda, st.Share(i)
		}
		if st.Lo >= 0 {
			lo, hi = &st.Lambdas[st.Lo], &st.Lambdas[st.Hi]
		}
		out = append(out, StabilityLine(st.Point, lambda, share, lo, hi))
	}
	return out
}
