package study

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"io/fs"
	"slices"
	"strings"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/spec"
	"github.com/lossexp/lossexp/sweep"
)

// Study is one study planned: the spec, its data, every run with its id,
// and the table columns. Plan builds it; a sweep, each shard of it, its
// merge and `lossexp validate` all derive it the same way, so that they
// agree on every run, its id and the columns.
type Study struct {
	Spec     *spec.Spec
	SpecPath string              // the file the spec came from (relative CSV paths resolve against it)
	SpecText []byte              // the spec file's bytes, copied to spec.yaml and into shard manifests
	Dirs     experiments.Folders // --data-dir and the fetch cache: where CSV files are looked for after the spec's folder

	Data   *experiments.DataSource
	Plans  *sweep.Plans // in index order, ids assigned, computed run by run
	Grid   [][]float64  // one λ tuple per grid point (per axis point)
	Layout table.Layout
	Base   string // run base of the spec and its data

	// RunMemory is the estimated memory of one run in bytes.
	RunMemory float64
	// Memory is the estimated peak memory of planning and of a sweep,
	// judged before the data was read (zero unless the data is CSV files
	// whose first rows could be read; see EstimateMemory).
	Memory MemoryEstimate
	limits Limits
}

// Load reads the spec file at path and plans it (see Plan).
func Load(ctx context.Context, path string, dirs experiments.Folders, lim Limits) (*Study, error) {
	text, err := readSpec(path)
	if err != nil {
		return nil, err
	}
	return Plan(ctx, text, path, dirs, lim)
}

// readSpec reads a spec file, refusing what is not a regular file (a
// FIFO would block forever, a folder is a mistake) and absurd sizes.
func readSpec(path string) ([]byte, error) {
	b, err := saferead.ReadFile(path, saferead.MaxSpecBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, inputf("spec %s: no such file", path)
	case errors.Is(err, saferead.ErrNotRegular):
		return nil, inputf("spec: %w%s", err, spec.StdinHint(err))
	case err != nil:
		return nil, inputf("spec %s: %w", path, atomicfile.UnwrapPath(err))
	}
	return b, nil
}

// Plan parses the spec text (file names it in messages and anchors
// relative CSV paths) and plans the study: it checks the resource limits
// before anything large is allocated, opens the data (every axis point's),
// prepares repeat 0 (a split that cannot be made is an input error),
// checks the report metrics against the metrics the runs will have,
// estimates the memory, expands the runs and assigns their ids. Every
// refusal of a sweep before its first run comes from here, so `lossexp
// validate` refuses exactly what `lossexp sweep` would.
//
// ctx cancels the load of the data (Ctrl-C on a large CSV): Plan then
// returns an error that wraps context.Cause(ctx).
func Plan(ctx context.Context, text []byte, file string, dirs experiments.Folders, lim Limits) (*Study, error) {
	s, err := spec.Parse(bytes.NewReader(text), file)
	if err != nil {
		return nil, input(err)
	}
	st := &Study{SpecPath: file, SpecText: text, Dirs: dirs, limits: deviceLimits(s, lim)}
	if err := st.plan(ctx, s); err != nil {
		return nil, err
	}
	return st, nil
}

// plan fills st for spec s (the spec itself, or a refinement round's).
func (st *Study) plan(ctx context.Context, s *spec.Spec) error {
	lim := st.limits
	if lim.MaxRuns <= 0 {
		lim.MaxRuns = DefaultMaxRuns
	}
	lgrid, err := s.Grid()
	if err != nil {
		return input(err)
	}
	if _, err := countRuns(s, len(lgrid), lim.MaxRuns); err != nil {
		return input(err)
	}
	// The memory of CSV data is judged from the files' sizes and first
	// rows, and refused, before the data is read; a file that small a
	// look would read whole is read once, and judged from its table.
	data, shape, small, err := experiments.OpenSmallData(ctx, s, st.Dirs)
	if small && err != nil {
		return input(err)
	}
	mem, sniffed, err := checkDataMemory(s, st.Dirs, lim, shape)
	if err != nil {
		return input(err)
	}
	if sniffed {
		defer boundHeap(mem.Validate, processBytes)()
	}
	if !small {
		if data, err = experiments.OpenDataContext(ctx, s, st.Dirs); err != nil {
			return input(err)
		}
	}
	sp0, err := data.Prepare(0)
	if err != nil {
		return input(err)
	}
	layout, err := runLayout(s, sp0)
	if err != nil {
		return input(err)
	}
	perRun := runMemory(s, sp0)
	if !sniffed {
		if perRun, err = checkMemory(s, sp0, lim); err != nil {
			return input(err)
		}
	}
	plans, grid, base, err := expandRuns(ctx, s, st.Dirs, data)
	if err != nil {
		return err
	}
	st.Spec, st.Data, st.Plans, st.Grid, st.Layout, st.Base, st.RunMemory, st.Memory = s, data, plans, grid, layout, base, perRun, mem
	return nil
}

// expandRuns expands s into its runs with their data, ids (base: the run
// base of s and data) and effective λ.
func expandRuns(ctx context.Context, s *spec.Spec, dirs experiments.Folders, data *experiments.DataSource) (*sweep.Plans, [][]float64, string, error) {
	plans, grid, err := sweep.Expand(s)
	if err != nil {
		return nil, nil, "", input(err)
	}
	// Sweep axes: each axis point's data before the ids, which cover it;
	// the effective λ of scaled terms after.
	if err := plans.AttachData(ctx, dirs); err != nil {
		return nil, nil, "", input(err)
	}
	sum := data.Checksum()
	if sum == "" {
		return nil, nil, "", fmt.Errorf("plan %s: the data's checksum cannot be computed", s.Name)
	}
	base := s.RunBase(sum)
	if err := plans.AssignIDs(base); err != nil {
		return nil, nil, "", err
	}
	if err := plans.Scale(data); err != nil {
		return nil, nil, "", input(err)
	}
	return plans, grid, base, nil
}

// runLayout is the columns of s's tables (sp0: the first repeat's data);
// the report's metrics and the task metric must be among them.
func runLayout(s *spec.Spec, sp0 *dataset.Splits) (table.Layout, error) {
	layout := table.Layout{
		Metrics: experiments.MetricNames(s, sp0),
		Curves:  experiments.CurveNames(s),
		Axes:    s.AxisNames(),
		Method:  len(s.Sweep.Balance) > 0 || s.Loss.Balance.Adaptive(), // runs.csv's method column (sweep.balance, an adaptive loss.balance)
		Folds:   s.Dataset.Split.CV > 0,
		Budget:  s.Sweep.Halving != nil, // runs.csv's budget column
	}
	for _, t := range s.Loss.Terms {
		layout.Terms = append(layout.Terms, t.Name)
	}
	for _, i := range s.ScaledTerms() {
		layout.Scaled = append(layout.Scaled, s.Loss.Terms[i].Name)
	}
	if err := checkReportMetrics(s, layout.Metrics); err != nil {
		return table.Layout{}, err
	}
	if err := s.CheckTaskMetric(layout.Metrics); err != nil {
		return table.Layout{}, err
	}
	return layout, nil
}

// Warnings are what the data reader accepted but the user should hear
// about (test-file levels unseen in training, encoded as zeros), the
// devices' and halving's (HalvingWarning).
func (st *Study) Warnings() []string {
	w := append(st.Data.Warnings(), st.deviceWarnings()...)
	if h := st.HalvingWarning(); h != "" {
		w = append(w, h)
	}
	return w
}

// Replan returns the study of spec s (a refinement round's spec: the same
// study with more λ values), with the same spec file, data folder and
// limits.
func (st *Study) Replan(ctx context.Context, s *spec.Spec) (*Study, error) {
	n := &Study{SpecPath: st.SpecPath, SpecText: st.SpecText, Dirs: st.Dirs, limits: st.limits}
	if err := n.plan(ctx, s); err != nil {
		return nil, err
	}
	return n, nil
}

// checkReportMetrics refuses report.metrics names the runs will not have.
func checkReportMetrics(s *spec.Spec, have []string) error {
	for i, m := range s.Report.Metrics {
		if slices.Contains(have, m) {
			continue
		}
		hint := ""
		if c := spec.Suggest(m, have); c != "" {
			hint = fmt.Sprintf("did you mean %q? ", c)
		}
		return s.Errorf(fmt.Sprintf("report.metrics[%d]", i), "unknown metric %q for this spec; %sthe runs will have: %s", m, hint, strings.Join(have, ", "))
	}
	return nil
}

// DatasetLabel names the study's data for manifests: builtin:<name> or
// the CSV's path.
func (st *Study) DatasetLabel() string {
	if st.Spec.Dataset.Builtin != "" {
		return "builtin:" + st.Spec.Dataset.Builtin
	}
	return st.Data.Path()
}
