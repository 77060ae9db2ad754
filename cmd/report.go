package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/study"
)

// ReportOptions are the settings of `lossexp report`.
type ReportOptions struct {
	IO      *IO
	Dir     string
	X       string
	Metrics []string
	Workers int    // figures drawn at once; 0 = number of CPUs
	Out     string // where the partial report of a running sweep goes ("": DIR/partial)
}

func newCmdReport(streams *IO, runF func(context.Context, *ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{IO: streams}
	c := &cobra.Command{
		Use:   "report DIR",
		Short: "Re-render the tables, plots and report.html of a results folder from its CSVs",
		Long: `Read DIR/runs.csv (and curves.csv, timings.csv and spec.yaml when present) and
write again, without training:

  summary.csv    n, mean, std and 95% CI per grid point and metric
  balance.csv    per swept term: lambda_best, lambda_1se, knee, lambda_overshadow
  paired.csv     each λ against λ = 0, paired by repeat: mean difference, CI, p
  cost.csv       seconds per run and per epoch per grid point
  *.png          metrics against λ with the balance points, trade-off,
                 heatmaps (two swept terms), gradient ratio and cosine,
                 cost and training curves
  report.html    one page with all of it, readable offline

The plotted metrics and the x-axis term come from the spec saved in
DIR/spec.yaml (its report section), unless --x or --metric is given.
The figures are drawn --workers at a time; the files are the same bytes
whatever the number.

While a sweep still trains in DIR, report leaves DIR as the sweep writes it
and draws a partial report of the runs stored so far into DIR/partial/ (or
--out), titled "partial: k of n runs"; it takes no lock from the sweep.`,
		Example: `  lossexp report results/quickstart
  lossexp report results/l1-sparsity --metric test.accuracy --metric sparsity
  lossexp report results/my-model          # while its sweep runs: results/my-model/partial/`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if opts.Workers < 0 {
				return inputError(fmt.Errorf("--workers must be ≥ 0 (0 = number of CPUs), got %d", opts.Workers))
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return reportRun(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.X, "x", "", "term whose λ is the x axis (default: the spec's report.x, else the first swept)")
	c.Flags().StringArrayVar(&opts.Metrics, "metric", nil, "metric to plot (repeatable; default: the spec's report.metrics, else all)")
	c.Flags().IntVarP(&opts.Workers, "workers", "w", 0, "figures drawn at once (0 = number of CPUs)")
	c.Flags().StringVarP(&opts.Out, "out", "o", "", "folder of the partial report of a sweep still running in DIR (default DIR/partial)")
	return c
}

func reportRun(ctx context.Context, o *ReportOptions) error {
	if study.Running(o.Dir) {
		return partialRun(ctx, o)
	}
	if o.Out != "" {
		return inputError(fmt.Errorf("--out %s: no sweep is running in %s; --out is where the partial report of a running sweep goes (a finished folder's report is drawn in it)", o.Out, o.Dir))
	}
	files, err := study.Report(ctx, o.Dir, study.ReportOptions{X: o.X, Metrics: o.Metrics, Workers: o.Workers}, o.IO.Err)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(o.IO.Out, "wrote %s\n", f)
	}
	return nil
}

// partialRun draws the partial report of the sweep running in o.Dir.
func partialRun(ctx context.Context, o *ReportOptions) error {
	pr, err := study.PartialReport(ctx, o.Dir, o.Out, study.ReportOptions{X: o.X, Metrics: o.Metrics, Workers: o.Workers})
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Err, "a sweep is still running in %s: partial report of %d of %d runs in %s\n", o.Dir, pr.K, pr.N, pr.Out)
	if pr.Note != "" {
		fmt.Fprintf(o.IO.Err, "partial report: %s\n", pr.Note)
	}
	for _, f := range pr.Files {
		fmt.Fprintf(o.IO.Out, "wrote %s\n", f)
	}
	return nil
}
