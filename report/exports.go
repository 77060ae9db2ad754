package report

import (
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"

	"github.com/lossexp/lossexp/spec"
)

// The table, label and drawing helpers that package report/check reuses,
// under exported names. Each is this package's own function: the check
// reads summary.csv and runs.csv, chooses balance points and draws its
// overlay figures exactly as the report does, so the two cannot drift.

// PointLabel labels a grid point by its λ tuple ("l2=0.1, l1=0").
func PointLabel(terms []string, lam []float64) string { return pointLabel(terms, lam) }

// Direction is metric m's direction for a check: "higher", "lower" or
// "both" (sp may be nil).
func Direction(sp *spec.Spec, m string) string { return direction(sp, m) }

// FileSafe replaces the characters a file name cannot hold by "_".
func FileSafe(s string) string { return fileSafe(s) }

// DistinctLabels labels two λ tuples so that different tuples read
// differently.
func DistinctLabels(terms []string, a, b []float64) (string, string) {
	return distinctLabels(terms, a, b)
}

// IsFinite reports whether v is neither NaN nor infinite.
func IsFinite(v float64) bool { return isFinite(v) }

// Distinct is the number of distinct λ of term j in s.
func Distinct(s *Summary, j int) int { return distinct(s, j) }

// HasValues reports whether metric mi has a mean at some point of s.
func HasValues(s *Summary, mi int) bool { return hasValues(s, mi) }

// TermSlice is term j's slice of s: the other terms held at their
// reference λ (fixed describes them), the slice's points and the
// reference point.
func TermSlice(s *Summary, j int) (fixed string, pts []int, ref int) { return termSlice(s, j) }

// ChooseTaskMetric is the task metric the analysis chooses balance points on.
func ChooseTaskMetric(s *Summary, sp *spec.Spec) MetricChoice { return chooseTaskMetric(s, sp) }

// BalanceOf is the balance point of term analysis ta on task, as the
// analysis chooses it.
func BalanceOf(s *Summary, ta *TermAnalysis, task MetricChoice) Balance {
	return balanceOf(s, ta, task)
}

// SummarizeRuns is the summary of the runs.csv at path, the one summary.csv
// holds (folds pooled); runs is nil when it was read a row at a time.
func SummarizeRuns(path string) (s *Summary, runs *Runs, nRuns int, err error) {
	return summarizeRuns(path)
}

// WriteSummaryTo writes s as summary.csv's bytes to w.
func WriteSummaryTo(w io.Writer, s *Summary) error { return writeSummary(w, s) }

// WriteTo adapts a figure to WriteFileAtomic.
func WriteTo(wt io.WriterTo) func(io.Writer) error { return writeTo(wt) }

// DrawFramed draws a figure with its title and subtitle on c.
func DrawFramed(c draw.Canvas, title, subtitle string, build func() (*plot.Plot, plot.Legend, error)) error {
	return drawFramed(c, title, subtitle, build)
}

// NewPlot is a plot in the report's style with axis labels xl and yl.
func NewPlot(xl, yl string) *plot.Plot { return newPlot(xl, yl) }

// NewLegend is a legend in the report's style.
func NewLegend() plot.Legend { return newLegend() }

// LegendAdd adds an entry to a legend in the report's style.
func LegendAdd(l *plot.Legend, name string, thumbs ...plot.Thumbnailer) {
	legendAdd(l, name, thumbs...)
}

// PowerOfTen writes 10^k as the legends do (1e-5).
func PowerOfTen(k int) string { return powerOfTen(k) }

// Palette is the report's colour cycle.
var Palette = palette

// ErrTooFewPoints: a figure needs two λ with a value.
var ErrTooFewPoints = errTooFewPoints

// LogTicks labels a log10 axis by powers of ten.
type LogTicks = logTicks

// ThickCross is a × glyph drawn with 2-point strokes.
type ThickCross = thickCross

// TermKind is the kind of term name (the spec's kind, else the name).
func (a *Analysis) TermKind(name string) string { return a.termKind(name) }

// ChooseTermMetric is the metric the analysis plots term ta's trade-off on.
func (a *Analysis) ChooseTermMetric(ta *TermAnalysis) MetricChoice { return a.chooseTermMetric(ta) }
