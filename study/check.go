package study

import (
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/report/check"
	"github.com/lossexp/lossexp/spec"
)

// CheckSettings are the tolerances and metrics of a check as the user
// gave them; a negative Abs, Rel, K, HVTol or EpsTol is not given (the
// spec's check section, else the default, applies).
type CheckSettings struct {
	Metrics       []string // checked metrics (default: the spec's check.metrics, else report.metrics)
	Abs, Rel, K   float64
	Tols          []string // METRIC=abs:X,rel:Y,k:Z,better:D
	Steps         int      // grid steps a balance point may move
	HVTol, EpsTol float64
}

// DefaultCheckSettings are the settings of a check given nothing.
func DefaultCheckSettings() CheckSettings {
	return CheckSettings{Abs: -1, Rel: -1, K: -1, HVTol: -1, EpsTol: -1, Steps: 1}
}

// CheckReport is the outcome of every comparison of a check.
type CheckReport = check.CheckReport

// Checked is what Check compared and found.
type Checked struct {
	Name      string // the study's
	Report    *CheckReport
	Base, Cur *table.Summary
	x         string // the term whose λ is the overlays' x axis
}

// GridPoints is the number of grid points the baseline holds.
func (c *Checked) GridPoints() int { return len(c.Base.Points) }

// WriteJUnit writes the check as JUnit XML to path.
func (c *Checked) WriteJUnit(path string) error { return check.WriteJUnit(path, c.Name, c.Report) }

// CheckDir is the folder of a results folder that check writes its
// overlay PNGs into by default.
const CheckDir = "check"

// CheckPlotsDir is the default folder of a check's overlay PNGs,
// results/check: refused (an input error) when it is a link or anything
// but a folder, since lossexp never writes through a link out of a
// results folder (a --plots folder is the user's choice).
func CheckPlotsDir(results string) (string, error) {
	dir := filepath.Join(results, CheckDir)
	if fi, err := os.Lstat(dir); err == nil && !fi.IsDir() {
		return "", inputf("%s is %s, not a folder: lossexp never follows a link out of its results folder nor writes into a special file; remove it, or choose --plots", dir, saferead.Kind(fi.Mode()))
	}
	return dir, nil
}

// Figures writes an overlay PNG per checked metric into dir and returns
// the files written.
func (c *Checked) Figures(dir string) ([]string, error) {
	return check.CheckFigures(dir, c.Base, c.Cur, c.Report, c.x, c.Name)
}

// Check compares the summary of the results folder results with the
// baseline stored in the folder baseline (by Baseline). Inputs that cannot
// support a comparison are an InputError before any verdict; warnings (a
// changed spec, an unfinished sweep, another BLAS backend, a summary
// compared unverified) go to log.
func Check(results, baseline string, set CheckSettings, log io.Writer) (*Checked, error) {
	info, err := ReadBaselineInfo(baseline)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	base, err := readCheckedSummary(baseline, "baseline")
	if err != nil {
		return nil, err
	}
	cur, err := readCheckedSummary(results, "results")
	if err != nil {
		return nil, err
	}

	sp, err := checkSpec(results, baseline, info, log)
	if err != nil {
		return nil, err
	}
	warnCheckedRun(results, info, log)

	copt, err := checkOptions(set, sp, base)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	// Inputs that cannot support a comparison are refused before any
	// verdict: a pass against them would mean nothing.
	metrics := check.CheckedMetrics(base, copt.Metrics)
	if err := check.UsableSummary(base, filepath.Join(baseline, SummaryFile), metrics, true); err != nil {
		return nil, inputf("unusable baseline: %w", err)
	}
	if err := check.UsableSummary(cur, filepath.Join(results, SummaryFile), metrics, false); err != nil {
		return nil, inputf("unusable results: %w", err)
	}
	rep, err := check.Check(base, cur, copt)
	if err != nil {
		return nil, inputf("compare %s with baseline %s: %w", results, baseline, err)
	}
	switch err := check.VerifySummary(results); {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(log, "note: %s has no %s: %s is compared unverified\n", results, RunsFile, SummaryFile)
	case err != nil:
		return nil, &InputError{Err: err}
	}
	return &Checked{Name: sp.Name, Report: rep, Base: base, Cur: cur, x: sp.Report.X}, nil
}

// checkSpec is the spec a check reads: the results' (its check section
// and report metrics), else the baseline's; a changed spec is warned of
// on log.
func checkSpec(results, baseline string, info *BaselineInfo, log io.Writer) (*spec.Spec, error) {
	// The spec: the results' (its check section and report metrics), else
	// the baseline's. The baseline's must be there and read: a baseline
	// without the spec that made it cannot say what it measured. A
	// results spec that exists but does not read is refused too.
	baseSpec, err := spec.Load(filepath.Join(baseline, SpecFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, inputf("baseline %s has no %s: it cannot say what it measured; store it again with: lossexp baseline RESULTS --to %s", baseline, SpecFile, baseline)
		}
		return nil, inputf("baseline %s: %w", baseline, err)
	}
	sp := baseSpec
	if s, err := spec.Load(filepath.Join(results, SpecFile)); err == nil {
		sp = s
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, inputf("results %s: %w", results, err)
	}
	if h := sp.ResultHash(); h != info.ResultHash {
		msg := fmt.Sprintf("the spec changed since the baseline: result hash %.12s now, %.12s in %s", h, info.ResultHash, filepath.Join(baseline, BaselineFile))
		msg += " (differs in " + strings.Join(SpecDiff(baseSpec, sp), ", ") + ")"
		fmt.Fprintf(log, "WARNING: %s; a difference may be the change itself. Store a new baseline with: lossexp baseline %s --to %s\n", msg, results, baseline)
	}
	return sp, nil
}

// warnCheckedRun warns on log of an unfinished sweep in results and
// notes another BLAS backend than the baseline's.
func warnCheckedRun(results string, info *BaselineInfo, log io.Writer) {
	if m, err := ReadManifest(results); err == nil {
		if m.Runs > 0 && !m.Complete {
			fmt.Fprintf(log, "WARNING: %s holds an unfinished sweep (%d of %d runs)\n", results, m.Finished, m.Runs)
		}
		if m.BLAS != "" && info.BLAS != "" && model.CanonicalBackend(m.BLAS) != model.CanonicalBackend(info.BLAS) {
			fmt.Fprintf(log, "note: baseline made with the %s BLAS backend, results with %s: last-bit differences are expected and the tolerances absorb them\n", info.BLAS, m.BLAS)
		}
	}
}

// readCheckedSummary reads the summary.csv of dir, the what ("baseline",
// "results") folder of a check.
func readCheckedSummary(dir, what string) (*table.Summary, error) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, inputf("%s folder %s does not exist", what, dir)
	}
	s, err := table.ReadSummary(filepath.Join(dir, SummaryFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, inputf("%s folder %s has no %s", what, dir, SummaryFile)
	}
	if err != nil {
		return nil, &InputError{Err: err}
	}
	return s, nil
}

// checkOptions layers the tolerances: defaults < spec check section <
// settings.
func checkOptions(o CheckSettings, sp *spec.Spec, base *table.Summary) (check.CheckOptions, error) {
	c := check.CheckOptions{Tolerance: map[string]check.Tolerance{}, BalanceSteps: o.Steps, Spec: sp}
	if o.Steps == 0 {
		c.BalanceSteps = -1 // no move allowed
	}
	var per map[string]spec.MetricCheck
	if sp != nil && sp.Check != nil {
		per = sp.Check.Metrics
	}
	def := defaultTolerance(o, sp)
	c.Default = def
	if o.HVTol >= 0 {
		c.HVTol = o.HVTol
	}
	if o.EpsTol >= 0 {
		c.EpsTol = o.EpsTol
	}
	for m, mc := range per {
		t := def
		if mc.Abs != nil {
			t.Abs = *mc.Abs
		}
		if mc.Rel != nil {
			t.Rel = *mc.Rel
		}
		if mc.K != nil {
			t.K = *mc.K
		}
		t.Better = mc.Better
		c.Tolerance[m] = t
	}
	for _, kv := range o.Tols {
		m, t, err := parseTol(kv, c.Tolerance, def)
		if err != nil {
			return c, err
		}
		c.Tolerance[m] = t
	}
	var err error
	c.Metrics, err = checkedMetrics(o, per, sp, base)
	return c, err
}

// defaultTolerance is every metric's tolerance: report's default < the
// spec's check section < the settings.
func defaultTolerance(o CheckSettings, sp *spec.Spec) check.Tolerance {
	def := check.DefaultTolerance
	if sp != nil && sp.Check != nil {
		ck := sp.Check
		if sp.Has("check.abs") {
			def.Abs = ck.Abs
		}
		if sp.Has("check.rel") {
			def.Rel = ck.Rel
		}
		if sp.Has("check.k") {
			def.K = ck.K
		}
	}
	if o.Abs >= 0 {
		def.Abs = o.Abs
	}
	if o.Rel >= 0 {
		def.Rel = o.Rel
	}
	if o.K >= 0 {
		def.K = o.K
	}
	return def
}

// checkedMetrics are the metrics checked: the settings', else those of
// the spec's check section (per), else the report's; each must be in the
// baseline's summary.
func checkedMetrics(o CheckSettings, per map[string]spec.MetricCheck, sp *spec.Spec, base *table.Summary) ([]string, error) {
	var metrics []string
	switch {
	case len(o.Metrics) > 0:
		metrics = o.Metrics
	case len(per) > 0:
		for m := range per {
			metrics = append(metrics, m)
		}
		sort.Strings(metrics)
	case sp != nil && len(sp.Report.Metrics) > 0:
		metrics = sp.Report.Metrics
	}
	for _, m := range metrics {
		if !slices.Contains(base.Metrics, m) {
			return metrics, fmt.Errorf("metric %s is not in the baseline's summary.csv (it has %s)", m, strings.Join(base.Metrics, ", "))
		}
	}
	return metrics, nil
}

// parseTol parses METRIC=abs:X,rel:Y,k:Z,better:D.
func parseTol(kv string, have map[string]check.Tolerance, def check.Tolerance) (string, check.Tolerance, error) {
	m, spec, ok := strings.Cut(kv, "=")
	if !ok || m == "" || spec == "" {
		return "", def, fmt.Errorf("--tol %s: want METRIC=abs:X,rel:Y,k:Z,better:higher|lower|both", kv)
	}
	t, ok := have[m]
	if !ok {
		t = def
	}
	for _, part := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			return "", t, fmt.Errorf("--tol %s: %q is not key:value", kv, part)
		}
		if k == "better" {
			if v != "higher" && v != "lower" && v != "both" {
				return "", t, fmt.Errorf("--tol %s: better must be higher, lower or both, got %q", kv, v)
			}
			t.Better = v
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 || math.IsInf(x, 0) || math.IsNaN(x) {
			return "", t, fmt.Errorf("--tol %s: %s must be a finite number ≥ 0, got %q", kv, k, v)
		}
		switch k {
		case "abs":
			t.Abs = x
		case "rel":
			t.Rel = x
		case "k":
			t.K = x
		default:
			return "", t, fmt.Errorf("--tol %s: unknown key %q (valid: abs, rel, k, better)", kv, k)
		}
	}
	return m, t, nil
}

// FormatPair formats a baseline and a new value with 5 significant
// digits, or as many more as two different values need to read
// differently; NaN is "-".
func FormatPair(a, b float64) (string, string) {
	if math.IsNaN(a) || math.IsNaN(b) {
		return formatValue(a), formatValue(b)
	}
	return table.DistinctFloats(a, b, 5)
}

func formatValue(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'g', 5, 64)
}
