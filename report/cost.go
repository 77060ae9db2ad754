package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/lossexp/lossexp/experiments"
)

// CostFile is the cost table written next to timings.csv.
const CostFile = "cost.csv"

// Cost is the wall time of a sweep's runs per grid point, from
// timings.csv, and what each swept term adds per epoch relative to its
// λ = 0 runs. Runs that diverged are left out (their epochs stop early).
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

// costOf computes the cost from timings.csv.
func costOf(t *Table, runs *Runs, s *Summary) (*Cost, error) {
	idC, epC, secC := t.Col(ColRunID), t.Col(ColEpoch), t.Col(ColSeconds)
	if idC < 0 || epC < 0 || secC < 0 {
		return nil, fmt.Errorf("%s: missing column %s, %s or %s", TimingsFile, ColRunID, ColEpoch, ColSeconds)
	}
	runIdx := make(map[string]int, len(runs.Runs))
	for i, r := range runs.Runs {
		runIdx[r.RunID] = i
	}
	total := make([]float64, len(runs.Runs))
	epSum := make([]float64, len(runs.Runs))
	epN := make([]int, len(runs.Runs))
	for i := range total {
		total[i] = math.NaN()
	}
	c := &Cost{Ref: -1}
	for k, row := range t.Rows {
		if len(row) != len(t.Header) {
			return nil, fmt.Errorf("%s: line %d: %d cells, want %d", TimingsFile, k+2, len(row), len(t.Header))
		}
		i, ok := runIdx[row[idC]]
		if !ok {
			continue // a run runs.csv does not have (an interrupted sweep)
		}
		sec, err := parseCell(row[secC])
		if err != nil {
			return nil, fmt.Errorf("%s: line %d, column %q: %w", TimingsFile, k+2, ColSeconds, err)
		}
		if row[epC] == EpochTotal {
			total[i] = sec
			if isFinite(sec) {
				c.Seconds += sec
			}
			continue
		}
		if isFinite(sec) {
			epSum[i] += sec
			epN[i]++
		}
	}
	pointOf := pointOfRuns(runs, s)
	totals := make([][]float64, len(s.Points))
	epochs := make([][]float64, len(s.Points))
	for i, r := range runs.Runs {
		if r.Status != experiments.StatusOK {
			continue
		}
		p := pointOf[i]
		if isFinite(total[i]) {
			totals[p] = append(totals[p], total[i])
		}
		if epN[i] > 0 {
			epochs[p] = append(epochs[p], epSum[i]/float64(epN[i]))
		}
	}
	axisRef := map[string]int{}
	for pi, p := range s.Points {
		allZero := true
		for j, l := range p.Lambdas {
			if distinct(s, j) > 1 && l != 0 {
				allZero = false
			}
		}
		if _, ok := axisRef[axisKey(p.Axes)]; allZero && !ok {
			axisRef[axisKey(p.Axes)] = pi // with axes, each axis point has its own
		}
		if allZero && c.Ref < 0 {
			c.Ref = pi
		}
		c.Points = append(c.Points, CostPoint{Point: pi, Total: Describe(totals[pi]), Epoch: Describe(epochs[pi]), Rel: math.NaN()})
	}
	for i := range c.Points {
		r, ok := axisRef[axisKey(s.Points[i].Axes)]
		if ref := c.Points[r].Epoch.Mean; ok && ref > 0 {
			c.Points[i].Rel = c.Points[i].Epoch.Mean/ref - 1
		}
	}
	for j, term := range s.Terms {
		if distinct(s, j) < 2 {
			continue
		}
		fixed, pts, refPt := termSlice(s, j)
		tc := TermCost{Term: term, Extra: math.NaN(), RefEpoch: math.NaN(), OnEpoch: math.NaN()}
		var on, ref []float64
		for _, pi := range pts {
			if pi == refPt {
				ref = append(ref, epochs[pi]...)
			} else if s.Points[pi].Lambdas[j] > 0 {
				on = append(on, epochs[pi]...)
			}
		}
		tc.RefN, tc.OnN = len(ref), len(on)
		if len(ref) > 0 {
			tc.RefEpoch = mean(ref)
		}
		if len(on) > 0 {
			tc.OnEpoch = mean(on)
		}
		switch {
		case refPt < 0:
			tc.Note = "no λ = 0 runs to compare with"
		case len(ref) == 0 || len(on) == 0:
			tc.Note = "no timed ok runs on one side"
		default:
			tc.Extra = tc.OnEpoch/tc.RefEpoch - 1
		}
		if fixed != "" {
			tc.Note = joinNote(tc.Note, "with "+fixed)
		}
		c.Terms = append(c.Terms, tc)
	}
	return c, nil
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
