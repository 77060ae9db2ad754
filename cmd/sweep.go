package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/report"
	"github.com/lossexp/lossexp/sweep"
)

// SweepOptions are the settings of `lossexp sweep`.
type SweepOptions struct {
	IO      *IO
	Spec    string
	Workers int
	Out     string // output folder; default <results>/<name>
	Results string // results root
	DataDir string
	Quiet   bool
	Fresh   bool // ignore (and clear) the run store: retrain every run
	Force   bool // replace another spec's results in the output folder
	// Shard is the --shard value: "" (the whole sweep), "i/n" or "auto".
	Shard string

	shard       sweep.Shard // resolved from Shard
	shardSource string      // where auto found it
}

func newCmdSweep(streams *IO, v *viper.Viper, runF func(context.Context, *SweepOptions) error) *cobra.Command {
	opts := &SweepOptions{IO: streams}
	c := &cobra.Command{
		Use:   "sweep SPEC",
		Short: "Train the λ grid of a spec and write tables and plots",
		Long: `Train one model per grid point and repeat of SPEC on a pool of goroutine
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

Every finished run is saved at once in runs/<run-id>.json. Running the same
command again after a crash, Ctrl-C or kill -9 trains only the runs not yet
stored and writes the same bytes as an uninterrupted sweep; --fresh retrains
everything. Ctrl-C stops handing out runs, writes the tables and plots of
what is finished and exits with status 130. An output folder holding the
results of another spec is not touched without --force.

A CSV dataset path is resolved relative to the spec's folder, then to
--data-dir (LOSSEXP_DATA_DIR).`,
		Example: `  lossexp sweep configs/quickstart.yaml
  lossexp sweep configs/l1-sparsity.yaml --workers 2 --out /tmp/l1
  lossexp sweep configs/quickstart.yaml --fresh      # retrain, ignoring stored runs
  LOSSEXP_DATA_DIR=../shared/datasets/sklearn lossexp sweep configs/bench-digits.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			bind(v, c, "workers", "out", "results", "data-dir", "shard")
			opts.Spec = args[0]
			opts.Workers = v.GetInt("workers")
			opts.Out = v.GetString("out")
			opts.Results = v.GetString("results")
			opts.DataDir = v.GetString("data-dir")
			if opts.Workers < 0 {
				return inputError(fmt.Errorf("--workers must be ≥ 0 (0 = number of CPUs), got %d", opts.Workers))
			}
			if err := opts.resolveShard(v.GetString("shard")); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return sweepRun(c.Context(), opts)
		},
	}
	c.Flags().IntP("workers", "w", 0, "number of runs trained at once (0 = number of CPUs)")
	c.Flags().StringP("out", "o", "", "output folder (default <results>/<spec name>)")
	c.Flags().String("results", "results", "results root folder")
	c.Flags().String("data-dir", "", "folder to look for CSV datasets in after the spec's folder")
	c.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress output")
	c.Flags().BoolVar(&opts.Fresh, "fresh", false, "retrain every run: clear the run store instead of resuming from it")
	c.Flags().BoolVar(&opts.Force, "force", false, "replace the results of another spec in the output folder")
	c.Flags().String("shard", "", "train only shard i/n of the runs (0 ≤ i < n), or auto from JOB_COMPLETION_INDEX + LOSSEXP_SHARDS or SLURM_ARRAY_TASK_ID; then lossexp merge")
	return c
}

// Manifest is written to manifest.json.
type Manifest struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	SpecFile    string    `json:"spec_file"`
	SpecHash    string    `json:"spec_hash"`
	ResultHash  string    `json:"result_hash"` // spec hash without name, description, report, check
	RunBase     string    `json:"run_base"`    // what every run id is derived from
	Tool        string    `json:"tool_version"`
	Numerics    int       `json:"numerics_version"`
	GoVersion   string    `json:"go_version"`
	BLAS        string    `json:"blas"`
	Dataset     string    `json:"dataset"`
	DataSHA256  string    `json:"dataset_sha256"`
	GridPoints  int       `json:"grid_points"`
	Repeats     int       `json:"repeats"`
	Runs        int       `json:"runs"`
	Complete    bool      `json:"complete"` // false after an interrupted sweep
	Finished    int       `json:"runs_finished"`
	Trained     int       `json:"runs_trained"` // by this invocation
	Reused      int       `json:"runs_reused"`  // taken from the run store
	Diverged    int       `json:"diverged"`
	Workers     int       `json:"workers"`
	Started     time.Time `json:"started"`
	Ended       time.Time `json:"finished"`
	Seconds     float64   `json:"seconds"`
	Files       []string  `json:"files"`
}

// sweepSetup is what a sweep, each shard of it and its merge derive from
// the spec and the data, the same way, so that they agree on every run,
// its id and the table columns.
type sweepSetup struct {
	data   *experiments.DataSource
	plans  []sweep.Plan // in index order, ids assigned
	grid   [][]float64
	layout report.Layout
	base   string // run base of the spec and its data
}

// setupSweep opens the data of s, expands the runs, assigns their ids and
// finds the table columns. Its errors are input errors.
func setupSweep(s *experiments.Spec, dataDir string) (*sweepSetup, error) {
	data, err := experiments.OpenData(s, dataDir)
	if err != nil {
		return nil, inputError(err)
	}
	plans, grid, err := sweep.Expand(s)
	if err != nil {
		return nil, inputError(err)
	}
	// Prepare repeat 0 now: a split that cannot be made is an input error
	// and should be known before any output is written.
	sp0, err := data.Prepare(0)
	if err != nil {
		return nil, inputError(err)
	}
	layout := report.Layout{
		Metrics: experiments.MetricNames(s, sp0),
		Curves:  experiments.CurveNames(s),
	}
	for _, t := range s.Loss.Terms {
		layout.Terms = append(layout.Terms, t.Name)
	}
	// Sweep axes and scaled terms (sweep_axes.go): per-axis data before
	// the ids, which cover it; the effective λ after.
	if err := prepareAxes(s, plans, dataDir, &layout); err != nil {
		return nil, err
	}
	base := s.RunBase(data.Checksum())
	sweep.AssignIDs(plans, base)
	if err := sweep.Scale(s, data, plans); err != nil {
		return nil, inputError(err)
	}
	return &sweepSetup{data: data, plans: plans, grid: grid, layout: layout, base: base}, nil
}

func sweepRun(ctx context.Context, o *SweepOptions) error {
	if o.Shard != "" {
		return shardRun(ctx, o)
	}
	started := time.Now()
	s, err := loadSpec(o.Spec)
	if err != nil {
		return err
	}
	out := o.Out
	if out == "" {
		out = filepath.Join(o.Results, s.Name)
	}
	st, err := setupSweep(s, o.DataDir)
	if err != nil {
		return err
	}
	data, plans, grid, layout := st.data, st.plans, st.grid, st.layout
	workers := o.Workers
	if workers == 0 {
		workers = runtime.NumCPU()
	}

	// The output folder: refuse another spec's results without --force,
	// and find an unwritable folder before training starts.
	replace, err := checkOutput(out, o.Spec, s, o.Force)
	if err != nil {
		return err
	}
	if replace {
		if err := clearOutput(out); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return inputError(fmt.Errorf("create output folder %s: %w", out, unwrapPathErr(err)))
	}
	store, err := sweep.OpenStore(filepath.Join(out, sweep.StoreDir))
	if err != nil {
		return inputError(err)
	}
	removeTemps(out)
	if o.Fresh {
		if err := store.Clear(); err != nil {
			return inputError(err)
		}
	}
	if err := copySpec(o.Spec, filepath.Join(out, "spec.yaml")); err != nil {
		return inputError(fmt.Errorf("output folder %s: %w", out, err))
	}

	// sweep.refine (sweep_refine.go): train the grid and all rounds but
	// the last; the code below trains and writes the last round's grid.
	orig := s
	preTrained := 0
	if s.Sweep.Refine != nil {
		rs, n, err := refineRounds(ctx, o, s, out, store, workers)
		if err != nil {
			return err
		}
		preTrained = n
		if rs != s {
			s = rs
			if st, err = setupSweep(s, o.DataDir); err != nil {
				return err
			}
			data, plans, grid, layout = st.data, st.plans, st.grid, st.layout
		}
	}

	// Run ids, and the runs the store holds already.
	base := st.base
	specHash := s.ResultHash()
	stored := make([]bool, len(plans))
	reused := 0
	if !o.Fresh {
		for i, p := range plans {
			rec, err := store.Load(p.ID)
			switch {
			case errors.Is(err, sweep.ErrNoRecord):
			case err != nil:
				fmt.Fprintf(o.IO.Err, "note: retraining run %s: %v\n", p.ID, err)
			case rec.Fits(p.Base, layout.Metrics, layout.Curves):
				stored[i] = true
				reused++
			}
		}
	}

	toTrain := len(plans) - reused
	prog := newProgress(o.IO, s.Name, toTrain, o.Quiet)
	fmt.Fprintf(o.IO.Err, "sweep %s: %d grid points × %d repeats = %d runs on %d workers → %s\n",
		s.Name, len(grid), s.Repeats, len(plans), workers, out)
	switch {
	case preTrained > 0:
		fmt.Fprintf(o.IO.Err, "sweep %s: refinement: %d runs trained in the earlier rounds, %d reused, %d to train\n",
			s.Name, preTrained, reused-preTrained, toTrain)
	case reused > 0:
		fmt.Fprintf(o.IO.Err, "sweep %s: resuming: %d of %d runs already in %s, %d to train\n",
			s.Name, reused, len(plans), store.Dir(), toTrain)
	}
	trained := 0
	sink := sinkFunc(func(experiments.Result) error { trained++; return nil })
	save := func(r *experiments.Result) error {
		p := plans[r.Index]
		rec := sweep.NewRecord(r, layout.Terms, layout.Metrics, layout.Curves, p.Base, specHash, Version)
		rec.LambdaEff = p.Effective
		return store.Save(rec)
	}
	runErr := sweep.Run(ctx, s, data, plans, sink, sweep.Options{
		Workers:  workers,
		Progress: prog.update,
		Skip:     func(p sweep.Plan) bool { return stored[p.Index] },
		Save:     save,
	})
	prog.finish()

	// Whatever happened, the tables come from the store in index order:
	// the same bytes whether the sweep ran in one go or was resumed.
	finished, diverged, err := writeTables(out, layout, plans, store)
	if err != nil {
		return errors.Join(runErr, err)
	}
	interrupted := runErr != nil && errors.Is(runErr, context.Canceled) && ctx.Err() != nil
	if runErr != nil && !interrupted {
		if finished > 0 {
			renderReport(out, s)
		}
		return fmt.Errorf("%w (the %d runs finished are kept in %s; run the same command again to resume)", runErr, finished, store.Dir())
	}
	files := []string{"runs.csv", "summary.csv", "curves.csv", "timings.csv", "spec.yaml"}
	if finished > 0 {
		if err := renderReport(out, s); err != nil {
			if !interrupted {
				return fmt.Errorf("render report: %w", err)
			}
			// Too few runs for some figure: the tables are what matters.
			fmt.Fprintf(o.IO.Err, "note: plots of the partial sweep: %v\n", err)
		}
		for _, f := range []string{"balance.csv", "paired.csv", "cost.csv", "report.html"} {
			if _, err := os.Stat(filepath.Join(out, f)); err == nil {
				files = append(files, f)
			}
		}
		pngs, _ := filepath.Glob(filepath.Join(out, "*.png"))
		for _, p := range pngs {
			files = append(files, filepath.Base(p))
		}
	}
	ended := time.Now()
	m := Manifest{
		Name: s.Name, Description: s.Description, SpecFile: o.Spec, SpecHash: orig.Hash(),
		ResultHash: orig.ResultHash(), RunBase: base, Numerics: experiments.NumericsVersion,
		Tool: Version, GoVersion: runtime.Version(), BLAS: model.BLASBackend(),
		Dataset: datasetLabel(s, data), DataSHA256: data.Checksum(),
		GridPoints: len(grid), Repeats: s.Repeats, Runs: len(plans),
		Complete: finished == len(plans), Finished: finished, Trained: trained + preTrained, Reused: reused - preTrained,
		Diverged: diverged, Workers: workers,
		Started: started.UTC(), Ended: ended.UTC(), Seconds: ended.Sub(started).Seconds(),
		Files: files,
	}
	if err := report.WriteFileAtomic(filepath.Join(out, "manifest.json"), func(wr io.Writer) error {
		enc := json.NewEncoder(wr)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}); err != nil {
		return err
	}
	if interrupted {
		fmt.Fprintf(o.IO.Err, "sweep %s: interrupted: %d of %d runs finished and kept in %s; tables and plots written from them\n",
			s.Name, finished, len(plans), store.Dir())
		fmt.Fprintf(o.IO.Err, "resume with: %s\n", resumeCommand(o, out))
		return fmt.Errorf("sweep %s interrupted after %d of %d runs: %w", s.Name, finished, len(plans), runErr)
	}
	fmt.Fprintf(o.IO.Err, "sweep %s: %d runs in %.1fs", s.Name, len(plans), m.Seconds)
	if m.Trained > 0 { // refinement rounds included
		fmt.Fprintf(o.IO.Err, " (%d trained, %.2f runs/s", m.Trained, float64(m.Trained)/m.Seconds)
		if m.Reused > 0 {
			fmt.Fprintf(o.IO.Err, "; %d reused from the run store", m.Reused)
		}
		fmt.Fprint(o.IO.Err, ")")
	} else {
		fmt.Fprint(o.IO.Err, " (all reused from the run store; --fresh retrains)")
	}
	if diverged > 0 {
		fmt.Fprintf(o.IO.Err, ", %d diverged (see runs.csv, column reason)", diverged)
	}
	fmt.Fprintf(o.IO.Err, "\nwrote %s: %s\n", out, strings.Join(files, ", "))
	return nil
}

func renderReport(out string, s *experiments.Spec) error {
	return report.Render(out, report.PlotOptions{X: s.Report.X, Metrics: s.Report.Metrics, Title: s.Name, Description: s.Description})
}

// writeTables writes runs.csv, curves.csv and timings.csv from the run
// store, one stored run at a time in index order (runs not stored are
// left out), and returns how many runs it wrote and how many of them
// diverged. Memory does not grow with the number of runs.
func writeTables(out string, layout report.Layout, plans []sweep.Plan, store *sweep.Store) (n, diverged int, err error) {
	w, err := report.NewWriter(out, layout)
	if err != nil {
		return 0, 0, err
	}
	for _, p := range plans {
		rec, err := store.Load(p.ID)
		if errors.Is(err, sweep.ErrNoRecord) {
			continue
		}
		if err != nil {
			w.Abort()
			return 0, 0, err
		}
		if err := w.AddRun(rec.Result(p), runExtra(layout, p, rec)); err != nil {
			w.Abort()
			return 0, 0, err
		}
		n++
		if rec.Status != experiments.StatusOK {
			diverged++
		}
	}
	if err := w.Close(); err != nil {
		return 0, 0, err
	}
	return n, diverged, nil
}

// resumeCommand is the command line that resumes an interrupted sweep.
func resumeCommand(o *SweepOptions, out string) string {
	parts := []string{"lossexp", "sweep", shellQuote(o.Spec)}
	if o.Out != "" {
		parts = append(parts, "--out", shellQuote(out))
	} else if o.Results != "results" {
		parts = append(parts, "--results", shellQuote(o.Results))
	}
	if o.DataDir != "" {
		parts = append(parts, "--data-dir", shellQuote(o.DataDir))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '+' || r == ':' || r == ',' || r == '=' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func datasetLabel(s *experiments.Spec, d *experiments.DataSource) string {
	if s.Dataset.Builtin != "" {
		return "builtin:" + s.Dataset.Builtin
	}
	return d.Path()
}

func copySpec(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copy spec: %w", err)
	}
	return report.WriteFileAtomic(dst, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

type sinkFunc func(experiments.Result) error

func (f sinkFunc) Add(r experiments.Result) error { return f(r) }

// Files a sweep writes in its output folder, besides the PNGs.
var outputFiles = []string{"runs.csv", "summary.csv", "curves.csv", "timings.csv", "manifest.json", "spec.yaml",
	"balance.csv", "paired.csv", "cost.csv", "report.html"}

// checkOutput decides whether the sweep of s (read from specPath) may
// write to out. An absent or empty folder, or one holding results of the
// same study (same run base: it may differ in name, description, report,
// grid or repeats) is fine. Another spec's results, results without a
// spec.yaml, or a folder of other files are refused unless force is set;
// replace reports that the old results must be cleared first.
func checkOutput(out, specPath string, s *experiments.Spec, force bool) (replace bool, err error) {
	st, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, inputError(fmt.Errorf("output folder %s: %w", out, unwrapPathErr(err)))
	}
	if !st.IsDir() {
		return false, inputError(fmt.Errorf("output folder %s is a file, not a folder", out))
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return false, inputError(fmt.Errorf("output folder %s: %w", out, unwrapPathErr(err)))
	}
	var ours, foreign []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp-"):
		case slices.Contains(outputFiles, n), n == sweep.StoreDir, n == sweep.ShardDir, strings.HasSuffix(n, ".png"):
			ours = append(ours, n)
		default:
			foreign = append(foreign, n)
		}
	}
	if len(ours) == 0 && len(foreign) == 0 {
		return false, nil
	}
	refuse := func(format string, args ...any) (bool, error) {
		if force {
			return true, nil
		}
		return false, inputError(fmt.Errorf(format+"; pass --force to replace them, or choose another --out", args...))
	}
	if len(ours) == 0 {
		if force {
			return false, nil // write beside the user's files, remove nothing
		}
		return false, inputError(fmt.Errorf("output folder %s is not empty and holds no lossexp results (found %s); choose another --out, or pass --force to write into it",
			out, strings.Join(firstN(foreign, 3), ", ")))
	}
	prev, prevPath, err := previousSpec(out) // spec.yaml, or a shard's manifest
	if errors.Is(err, fs.ErrNotExist) {
		return refuse("output folder %s holds results (%s) but no spec.yaml to tell which spec made them",
			out, strings.Join(firstN(ours, 3), ", "))
	}
	if err != nil {
		return refuse("output folder %s holds results of a spec that cannot be read (%v)", out, err)
	}
	if prev.RunBase("") == s.RunBase("") {
		return false, nil
	}
	return refuse("output folder %s holds the results of another spec: %s (name %s, result hash %.12s) differs from %s (name %s, result hash %.12s) in %s",
		out, prevPath, prev.Name, prev.ResultHash(), specPath, s.Name, s.ResultHash(), strings.Join(specDiff(prev, s), ", "))
}

// specDiff names the result-relevant sections in which a and b differ.
func specDiff(a, b *experiments.Spec) []string {
	js := func(v any) string { j, _ := json.Marshal(v); return string(j) }
	var d []string
	if a.Seed != b.Seed {
		d = append(d, "seed")
	}
	if js(a.Dataset) != js(b.Dataset) {
		d = append(d, "dataset")
	}
	if js(a.Model) != js(b.Model) {
		d = append(d, "model")
	}
	if js(a.Train) != js(b.Train) {
		d = append(d, "train")
	}
	if js(a.Loss) != js(b.Loss) {
		d = append(d, "loss")
	}
	if len(d) == 0 {
		d = append(d, "the tool's numerics version")
	}
	return d
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}

// clearOutput removes the results lossexp wrote in out (never other files).
func clearOutput(out string) error {
	for _, f := range outputFiles {
		if err := os.Remove(filepath.Join(out, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return inputError(fmt.Errorf("replace results in %s: %w", out, unwrapPathErr(err)))
		}
	}
	pngs, _ := filepath.Glob(filepath.Join(out, "*.png"))
	for _, p := range pngs {
		os.Remove(p)
	}
	if err := os.RemoveAll(filepath.Join(out, sweep.ShardDir)); err != nil {
		return inputError(fmt.Errorf("replace results in %s: %w", out, unwrapPathErr(err)))
	}
	if err := os.RemoveAll(filepath.Join(out, sweep.StoreDir)); err != nil {
		return inputError(fmt.Errorf("replace results in %s: %w", out, unwrapPathErr(err)))
	}
	return nil
}

// removeTemps removes the temporary files a killed sweep left in out.
func removeTemps(out string) {
	tmps, _ := filepath.Glob(filepath.Join(out, ".*.tmp-*"))
	for _, t := range tmps {
		os.Remove(t)
	}
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
