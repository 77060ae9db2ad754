package table

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"strconv"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/lossterms"
)

// CostFile is the cost table written next to timings.csv.
const CostFile = "cost.csv"

// Cost is the wall time of a sweep's runs per grid point, from
// timings.csv, and what each swept term adds per epoch relative to its
// λ = 0 runs. Runs that diverged are left out (their epochs stop early).
// A run of a training command has no epoch timings: its seconds per epoch
// are its whole time over its epochs_run.
type Cost struct {
	Points  []CostPoint // grid order
	Terms   []TermCost  // swept terms, runs.csv order
	Seconds float64     // sum of the total seconds of every run
	Ref     int         // the point where every swept λ is 0; -1 if none
}

// CostPoint is the cost of one grid point over its ok runs.
type CostPoint struct {
	Point int
	Total Stat    // seconds per run
	Epoch Stat    // seconds per epoch (each run's mean over its epochs)
	Rel   float64 // Epoch.Mean / the Ref point's − 1; NaN without Ref
}

// TermCost is the extra time per epoch of one swept term: the mean
// seconds per epoch of the runs at λ > 0 on the term's slice over that of
// the slice's λ = 0 runs, minus 1.
type TermCost struct {
	Term      string
	RefEpoch  float64 // mean seconds per epoch at λ = 0
	OnEpoch   float64 // mean seconds per epoch at λ > 0
	Extra     float64 // OnEpoch/RefEpoch − 1; NaN without λ = 0
	RefN, OnN int     // runs behind each mean
	Note      string
}

// costOf computes the cost from timings.csv, read in step with runs.csv:
// both have the runs in the same order (the Writer writes a run's rows of
// each together), so each run's timings are matched to its row without a
// table of every run. Only the point being read is held; a timings.csv
// whose runs are not in runs.csv's order, or whose points are scattered,
// gives no cost section (a note says why).
func (a *Analysis) costOf() (*Cost, error) {
	s := a.Summary
	tr, err := a.readTimings()
	if err != nil {
		return nil, err
	}
	if tr.misfit != "" {
		a.Notes = append(a.Notes, TimingsFile+": "+tr.misfit+": no cost section")
		return nil, nil
	}
	c := &Cost{Ref: -1, Seconds: tr.seconds}
	c.addPoints(s, tr.totals, tr.epochs)
	for j := range s.Terms {
		if Distinct(s, j) < 2 {
			continue
		}
		c.Terms = append(c.Terms, termCost(s, j, tr.epSum, tr.epCnt))
	}
	return c, nil
}

// timingReader reads timings.csv in step with runs.csv for costOf: the
// run being read, the point being gathered, and each point's statistics.
type timingReader struct {
	index     map[string]int
	epochsCol int
	next      func() (*Run, error, bool)

	totals, epochs []Stat
	epSum          []float64 // sum and count of the per-run epoch means, per point
	epCnt          []int
	seconds        float64 // sum of the total seconds of every run

	cur       *Run // the run whose timings are being read
	curTotal  float64
	curEpSum  float64
	curEpN    int
	openPoint int
	ptTotals  []float64
	ptEpochs  []float64
	donePts   map[int]bool
	misfit    string
}

// readTimings reads timings.csv, in step with the runs, into per-point
// statistics; a misfit (runs out of order, scattered points) is said in
// the reader's misfit.
func (a *Analysis) readTimings() (*timingReader, error) {
	t, s := a.Timings, a.Summary
	idC, epC, secC := t.Col(ColRunID), t.Col(ColEpoch), t.Col(ColSeconds)
	if idC < 0 || epC < 0 || secC < 0 {
		return nil, fmt.Errorf("%s: missing column %s, %s or %s", TimingsFile, ColRunID, ColEpoch, ColSeconds)
	}
	tr := &timingReader{
		index:     PointIndex(s),
		epochsCol: slices.Index(s.Metrics, lossterms.EpochsRun),
		totals:    make([]Stat, len(s.Points)),
		epochs:    make([]Stat, len(s.Points)),
		epSum:     make([]float64, len(s.Points)),
		epCnt:     make([]int, len(s.Points)),
		curTotal:  math.NaN(),
		openPoint: -1,
		donePts:   map[int]bool{},
	}
	for p := range s.Points {
		tr.totals[p], tr.epochs[p] = Describe(nil), Describe(nil)
	}
	// The runs, in step with the timings.
	next, stop := iter.Pull2(a.runSeq())
	defer stop()
	tr.next = next
	err := t.Each(func(line int, row []string) error {
		if tr.misfit != "" {
			return nil
		}
		if len(row) != len(t.Header) {
			return fmt.Errorf("%s: line %d: %d cells, want %d", TimingsFile, line, len(row), len(t.Header))
		}
		if err := tr.advance(row[idC]); err != nil || tr.cur == nil {
			return err // no current run: runs.csv ran out (a misfit)
		}
		sec, err := ParseCell(row[secC])
		if err != nil {
			return fmt.Errorf("%s: line %d, column %q: %w", TimingsFile, line, ColSeconds, err)
		}
		tr.add(row[epC], sec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	tr.finishRun()
	tr.closePoint()
	return tr, nil
}

// advance makes run id the current run: it finishes the one before and
// advances runs.csv to id (runs without timings are skipped: they have
// none).
func (tr *timingReader) advance(id string) error {
	if tr.cur != nil && tr.cur.RunID == id {
		return nil
	}
	tr.finishRun()
	for {
		r, err, ok := tr.next()
		if !ok {
			tr.misfit = "its runs are not in runs.csv's order (or runs.csv lacks run " + id + ")"
			return nil
		}
		if err != nil {
			return err
		}
		if r.RunID == id {
			tr.cur, tr.curTotal, tr.curEpSum, tr.curEpN = r, math.NaN(), 0, 0
			return nil
		}
	}
}

// add takes one timings row of the current run: its total or one epoch.
func (tr *timingReader) add(epoch string, sec float64) {
	if epoch == EpochTotal {
		tr.curTotal = sec
		if IsFinite(sec) {
			tr.seconds += sec
		}
		return
	}
	if IsFinite(sec) {
		tr.curEpSum += sec
		tr.curEpN++
	}
}

// closePoint turns the open point's gathered runs into its statistics.
func (tr *timingReader) closePoint() {
	p := tr.openPoint
	if p < 0 {
		return
	}
	tr.totals[p], tr.epochs[p] = Describe(tr.ptTotals), Describe(tr.ptEpochs)
	for _, v := range tr.ptEpochs {
		tr.epSum[p] += v
	}
	tr.epCnt[p] = len(tr.ptEpochs)
	tr.donePts[p] = true
	tr.ptTotals, tr.ptEpochs, tr.openPoint = tr.ptTotals[:0], tr.ptEpochs[:0], -1
}

// finishRun adds the current run, if ok, to its point's gathered runs.
func (tr *timingReader) finishRun() {
	if tr.cur == nil {
		return
	}
	r := tr.cur
	tr.cur = nil
	p, ok := tr.index[PointKey(r)]
	if !ok || r.Status != experiments.StatusOK {
		return
	}
	if p != tr.openPoint {
		tr.closePoint()
		if tr.donePts[p] {
			tr.misfit = "the runs of a grid point are not contiguous in runs.csv"
			return
		}
		tr.openPoint = p
	}
	if IsFinite(tr.curTotal) {
		tr.ptTotals = append(tr.ptTotals, tr.curTotal)
	}
	if tr.curEpN > 0 {
		tr.ptEpochs = append(tr.ptEpochs, tr.curEpSum/float64(tr.curEpN))
	} else if v := perEpoch(r, tr.curTotal, tr.epochsCol); IsFinite(v) {
		tr.ptEpochs = append(tr.ptEpochs, v)
	}
}

// addPoints fills c.Points in grid order, c.Ref, and each point's Rel
// against the point of its axes where every swept λ is 0.
func (c *Cost) addPoints(s *Summary, totals, epochs []Stat) {
	axisRef := map[string]int{}
	for pi, p := range s.Points {
		allZero := true
		for j, l := range p.Lambdas {
			if Distinct(s, j) > 1 && l != 0 {
				allZero = false
			}
		}
		if _, ok := axisRef[axisKey(p.Axes)]; allZero && !ok {
			axisRef[axisKey(p.Axes)] = pi // with axes, each axis point has its own
		}
		if allZero && c.Ref < 0 {
			c.Ref = pi
		}
		c.Points = append(c.Points, CostPoint{Point: pi, Total: totals[pi], Epoch: epochs[pi], Rel: math.NaN()})
	}
	for i := range c.Points {
		r, ok := axisRef[axisKey(s.Points[i].Axes)]
		if ref := c.Points[r].Epoch.Mean; ok && ref > 0 {
			c.Points[i].Rel = c.Points[i].Epoch.Mean/ref - 1
		}
	}
}

// termCost is the extra time per epoch of swept term j, from the per-point
// sums and counts of the per-run epoch means.
func termCost(s *Summary, j int, epSum []float64, epCnt []int) TermCost {
	fixed, pts, refPt := TermSlice(s, j)
	tc := TermCost{Term: s.Terms[j], Extra: math.NaN(), RefEpoch: math.NaN(), OnEpoch: math.NaN()}
	// Means of the per-run epoch means over the points (sums per
	// point, then over the points: cost.csv varies with the timings
	// anyway, so the order of the additions is not kept).
	var onSum, refSum float64
	for _, pi := range pts {
		if pi == refPt {
			refSum += epSum[pi]
			tc.RefN += epCnt[pi]
		} else if s.Points[pi].Lambdas[j] > 0 {
			onSum += epSum[pi]
			tc.OnN += epCnt[pi]
		}
	}
	if tc.RefN > 0 {
		tc.RefEpoch = refSum / float64(tc.RefN)
	}
	if tc.OnN > 0 {
		tc.OnEpoch = onSum / float64(tc.OnN)
	}
	switch {
	case refPt < 0:
		tc.Note = "no λ = 0 runs to compare with"
	case tc.RefN == 0 || tc.OnN == 0:
		tc.Note = "no timed ok runs on one side"
	default:
		tc.Extra = tc.OnEpoch/tc.RefEpoch - 1
	}
	if fixed != "" {
		tc.Note = joinNote(tc.Note, "with "+fixed)
	}
	return tc
}

// perEpoch returns the seconds per epoch of run r, whose timings.csv has
// no epoch rows (a training command's run: lossexp times the whole
// attempt), from its total and its epochs_run (column col of runs.csv);
// NaN when either is missing.
func perEpoch(r *Run, total float64, col int) float64 {
	if col < 0 || !IsFinite(total) {
		return math.NaN()
	}
	if n := r.Metrics[col]; IsFinite(n) && n >= 1 {
		return total / n
	}
	return math.NaN()
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// WriteCost writes cost.csv atomically, one row per grid point in grid
// order:
//
//	lambda.<term>…,n,seconds.mean,seconds.ci_low,seconds.ci_high,
//	epoch_seconds.mean,epoch_seconds.ci_low,epoch_seconds.ci_high,epoch_seconds.rel
//
// n counts the ok runs timed; seconds is the wall time per run,
// epoch_seconds the mean time per epoch, and epoch_seconds.rel its
// relative difference with the point where every swept λ is 0 (0.05 =
// 5% slower). Timings vary between identical sweeps; so does this table.
func WriteCost(path string, s *Summary, c *Cost) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		row := make([]string, 0, len(s.Terms)+8)
		for _, t := range s.Terms {
			row = append(row, LambdaPrefix+t)
		}
		for _, a := range s.Axes {
			row = append(row, AxisPrefix+a)
		}
		row = append(row, ColN, "seconds.mean", "seconds.ci_low", "seconds.ci_high",
			"epoch_seconds.mean", "epoch_seconds.ci_low", "epoch_seconds.ci_high", "epoch_seconds.rel")
		if err := cw.Write(row); err != nil {
			return err
		}
		for _, cp := range c.Points {
			row = row[:0]
			for _, l := range s.Points[cp.Point].Lambdas {
				row = append(row, formatExact(l))
			}
			row = append(row, s.Points[cp.Point].Axes...)
			row = append(row, strconv.Itoa(cp.Total.N),
				formatSeconds(cp.Total.Mean), formatSeconds(cp.Total.CILow), formatSeconds(cp.Total.CIHigh),
				formatSeconds(cp.Epoch.Mean), formatSeconds(cp.Epoch.CILow), formatSeconds(cp.Epoch.CIHigh), formatSeconds(cp.Rel))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}
