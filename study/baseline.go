package study

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/report/check"
	"github.com/lossexp/lossexp/spec"
)

// BaselineFile describes a stored baseline.
const BaselineFile = "baseline.json"

// BaselineInfo is written to <baseline>/baseline.json.
type BaselineInfo struct {
	Name       string    `json:"name"`
	Source     string    `json:"source"`      // the spec the results were swept from (stableSource)
	SpecHash   string    `json:"spec_hash"`   // spec.Spec.Hash
	ResultHash string    `json:"result_hash"` // spec.Spec.ResultHash
	Tool       string    `json:"tool_version"`
	Numerics   int       `json:"numerics_version"`
	BLAS       string    `json:"blas"`
	GoVersion  string    `json:"go_version"`
	GridPoints int       `json:"grid_points"`
	Runs       int       `json:"runs"`
	Created    time.Time `json:"created"`
}

// Baseline stores the summary of the results folder results as the
// baseline in the folder to (created; an existing baseline there is
// replaced): summary.csv, spec.yaml and baseline.json. tool is this
// build's version, recorded when the results have no manifest. Results
// that a check could not use are refused before anything is written.
func Baseline(results, to, tool string) (*BaselineInfo, error) {
	sumPath := filepath.Join(results, SummaryFile)
	sum, err := table.ReadSummary(sumPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, inputf("%s has no %s: is it a results folder written by lossexp sweep?", results, SummaryFile)
		}
		return nil, &InputError{Err: err}
	}
	sp, err := spec.Load(filepath.Join(results, SpecFile))
	if err != nil {
		return nil, inputf("a baseline needs the spec that made the results: %w", err)
	}
	info := BaselineInfo{
		Name: sp.Name, Source: stableSource("", results), SpecHash: sp.Hash(), ResultHash: sp.ResultHash(),
		Tool: tool, Numerics: spec.NumericsVersion, BLAS: BLAS(), GoVersion: runtime.Version(),
		GridPoints: len(sum.Points), Created: time.Now().UTC().Truncate(time.Second),
	}
	// A cross-validated summary counts (grid point, repeat) pairs, each
	// pooled from its folds' runs.
	for _, p := range sum.Points {
		info.Runs += p.N * sp.Folds()
	}
	if m, err := ReadManifest(results); err == nil {
		info.Tool, info.BLAS, info.GoVersion = m.Tool, m.BLAS, m.GoVersion
		info.Source = stableSource(m.SpecFile, results)
		if m.Numerics > 0 {
			info.Numerics = m.Numerics
		}
		if !m.Complete && m.Runs > 0 {
			return nil, inputf("%s holds an unfinished sweep (%d of %d runs): finish it before storing a baseline", results, m.Finished, m.Runs)
		}
	}
	if err := usableForBaseline(results, sumPath, sp, sum); err != nil {
		return nil, err
	}
	if err := refuseBaselineTarget(to); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return nil, inputf("create baseline folder %s: %w", to, atomicfile.UnwrapPath(err))
	}
	for _, f := range []string{SummaryFile, SpecFile} {
		if err := copyFile(filepath.Join(results, f), filepath.Join(to, f)); err != nil {
			return nil, err
		}
	}
	if err := atomicfile.Write(filepath.Join(to, BaselineFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(info)
	}); err != nil {
		return nil, err
	}
	return &info, nil
}

// usableForBaseline refuses a results folder whose summary sum (read from
// sumPath; sp: its spec) could not support a check.
func usableForBaseline(results, sumPath string, sp *spec.Spec, sum *table.Summary) error {
	// What check would compare must be there: a summary that matches its
	// runs, runs at every point, finite spreads, values of every checked
	// metric and a run that did not diverge.
	if err := check.VerifySummary(results); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return inputf("%s has no %s: a baseline is stored from a results folder whose summary can be verified against its runs", results, RunsFile)
		}
		return &InputError{Err: err}
	}
	copt, err := checkOptions(DefaultCheckSettings(), sp, sum)
	if err != nil {
		return &InputError{Err: err}
	}
	if err := check.UsableSummary(sum, sumPath, check.CheckedMetrics(sum, copt.Metrics), true); err != nil {
		return inputf("refusing to store a baseline that cannot support a check: %w", err)
	}
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
	if src == "" || src == spec.StdinName {
		src = results
	}
	if wd, err := os.Getwd(); err == nil && filepath.IsAbs(src) {
		if rel, err := filepath.Rel(wd, src); err == nil && filepath.IsLocal(rel) {
			src = rel
		}
	}
	return filepath.ToSlash(filepath.Clean(src))
}

// ReadBaselineInfo reads dir/baseline.json.
func ReadBaselineInfo(dir string) (*BaselineInfo, error) {
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

// copyFile copies src to dst atomically.
func copyFile(src, dst string) error {
	b, err := saferead.ReadFile(src, 0)
	if err != nil {
		return inputf("copy %s: %w", src, atomicfile.UnwrapPath(err))
	}
	return atomicfile.WriteBytes(dst, b)
}
