package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/study"
)

// CheckOptions are the settings of `lossexp check`.
type CheckOptions struct {
	IO       *IO
	Results  string
	Baseline string
	study.CheckSettings
	JUnit   string
	Plots   string // folder for the overlay PNGs (default RESULTS/check); "-" for none
	Verbose bool
	JSON    bool // print a CheckJSON document instead of the table
}

func newCmdCheck(streams *IO, runF func(context.Context, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: streams}
	c := &cobra.Command{
		Use:     "check RESULTS --baseline BASELINE",
		Short:   "Compare a sweep's curves with a stored baseline; exit 1 on a regression",
		Long:    checkLong,
		Example: checkExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.fromArgs(args); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return checkRun(opts)
		},
	}
	c.Flags().StringVarP(&opts.Baseline, "baseline", "b", "", "baseline folder written by lossexp baseline (required)")
	c.Flags().StringArrayVar(&opts.Metrics, "metric", nil, "metric to check (repeatable; default: the spec's check.metrics, else report.metrics)")
	opts.Abs, opts.Rel, opts.K, opts.HVTol, opts.EpsTol = -1, -1, -1, -1, -1
	c.Flags().Var(optionalFloat{&opts.Abs}, "abs", "absolute tolerance of every metric (default: the spec's check section, else 0.01)")
	c.Flags().Var(optionalFloat{&opts.Rel}, "rel", "relative tolerance (× |baseline mean|) of every metric (default: the spec's check section, else 0.01)")
	c.Flags().Var(optionalFloat{&opts.K}, "k", "tolerance in combined standard errors of every metric (default: the spec's check section, else 2)")
	c.Flags().StringArrayVar(&opts.Tols, "tol", nil, "one metric's tolerance: METRIC=abs:X,rel:Y,k:Z,better:higher|lower|both (repeatable)")
	c.Flags().IntVar(&opts.Steps, "balance-steps", 1, "grid steps a balance point may move")
	c.Flags().Var(optionalFloat{&opts.HVTol}, "hv-tol", "largest allowed drop of a front's normalized hypervolume (default: the spec's check section, else 0.05)")
	c.Flags().Var(optionalFloat{&opts.EpsTol}, "front-tol", "largest allowed ε (share of each axis' range) by which the new front may fall short of any part of the baseline's (default: the spec's check section, else 0.1)")
	c.Flags().StringVar(&opts.JUnit, "junit", "", "write JUnit XML to this file")
	c.Flags().StringVar(&opts.Plots, "plots", "", `folder for the overlay PNGs (default RESULTS/check; "-" for none)`)
	c.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "list every check, not only the regressions")
	c.Flags().BoolVar(&opts.JSON, "json", false, "print every check as one JSON document on standard output (see docs/json.md); the exit status is unchanged")
	return c
}

// fromArgs takes the results folder from args and checks the flags.
func (o *CheckOptions) fromArgs(args []string) error {
	o.Results = args[0]
	if o.Baseline == "" {
		return inputError(errors.New("--baseline BASELINE is required: the folder lossexp baseline stored"))
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"--abs", o.Abs}, {"--rel", o.Rel}, {"--k", o.K}, {"--hv-tol", o.HVTol}, {"--front-tol", o.EpsTol}} {
		if f.v != -1 && (f.v < 0 || math.IsNaN(f.v) || math.IsInf(f.v, 0)) {
			return inputError(fmt.Errorf("%s must be a finite number ≥ 0, got %g", f.name, f.v))
		}
	}
	if o.Steps < 0 {
		return inputError(fmt.Errorf("--balance-steps must be ≥ 0, got %d", o.Steps))
	}
	return nil
}

const checkLong = `Compare RESULTS/summary.csv with BASELINE/summary.csv grid point by grid
point and metric by metric. A point regresses when its mean moves the wrong
way by more than max(abs, rel × |baseline mean|, k × √(se_base² + se_new²))
(se: standard error over the repeats; for a cv.<metric>, the folds' SE
pooled over the repeats, the .se column). Accuracy and r2 must not fall;
loss, mse, gap and the fairness gaps must not rise; metrics without a
direction (weight_l1, weight_l2, sparsity, near_zero) must not move either
way. A grid point with more diverged runs, or more failed runs (a training
command's run that did not report), than the baseline regresses.

Beyond single points, check compares the balance points of every swept term
(lambda_best and lambda_1se may move one grid step) and the trade-off fronts
between the task metric and each term's own metric: by the hypervolume each
dominates in a common normalized box (--hv-tol), and by how far the new
front falls short of any part of the baseline's (the additive ε indicator,
--front-tol), so trading one end of the curve for the other fails.

Tolerances come from the results' spec.yaml (check: section), else the
defaults abs 0.01, rel 0.01, k 2; the flags override both:

  check:
    abs: 0.01
    rel: 0.01
    k: 2
    metrics:
      test.accuracy: {abs: 0.02}
      weight_l2: {rel: 0.05, better: both}

Writes an overlay PNG per checked metric (baseline band, new curve,
regressions marked) into RESULTS/check/ and, with --junit, JUnit XML with
one test case per metric × grid point. Exit status: 0 pass, 1 regression,
2 unusable input (different grids, missing files).`

const checkExample = `  lossexp check results/quickstart --baseline results/baselines/quickstart
  lossexp check out/l1 --baseline results/baselines/l1-sparsity --junit report.xml
  lossexp check out/q --baseline b/q --metric test.accuracy --tol test.accuracy=abs:0.03`

// optionalFloat is a float flag whose "not given" is a negative value, so
// that the spec's check section can supply the default; its help shows
// the documented default instead of the sentinel.
type optionalFloat struct{ p *float64 }

func (f optionalFloat) String() string {
	if f.p == nil || *f.p < 0 {
		return ""
	}
	return strconv.FormatFloat(*f.p, 'g', -1, 64)
}

func (f optionalFloat) Set(v string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", v)
	}
	*f.p = x
	return nil
}

func (optionalFloat) Type() string { return "float" }

// checkFailed is the error of a check that found regressions (exit 1).
type checkFailed struct{ n, total int }

func (e *checkFailed) Error() string {
	return fmt.Sprintf("check failed: %d of %d checks regressed", e.n, e.total)
}

func checkRun(o *CheckOptions) error {
	if o.Plots == "" {
		dir, err := study.CheckPlotsDir(o.Results)
		if err != nil {
			return err
		}
		o.Plots = dir
	}
	c, err := study.Check(o.Results, o.Baseline, o.CheckSettings, o.IO.Err)
	if err != nil {
		return err
	}
	rep := c.Report
	// With --json, standard output holds the JSON document alone.
	notes := o.IO.Out
	if o.JSON {
		notes = o.IO.Err
	} else {
		printCheck(o, c)
	}

	if o.JUnit != "" {
		if err := c.WriteJUnit(o.JUnit); err != nil {
			return err
		}
		fmt.Fprintf(notes, "wrote %s\n", o.JUnit)
	}
	if o.Plots != "-" {
		dir := o.Plots
		files, err := c.Figures(dir)
		if err != nil {
			return err
		}
		if len(files) > 0 {
			fmt.Fprintf(notes, "wrote %s to %s\n", plural(len(files), "overlay plot"), dir)
		}
	}
	if o.JSON {
		if err := writeJSON(o.IO.Out, newCheckJSON(c.Name, o.Results, o.Baseline, rep)); err != nil {
			return err
		}
	}
	if n := rep.Regressions(); n > 0 {
		return &exitError{ExitFailure, &checkFailed{n, rep.Total()}}
	}
	fmt.Fprintf(notes, "check passed: %s\n", plural(rep.Total(), "check"))
	return nil
}

func printCheck(o *CheckOptions, c *study.Checked) {
	out, rep := o.IO.Out, c.Report
	fmt.Fprintf(out, "check %s: %s against baseline %s: %s × %s, %s, %s\n",
		c.Name, o.Results, o.Baseline, plural(c.GridPoints(), "grid point"), plural(len(rep.Metrics), "metric"),
		plural(len(rep.Balance), "balance point"), plural(len(rep.Fronts), "front"))
	for _, w := range rep.Warnings {
		fmt.Fprintf(out, "note: %s\n", w)
	}
	printCheckPoints(out, rep, o.Verbose)
	fmt.Fprintln(out)
	printCheckMetrics(out, rep)
	printCheckBalance(out, rep)
	if n := rep.Regressions(); n > 0 {
		fmt.Fprintf(out, "\nFAIL: %d of %d checks regressed\n", n, rep.Total())
	}
}

// printCheckPoints lists the regressed grid points (every one with
// verbose) in a table.
func printCheckPoints(out io.Writer, rep *study.CheckReport, verbose bool) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	header := false
	for _, p := range rep.Points {
		if !p.Regressed && !verbose {
			continue
		}
		if !header {
			fmt.Fprintln(tw, "\nstatus\tmetric\tpoint\tbaseline\tnow\tchange\tband\tbetter")
			header = true
		}
		status := "ok"
		if p.Regressed {
			status = "REGRESSED"
		}
		b, n := study.FormatPair(p.Base, p.New)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", status, p.Metric, p.Label, b, n, signed(p.Delta), band(p.Band), p.Better)
	}
	tw.Flush()
}

// printCheckMetrics prints one line per metric: its points and verdict.
func printCheckMetrics(out io.Writer, rep *study.CheckReport) {
	perMetric := map[string][2]int{}
	var order []string
	for _, p := range rep.Points {
		c, seen := perMetric[p.Metric]
		if !seen {
			order = append(order, p.Metric)
		}
		c[1]++
		if p.Regressed {
			c[0]++
		}
		perMetric[p.Metric] = c
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, m := range order {
		c := perMetric[m]
		verdict := "ok"
		if c[0] > 0 {
			verdict = fmt.Sprintf("REGRESSED at %d of %d points", c[0], c[1])
		}
		fmt.Fprintf(tw, "%s\t%d points\t%s\n", m, c[1], verdict)
	}
	tw.Flush()
}

// printCheckBalance prints one line per balance point and per front.
func printCheckBalance(out io.Writer, rep *study.CheckReport) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, b := range rep.Balance {
		verdict := "ok"
		if b.Regressed {
			verdict = "REGRESSED: " + b.Note
		} else if b.Note != "" {
			verdict = "ok (" + b.Note + ")"
		}
		fmt.Fprintf(tw, "%s of %s\tλ %s → %s\t%s\n", b.Which, b.Term, lam(b.Base), lam(b.New), verdict)
	}
	for _, f := range rep.Fronts {
		verdict := "ok"
		if f.Regressed {
			verdict = "REGRESSED: " + f.Note
		}
		fmt.Fprintf(tw, "front of %s (%s vs %s)\thypervolume %.4f → %.4f, ε %.3f\t%s\n", f.Term, f.Task, f.Metric, f.Base, f.New, f.Epsilon, verdict)
	}
	tw.Flush()
}

func signed(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%+.3g", v)
}

func band(v float64) string {
	if v == 0 || math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("±%.3g", v)
}

func lam(v float64) string {
	if math.IsNaN(v) {
		return "none"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
