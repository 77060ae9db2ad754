package table

import (
	"encoding/csv"
	"io"
	"strconv"
)

// Names of the analysis tables.
const (
	BalanceFile = "balance.csv"
	PairedFile  = "paired.csv"
)

// BalanceHeader is the header of balance.csv: one row per swept term and
// balance point (lambda_best, lambda_1se, knee, lambda_overshadow, in that
// order; terms in runs.csv order).
//
//	term         the swept term
//	fixed        the other swept terms' λ on the term's slice ("l2=0"), "" if none
//	point        lambda_best | lambda_1se | knee | lambda_overshadow
//	lambda       the term's λ there, as in runs.csv; empty = undefined
//	task_metric  the metric the point is chosen on, named by its split:
//	             validation.<metric>, cv.<metric> (the folds' mean) or,
//	             when the spec selects on test, test.<metric>
//	task_better  higher | lower
//	task_mean    its mean over the ok runs at the point
//	task_se      its standard error, std/√n (with cv: the folds' SE
//	             pooled over repeats, as cv.glmnet); empty with a single run
//	n            ok runs (with cv: repeats) with a value at the point
//	test_metric  the task metric on the test split (test.<metric>) when
//	             λ is chosen on another split; empty otherwise
//	test_mean    its mean at the point: the honest estimate at the chosen λ
//	test_ci_low, test_ci_high  its 95% Student-t CI over the repeats
//	term_metric  the term's own metric (the knee's other axis); empty if none
//	term_better  higher | lower: the direction the term pushes it
//	term_mean    its mean at the point
//	note         why the point is undefined, or a qualification; then, on
//	             every row of the term, the grid points left out of the
//	             choice and why ("left out: λ=1 (all 3 runs failed)")
var BalanceHeader = []string{"term", "fixed", "point", "lambda", "task_metric", "task_better", "task_mean", "task_se", "n",
	"test_metric", "test_mean", "test_ci_low", "test_ci_high",
	"term_metric", "term_better", "term_mean", "note"}

// PairedHeader is the header of paired.csv: one row per swept term, metric
// (the task metric, then the term's metric) and grid point of the term's
// slice other than λ = 0, λ ascending.
//
//	term, fixed   as in balance.csv
//	lambda        the term's λ at the point
//	metric        the compared metric
//	better        higher | lower
//	n             pairs: repeats with an ok run and a value at both λ and λ = 0
//	mean_diff     mean of (value at λ − value at λ = 0) over the pairs
//	std_diff      sample standard deviation of the differences
//	ci_low, ci_high  95% Student-t CI of mean_diff (empty for n < 2)
//	t, df         paired t statistic and its degrees of freedom (n − 1)
//	p_value       two-sided p-value of the paired t-test, uncorrected
//	p_holm        p_value adjusted by Holm's step-down method over the
//	              family of one term slice (term, fixed) and one metric:
//	              every λ of the slice against λ = 0
//	effect        better | worse (p_holm < 0.05, or a difference that is
//	              the same non-zero amount in every pair) | n.s. | empty
//	              (no test)
//	note          no pairs, single pair, constant differences, diverged runs
var PairedHeader = []string{"term", "fixed", "lambda", "metric", "better", "n", "mean_diff", "std_diff", "ci_low", "ci_high",
	"t", "df", "p_value", "p_holm", "effect", "note"}

// WriteBalance writes balance.csv for a to path atomically. Floats are
// written as in summary.csv (10 significant digits, λ exact), so the bytes
// depend on runs.csv and spec.yaml alone.
func WriteBalance(path string, a *Analysis) error {
	return WriteFileAtomic(path, func(w io.Writer) error { return writeBalance(w, a) })
}

func writeBalance(w io.Writer, a *Analysis) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(BalanceHeader); err != nil {
		return err
	}
	for _, ta := range a.Terms {
		if a.Task.Name == "" {
			continue
		}
		b := ta.Balance
		for _, bp := range []struct {
			name string
			p    BalancePoint
		}{{BalanceBest, b.Best}, {Balance1SE, b.OneSE}, {BalanceKnee, b.Knee}, {BalanceOvershadow, b.Overshadow}} {
			row := []string{ta.Term, ta.Fixed, bp.name, "", a.Task.Name, Better(a.Task.Higher), "", "", "",
				a.Test.Name, "", "", "",
				ta.Metric.Name, "", "", withPartlyFailed(withLeftOut(bp.p.Note, b.Excluded), b.PartlyFailed)}
			if ta.Metric.Name != "" {
				row[14] = Better(ta.Metric.Higher)
			}
			if bp.p.Point >= 0 {
				pt := a.Summary.Points[bp.p.Point]
				st := pt.Stats[a.Task.Index]
				row[3] = formatExact(bp.p.Lambda)
				row[6] = formatStat(st.Mean)
				row[7] = formatStat(st.StdErr())
				row[8] = strconv.Itoa(st.N)
				if a.Test.Index >= 0 {
					ts := pt.Stats[a.Test.Index]
					row[10], row[11], row[12] = formatStat(ts.Mean), formatStat(ts.CILow), formatStat(ts.CIHigh)
				}
				if ta.Metric.Index >= 0 {
					row[15] = formatStat(pt.Stats[ta.Metric.Index].Mean)
				}
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WritePaired writes paired.csv for a to path atomically.
func WritePaired(path string, a *Analysis) error {
	return WriteFileAtomic(path, func(w io.Writer) error { return writePaired(w, a) })
}

func writePaired(w io.Writer, a *Analysis) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(PairedHeader); err != nil {
		return err
	}
	for _, ta := range a.Terms {
		for _, p := range ta.Paired {
			row := []string{p.Term, p.Fixed, formatExact(p.Lambda), p.Metric, Better(p.Higher), strconv.Itoa(p.N),
				formatStat(p.Mean), formatStat(p.Std), formatStat(p.CILow), formatStat(p.CIHigh),
				formatStat(p.T), strconv.Itoa(p.DF), formatStat(p.P), formatStat(p.PHolm), p.Effect(), p.Note}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func Better(higher bool) string {
	if higher {
		return "higher"
	}
	return "lower"
}
