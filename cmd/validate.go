package cmd

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/lossexp/lossexp/study"
)

// ValidateOptions are the settings of `lossexp validate`.
type ValidateOptions struct {
	IO      *IO
	Spec    string
	DataDir string
	Cache   string // the fetch cache, resolved by cacheDirSetting
	Workers int    // for the memory estimate: runs trained at once
	JSON    bool

	limitFlags
}

func newCmdValidate(streams *IO, v *viper.Viper, runF func(context.Context, *ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: streams}
	c := &cobra.Command{
		Use:   "validate SPEC",
		Short: "Check a spec and print the grid it expands to, without training",
		Long: `Parse SPEC strictly (unknown keys, wrong types, negative or empty λ grids are
errors naming file:line:column), then plan it exactly as "lossexp sweep"
does before its first run: open the data (CSV files are looked for beside
the spec, then in --data-dir), check the generator parameters, the splits,
the report metrics, the number of runs (--max-runs) and the estimated
memory (--max-memory, for --workers runs at once), and print what a sweep
would train: the λ values of every term, the number of grid points and
runs. Exit status 2 when the spec is invalid: every spec that validates
gets past the sweep's checks, and every spec the sweep refuses before
training is refused here with the same message.`,
		Example: `  lossexp validate configs/quickstart.yaml
  lossexp validate configs/fairness-compas.yaml --data-dir ~/data`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			bind(v, c, "workers", "data-dir", "cache-dir")
			opts.Spec = args[0]
			opts.Workers = v.GetInt("workers")
			opts.DataDir = v.GetString("data-dir")
			opts.Cache = cacheDirSetting(v)
			if opts.Workers < 0 {
				return inputError(fmt.Errorf("--workers must be ≥ 0 (0 = number of CPUs), got %d", opts.Workers))
			}
			if err := opts.limitFlags.resolve(opts.Workers); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return validateRun(c.Context(), opts)
		},
	}
	c.Flags().IntP("workers", "w", 0, "runs a sweep would train at once, for the memory estimate (0 = GOMAXPROCS)")
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the plan as one JSON document")
	c.Flags().String("data-dir", "", "folder to look for CSV datasets in after the spec's folder")
	addCacheDirFlag(c)
	opts.limitFlags.add(c)
	return c
}

func validateRun(ctx context.Context, o *ValidateOptions) error {
	st, err := loadStudy(ctx, o.IO, o.Spec, study.Folders{Data: o.DataDir, Cache: o.Cache}, o.limits(o.Workers))
	if err != nil {
		return err
	}
	if h := st.HalvingWarning(); h != "" { // as sweep prints it, before training
		fmt.Fprintf(o.IO.Err, "lossexp: warning: %s\n", h)
	}
	if o.JSON {
		return writeJSON(o.IO.Out, newValidateJSON(o.Spec, st.Spec, st.Plans.Len(), len(st.Grid)))
	}
	s := st.Spec
	w := o.IO.Out
	fmt.Fprintf(w, "%s: valid\n", o.Spec)
	fmt.Fprintf(w, "name:     %s\n", s.Name)
	if s.Description != "" {
		fmt.Fprintf(w, "about:    %s\n", terminalSafe(s.Description))
	}
	if s.Trainer != nil {
		describeTrainer(w, s)
	} else {
		fmt.Fprintf(w, "dataset:  %s\n", describeData(s))
		fmt.Fprint(w, indent(st.Data.Describe(), "  "))
		fmt.Fprintf(w, "model:    %s\n", describeModel(s))
		// A written train.precision is shown; a spec without it reads as before.
		prec := ""
		if s.Has("train.precision") {
			prec = ", " + s.Train.Precision
		}
		fmt.Fprintf(w, "train:    %s, learning rate %g, %d epochs, batch %s%s\n", s.Train.Optimizer, s.Train.LearningRate, s.Train.Epochs, batchString(s.Train.BatchSize), prec)
	}
	printValidateLoss(w, s)
	printValidateRuns(w, st)
	return nil
}

// printValidateLoss prints the loss of s: its task loss, its terms with
// their λ values, the other axes and the refinement.
func printValidateLoss(w io.Writer, s *study.Spec) {
	task := s.Loss.Task
	switch {
	case s.Trainer != nil:
		task = "the command's task loss"
	case task == "":
		task = "default for the dataset"
	}
	fmt.Fprintf(w, "loss:     %s", task)
	for _, t := range s.Loss.Terms {
		fmt.Fprintf(w, " + λ·%s", t.Name)
	}
	fmt.Fprintln(w)
	for _, t := range s.Loss.Terms {
		kind := "fixed"
		if t.Weight.Swept {
			kind = fmt.Sprintf("swept, %d values", len(t.Weight.Values))
		}
		fmt.Fprintf(w, "  λ %-12s (%s, %s): %s\n", t.Name, t.Kind, kind, study.LambdaList(t.Weight.Values))
	}
	for _, ax := range s.Sweep.Axes {
		vals := make([]string, len(ax.Values))
		for i, v := range ax.Values {
			vals[i] = v.String()
		}
		fmt.Fprintf(w, "  axis %-22s %d values: %s\n", ax.Field, len(ax.Values), strings.Join(vals, ", "))
	}
	if r := s.Sweep.Refine; r != nil {
		fmt.Fprintf(w, "  refine: %d rounds of up to %d λ values each, after the grid (not counted below)\n", r.Rounds, r.Points)
	}
}

// printValidateRuns prints the runs of st: grid, balancing, selection,
// metrics and memory.
func printValidateRuns(w io.Writer, st *study.Study) {
	s, plans, grid := st.Spec, st.Plans, st.Grid
	methods := s.BalanceRuns()
	folds := ""
	if s.Folds() > 1 {
		folds = fmt.Sprintf(" × %d folds", s.Folds())
	}
	fmt.Fprintf(w, "grid:     %d points (%s) × %d repeats%s = %d runs\n", len(grid), s.Sweep.Mode, s.Repeats, folds, plans.Len()-methods)
	if s.Loss.Balance != nil || len(s.Sweep.Balance) > 0 {
		fmt.Fprintf(w, "balance:  %s\n", s.BalanceSummary())
	}
	if methods > 0 {
		fmt.Fprintf(w, "runs:     %d in all\n", plans.Len())
	}
	if h := s.Sweep.Halving; h != nil {
		fmt.Fprintf(w, "halving:  rungs of %s epochs (eta %d, keep_se %g; docs/halving.md)\n", intList(s.Rungs()), h.Eta, h.KeepSE)
	}
	fmt.Fprintf(w, "select:   λ chosen on %s\n", selectionLabel(s, st.Layout.Metrics))
	fmt.Fprintf(w, "metrics:  %s\n", strings.Join(st.Layout.Metrics, ", "))
	if s.Trainer == nil {
		if m := st.Memory; m.Sweep > 0 {
			fmt.Fprintf(w, "memory:   about %s to load and check, %s for a sweep on %s (about %s per run; judged before loading)\n",
				humanBytes(m.Validate), humanBytes(m.Sweep), plural(m.Workers, "worker"), humanBytes(st.RunMemory))
		} else {
			fmt.Fprintf(w, "memory:   about %s per run\n", humanBytes(st.RunMemory))
		}
	}
}

func describeData(s *study.Spec) string {
	d := s.Dataset
	src := "csv " + d.CSV + " (target " + d.Target + ")"
	if d.Builtin != "" {
		src = "builtin " + d.Builtin
		if len(d.Params) > 0 {
			var ps []string
			for _, k := range slices.Sorted(maps.Keys(d.Params)) {
				ps = append(ps, fmt.Sprintf("%s=%g", k, d.Params[k]))
			}
			src += " (" + strings.Join(ps, ", ") + ")"
		}
	}
	split := fmt.Sprintf("test %g", d.Split.Test)
	if d.Split.TestCSV != "" {
		split = "test file " + d.Split.TestCSV
	}
	if d.Split.Validation > 0 {
		split += fmt.Sprintf(", validation %g", d.Split.Validation)
	}
	return src + ", split " + split
}

func describeModel(s *study.Spec) string {
	if s.Model.Kind == "linear" {
		return "linear"
	}
	var hs []string
	for _, h := range s.Model.Hidden {
		hs = append(hs, strconv.Itoa(h))
	}
	return fmt.Sprintf("mlp, hidden [%s], %s", strings.Join(hs, ", "), s.Model.Activation)
}

func batchString(b int) string {
	if b == 0 {
		return "full"
	}
	return strconv.Itoa(b)
}

func humanBytes(b float64) string {
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.3g GB", b/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.3g MB", b/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.3g KB", b/1e3)
	}
	return fmt.Sprintf("%.0f B", b)
}

// indent prefixes every line of text with pre.
func indent(text, pre string) string {
	if text == "" {
		return ""
	}
	lines := strings.SplitAfter(text, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(pre + l)
		}
	}
	return b.String()
}

// selectionLabel says which split chooses λ.
func selectionLabel(s *study.Spec, have []string) string {
	if s.Trainer != nil || s.Report.TaskMetric != "" {
		return taskLabel(s, have)
	}
	switch {
	case s.Report.SelectOn == study.SelectCV:
		return fmt.Sprintf("%d-fold cross-validation inside each repeat (test held out)", s.Folds())
	case s.Report.SelectOn == study.SelectTest:
		return "the test split (report.select_on: test: the test score at the chosen λ is optimistic)"
	case s.Dataset.Split.Validation > 0:
		return "the validation split"
	}
	return fmt.Sprintf("a validation split carved from the training rows (report.validation %g)", s.Report.Validation)
}

// taskLabel says which metric chooses λ when the spec names it
// (report.task_metric) or a training command reports it: the metric as
// the runs will have it, on which split and why.
func taskLabel(s *study.Spec, have []string) string {
	name, _ := s.TaskMetric(func(m string) bool { return slices.Contains(have, m) })
	better := s.MetricDirection(name)
	if s.Report.SelectOn == study.SelectCV && name != "" {
		name = "cv." + strings.TrimPrefix(name, "validation.") + " (the folds' validation." + strings.TrimPrefix(name, "validation.") + ")"
	}
	label := name + ", " + better + " is better"
	switch {
	case name == "":
		return "none of the metrics the runs will have"
	case strings.HasPrefix(name, "test."):
		label += " (report.select_on: test: the test score at the chosen λ is optimistic)"
	case s.Trainer != nil && strings.HasPrefix(name, "validation."):
		label += " (the validation metric the command reports)"
	case s.Trainer != nil:
		label += " (the command's own metric; it names no split)"
	}
	return label
}

// intList joins integers with ", ".
func intList(v []int) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ", ")
}
