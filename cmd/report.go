package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/report"
	"github.com/lossexp/lossexp/study"
)

// ReportOptions are the settings of `lossexp report`.
type ReportOptions struct {
	IO      *IO
	Dir     string
	X       string
	Metrics []string
	Workers int // figures drawn at once; 0 = number of CPUs
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
whatever the number.`,
		Example: `  lossexp report results/quickstart
  lossexp report results/l1-sparsity --metric test.accuracy --metric sparsity`,
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
	return c
}

func reportRun(ctx context.Context, o *ReportOptions) error {
	runs := filepath.Join(o.Dir, "runs.csv")
	if _, err := os.Stat(runs); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return inputError(fmt.Errorf("%s has no runs.csv: is it a results folder written by lossexp sweep?", o.Dir))
		}
		return inputError(err)
	}
	lock, err := study.LockFolder(o.Dir, "lossexp report", true)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	atomicfile.RemoveTemps(o.Dir) // a crashed draw's half-written files
	opt := report.PlotOptions{X: o.X, Metrics: o.Metrics, Workers: o.Workers}
	if opt.Workers == 0 {
		opt.Workers = runtime.NumCPU()
	}
	if s, err := experiments.Load(filepath.Join(o.Dir, "spec.yaml")); err == nil {
		opt.Title, opt.Description = s.Name, s.Description
		if opt.X == "" {
			opt.X = s.Report.X
		}
		if len(opt.Metrics) == 0 {
			opt.Metrics = s.Report.Metrics
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(o.IO.Err, "note: ignoring %s: %v\n", filepath.Join(o.Dir, "spec.yaml"), err)
	}
	if err := report.RenderContext(ctx, o.Dir, opt); err != nil {
		if ctx.Err() != nil {
			return err // interrupted: exit 130 or 143
		}
		return inputError(err)
	}
	files, _ := atomicfile.GlobIn(o.Dir, "*.png")
	for _, name := range []string{report.SummaryFile, report.BalanceFile, report.PairedFile, report.CostFile} {
		if _, err := os.Stat(filepath.Join(o.Dir, name)); err == nil {
			fmt.Fprintf(o.IO.Out, "wrote %s\n", filepath.Join(o.Dir, name))
		}
	}
	files = append(files, filepath.Join(o.Dir, report.HTMLFile))
	for _, f := range files {
		fmt.Fprintf(o.IO.Out, "wrote %s\n", f)
	}
	return nil
}
