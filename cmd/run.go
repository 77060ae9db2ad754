package cmd

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/spec"
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
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the result as one JSON document (see the README, Machine-readable output)")
	return c
}

func runRun(ctx context.Context, o *RunOptions) error {
	s, err := loadSpecIO(ctx, o.IO, o.Spec)
	if err != nil {
		return err
	}
	lam := make([]float64, len(s.Loss.Terms))
	for i, t := range s.Loss.Terms {
		if !t.Weight.Swept && len(t.Weight.Values) == 1 {
			lam[i] = t.Weight.Values[0]
		}
	}
	for _, kv := range o.Set {
		name, val, ok := strings.Cut(kv, "=")
		if !ok {
			return inputError(fmt.Errorf("--set %q: want NAME=VALUE, e.g. l2=0.001", kv))
		}
		idx := -1
		var names []string
		for i, t := range s.Loss.Terms {
			names = append(names, t.Name)
			if t.Name == name {
				idx = i
			}
		}
		if idx < 0 {
			return inputError(fmt.Errorf("--set %s: no term named %q in %s (terms: %s)", kv, name, o.Spec, strings.Join(names, ", ")))
		}
		w, err := spec.ParseWeightString(val)
		if err != nil || len(w.Values) != 1 {
			return inputError(fmt.Errorf("--set %s: λ must be one number ≥ 0: %v", kv, err))
		}
		lam[idx] = w.Values[0]
	}
	if o.Repeat >= s.Repeats {
		fmt.Fprintf(o.IO.Err, "note: repeat %d is beyond the spec's %d repeats; a sweep would not train it\n", o.Repeat, s.Repeats)
	}
	axisNames := s.AxisNames()
	axes, err := runAxisPoint(s, o.Spec, o.Axis)
	if err != nil {
		return inputError(err)
	}
	axisLabel := ""
	if axes != nil {
		s = s.WithAxes(axes)
		for k, f := range axisNames {
			axisLabel += fmt.Sprintf(" %s=%s,", f, axes[k])
		}
	}
	folds := s.Dataset.Split.CV // 0 without cross-validation
	switch {
	case folds == 0 && o.Fold != 0:
		return inputError(fmt.Errorf("--fold %d: %s has no cross-validation (dataset.split.cv)", o.Fold, o.Spec))
	case folds > 0 && o.Fold >= folds:
		return inputError(fmt.Errorf("--fold %d: %s has %d folds (0 to %d)", o.Fold, o.Spec, folds, folds-1))
	}
	data, err := experiments.OpenData(s, experiments.Folders{Data: o.DataDir, Cache: o.Cache})
	if err != nil {
		return inputError(err)
	}
	sp, err := data.PrepareFold(o.Repeat, o.Fold)
	if err != nil {
		return inputError(err)
	}
	if s.Trainer != nil {
		scratch, release, err := runScratch(o.Out)
		if err != nil {
			return err
		}
		defer release() // on every return: ok, failed, an error, Ctrl-C or SIGTERM
		ctx = experiments.WithScratch(ctx, scratch.Dir())
	}
	run := &experiments.Run{Point: 0, Repeat: o.Repeat, Fold: o.Fold, Lambdas: lam, Spec: s, Data: sp}
	res, err := experiments.Train(ctx, run)
	if err != nil {
		return err
	}
	names := experiments.MetricNames(s, sp)
	if o.JSON {
		out := newRunJSON(o.Spec, s, o.Repeat, lam, names, &res)
		if folds > 0 {
			out.Fold = &o.Fold
		}
		if axes != nil {
			out.Axes = map[string]string{}
			for k, f := range axisNames {
				out.Axes[f] = axes[k].String()
			}
		}
		if err := writeJSON(o.IO.Out, out); err != nil {
			return err
		}
		return runFailed(&res)
	}
	w := tabwriter.NewWriter(o.IO.Out, 0, 0, 2, ' ', 0)
	fold := ""
	if folds > 0 {
		fold = fmt.Sprintf(" fold %d of %d,", o.Fold, folds)
	}
	fmt.Fprintf(w, "run\t%s repeat %d,%s%s %s\n", s.Name, o.Repeat, fold, axisLabel, lambdaLabel(s, lam))
	fmt.Fprintf(w, "status\t%s", res.Status)
	if res.Reason != "" {
		fmt.Fprintf(w, " (%s)", res.Reason)
	}
	fmt.Fprintln(w)
	for i, n := range names {
		v := res.Metrics[i]
		if math.IsNaN(v) {
			fmt.Fprintf(w, "%s\t-\n", n)
			continue
		}
		fmt.Fprintf(w, "%s\t%.6g\n", n, v)
	}
	fmt.Fprintf(w, "seconds\t%.3f\n", res.Seconds)
	if err := w.Flush(); err != nil {
		return err
	}
	return runFailed(&res)
}

// runFailed is the exit of `lossexp run` for its result: status 1 for a
// failed run (a training command that could not report, issue 23), nil
// for ok and diverged (a diverged run is a result, as in a sweep).
func runFailed(res *experiments.Result) error {
	if res.Status != experiments.StatusFailed {
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

func lambdaLabel(s *spec.Spec, lam []float64) string { return study.LambdaLabel(s, lam) }

// runAxisPoint is the axis point `lossexp run` trains: for a spec with
// sweep axes, each axis at the value --axis FIELD=VALUE gives (VALUE as
// runs.csv writes it, and one of the axis' values, so that the run is one
// the sweep trains), else at its first value; nil for a spec without axes.
func runAxisPoint(s *spec.Spec, specFile string, given []string) ([]spec.AxisValue, error) {
	if len(s.Sweep.Axes) == 0 {
		if len(given) > 0 {
			return nil, fmt.Errorf("--axis %s: %s has no sweep axes", given[0], specFile)
		}
		return nil, nil
	}
	pt := make([]spec.AxisValue, len(s.Sweep.Axes))
	for k, ax := range s.Sweep.Axes {
		pt[k] = ax.Values[0]
	}
	names := s.AxisNames()
	for _, kv := range given {
		field, val, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("--axis %q: want FIELD=VALUE, e.g. %s=%s", kv, names[0], s.Sweep.Axes[0].Values[0])
		}
		k := slices.Index(names, field)
		if k < 0 {
			return nil, fmt.Errorf("--axis %s: %s is not an axis of %s (axes: %s)", kv, field, specFile, strings.Join(names, ", "))
		}
		var vals []string
		found := false
		x, xerr := strconv.ParseFloat(val, 64) // 0.010 names the value 0.01
		for _, v := range s.Sweep.Axes[k].Values {
			vals = append(vals, v.String())
			if v.String() == val || (v.List == nil && xerr == nil && x == v.Num) {
				pt[k], found = v, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("--axis %s: %s is not a value of axis %s (values: %s)", kv, val, field, strings.Join(vals, ", "))
		}
	}
	return pt, nil
}
