package check

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/spec"
)

// ErrUnusable reports a summary that cannot support a comparison (no
// runs at a point, an infinite spread, a checked metric without a value
// anywhere, every run diverged) or a summary.csv that is not what its
// runs.csv gives. Errors of UsableSummary and VerifySummary match it with
// errors.Is.
var ErrUnusable = errors.New("report: summary cannot support a comparison")

type unusable struct{ msg string }

func (e *unusable) Error() string        { return e.msg }
func (e *unusable) Is(target error) bool { return target == ErrUnusable }

// CheckedMetrics returns the metrics Check compares: metrics, else every
// metric of base but the diagnostics (spec.MetricDiagnostic).
func CheckedMetrics(base *table.Summary, metrics []string) []string {
	if len(metrics) > 0 {
		return metrics
	}
	var out []string
	for _, m := range base.Metrics {
		if !spec.MetricDiagnostic(m) {
			out = append(out, m)
		}
	}
	return out
}

// UsableSummary reports, naming the file's line, the grid point and the
// reason, why s (read from path) cannot stand in a comparison of metrics.
// Every summary needs runs at every point and, where a metric has a mean,
// a finite mean and a finite, non-negative spread. A baseline (base true)
// must further hold a value of every checked metric somewhere and at
// least one run that did not diverge: a comparison with nothing is no
// check. (A results summary whose runs all diverged is a regression,
// which Check reports, not unusable input.)
func UsableSummary(s *table.Summary, path string, metrics []string, base bool) error {
	fail := func(pi int, format string, args ...any) error {
		p := s.Points[pi]
		return &unusable{fmt.Sprintf("%s: line %d (grid point %d, %s): %s", path, pi+2, pi+1, table.PointLabel(s.Terms, p.Lambdas), fmt.Sprintf(format, args...))}
	}
	idx := make([]int, len(metrics))
	for i, m := range metrics {
		idx[i] = slices.Index(s.Metrics, m)
	}
	ok := 0
	for pi, p := range s.Points {
		if p.N == 0 {
			return fail(pi, "n = 0: no runs to compare")
		}
		ok += p.N - p.Diverged - p.Failed
		for i, m := range metrics {
			if idx[i] < 0 {
				continue // Check names a missing metric itself
			}
			st := p.Stats[idx[i]]
			switch {
			case math.IsNaN(st.Mean) && !math.IsNaN(st.Std):
				return fail(pi, "%s has a std (%g) but no mean", m, st.Std)
			case math.IsNaN(st.Mean):
			case math.IsInf(st.Mean, 0):
				return fail(pi, "%s.mean is %g: no band can be drawn around it", m, st.Mean)
			case math.IsInf(st.Std, 0) || st.Std < 0:
				return fail(pi, "%s.std is %g: a spread must be finite and ≥ 0", m, st.Std)
			case !math.IsNaN(st.CILow) && !(st.CILow <= st.Mean && st.Mean <= st.CIHigh):
				return fail(pi, "%s: the interval [%g, %g] does not hold the mean %g", m, st.CILow, st.CIHigh, st.Mean)
			}
		}
	}
	if !base {
		return nil
	}
	if ok == 0 {
		return &unusable{fmt.Sprintf("%s: every run of every grid point diverged: there is nothing to compare with; store a baseline of a sweep that trains", path)}
	}
	for i, m := range metrics {
		if idx[i] < 0 {
			continue
		}
		has := slices.ContainsFunc(s.Points, func(p table.Point) bool { return !math.IsNaN(p.Stats[idx[i]].Mean) })
		if !has {
			return &unusable{fmt.Sprintf("%s: column %s%s is empty at every grid point: %s cannot be checked (leave it out with --metric, or store a baseline that has it)", path, m, table.SuffixMean, m)}
		}
	}
	return nil
}

// VerifySummary checks that dir/summary.csv is, byte for byte, what
// dir/runs.csv summarizes to (as the report summarizes it: folds pooled),
// so that a runs.csv edited after its summary (or the reverse) cannot pass
// a check. The error names the first line and column that differ. A
// folder without runs.csv is fs.ErrNotExist.
func VerifySummary(dir string) error {
	runsPath, sumPath := filepath.Join(dir, table.RunsFile), filepath.Join(dir, table.SummaryFile)
	s, _, _, err := table.SummarizeRuns(runsPath)
	if err != nil {
		return err
	}
	var want bytes.Buffer
	if err := table.WriteSummaryTo(&want, s); err != nil {
		return err
	}
	got, err := saferead.ReadFile(sumPath, 0)
	if err != nil {
		return err
	}
	if bytes.Equal(got, want.Bytes()) {
		return nil
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(want.String(), "\n")
	header := strings.Split(wl[0], ",")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g == w {
			continue
		}
		gc, wc := strings.Split(g, ","), strings.Split(w, ",")
		for c := 0; c < max(len(gc), len(wc)); c++ {
			var x, y string
			if c < len(gc) {
				x = gc[c]
			}
			if c < len(wc) {
				y = wc[c]
			}
			if x != y {
				col := fmt.Sprintf("column %d", c+1)
				if c < len(header) && i > 0 {
					col = "column " + header[c]
				}
				return &unusable{fmt.Sprintf("%s does not match %s: line %d, %s is %s but the runs give %s; was one of them edited? (rebuild it with: lossexp report %s)",
					sumPath, runsPath, i+1, col, clipCell(x), clipCell(y), dir)}
			}
		}
	}
	return &unusable{fmt.Sprintf("%s does not match %s (rebuild it with: lossexp report %s)", sumPath, runsPath, dir)}
}

func clipCell(v string) string {
	if v == "" {
		return "empty"
	}
	if len(v) > 40 {
		return fmt.Sprintf("%q… (%d bytes)", v[:40], len(v))
	}
	return fmt.Sprintf("%q", v)
}
