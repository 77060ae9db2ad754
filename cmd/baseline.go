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
	"time"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/report"
)

// BaselineFile describes a stored baseline.
const BaselineFile = "baseline.json"

// BaselineInfo is written to <baseline>/baseline.json.
type BaselineInfo struct {
	Name       string    `json:"name"`
	Source     string    `json:"source"`      // the spec the results were swept from (stableSource)
	SpecHash   string    `json:"spec_hash"`   // experiments.Spec.Hash
	ResultHash string    `json:"result_hash"` // experiments.Spec.ResultHash
	Tool       string    `json:"tool_version"`
	Numerics   int       `json:"numerics_version"`
	BLAS       string    `json:"blas"`
	GoVersion  string    `json:"go_version"`
	GridPoints int       `json:"grid_points"`
	Runs       int       `json:"runs"`
	Created    time.Time `json:"created"`
}

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

  lossexp check RESULTS --baseline DIR`,
		Example: `  lossexp sweep configs/quickstart.yaml
  lossexp baseline results/quickstart --to results/baselines/quickstart`,
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
	sumPath := filepath.Join(o.Results, report.SummaryFile)
	sum, err := report.ReadSummary(sumPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return inputError(fmt.Errorf("%s has no summary.csv: is it a results folder written by lossexp sweep?", o.Results))
		}
		return inputError(err)
	}
	specPath := filepath.Join(o.Results, "spec.yaml")
	spec, err := experiments.Load(specPath)
	if err != nil {
		return inputError(fmt.Errorf("a baseline needs the spec that made the results: %w", err))
	}
	info := BaselineInfo{
		Name: spec.Name, Source: stableSource("", o.Results), SpecHash: spec.Hash(), ResultHash: spec.ResultHash(),
		Tool: Version, Numerics: experiments.NumericsVersion, BLAS: model.BLASBackend(), GoVersion: runtime.Version(),
		GridPoints: len(sum.Points), Created: time.Now().UTC().Truncate(time.Second),
	}
	// A cross-validated summary counts (grid point, repeat) pairs, each
	// pooled from its folds' runs.
	for _, p := range sum.Points {
		info.Runs += p.N * spec.Folds()
	}
	var m Manifest
	if b, err := saferead.ReadFile(filepath.Join(o.Results, "manifest.json"), 0); err == nil && json.Unmarshal(b, &m) == nil {
		info.Tool, info.BLAS, info.GoVersion = m.Tool, m.BLAS, m.GoVersion
		info.Source = stableSource(m.SpecFile, o.Results)
		if m.Numerics > 0 {
			info.Numerics = m.Numerics
		}
		if !m.Complete && m.Runs > 0 {
			return inputError(fmt.Errorf("%s holds an unfinished sweep (%d of %d runs): finish it before storing a baseline", o.Results, m.Finished, m.Runs))
		}
	}
	// What check would compare must be there: a summary that matches its
	// runs, runs at every point, finite spreads, values of every checked
	// metric and a run that did not diverge.
	if err := report.VerifySummary(o.Results); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return inputError(fmt.Errorf("%s has no %s: a baseline is stored from a results folder whose summary can be verified against its runs", o.Results, report.RunsFile))
		}
		return inputError(err)
	}
	copt, err := checkOptions(&CheckOptions{Abs: -1, Rel: -1, K: -1, HVTol: -1, EpsTol: -1, Steps: 1}, spec, sum)
	if err != nil {
		return inputError(err)
	}
	if err := report.UsableSummary(sum, sumPath, report.CheckedMetrics(sum, copt.Metrics), true); err != nil {
		return inputError(fmt.Errorf("refusing to store a baseline that cannot support a check: %w", err))
	}
	if err := os.MkdirAll(o.To, 0o755); err != nil {
		return inputError(fmt.Errorf("create baseline folder %s: %w", o.To, atomicfile.UnwrapPath(err)))
	}
	for _, f := range []string{report.SummaryFile, "spec.yaml"} {
		if err := copyFile(filepath.Join(o.Results, f), filepath.Join(o.To, f)); err != nil {
			return err
		}
	}
	if err := report.WriteFileAtomic(filepath.Join(o.To, BaselineFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}); err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "stored baseline of %s (%d grid points, %d runs, %s BLAS) in %s\n", spec.Name, info.GridPoints, info.Runs, info.BLAS, o.To)
	return nil
}

// stableSource is what baseline.json records as its source: the spec the
// sweep ran (the manifest's spec_file, e.g. configs/quickstart.yaml), not
// the results folder, which is often a temporary one; a path beneath the
// working directory is made relative to it, so a committed baseline does
// not name the machine it was made on. Without a spec file (the spec came
// from stdin), the results folder.
func stableSource(specFile, results string) string {
	src := specFile
	if src == "" || src == experiments.StdinName {
		src = results
	}
	if wd, err := os.Getwd(); err == nil && filepath.IsAbs(src) {
		if rel, err := filepath.Rel(wd, src); err == nil && filepath.IsLocal(rel) {
			src = rel
		}
	}
	return filepath.ToSlash(filepath.Clean(src))
}

// readBaselineInfo reads dir/baseline.json.
func readBaselineInfo(dir string) (*BaselineInfo, error) {
	path := filepath.Join(dir, BaselineFile)
	b, err := saferead.ReadFile(path, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a baseline: it has no %s (store one with: lossexp baseline RESULTS --to %s)", dir, BaselineFile, dir)
		}
		return nil, err
	}
	var info BaselineInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if info.ResultHash == "" {
		return nil, fmt.Errorf("%s has no result_hash: it was not written by lossexp baseline; store the baseline again with: lossexp baseline RESULTS --to %s", path, dir)
	}
	return &info, nil
}

func copyFile(src, dst string) error {
	b, err := saferead.ReadFile(src, 0)
	if err != nil {
		return inputError(fmt.Errorf("copy %s: %w", src, atomicfile.UnwrapPath(err)))
	}
	return report.WriteFileAtomic(dst, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
