package table

import (
	"encoding/binary"
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/lossexp/lossexp/experiments"
)

// Summary holds one row per grid point: the statistics of every metric over
// the point's runs.
type Summary struct {
	Terms   []string // term names, as in Runs
	Axes    []string // sweep axes, as in Runs (none without axes)
	Metrics []string // metric names, as in Runs
	Points  []Point  // in order of first appearance in runs.csv (grid order)
}

// Point is the summary of one grid point.
type Point struct {
	Lambdas  []float64 // the point's λ tuple, aligned with Summary.Terms
	Axes     []string  // the point's axis values, aligned with Summary.Axes
	N        int       // runs at the point, whatever their status
	Diverged int       // runs with status diverged
	Failed   int       // runs with status failed (a training command's run that did not report)
	Stats    []Stat    // aligned with Summary.Metrics
}

// Stat summarizes one metric at one grid point over the runs with status
// ok that have a value (NaN values are left out).
type Stat struct {
	N    int     // number of values
	Mean float64 // NaN if N = 0
	Std  float64 // sample standard deviation (N−1); NaN if N < 2

	// CILow and CIHigh bound the 95% confidence interval of the mean,
	// Mean ± t(0.975, N−1)·Std/√N from Student's t; NaN if N < 2.
	CILow, CIHigh float64

	// PooledSE, when Pooled, is the standard error of a cv.<metric>
	// pooled over cross-validation folds (PoolFolds): the folds'
	// standard error pooled over the repeats, cv.glmnet's cvsd with one
	// repeat. See StdErr.
	Pooled   bool
	PooledSE float64
}

// StdErr is the standard error of the mean the balance points' 1-SE rule
// uses: PooledSE when Pooled, else Std/√N; NaN when undefined.
func (st Stat) StdErr() float64 {
	if st.Pooled {
		return st.PooledSE
	}
	if st.N < 2 || math.IsNaN(st.Std) {
		return math.NaN()
	}
	return st.Std / math.Sqrt(float64(st.N))
}

// Summarize groups runs by grid point, that is by identical λ tuple (bit
// for bit, as ReadRuns parsed them) and axis values, in order of first appearance, and
// computes the statistics of every metric over the ok runs of each point.
func Summarize(runs *Runs) *Summary {
	s := &Summary{Terms: runs.Terms, Axes: runs.Axes, Metrics: runs.Metrics}
	index := make(map[string]int)
	var members [][]int // run indices per point
	key := make([]byte, 0, 8*len(runs.Terms))
	for i, r := range runs.Runs {
		key = key[:0]
		for _, l := range r.Lambdas {
			key = binary.LittleEndian.AppendUint64(key, math.Float64bits(l))
		}
		for _, a := range r.Axes {
			key = append(append(key, a...), 0)
		}
		p, ok := index[string(key)]
		if !ok {
			p = len(s.Points)
			index[string(key)] = p
			s.Points = append(s.Points, Point{Lambdas: r.Lambdas, Axes: r.Axes})
			members = append(members, nil)
		}
		members[p] = append(members[p], i)
	}
	values := make([]float64, 0, 16)
	for p := range s.Points {
		pt := &s.Points[p]
		pt.Stats = make([]Stat, len(s.Metrics))
		for _, i := range members[p] {
			pt.N++
			pt.count(runs.Runs[i].Status)
		}
		for m := range s.Metrics {
			values = values[:0]
			for _, i := range members[p] {
				r := &runs.Runs[i]
				if r.Status != experiments.StatusOK || math.IsNaN(r.Metrics[m]) {
					continue
				}
				values = append(values, r.Metrics[m])
			}
			pt.Stats[m] = Describe(values)
			if strings.HasPrefix(s.Metrics[m], CVPrefix) {
				ses := values[:0:0]
				for _, i := range members[p] {
					r := &runs.Runs[i]
					if r.Status == experiments.StatusOK && !math.IsNaN(r.Metrics[m]) && r.FoldSE != nil {
						ses = append(ses, r.FoldSE[m])
					}
				}
				pt.Stats[m].Pooled, pt.Stats[m].PooledSE = true, pooledSE(ses)
			}
		}
	}
	return s
}

// count counts a run of status st among the point's diverged or failed
// runs.
func (pt *Point) count(st string) {
	switch st {
	case experiments.StatusDiverged:
		pt.Diverged++
	case experiments.StatusFailed:
		pt.Failed++
	}
}

// Describe returns the mean, sample standard deviation and 95% Student-t
// confidence interval of the mean of x, which must not contain NaN.
func Describe(x []float64) Stat { return describe(x, t975) }

// t975 is Student's t 0.975 quantile with df degrees of freedom.
func t975(df int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
}

// describe is Describe with the t quantile from tq (a cache of t975 in
// the resampling of stability.go).
func describe(x []float64, tq func(df int) float64) Stat {
	st := Stat{N: len(x), Mean: math.NaN(), Std: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
	switch len(x) {
	case 0:
		return st
	case 1:
		st.Mean = x[0]
		return st
	}
	st.Mean, st.Std = stat.MeanStdDev(x, nil) // unbiased: divides by n−1
	half := tq(len(x)-1) * st.Std / math.Sqrt(float64(len(x)))
	st.CILow, st.CIHigh = st.Mean-half, st.Mean+half
	return st
}

// Column suffixes of summary.csv.
const (
	SuffixMean   = ".mean"
	SuffixStd    = ".std"
	SuffixCILow  = ".ci_low"
	SuffixCIHigh = ".ci_high"
	// SuffixSE follows .ci_high for a metric pooled over cross-validation
	// folds only (cv.<metric>): its standard error pooled from the folds
	// (Stat.PooledSE), the one the 1-SE rule uses, which is not .std/√n.
	SuffixSE = ".se"
)

// WriteSummary writes s to path atomically, one row per grid point:
//
//	lambda.<term>…,[axis.<field>…,]n,diverged,failed,<metric>.mean,<metric>.std,<metric>.ci_low,<metric>.ci_high[,<metric>.se]…
//
// with <metric>.se for the metrics pooled over cross-validation folds.
// λ values are written exactly as in runs.csv, so the two tables join on
// them; statistics with 10 significant digits; NaN as an empty cell.
func WriteSummary(path string, s *Summary) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		return WriteSummaryTo(w, s)
	})
}

func WriteSummaryTo(w io.Writer, s *Summary) error {
	cw := csv.NewWriter(w)
	row := make([]string, 0, len(s.Terms)+2+4*len(s.Metrics))
	for _, t := range s.Terms {
		row = append(row, LambdaPrefix+t)
	}
	for _, a := range s.Axes {
		row = append(row, AxisPrefix+a)
	}
	row = append(row, ColN, ColDiverged, ColFailed)
	pooled := make([]bool, len(s.Metrics))
	for _, p := range s.Points {
		for m, st := range p.Stats {
			pooled[m] = pooled[m] || st.Pooled
		}
	}
	for m, name := range s.Metrics {
		row = append(row, name+SuffixMean, name+SuffixStd, name+SuffixCILow, name+SuffixCIHigh)
		if pooled[m] {
			row = append(row, name+SuffixSE)
		}
	}
	if err := cw.Write(row); err != nil {
		return err
	}
	for _, p := range s.Points {
		row = row[:0]
		for _, l := range p.Lambdas {
			row = append(row, formatExact(l))
		}
		row = append(row, p.Axes...)
		row = append(row, strconv.Itoa(p.N), strconv.Itoa(p.Diverged), strconv.Itoa(p.Failed))
		for m, st := range p.Stats {
			row = append(row, formatStat(st.Mean), formatStat(st.Std), formatStat(st.CILow), formatStat(st.CIHigh))
			if pooled[m] {
				se := math.NaN()
				if st.Pooled {
					se = st.PooledSE
				}
				row = append(row, formatStat(se))
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// formatStat formats a statistic with 10 significant digits: enough for any
// comparison a reader makes, and free of the last-bit noise of a mean.
func formatStat(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 10, 64)
}

// Summarizer computes the Summary of runs added one at a time in
// runs.csv order, holding only the values of the grid point being read:
// the runs of a point are contiguous in every runs.csv lossexp writes
// (index order is point-major). The statistics are those of Summarize,
// bit for bit (Describe over the same values in the same order). A point
// that comes back after another began makes Summary report false; the
// caller then summarizes the whole table (Summarize), which takes any
// order.
type Summarizer struct {
	s         *Summary
	index     map[string]int
	key       []byte
	cur       int         // the open point, -1 before the first run
	vals      [][]float64 // per metric, the open point's ok values
	scattered bool
	n         int
}

// NewSummarizer starts a summary of runs with these columns.
func NewSummarizer(terms, axes, metrics []string) *Summarizer {
	return &Summarizer{s: &Summary{Terms: terms, Axes: axes, Metrics: metrics}, index: map[string]int{}, cur: -1,
		vals: make([][]float64, len(metrics))}
}

// Add adds one run; r is not kept (its Lambdas and Axes are, for a point's
// first run).
func (z *Summarizer) Add(r *Run) {
	z.n++
	if z.scattered {
		return
	}
	z.key = z.key[:0]
	for _, l := range r.Lambdas {
		z.key = binary.LittleEndian.AppendUint64(z.key, math.Float64bits(l))
	}
	for _, a := range r.Axes {
		z.key = append(append(z.key, a...), 0)
	}
	p, ok := z.index[string(z.key)]
	switch {
	case !ok:
		z.close()
		p = len(z.s.Points)
		z.index[string(z.key)] = p
		z.s.Points = append(z.s.Points, Point{Lambdas: r.Lambdas, Axes: r.Axes})
		z.cur = p
	case p != z.cur:
		z.scattered = true
		return
	}
	pt := &z.s.Points[p]
	pt.N++
	pt.count(r.Status)
	if r.Status != experiments.StatusOK {
		return
	}
	for m, v := range r.Metrics {
		if !math.IsNaN(v) {
			z.vals[m] = append(z.vals[m], v)
		}
	}
}

// close finishes the open point.
func (z *Summarizer) close() {
	if z.cur < 0 {
		return
	}
	pt := &z.s.Points[z.cur]
	pt.Stats = make([]Stat, len(z.s.Metrics))
	for m := range z.s.Metrics {
		pt.Stats[m] = Describe(z.vals[m])
		z.vals[m] = z.vals[m][:0]
	}
	z.cur = -1
}

// Runs returns the number of runs added.
func (z *Summarizer) Runs() int { return z.n }

// Summary finishes the summary; false when a point's runs were not
// contiguous (see Summarizer).
func (z *Summarizer) Summary() (*Summary, bool) {
	if z.scattered {
		return nil, false
	}
	z.close()
	return z.s, true
}

// SummarizeFile summarizes the runs.csv at path in one pass, holding one
// grid point at a time (the whole table only when its points are not
// contiguous), and returns the summary and the number of runs.
func SummarizeFile(path string) (*Summary, int, error) {
	rr, err := OpenRuns(path)
	if err != nil {
		return nil, 0, err
	}
	z := NewSummarizer(rr.Terms, rr.Axes, rr.Metrics)
	rr.Close()
	if err := EachRun(path, func(r *Run) error { z.Add(r); return nil }); err != nil {
		return nil, 0, err
	}
	if s, ok := z.Summary(); ok {
		return s, z.Runs(), nil
	}
	runs, err := ReadRuns(path)
	if err != nil {
		return nil, 0, err
	}
	return Summarize(runs), len(runs.Runs), nil
}

func CmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func IsFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// HasValues reports whether metric mi has a finite mean at some point.
func HasValues(s *Summary, mi int) bool {
	for _, p := range s.Points {
		if IsFinite(p.Stats[mi].Mean) {
			return true
		}
	}
	return false
}

func Distinct(s *Summary, j int) int {
	seen := map[float64]bool{}
	for _, p := range s.Points {
		seen[p.Lambdas[j]] = true
	}
	return len(seen)
}

// SummarizeRuns is the summary of the runs.csv at path, the one
// summary.csv holds: a row at a time (runs is nil) unless the table has a
// method column or a fold column; then it is read whole (runs), its folds
// pooled per grid point and repeat (PoolFolds). nRuns counts the runs
// summarized (after pooling).
func SummarizeRuns(path string) (s *Summary, runs *Runs, nRuns int, err error) {
	rr, err := OpenRuns(path)
	if err != nil {
		return nil, nil, 0, err
	}
	whole := rr.HasMethod || rr.Folds
	rr.Close()
	if !whole {
		s, nRuns, err = SummarizeFile(path)
		return s, nil, nRuns, err
	}
	if runs, err = ReadRuns(path); err != nil {
		return nil, nil, 0, err
	}
	runs = PoolFolds(runs) // one run per grid point and repeat
	return Summarize(runs), runs, len(runs.Runs), nil
}
