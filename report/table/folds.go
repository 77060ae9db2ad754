package table

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/lossexp/lossexp/experiments"
)

// CVPrefix starts the name of a validation metric pooled over the
// cross-validation folds: cv.<metric> (validation.<metric> in runs.csv).
const CVPrefix = "cv."

// PoolFolds turns the runs of a cross-validated sweep (runs.csv with a
// fold column) into one run per grid point and repeat, in order of first
// appearance, as cv.glmnet pools its folds:
//
//   - every metric is the mean over the repeat's folds (train and test
//     metrics of the K fold models, and the validation metric, that is
//     the cross-validation error of the repeat); validation.<metric>
//     is renamed cv.<metric>;
//   - FoldSE holds, per metric, the standard error of that mean over the
//     folds, sd/√K (sample sd, n−1), which is cv.glmnet's cvsd for folds
//     of equal weight; Summarize pools it over repeats (Stat.SE);
//   - the run's id is its first fold's, FoldIDs lists every fold's (the
//     training curves average them; cost and the legacy gradient ratio
//     read the first fold's timings and curves);
//   - the run is diverged when a fold diverged (its values are then left
//     out like any diverged run's), and a metric a fold lacks is the mean
//     over the folds that have it.
//
// Runs without the fold column are returned as they are.
func PoolFolds(runs *Runs) *Runs {
	if !runs.Folds {
		return runs
	}
	out := &Runs{Terms: runs.Terms, Axes: runs.Axes, Metrics: make([]string, len(runs.Metrics)),
		Methods: runs.Methods, HasMethod: runs.HasMethod} // methods' runs are not pooled
	for i, m := range runs.Metrics {
		if v, ok := strings.CutPrefix(m, "validation."); ok {
			m = CVPrefix + v
		}
		out.Metrics[i] = m
	}
	index := map[string]int{}
	var members [][]int
	for i, r := range runs.Runs {
		key := lambdaKey(r.Lambdas) + axisKey(r.Axes) + "\x00r" + strconv.Itoa(r.Repeat)
		g, ok := index[key]
		if !ok {
			g = len(out.Runs)
			index[key] = g
			out.Runs = append(out.Runs, Run{RunID: r.RunID, Repeat: r.Repeat, Seed: r.Seed, Status: experiments.StatusOK,
				Lambdas: r.Lambdas, Axes: r.Axes, Line: r.Line})
			members = append(members, nil)
		}
		members[g] = append(members[g], i)
	}
	vals := make([]float64, 0, 16)
	for g := range out.Runs {
		pr := &out.Runs[g]
		pr.Folds = len(members[g])
		for _, i := range members[g] {
			pr.FoldIDs = append(pr.FoldIDs, runs.Runs[i].RunID)
		}
		pr.Metrics = make([]float64, len(runs.Metrics))
		pr.FoldSE = make([]float64, len(runs.Metrics))
		for _, i := range members[g] {
			if r := runs.Runs[i]; r.Status != experiments.StatusOK {
				pr.Status = r.Status
				pr.Reason = strings.TrimPrefix(pr.Reason+"; ", "; ") + "fold " + strconv.Itoa(r.Fold) + ": " + r.Reason
			}
		}
		for m := range runs.Metrics {
			vals = vals[:0]
			for _, i := range members[g] {
				if v := runs.Runs[i].Metrics[m]; !math.IsNaN(v) {
					vals = append(vals, v)
				}
			}
			pr.Metrics[m], pr.FoldSE[m] = foldMean(vals)
		}
	}
	return out
}

// foldMean returns the mean of the fold values and its standard error
// sd/√K (NaN, NaN without values; SE NaN with one).
func foldMean(x []float64) (mean, se float64) {
	switch len(x) {
	case 0:
		return math.NaN(), math.NaN()
	case 1:
		return x[0], math.NaN()
	}
	m, sd := stat.MeanStdDev(x, nil)
	return m, sd / math.Sqrt(float64(len(x)))
}

// pooledSE is the standard error of the mean over R repeats of per-repeat
// cross-validation means whose own standard errors are se: √(Σ se_r²)/R,
// the repeats being independent. With one repeat it is cv.glmnet's cvsd.
func pooledSE(se []float64) float64 {
	if len(se) == 0 {
		return math.NaN()
	}
	ss := 0.0
	for _, v := range se {
		ss += v * v
	}
	return math.Sqrt(ss) / float64(len(se))
}
