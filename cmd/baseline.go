package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/study"
)

// BaselineOptions are the settings of `lossexp baseline`.
type BaselineOptions struct {
	IO      *IO
	Results string
	To      string
}

func newCmdBaseline(streams *IO, runF func(context.Context, *BaselineOptions) error) *cobra.Command {
	opts := &BaselineOptions{IO: streams}
	c := &cobra.Command{
		Use:   "baseline RESULTS --to DIR",
		Short: "Store a sweep's summary as the baseline that lossexp check compares with",
		Long: `Copy RESULTS/summary.csv and RESULTS/spec.yaml to DIR and write
DIR/baseline.json (the spec's hashes, the tool and numerics versions, the
BLAS backend and the grid size). DIR is created; an existing baseline in it
is replaced. Commit DIR to make CI fail when a change bends a curve:

  lossexp check RESULTS --baseline DIR

In a clone of lossexp, results/baselines/ holds the baselines its own CI
checks: store yours under your study's name, never over one of them.`,
		Example: `  lossexp sweep my-study.yaml
  lossexp baseline results/my-study --to results/baselines/my-study
  lossexp check results/my-study --baseline results/baselines/my-study`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Results = args[0]
			if opts.To == "" {
				return inputError(errors.New("--to DIR is required: the folder to store the baseline in"))
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return baselineRun(opts)
		},
	}
	c.Flags().StringVar(&opts.To, "to", "", "folder to store the baseline in (required)")
	return c
}

func baselineRun(o *BaselineOptions) error {
	info, err := study.Baseline(o.Results, o.To, Version)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "stored baseline of %s (%d grid points, %d runs, %s BLAS) in %s\n", info.Name, info.GridPoints, info.Runs, info.BLAS, o.To)
	return nil
}
