package study

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/report/table"
)

// noteUnreported warns on log of every metric of metrics (the report's)
// that runs.csv of dir holds no value of in any ok run: its columns are
// empty and it has no figure, which the report shows only by leaving it
// out. A training command that reports other names than the spec's
// report.metrics was otherwise seen only as an empty column.
func noteUnreported(log io.Writer, dir string, metrics []string) {
	if log == nil || len(metrics) == 0 {
		return
	}
	runs, err := table.ReadRuns(filepath.Join(dir, RunsFile))
	if err != nil {
		return // the report has said why already
	}
	ok := 0
	for _, r := range runs.Runs {
		if r.Status == experiments.StatusOK {
			ok++
		}
	}
	if ok == 0 {
		return
	}
	for _, m := range metrics {
		col := slices.Index(runs.Metrics, m)
		if col < 0 || reported(runs.Runs, col) {
			continue
		}
		fmt.Fprintf(log, "lossexp: warning: %s: no run reported %s (its column is empty in all %d ok runs), so the report has no figure of it: a training command must write it in the final line of metrics.jsonl, else leave it out of report.metrics\n",
			filepath.Join(dir, RunsFile), m, ok)
	}
}

// noteUnreported warns of the report metrics no run reported once the
// sweep's report is drawn (see noteUnreported).
func (st *Study) noteUnreported(log io.Writer, oc *SweepOutcome) {
	if oc.Rendered {
		noteUnreported(log, oc.Out, st.Spec.Report.Metrics)
	}
}

// reported says whether an ok run of runs has a value in column col.
func reported(runs []table.Run, col int) bool {
	for _, r := range runs {
		if r.Status == experiments.StatusOK && !math.IsNaN(r.Metrics[col]) {
			return true
		}
	}
	return false
}
