package cmd

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/lossexp/lossexp/datasets"
	"github.com/lossexp/lossexp/study"
)

// SweepOptions are the settings of `lossexp sweep`.
type SweepOptions struct {
	IO      *IO
	Spec    string
	Workers int
	Out     string // output folder; default <results>/<name>
	Results string // results root
	DataDir string
	Cache   string // the fetch cache, resolved by cacheDirSetting
	Quiet   bool
	Fresh   bool // ignore (and clear) the run store: retrain every run
	Force   bool // replace another spec's results in the output folder
	JSON    bool // the final summary as one JSON document on standard output
	// Shard is the --shard value: "" (the whole sweep), "i/n" or "auto".
	Shard string

	shard *study.ShardOptions // the shard and where auto found it, resolved from Shard

	limitFlags
}

func newCmdSweep(streams *IO, v *viper.Viper, runF func(context.Context, *SweepOptions) error) *cobra.Command {
	opts := &SweepOptions{IO: streams}
	c := &cobra.Command{
		Use:     "sweep SPEC",
		Short:   "Train the λ grid of a spec and write tables and plots",
		Long:    sweepLong,
		Example: sweepExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.fromFlags(v, c, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return sweepRun(c.Context(), opts)
		},
	}
	c.Flags().IntP("workers", "w", 0, "number of runs trained at once (0 = the CPUs this process may use, GOMAXPROCS; not given, with trainer.devices: one per device slot)")
	c.Flags().StringP("out", "o", "", "output folder (default <results>/<spec name>)")
	c.Flags().String("results", "results", "results root folder")
	c.Flags().String("data-dir", "", "folder to look for CSV datasets in after the spec's folder")
	addCacheDirFlag(c)
	c.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress output")
	c.Flags().BoolVar(&opts.Fresh, "fresh", false, "retrain every run: clear the run store instead of resuming from it")
	c.Flags().BoolVar(&opts.Force, "force", false, "replace the results of another spec in the output folder (only lossexp's own files are removed)")
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the final summary (runs, files, balance points per term, report path) as one JSON document on standard output")
	c.Flags().String("shard", "", "train only shard i/n of the runs (0 ≤ i < n), or auto from JOB_COMPLETION_INDEX + LOSSEXP_SHARDS or SLURM_ARRAY_TASK_ID; then lossexp merge")
	opts.limitFlags.add(c)
	return c
}

// fromFlags fills o from the flags and settings of c (bound in v) and
// the spec argument, and checks them.
func (o *SweepOptions) fromFlags(v *viper.Viper, c *cobra.Command, args []string) error {
	bind(v, c, "workers", "out", "results", "data-dir", "cache-dir", "shard")
	o.Spec = args[0]
	o.Workers = v.GetInt("workers")
	o.Out = v.GetString("out")
	o.Results = v.GetString("results")
	o.DataDir = v.GetString("data-dir")
	o.Cache = cacheDirSetting(v)
	if o.Workers < 0 {
		return inputError(fmt.Errorf("--workers must be ≥ 0 (0 = number of CPUs), got %d", o.Workers))
	}
	if err := o.resolveShard(v.GetString("shard")); err != nil {
		return err
	}
	if err := o.limitFlags.resolve(o.Workers); err != nil {
		return err
	}
	o.workersDefault = !workersGiven(v, c)
	return nil
}

const sweepLong = `Train one model per grid point and repeat of SPEC on a pool of goroutine
workers, then write results/<name>/ (or --out):

  runs.csv       one row per run: λ of every term, status, every metric
  summary.csv    one row per grid point: n, mean, std and 95% CI per metric
  curves.csv     per run and epoch: loss components and gradient norms
  timings.csv    seconds per run and per epoch
  *.png          each report metric against λ, with its 95% CI band and
                 the λ = 0 reference; train against test accuracy
  manifest.json  spec hash, tool version, dataset checksum, run count, times
  spec.yaml      the spec as it was run

Results are a pure function of (spec, grid point, repeat): the CSVs other
than timings.csv are byte-identical whatever --workers is.

Every finished run is saved at once in the run store runs/ (seg-*.jsonl). Running the same
command again after a crash, Ctrl-C or kill -9 trains only the runs not yet
stored and writes the same bytes as an uninterrupted sweep; --fresh retrains
everything. Ctrl-C stops handing out runs, writes the tables and plots of
what is finished and exits with status 130 (143 for SIGTERM). An output folder holding the
results of another spec is not touched without --force, and --force and
--fresh remove only what lossexp wrote: a folder with other files in it is
refused, and so is one with a symbolic link where lossexp keeps its files
(runs, runs/logs…): lossexp never follows one out of the folder. While a sweep writes a folder it holds a lock on it; a second
sweep, merge or report of the same folder is refused until it ends.

Before anything is trained, the spec, the data and the resources are
checked (exactly what "lossexp validate" checks): the number of runs
(--max-runs) and the estimated memory (--max-memory, default three
quarters of the machine's or container's memory).

A CSV dataset path is resolved relative to the spec's folder, then to
--data-dir (LOSSEXP_DATA_DIR).`

const sweepExample = `  lossexp sweep configs/quickstart.yaml
  lossexp sweep configs/l1-sparsity.yaml --workers 2 --out /tmp/l1
  lossexp sweep configs/quickstart.yaml --fresh      # retrain, ignoring stored runs
  LOSSEXP_DATA_DIR=$HOME/data lossexp sweep my-study.yaml   # CSVs looked for there after the spec's folder`

func sweepRun(ctx context.Context, o *SweepOptions) error {
	st, err := loadStudy(ctx, o.IO, o.Spec, study.Folders{Data: o.DataDir, Cache: o.Cache}, o.limits(o.sweepWorkers()))
	if err != nil {
		return err
	}
	for _, w := range st.Warnings() {
		fmt.Fprintf(o.IO.Err, "lossexp: warning: %s\n", w)
	}
	out := o.Out
	if out == "" {
		out = filepath.Join(o.Results, st.Spec.Name)
	}
	sopt := study.SweepOptions{
		Out: out, Workers: o.sweepWorkers(), Fresh: o.Fresh, Force: o.Force,
		Log: o.IO.Err, Start: o.startProgress, Tool: Version, BLAS: study.BLAS(),
	}
	if o.Shard != "" {
		return shardRun(ctx, o, st, sopt)
	}
	oc, err := study.Sweep(ctx, st, sopt)
	if oc == nil {
		return err
	}
	if perr := o.printOutcome(oc, err); perr != nil && err == nil {
		return perr
	}
	return err
}

// startProgress is study.SweepOptions.Start: a progress display per
// training pass.
func (o *SweepOptions) startProgress(pass *study.Pass) (func(int, int, *study.Result), func()) {
	p := newProgress(o.IO, pass.Label, pass.ToTrain, o.Quiet)
	p.setCosts(pass.Costs())
	return p.update, p.finish
}

// printOutcome says how a sweep ended: its counts, where its files are,
// and the command that resumes an interrupted one.
func (o *SweepOptions) printOutcome(oc *study.SweepOutcome, err error) error {
	w, m, s := o.IO.Err, oc.Manifest, oc.Study.Spec
	if oc.ReportErr != nil && !errors.Is(oc.ReportErr, context.Canceled) {
		fmt.Fprintf(w, "note: plots of the partial sweep: %v\n", oc.ReportErr)
	}
	var failed *study.FailedRunsError
	if err != nil && !oc.Interrupted && !errors.As(err, &failed) {
		return nil
	}
	if oc.Interrupted {
		fmt.Fprintf(w, "sweep %s: interrupted: %s finished and kept in %s; %s\n",
			s.Name, oc.Halving.Finished(m.Finished, m.Runs), filepath.Join(oc.Out, study.StoreDir), interruptedWritten(oc))
		if m.Finished < m.Runs {
			fmt.Fprintf(w, "resume with: %s\n", resumeCommand(o, oc.Out))
		}
		return nil
	}
	return printSweepResult(o.IO.Out, w, o.JSON, newSweepResult(oc.Out, m))
}

// interruptedWritten says what an interrupted sweep wrote: the tables of
// the runs that finished always; the report (summary.csv, the analysis
// tables, the figures, report.html) only when its drawing was not stopped
// too, else the command that draws it.
func interruptedWritten(oc *study.SweepOutcome) string {
	tables := strings.Join(study.RunTableFiles, ", ")
	switch {
	case oc.Manifest.Finished == 0 && oc.Halving != nil && oc.Halving.Lower > 0:
		return tables + " written; no run has reached the full budget yet, so there is nothing to draw (the lower rungs' runs are kept: resuming goes on from them)"
	case oc.Manifest.Finished == 0:
		return tables + " written without runs; nothing to draw yet"
	case oc.Rendered:
		return tables + ", summary.csv, the analysis tables, the figures and report.html written from them"
	}
	return fmt.Sprintf("%s written from them; summary.csv, the figures and report.html were not (or only in part): lossexp report %s draws them",
		tables, shellPath(oc.Out))
}

// resumeCommand is the command line that resumes an interrupted sweep.
func resumeCommand(o *SweepOptions, out string) string {
	parts := []string{"lossexp", "sweep", shellPath(o.Spec)}
	if o.Out != "" {
		parts = append(parts, "--out", shellPath(out))
	} else if o.Results != "results" {
		parts = append(parts, "--results", shellPath(o.Results))
	}
	if o.DataDir != "" {
		parts = append(parts, "--data-dir", shellPath(o.DataDir))
	}
	if def, err := datasets.DefaultCacheDir(); o.Cache != "" && (err != nil || o.Cache != def) {
		parts = append(parts, "--cache-dir", shellPath(o.Cache))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string { return study.ShellQuote(s) }

func shellPath(p string) string { return study.ShellPath(p) }

// loadStudy plans the study of the spec at path, or of the spec read from
// standard input when path is "-" (named <stdin> in messages; a relative
// dataset path resolves against the working directory). ctx cancels the
// read of standard input and the load of the data.
func loadStudy(ctx context.Context, streams *IO, path string, dirs study.Folders, lim study.Limits) (*study.Study, error) {
	if path != study.Stdin {
		return study.Load(ctx, path, dirs, lim)
	}
	text, err := readSpecInput(ctx, streams)
	if err != nil {
		return nil, err
	}
	return study.Plan(ctx, text, study.StdinName, dirs, lim)
}

// limitFlags are the resource limits of commands that plan a study.
type limitFlags struct {
	maxRuns   int
	maxMemory string
	lim       study.Limits
	// workersDefault: no worker count was set (sweepWorkers).
	workersDefault bool
}

func (l *limitFlags) add(c *cobra.Command) {
	c.Flags().IntVar(&l.maxRuns, "max-runs", study.DefaultMaxRuns, "refuse a study with more runs (grid points × axis points × repeats)")
	c.Flags().StringVar(&l.maxMemory, "max-memory", "", "refuse a study whose estimated memory exceeds this (e.g. 8GB; default three quarters of the machine's or container's memory)")
}

// resolve checks the flags; workers is the --workers value (0: all CPUs).
func (l *limitFlags) resolve(workers int) error {
	l.lim = study.DefaultLimits()
	if l.maxRuns < 1 {
		return inputError(fmt.Errorf("--max-runs must be at least 1, got %d", l.maxRuns))
	}
	l.lim.MaxRuns = l.maxRuns
	if l.maxMemory != "" {
		b, err := study.ParseBytes(l.maxMemory)
		if err != nil {
			return inputError(fmt.Errorf("--max-memory: %w", err))
		}
		l.lim.MaxMemory = b
	}
	l.lim.Workers = workers
	return nil
}

// limits returns the resolved limits (defaults when resolve never ran).
func (l *limitFlags) limits(workers int) study.Limits {
	if l.lim.MaxRuns == 0 {
		l.lim = study.DefaultLimits()
	}
	l.lim.Workers = workers
	return l.lim
}

// Manifest is manifest.json (study.Manifest).
type Manifest = study.Manifest

func specDiff(a, b *study.Spec) []string { return study.SpecDiff(a, b) }
