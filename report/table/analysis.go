package table

import (
	"bufio"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lossexp/lossexp/internal/layout"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/spec"
)

// Analysis is what Render derives from a results folder beyond
// summary.csv: the task metric, one TermAnalysis per swept term (balance
// points, paired comparisons, gradient conflict), the cost of the terms and
// the notes a reader needs. It is computed from the folder's CSV tables
// and spec.yaml alone.
type Analysis struct {
	Dir      string
	Spec     *spec.Spec // nil when spec.yaml is missing or unreadable
	SpecText string     // spec.yaml as written; "" when missing
	Runs     *Runs      // nil: runs.csv is read a row at a time when needed
	NRuns    int        // rows of runs.csv
	Summary  *Summary
	Task     MetricChoice // the task metric balance points are chosen on
	// Test is the task metric on the test split (test.<metric>) when Task
	// is on another split and the runs have it: its value at each balance
	// point is the honest estimate of the chosen λ. Index -1 otherwise.
	Test    MetricChoice
	Terms   []TermAnalysis
	Curves  *Table // curves.csv; nil when the folder has none
	Timings *Table // timings.csv; nil when the folder has none
	Cost    *Cost  // nil without timings.csv
	// Methods compares a sweep.balance study's adaptive methods with the
	// static front (methods.go); nil without them.
	Methods  *Methods
	Warnings []string
	Notes    []string
}

// MetricChoice is a metric used by the analysis and the direction in which
// it is better.
type MetricChoice struct {
	Name   string // column of runs.csv; "" when none fits
	Index  int    // in Summary.Metrics; -1 when Name is ""
	Higher bool   // larger values are better
	Why    string // how it was chosen, for the report
}

// TermAnalysis is the analysis of one swept term along its slice of the
// grid: the points where every other swept term is at its reference value
// (λ = 0 when the grid has it, else its smallest λ).
type TermAnalysis struct {
	Term   string
	Index  int    // in Summary.Terms
	Kind   string // term kind from spec.yaml; the name when unknown
	Metric MetricChoice
	Fixed  string // the other swept terms' λ on the slice, "l2=0"; "" if none
	Points []int  // slice points in Summary.Points, λ ascending
	Ref    int    // the λ = 0 point of the slice in Summary.Points; -1 if none
	// Axes are the axis values of the slice (nil without axes): a term is
	// analysed once per axis point.
	Axes []string
	tag  string

	Balance Balance
	// Optimism compares the test split at λ_best (chosen on another
	// split) with the best test mean along the slice (see optimismOf).
	Optimism Optimism
	Paired   []Paired // paired comparisons with λ = 0, task metric then term metric
	Grad     GradConflict
	// Stability is the balance points' bootstrap over the repeats
	// (stability.go); nil until Render computes it.
	Stability *TermStability
}

// Analyze reads the optional tables of dir (spec.yaml, curves.csv,
// timings.csv) and computes the analysis of the runs. x is the plotting
// term of PlotOptions; the analysis covers every swept term regardless.
// With runs nil, the runs are read from dir/runs.csv a row at a time,
// in as many passes as the analysis needs, and nRuns is their number.
func Analyze(dir string, runs *Runs, s *Summary) (*Analysis, error) {
	n := 0
	if runs != nil {
		n = len(runs.Runs)
	}
	return AnalyzeStream(dir, runs, n, s)
}

func AnalyzeStream(dir string, runs *Runs, nRuns int, s *Summary) (*Analysis, error) {
	a := &Analysis{Dir: dir, Runs: runs, NRuns: nRuns, Summary: s}
	if err := a.readInputs(); err != nil {
		return nil, err
	}
	if a.Spec != nil && a.Spec.Sweep.Halving != nil {
		note, err := halvingNote(dir, a.Spec.FullEpochs())
		if err != nil {
			return nil, err
		}
		if note != "" {
			a.Notes = append(a.Notes, note)
		}
	}
	a.chooseMetrics()
	for j, t := range s.Terms {
		if Distinct(s, j) < 2 {
			continue
		}
		for _, ax := range axisTuples(s) {
			a.analyzeTerm(s, j, t, ax)
		}
	}
	if a.Task.Name != "" {
		if err := a.pairAll(); err != nil {
			return nil, err
		}
	}
	if a.Timings != nil {
		c, err := a.costOf()
		if err != nil {
			return nil, err
		}
		a.Cost = c
	} else {
		a.Notes = append(a.Notes, "the folder has no timings.csv: no cost section")
	}
	a.analyzeMethods()
	return a, nil
}

// readInputs reads the folder's spec.yaml (a warning when it is missing
// or unreadable), curves.csv and timings.csv (each nil when missing).
func (a *Analysis) readInputs() error {
	dir := a.Dir
	if b, err := saferead.ReadFile(filepath.Join(dir, layout.SpecFile), 0); err == nil {
		a.SpecText = string(b)
		spec, err := spec.Load(filepath.Join(dir, layout.SpecFile))
		if err != nil {
			a.Warnings = append(a.Warnings, fmt.Sprintf("%s could not be read (%v): term kinds are guessed from their names", layout.SpecFile, err))
		} else {
			a.Spec = spec
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read spec: %w", err)
	} else {
		a.Warnings = append(a.Warnings, "the folder has no spec.yaml: term kinds are guessed from their names")
	}
	var err error
	if a.Curves, err = readOptionalTable(filepath.Join(dir, CurvesFile)); err != nil {
		return err
	}
	a.Timings, err = readOptionalTable(filepath.Join(dir, TimingsFile))
	return err
}

// chooseMetrics chooses the task metric and the test metric reported at
// the chosen λ, and warns when the selection split makes the test set
// biased (or there is no task metric).
func (a *Analysis) chooseMetrics() {
	s := a.Summary
	selectOn := ""
	if a.Spec != nil {
		selectOn = a.Spec.Report.SelectOn
	}
	a.Task = ChooseTaskMetric(s, a.Spec)
	a.Test = MetricChoice{Index: -1}
	if split, base, ok := strings.Cut(a.Task.Name, "."); ok && split != "test" {
		if mi := slices.Index(s.Metrics, "test."+base); mi >= 0 && HasValues(s, mi) {
			a.Test = MetricChoice{Name: "test." + base, Index: mi, Higher: a.Task.Higher, Why: "the test split at the chosen λ"}
		}
	}
	switch {
	case a.Task.Name == "" && a.Spec != nil && a.Spec.Report.TaskMetric != "":
		a.Warnings = append(a.Warnings, fmt.Sprintf("report.task_metric %s has no values on any split: no balance points", a.Spec.Report.TaskMetric))
	case a.Task.Name == "":
		a.Warnings = append(a.Warnings, "no task metric (accuracy, r2, mse or loss of the validation or test split) has values: no balance points")
	case strings.HasPrefix(a.Task.Name, "test.") && selectOn == spec.SelectTest:
		a.Warnings = append(a.Warnings, fmt.Sprintf(
			"balance points are chosen on the test split (%s), as report.select_on: test asks: the test set is then no longer an unbiased estimate for the chosen λ. Select on validation (the default) or cv to keep it untouched.", a.Task.Name))
	case strings.HasPrefix(a.Task.Name, "test."):
		a.Warnings = append(a.Warnings, fmt.Sprintf(
			"the runs have no validation metrics, so balance points are chosen on the test split (%s): the test set is then no longer an unbiased estimate for the chosen λ. Sweep again with report.select_on: validation (the default; it carves a validation split from the training rows) or cv.", a.Task.Name))
	case strings.HasPrefix(a.Task.Name, "train."):
		a.Warnings = append(a.Warnings, fmt.Sprintf("the spec has no validation or test split: balance points are chosen on the training split (%s), which rewards overfitting", a.Task.Name))
	}
}

// analyzeTerm appends the analysis of term j on its slice at the axis
// values ax (nil without axes).
func (a *Analysis) analyzeTerm(s *Summary, j int, t string, ax []string) {
	{
		ta := TermAnalysis{Term: t, Index: j, Kind: a.TermKind(t), Ref: -1, Axes: ax}
		var tags []string
		for k, v := range ax {
			tags = append(tags, AxisLabel(s.Axes[k])+"="+v)
		}
		ta.tag = strings.Join(tags, ",")
		ta.Fixed, ta.Points, ta.Ref = termSliceAt(s, j, ax)
		ta.Metric = a.ChooseTermMetric(&ta)
		if a.Task.Name != "" {
			ta.Balance = BalanceOf(s, &ta, a.Task) // ta.Paired: pairAll
			ta.Optimism = optimismOf(s, &ta, a.Test)
		}
		ta.Grad = a.gradConflict(&ta)
		a.Terms = append(a.Terms, ta)
	}
}

// axisTuples returns the distinct axis values of the summary's points in
// order of first appearance: one nil tuple without axes.
func axisTuples(s *Summary) [][]string {
	if len(s.Axes) == 0 {
		return [][]string{nil}
	}
	var out [][]string
	for _, p := range s.Points {
		if !slices.ContainsFunc(out, func(ax []string) bool { return slices.Equal(ax, p.Axes) }) {
			out = append(out, p.Axes)
		}
	}
	return out
}

// FileName is the term's part of its figure names: the term, and with
// axes its axis values (l2_samples-100).
func (ta *TermAnalysis) FileName() string {
	if len(ta.Axes) == 0 {
		return ta.Term
	}
	return ta.Term + "_" + FileSafe(strings.ReplaceAll(ta.Tag(), "=", "-"))
}

// Tag describes the analysis' axis values, "samples=100" ("" without
// axes), with the summary's axis names.
func (ta *TermAnalysis) Tag() string { return ta.tag }

// TermKind returns the kind of term name from spec.yaml, else the name.
func (a *Analysis) TermKind(name string) string {
	if a.Spec != nil {
		for _, t := range a.Spec.Loss.Terms {
			if t.Name == name {
				return t.Kind
			}
		}
	}
	return name
}

// ChooseTaskMetric picks the metric that chooses λ (spec may be nil):
// report.task_metric, else iou, accuracy, r2, mse or loss, on the split
// of report.select_on first, then the cross-validation folds (cv.*) when
// they have values, else the validation split, else test, else train
// (experiments.Spec.TaskMetric).
//
// With a training command (spec.Trainer), directions come from
// trainer.metrics, and when none of those names is present the task
// metric is the first of trainer.metrics with values that no term
// names as its own, on the first split that has one.
func ChooseTaskMetric(s *Summary, sp *spec.Spec) MetricChoice {
	selectOn := ""
	if sp != nil {
		selectOn = sp.Report.SelectOn
	}
	name, by := sp.TaskMetric(func(name string) bool {
		mi := slices.Index(s.Metrics, name)
		return mi >= 0 && HasValues(s, mi)
	})
	if name == "" {
		return MetricChoice{Index: -1}
	}
	split, _, _ := strings.Cut(name, ".")
	why := "the " + split + " split"
	switch {
	case by == spec.TaskByTrainer:
		why = "the first of trainer.metrics that no term names as its own"
	case split == "cv":
		why = "cross-validation: the mean over the folds of each repeat, SE pooled from the folds as cv.glmnet"
	case split == selectOn:
		why += " (report.select_on)"
	}
	if by == spec.TaskByName {
		why += ", named by report.task_metric"
	}
	return MetricChoice{Name: name, Index: slices.Index(s.Metrics, name), Higher: BetterHigher(sp, name) != "lower", Why: why}
}

// BetterHigher returns the direction of a metric: "higher", "lower" or ""
// (neither, or unknown), from the spec's trainer.metrics when it has
// them (spec may be nil), else from the catalogue.
func BetterHigher(spec *spec.Spec, metric string) string {
	return spec.MetricDirection(metric)
}

// ChooseTermMetric picks the term's own metric: among the metrics its kind
// adds (lossterms catalogue) that have values, the first the spec's report
// section lists, else the first. Its direction is the catalogue's, else
// the direction the metric moves from the smallest to the largest λ: the
// term pushes its own metric where more weight takes it.
func (a *Analysis) ChooseTermMetric(ta *TermAnalysis) MetricChoice {
	info, err := lossterms.Lookup(ta.Kind)
	if err != nil {
		return MetricChoice{Index: -1, Why: fmt.Sprintf("term kind %q is not in the catalogue", ta.Kind)}
	}
	split := "test"
	for _, sp := range []string{"validation", "cv"} {
		if strings.HasPrefix(a.Task.Name, sp+".") {
			split = sp
		}
	}
	var all []string
	for _, md := range info.Metrics {
		all = append(all, md.Pattern)
	}
	if ta.Kind == "external" {
		if all = a.externalTermMetric(ta.Term); len(all) == 0 {
			return MetricChoice{Index: -1, Why: fmt.Sprintf("term %s names no metric of its own (set metric: on the term)", ta.Term)}
		}
	}
	var cands []string
	for _, pattern := range all {
		m := strings.ReplaceAll(pattern, "<split>", split)
		if mi := slices.Index(a.Summary.Metrics, m); mi >= 0 && HasValues(a.Summary, mi) {
			cands = append(cands, m)
		}
	}
	if len(cands) == 0 {
		return MetricChoice{Index: -1, Why: fmt.Sprintf("runs.csv has none of the metrics of %s (%s)", ta.Kind, strings.Join(all, ", "))}
	}
	name := cands[0]
	if a.Spec != nil {
		for _, m := range a.Spec.Report.Metrics {
			if slices.Contains(cands, m) {
				name = m
				break
			}
		}
	}
	mc := MetricChoice{Name: name, Index: slices.Index(a.Summary.Metrics, name)}
	a.termMetricDirection(ta, &mc)
	return mc
}

// externalTermMetric is a training command's term's own metric: the one
// the spec names (loss.terms[i].metric); nil when none is named.
func (a *Analysis) externalTermMetric(term string) []string {
	var all []string
	if a.Spec != nil {
		for _, t := range a.Spec.Loss.Terms {
			if m, ok := t.Params["metric"].(string); ok && t.Name == term {
				all = []string{m}
			}
		}
	}
	return all
}

// termMetricDirection sets mc's direction and why: the spec's or the
// catalogue's, else the way the metric moves from the smallest to the
// largest λ of ta.
func (a *Analysis) termMetricDirection(ta *TermAnalysis, mc *MetricChoice) {
	name := mc.Name
	source := "catalogue"
	if a.Spec != nil && a.Spec.Trainer != nil && spec.MetricBetter(name) != BetterHigher(a.Spec, name) {
		source = "trainer.metrics"
	}
	switch BetterHigher(a.Spec, name) {
	case "higher":
		mc.Higher, mc.Why = true, "higher is better ("+source+")"
	case "lower":
		mc.Higher, mc.Why = false, "lower is better ("+source+")"
	default:
		first, last := math.NaN(), math.NaN()
		for _, p := range ta.Points {
			if v := a.Summary.Points[p].Stats[mc.Index].Mean; IsFinite(v) {
				if math.IsNaN(first) {
					first = v
				}
				last = v
			}
		}
		mc.Higher = !(last < first)
		dir := "rises"
		if !mc.Higher {
			dir = "falls"
		}
		mc.Why = "the term's goal: " + name + " " + dir + " from the smallest to the largest λ"
	}
}

// TermSlice is termSliceAt at the first axis point (every point without
// axes).
func TermSlice(s *Summary, j int) (fixed string, pts []int, ref int) {
	return termSliceAt(s, j, axisTuples(s)[0])
}

// termSliceAt returns the grid points at axis values ax where every swept
// term but j is at its reference λ (0 if present, else its smallest),
// sorted by the λ of j, the description of the fixed λ and axis values,
// and the λ = 0 point of the slice.
func termSliceAt(s *Summary, j int, ax []string) (fixed string, pts []int, ref int) {
	refs := make([]float64, len(s.Terms))
	var parts []string
	for k := range s.Terms {
		if k == j || Distinct(s, k) < 2 {
			continue
		}
		refs[k] = math.Inf(1)
		for _, p := range s.Points {
			if l := p.Lambdas[k]; l >= 0 && l < refs[k] {
				refs[k] = l
			}
		}
		parts = append(parts, s.Terms[k]+"="+FormatLambda(refs[k]))
	}
	for k, v := range ax {
		parts = append(parts, AxisLabel(s.Axes[k])+"="+v)
	}
	ref = -1
	for pi, p := range s.Points {
		ok := slices.Equal(p.Axes, ax)
		for k := range s.Terms {
			if k != j && Distinct(s, k) > 1 && p.Lambdas[k] != refs[k] {
				ok = false
				break
			}
		}
		if ok {
			pts = append(pts, pi)
		}
	}
	slices.SortStableFunc(pts, func(a, b int) int { return CmpFloat(s.Points[a].Lambdas[j], s.Points[b].Lambdas[j]) })
	for _, pi := range pts {
		if s.Points[pi].Lambdas[j] == 0 {
			ref = pi
			break
		}
	}
	return strings.Join(parts, ";"), pts, ref
}

// Table is a CSV table read back by column name: curves.csv or timings.csv.
// A table read by readOptionalTable holds its header alone and reads its
// rows from the file on each Each (those tables have a row per run and
// epoch: a million-run sweep's do not fit in memory); one built in a test
// holds its Rows.
type Table struct {
	Header []string
	Rows   [][]string
	col    map[string]int
	path   string // rows are read from here when Rows is nil
}

// Col returns the index of column name, or -1.
func (t *Table) Col(name string) int {
	if i, ok := t.col[name]; ok {
		return i
	}
	return -1
}

// Each calls f with every row in file order (line is its line number);
// row is reused between calls.
func (t *Table) Each(f func(line int, row []string) error) error {
	if t.path == "" {
		for k, row := range t.Rows {
			if err := f(k+2, row); err != nil {
				return err
			}
		}
		return nil
	}
	fh, err := saferead.Open(t.path)
	if err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(t.path), err)
	}
	defer fh.Close()
	cr := csv.NewReader(bufio.NewReaderSize(fh, 1<<16))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	for k := 0; ; k++ {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%s: line %d, column %d: %w", t.path, pe.Line, pe.Column, pe.Err)
			}
			return fmt.Errorf("%s: %w", t.path, err)
		}
		if k == 0 {
			continue // the header
		}
		line, _ := cr.FieldPos(0)
		if err := f(line, row); err != nil {
			return err
		}
	}
}

// readOptionalTable reads a CSV table's header (its rows are read by
// Each); a missing file is (nil, nil).
func readOptionalTable(path string) (*Table, error) {
	f, err := saferead.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	cr := csv.NewReader(bufio.NewReader(f))
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file, want a header", path)
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: line %d, column %d: %w", path, pe.Line, pe.Column, pe.Err)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t := &Table{Header: header, col: make(map[string]int, len(header)), path: path}
	for i, h := range header {
		t.col[h] = i
	}
	return t, nil
}

// parseTable reads a whole CSV table with a header; name is used in
// messages.
func parseTable(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(r)
	recs, err := cr.ReadAll()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: line %d, column %d: %w", name, pe.Line, pe.Column, pe.Err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty file, want a header", name)
	}
	t := &Table{Header: recs[0], Rows: recs[1:], col: make(map[string]int, len(recs[0]))}
	for i, h := range t.Header {
		t.col[h] = i
	}
	return t, nil
}

// EachRun calls f with every run: those of a.Runs when the analysis was
// given them, else the rows of runs.csv read one at a time.
func (a *Analysis) EachRun(f func(r *Run) error) error {
	if a.Runs != nil {
		for i := range a.Runs.Runs {
			if err := f(&a.Runs.Runs[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return EachRun(filepath.Join(a.Dir, RunsFile), f)
}

// runSeq yields the runs as eachRun does, with the error of a bad row.
func (a *Analysis) runSeq() iter.Seq2[*Run, error] {
	return func(yield func(*Run, error) bool) {
		stopped := errors.New("stopped")
		err := a.EachRun(func(r *Run) error {
			if !yield(r, nil) {
				return stopped
			}
			return nil
		})
		if err != nil && err != stopped {
			yield(nil, err)
		}
	}
}

// PointIndex maps a point's key (pointKey) to its index in s.
func PointIndex(s *Summary) map[string]int {
	index := make(map[string]int, len(s.Points))
	for pi, p := range s.Points {
		index[lambdaKey(p.Lambdas)+axisKey(p.Axes)] = pi
	}
	return index
}

// PointKey is the key of run r's point.
func PointKey(r *Run) string { return lambdaKey(r.Lambdas) + axisKey(r.Axes) }

// axisKey is the part of a point's key its axis values make ("" without
// axes, so keys of specs without axes are unchanged).
func axisKey(ax []string) string {
	var b []byte
	for _, a := range ax {
		b = append(append(b, 0), a...)
	}
	return string(b)
}

func lambdaKey(ls []float64) string {
	key := make([]byte, 0, 8*len(ls))
	for _, l := range ls {
		key = binary.LittleEndian.AppendUint64(key, math.Float64bits(l))
	}
	return string(key)
}

// Optimism is how much a choice of λ on the test split itself would flatter
// the test metric: the best test mean over the term's slice (BestTest, at
// BestLambda) minus the test mean at λ_best chosen on the selection split,
// oriented so that a flattering choice is positive. Value is ≥ 0 by
// construction and NaN when λ is chosen on test, or without a test metric
// or λ_best.
type Optimism struct {
	Value      float64
	BestTest   float64
	BestLambda float64
}

// optimismOf computes ta's Optimism on test metric test (Index -1: none).
func optimismOf(s *Summary, ta *TermAnalysis, test MetricChoice) Optimism {
	o := Optimism{Value: math.NaN(), BestTest: math.NaN(), BestLambda: math.NaN()}
	if test.Index < 0 || ta.Balance.Best.Point < 0 {
		return o
	}
	orient := func(v float64) float64 {
		if test.Higher {
			return v
		}
		return -v
	}
	at := s.Points[ta.Balance.Best.Point].Stats[test.Index].Mean
	if !IsFinite(at) {
		return o
	}
	for _, pi := range ta.Points {
		p := s.Points[pi]
		v := p.Stats[test.Index].Mean
		if p.Diverged > 0 || !IsFinite(v) {
			continue // left out of every choice, as in balanceOf
		}
		if math.IsNaN(o.BestTest) || orient(v) > orient(o.BestTest) {
			o.BestTest, o.BestLambda = v, p.Lambdas[ta.Index]
		}
	}
	o.Value = orient(o.BestTest) - orient(at)
	return o
}
