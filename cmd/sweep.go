package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
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

A CSV dataset path is resolved relative to the spec's folder, then to
--data-dir (LOSSEXP_DATA_DIR).`,
		Example: `  lossexp sweep configs/quickstart.yaml
  lossexp sweep configs/l1-sparsity.yaml --workers 2 --out /tmp/l1
  LOSSEXP_DATA_DIR=../shared/datasets/sklearn lossexp sweep configs/bench-digits.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			bind(v, c, "workers", "out", "results", "data-dir")
			opts.Spec = args[0]
			opts.Workers = v.GetInt("workers")
			opts.Out = v.GetString("out")
			opts.Results = v.GetString("results")
			opts.DataDir = v.GetString("data-dir")
			if opts.Workers < 0 {
				return inputError(fmt.Errorf("--workers must be ≥ 0 (0 = number of CPUs), got %d", opts.Workers))
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
	return c
}

// Manifest is written to manifest.json.
type Manifest struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	SpecFile    string    `json:"spec_file"`
	SpecHash    string    `json:"spec_hash"`
	Tool        string    `json:"tool_version"`
	GoVersion   string    `json:"go_version"`
	BLAS        string    `json:"blas"`
	Dataset     string    `json:"dataset"`
	DataSHA256  string    `json:"dataset_sha256"`
	GridPoints  int       `json:"grid_points"`
	Repeats     int       `json:"repeats"`
	Runs        int       `json:"runs"`
	Diverged    int       `json:"diverged"`
	Workers     int       `json:"workers"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished"`
	Seconds     float64   `json:"seconds"`
	Files       []string  `json:"files"`
}

func sweepRun(ctx context.Context, o *SweepOptions) error {
	started := time.Now()
	s, err := loadSpec(o.Spec)
	if err != nil {
		return err
	}
	out := o.Out
	if out == "" {
		out = filepath.Join(o.Results, s.Name)
	}
	data, err := experiments.OpenData(s, o.DataDir)
	if err != nil {
		return inputError(err)
	}
	plans, grid, err := sweep.Expand(s)
	if err != nil {
		return inputError(err)
	}
	// Prepare repeat 0 now: a split that cannot be made is an input error
	// and should be known before any output is written.
	sp0, err := data.Prepare(0)
	if err != nil {
		return inputError(err)
	}
	workers := o.Workers
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	layout := report.Layout{
		Metrics: experiments.MetricNames(s, sp0),
		Curves:  experiments.CurveNames(s),
	}
	for _, t := range s.Loss.Terms {
		layout.Terms = append(layout.Terms, t.Name)
	}
	w, err := report.NewWriter(out, layout)
	if err != nil {
		return inputError(err)
	}
	prog := newProgress(o.IO, s.Name, len(plans), o.Quiet)
	fmt.Fprintf(o.IO.Err, "sweep %s: %d grid points × %d repeats = %d runs on %d workers → %s\n",
		s.Name, len(grid), s.Repeats, len(plans), workers, out)
	diverged, stored := 0, 0
	sink := sinkFunc(func(r experiments.Result) error {
		if r.Status != experiments.StatusOK {
			diverged++
		}
		stored++
		return w.Add(r)
	})
	runErr := sweep.Run(ctx, s, data, plans, sink, sweep.Options{Workers: workers, Progress: prog.update})
	prog.finish()
	// Whatever happened, keep the runs that finished: the writer holds a
	// contiguous prefix of the run order.
	if err := w.Close(); err != nil {
		return errors.Join(runErr, err)
	}
	if err := copySpec(o.Spec, filepath.Join(out, "spec.yaml")); err != nil {
		return errors.Join(runErr, err)
	}
	if runErr != nil {
		if stored > 0 {
			if err := report.Render(out, report.PlotOptions{X: s.Report.X, Metrics: s.Report.Metrics, Title: s.Name, Description: s.Description}); err == nil {
				fmt.Fprintf(o.IO.Err, "sweep %s: kept the %d runs that finished before the stop in %s\n", s.Name, stored, out)
			}
		}
		if errors.Is(runErr, context.Canceled) {
			return fmt.Errorf("sweep %s interrupted after %d of %d runs: %w", s.Name, stored, len(plans), runErr)
		}
		return runErr
	}
	if err := report.Render(out, report.PlotOptions{X: s.Report.X, Metrics: s.Report.Metrics, Title: s.Name, Description: s.Description}); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	pngs, _ := filepath.Glob(filepath.Join(out, "*.png"))
	files := []string{"runs.csv", "summary.csv", "curves.csv", "timings.csv", "spec.yaml"}
	for _, p := range pngs {
		files = append(files, filepath.Base(p))
	}
	finished := time.Now()
	m := Manifest{
		Name: s.Name, Description: s.Description, SpecFile: o.Spec, SpecHash: s.Hash(),
		Tool: Version, GoVersion: runtime.Version(), BLAS: model.BLASBackend(),
		Dataset: datasetLabel(s, data), DataSHA256: data.Checksum(),
		GridPoints: len(grid), Repeats: s.Repeats, Runs: len(plans), Diverged: diverged, Workers: workers,
		Started: started.UTC(), Finished: finished.UTC(), Seconds: finished.Sub(started).Seconds(),
		Files: files,
	}
	if err := report.WriteFileAtomic(filepath.Join(out, "manifest.json"), func(wr io.Writer) error {
		enc := json.NewEncoder(wr)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}); err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Err, "sweep %s: %d runs in %.1fs (%.2f runs/s)", s.Name, len(plans), m.Seconds, float64(len(plans))/m.Seconds)
	if diverged > 0 {
		fmt.Fprintf(o.IO.Err, ", %d diverged (see runs.csv, column reason)", diverged)
	}
	fmt.Fprintf(o.IO.Err, "\nwrote %s: %s\n", out, strings.Join(files, ", "))
	return nil
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
