package cmd

import (
	"context"
	"fmt"
	"math"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/lossexp/lossexp/study"
)

// RunOptions are the settings of `lossexp run`.
type RunOptions struct {
	IO      *IO
	Spec    string
	Set     []string // term=λ
	Repeat  int
	Fold    int      // cross-validation fold (specs with dataset.split.cv)
	Axis    []string // FIELD=VALUE, one per sweep axis (specs with sweep.axes)
	DataDir string
	Cache   string // the fetch cache, resolved by cacheDirSetting
	JSON    bool   // print a RunJSON document instead of the table
	Out     string // a results folder whose runs/tmp/ holds a training command's run folder ("" for a temporary folder)
}

func newCmdRun(streams *IO, v *viper.Viper, runF func(context.Context, *RunOptions) error) *cobra.Command {
	opts := &RunOptions{IO: streams}
	c := &cobra.Command{
		Use:   "run SPEC",
		Short: "Train one run of a spec and print its metrics",
		Long: `Train a single run of SPEC, at the λ values given with --set (a swept term
that is not set takes λ = 0; a fixed term keeps its value) and the repeat
given with --repeat (for a spec with dataset.split.cv, the fold given with
--fold; for a spec with sweep.axes, the axis point given with --axis, each
axis at its first value unless given), and print its metrics. The run is the same one a sweep trains
at that grid point, repeat and fold: same data split, initialization and
batch order, and the same metrics to the last bit. A training command's run
folder and logs go to a temporary folder ($TMPDIR/lossexp-run-*) that is
removed on exit, Ctrl-C and SIGTERM included (one a kill -9 left is removed
by the next run); with --out, to OUT/runs/tmp/ instead (OUT is locked as a
shard locks it: the run is refused while a sweep writes OUT).`,
		Example: `  lossexp run configs/quickstart.yaml --set l2=0.001 --repeat 0
  lossexp run configs/quickstart.yaml --set l2=0.1 --json | jq .metrics
  lossexp run my-cv-study.yaml --set l2=0.01 --repeat 1 --fold 2
  lossexp run my-axes-study.yaml --set l2=0.01 --axis model.hidden=64x64
  cat configs/quickstart.yaml | lossexp run - --set l2=0.01`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			bind(v, c, "data-dir", "cache-dir")
			opts.Spec = args[0]
			opts.DataDir = v.GetString("data-dir")
			opts.Cache = cacheDirSetting(v)
			if opts.Repeat < 0 {
				return inputError(fmt.Errorf("--repeat must be ≥ 0, got %d", opts.Repeat))
			}
			if opts.Fold < 0 {
				return inputError(fmt.Errorf("--fold must be ≥ 0, got %d", opts.Fold))
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runRun(c.Context(), opts)
		},
	}
	c.Flags().StringArrayVar(&opts.Set, "set", nil, "λ of a term, as NAME=VALUE (repeatable)")
	c.Flags().IntVar(&opts.Repeat, "repeat", 0, "repeat index (selects the data split, initialization and batch order)")
	c.Flags().StringArrayVar(&opts.Axis, "axis", nil, "the value of a sweep axis, as FIELD=VALUE, VALUE as runs.csv writes it (model.hidden=64x64; repeatable)")
	c.Flags().IntVar(&opts.Fold, "fold", 0, "cross-validation fold whose rows are the validation split (specs with dataset.split.cv: 0 ≤ fold < cv)")
	c.Flags().String("data-dir", "", "folder to look for CSV datasets in after the spec's folder")
	c.Flags().StringVarP(&opts.Out, "out", "o", "", "a training command's run folder in OUT/runs/tmp/ (removed after the run) instead of a temporary folder")
	addCacheDirFlag(c)
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the result as one JSON document (see docs/json.md)")
	return c
}

func runRun(ctx context.Context, o *RunOptions) error {
	s, err := loadSpecIO(ctx, o.IO, o.Spec)
	if err != nil {
		return err
	}
	req := study.RunRequest{Name: o.Spec, Set: o.Set, Repeat: o.Repeat, Fold: o.Fold, Axis: o.Axis}
	lim := study.DefaultLimits()
	lim.Workers = 1 // one run trains
	one, err := study.PlanRun(ctx, s, req, study.Folders{Data: o.DataDir, Cache: o.Cache}, lim)
	if err != nil {
		return err
	}
	if o.Repeat >= s.Repeats {
		fmt.Fprintf(o.IO.Err, "note: repeat %d is beyond the spec's %d repeats; a sweep would not train it\n", o.Repeat, s.Repeats)
	}
	var scratch *study.Scratch
	if one.NeedsScratch() {
		sc, release, err := runScratch(o.Out)
		if err != nil {
			return err
		}
		defer release() // on every return: ok, failed, an error, Ctrl-C or SIGTERM
		scratch = sc
	}
	res, err := one.Train(ctx, scratch)
	if err != nil {
		return err
	}
	if o.JSON {
		if err := writeJSON(o.IO.Out, newRunJSON(o.Spec, one, &res)); err != nil {
			return err
		}
	} else if err := printRun(o, one, &res); err != nil {
		return err
	}
	return runFailed(&res)
}

// printRun prints the run's result as the table of `lossexp run`.
func printRun(o *RunOptions, one *study.OneRun, res *study.Result) error {
	w := tabwriter.NewWriter(o.IO.Out, 0, 0, 2, ' ', 0)
	fold, axisLabel := "", ""
	if one.Folds > 0 {
		fold = fmt.Sprintf(" fold %d of %d,", one.Fold, one.Folds)
	}
	for k, f := range one.AxisNames {
		axisLabel += fmt.Sprintf(" %s=%s,", f, one.AxisValues[k])
	}
	fmt.Fprintf(w, "run\t%s repeat %d,%s%s %s\n", one.Spec.Name, one.Repeat, fold, axisLabel, study.LambdaLabel(one.Spec, one.Lambdas))
	fmt.Fprintf(w, "seed\t%d\n", res.Seed)
	fmt.Fprintf(w, "status\t%s", res.Status)
	if res.Reason != "" {
		fmt.Fprintf(w, " (%s)", res.Reason)
	}
	fmt.Fprintln(w)
	for i, n := range one.Metrics {
		v := res.Metrics[i]
		if math.IsNaN(v) {
			fmt.Fprintf(w, "%s\t-\n", n)
			continue
		}
		fmt.Fprintf(w, "%s\t%.6g\n", n, v)
	}
	fmt.Fprintf(w, "seconds\t%.3f\n", res.Seconds)
	return w.Flush()
}

// runFailed is the exit of `lossexp run` for its result: status 1 for a
// failed run (a training command that could not report, issue 23), nil
// for ok and diverged (a diverged run is a result, as in a sweep).
func runFailed(res *study.Result) error {
	if res.Status != study.StatusFailed {
		return nil
	}
	return &exitError{code: ExitFailure, err: fmt.Errorf("the run failed: %s", res.Reason)}
}

// runScratchPrefix starts the name of the folder `lossexp run` makes in
// the system's temporary folder for a training command's run folder and
// logs.
const runScratchPrefix = "lossexp-run-"

// runScratch makes the scratch folder of `lossexp run` (its run folder
// and logs; removed by release on every exit lossexp sees): with --out,
// in <out>/runs/tmp/ (study.OpenScratchIn); else in the system's
// temporary folder, after removing those that earlier `lossexp run`s,
// killed (kill -9, a second Ctrl-C), left behind: only those whose owner
// is gone (study.SweepScratch).
func runScratch(out string) (*study.Scratch, func(), error) {
	if out != "" {
		return study.OpenScratchIn(out, "lossexp run")
	}
	study.SweepScratch(os.TempDir(), runScratchPrefix, false) // what is left is named by nothing: best effort
	s, err := study.OpenScratch(os.TempDir(), runScratchPrefix)
	if err != nil {
		return nil, nil, fmt.Errorf("temporary folder for the run: %w", err)
	}
	return s, func() { s.Close() }, nil
}
