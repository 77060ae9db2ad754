package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/layout"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
)

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// Figures lists the PNG files of a report by section, as base names
// relative to the results folder.
type Figures struct {
	Metrics  []string            // <metric>_vs_<term>.png and train vs test
	Training map[string][]string // per term: training_<term>_<k>.png
	// Sections are the analysis figures (figure.Families) by the ID of
	// the section that shows them, each in the registry's order.
	Sections map[string][]string
}

// All returns every figure: the metric figures, the sections' in
// the order of their IDs, the training curves by term.
func (f *Figures) All() []string {
	out := slices.Clone(f.Metrics)
	for _, id := range slices.Sorted(maps.Keys(f.Sections)) {
		out = append(out, f.Sections[id]...)
	}
	for _, ta := range slices.Sorted(maps.Keys(f.Training)) {
		out = append(out, f.Training[ta]...)
	}
	return out
}

// htmlData is what the template reads.
type htmlData struct {
	Title, Description string
	Dir                string
	Warnings, Notes    []string
	Reading            []string
	Task               table.MetricChoice
	Terms              []htmlTerm
	Figs               *Figures
	Runs               htmlTable
	Cost               *htmlCost
	SpecText           string
	Files              []string
	Methods            *htmlMethods // sweep.balance studies only
	// Img maps each figure's file name to its src attribute, a data: URI,
	// so the page is one self-contained file: it shows its figures when it
	// travels alone (a CI artifact, an e-mail) and never fetches anything.
	// A whole attribute (HTMLAttr), not a URL: the template copies it as it
	// is instead of scanning a megabyte of base64 twice.
	Img map[string]template.HTMLAttr
	// Sections are the page's sections in order, each with its text and
	// figures (sections.go); the page lists them and their links.
	Sections []htmlSection
}

// htmlMethods is the balancing-methods section.
type htmlMethods struct {
	Term, Task, Side string
	Sentences        []string
	Head             []string
	Rows             [][]string
}

type htmlTerm struct {
	Term, Kind, Fixed string
	Metric            table.MetricChoice
	Balance           []htmlBalance
	Excluded          []string
	PartlyFailed      []string
	Paired            []htmlPaired
	PairedTerm        []htmlPaired
	Grad              table.GradConflict
	GradHead          []string
	GradRows          [][]string
	Training          []string
	Stability         []string // stability.go, power.go
}

type htmlBalance struct {
	Name, Lambda, Task, Term, Note string
}

type htmlPaired struct {
	Lambda, N, Diff, CI, P, PHolm, Effect, Note string
}

type htmlTable struct {
	Header []string
	Rows   []htmlRow
	More   int // rows left out (the page lists at most HTMLMaxRuns runs)
}

// HTMLMaxRuns bounds the runs report.html lists: a page of a million rows
// helps no one, and runs.csv has them all.
const HTMLMaxRuns = 2000

type htmlRow struct {
	Cells    []string
	Diverged bool
}

type htmlCost struct {
	Total string
	Terms [][]string
	Rows  [][]string
	Head  []string
}

// WriteHTML writes dir/report.html: a self-contained page (inline CSS, no
// script, figures linked as files of the same folder) that reads offline.
func WriteHTML(dir string, a *table.Analysis, opts figure.PlotOptions, figs *Figures) error {
	d := pageData(a, opts, figs)
	var err error
	if d.Sections, err = pageLayout(d); err != nil {
		return fmt.Errorf("write %s: %w", table.HTMLFile, err)
	}
	d.Img = map[string]template.HTMLAttr{}
	for _, f := range figs.All() {
		b, err := saferead.ReadFile(filepath.Join(dir, f), 0)
		if err != nil {
			return fmt.Errorf("embed figure in %s: %w", table.HTMLFile, err)
		}
		// The bytes are PNG (checked, not trusted) and base64 has no
		// character that could end the attribute: the URL is safe.
		if !bytes.HasPrefix(b, pngMagic) {
			return fmt.Errorf("embed figure in %s: %s is not a PNG file", table.HTMLFile, f)
		}
		// '+' escaped as the template escapes it in an attribute: the same
		// bytes as when the URL went through the escaper.
		d.Img[f] = template.HTMLAttr(`src="data:image/png;base64,` + strings.ReplaceAll(base64.StdEncoding.EncodeToString(b), "+", "&#43;") + `"`)
	}
	return table.WriteFileAtomic(filepath.Join(dir, table.HTMLFile), func(w io.Writer) error {
		return pageTemplate.Execute(w, d)
	})
}

func pageData(a *table.Analysis, opts figure.PlotOptions, figs *Figures) *htmlData {
	d := &htmlData{Title: opts.Title, Description: opts.Description, Dir: a.Dir, Warnings: a.Warnings, Notes: a.Notes,
		Task: a.Task, Figs: figs, SpecText: a.SpecText}
	if d.Title == "" {
		d.Title = filepath.Base(a.Dir)
	}
	if d.Description == "" && a.Spec != nil {
		d.Description = a.Spec.Description
	}
	d.Reading = Reading(a)
	for i := range a.Terms {
		d.Terms = append(d.Terms, htmlTermOf(a, &a.Terms[i], figs))
	}
	d.Runs = htmlRuns(a, opts)
	if a.Cost != nil {
		d.Cost = htmlCostOf(a, a.Cost)
	}
	d.Files = []string{table.RunsFile, table.SummaryFile, table.BalanceFile, table.PairedFile, table.StabilityFile, table.CurvesFile, table.TimingsFile}
	if a.Cost != nil {
		d.Files = append(d.Files, table.CostFile)
	}
	if a.SpecText != "" {
		d.Files = append(d.Files, layout.SpecFile)
	}
	if m := a.Methods; m != nil {
		d.Methods = htmlMethodsOf(m)
		d.Files = append(d.Files, table.MethodsFile)
		if m.WeightCols != nil {
			d.Files = append(d.Files, table.WeightsFile)
		}
	}
	return d
}

// htmlTermOf is one swept term's section: its balance points, paired
// tests, gradient table and training curves.
func htmlTermOf(a *table.Analysis, ta *table.TermAnalysis, figs *Figures) htmlTerm {
	ht := htmlTerm{Term: ta.Term, Kind: ta.Kind, Fixed: ta.Fixed, Metric: ta.Metric, Excluded: ta.Balance.Excluded, PartlyFailed: ta.Balance.PartlyFailed, Grad: ta.Grad,
		Training: figs.Training[ta.FileName()], Stability: append(ta.StabilityLines(), a.PowerLines(ta)...)}
	if a.Task.Index >= 0 {
		ht.Balance = htmlBalances(a, ta)
	}
	for _, p := range ta.Paired {
		hp := htmlPairedOf(p)
		if p.Metric == a.Task.Name {
			ht.Paired = append(ht.Paired, hp)
		} else {
			ht.PairedTerm = append(ht.PairedTerm, hp)
		}
	}
	if ta.Grad.HasCos {
		ht.GradHead = []string{"λ", "mean cosine [95% CI]", "conflicting steps [95% CI]", "norm ratio [95% CI]"}
	} else {
		ht.GradHead = []string{"λ", "norm ratio, last epoch [95% CI]"}
	}
	for _, gp := range ta.Grad.Points {
		row := []string{table.FormatLambda(gp.Lambda)}
		if ta.Grad.HasCos {
			row = append(row, statCell(gp.Cos), statCell(gp.Conflict))
		}
		ht.GradRows = append(ht.GradRows, append(row, statCell(gp.Ratio)))
	}
	return ht
}

// htmlBalances is the balance-point table of one term: λ, the task
// metric's mean ± SE and the term metric's mean at each point.
func htmlBalances(a *table.Analysis, ta *table.TermAnalysis) []htmlBalance {
	s := a.Summary
	var out []htmlBalance
	for _, bp := range []struct {
		name string
		p    table.BalancePoint
	}{{"λ_best", ta.Balance.Best}, {"λ_1se", ta.Balance.OneSE}, {"knee", ta.Balance.Knee}, {"λ_overshadow", ta.Balance.Overshadow}} {
		hb := htmlBalance{Name: bp.name, Lambda: "—", Note: bp.p.Note}
		if bp.p.Point >= 0 {
			p := s.Points[bp.p.Point]
			st := p.Stats[a.Task.Index]
			hb.Lambda = table.FormatLambda(bp.p.Lambda)
			hb.Task = table.FormatNum(st.Mean)
			if table.IsFinite(st.StdErr()) {
				hb.Task += " ± " + table.FormatNum(st.StdErr()) + " SE"
			}
			hb.Task += fmt.Sprintf(" (n=%d)", st.N)
			if ta.Metric.Index >= 0 {
				hb.Term = table.FormatNum(p.Stats[ta.Metric.Index].Mean)
			}
		}
		out = append(out, hb)
	}
	return out
}

// htmlPairedOf is one paired test's row.
func htmlPairedOf(p table.Paired) htmlPaired {
	hp := htmlPaired{Lambda: table.FormatLambda(p.Lambda), N: fmt.Sprint(p.N), Diff: signed(p.Mean), Effect: p.Effect(), Note: p.Note}
	if table.IsFinite(p.CILow) {
		hp.CI = "[" + signed(p.CILow) + ", " + signed(p.CIHigh) + "]"
	}
	if !math.IsNaN(p.P) {
		hp.P = table.FormatP(p.P)
	}
	if !math.IsNaN(p.PHolm) {
		hp.PHolm = table.FormatP(p.PHolm)
	}
	return hp
}

// htmlRuns is the runs table: run id, repeat, status, λ, the task metric,
// the terms' metrics and the report metrics, reason; at most HTMLMaxRuns
// rows.
func htmlRuns(a *table.Analysis, opts figure.PlotOptions) htmlTable {
	var t htmlTable
	cols := []int{}
	addCol := func(i int) {
		if i >= 0 && !slices.Contains(cols, i) {
			cols = append(cols, i)
		}
	}
	addCol(a.Task.Index)
	for _, ta := range a.Terms {
		addCol(ta.Metric.Index)
	}
	for _, m := range opts.Metrics {
		addCol(slices.Index(a.Summary.Metrics, m))
	}
	t.Header = []string{"run", "repeat", "status"}
	for _, term := range a.Summary.Terms {
		t.Header = append(t.Header, "λ "+term)
	}
	for _, c := range cols {
		t.Header = append(t.Header, a.Summary.Metrics[c])
	}
	t.Header = append(t.Header, "reason")
	a.EachRun(func(r *table.Run) error {
		if len(t.Rows) == HTMLMaxRuns {
			t.More++
			return nil
		}
		row := htmlRow{Cells: []string{r.RunID, fmt.Sprint(r.Repeat), r.Status}, Diverged: r.Status != experiments.StatusOK}
		for _, l := range r.Lambdas {
			row.Cells = append(row.Cells, table.FormatLambda(l))
		}
		for _, c := range cols {
			row.Cells = append(row.Cells, table.FormatNum(r.Metrics[c]))
		}
		row.Cells = append(row.Cells, r.Reason)
		t.Rows = append(t.Rows, row)
		return nil
	})
	return t
}

// htmlCostOf is the cost section: the total, each term's extra time per
// epoch, and each point's times.
func htmlCostOf(a *table.Analysis, c *table.Cost) *htmlCost {
	s := a.Summary
	hc := &htmlCost{Total: fmt.Sprintf("%.1f s of training over %d runs", c.Seconds, a.NRuns)}
	for _, tc := range c.Terms {
		extra := "—"
		if table.IsFinite(tc.Extra) {
			extra = fmt.Sprintf("%+.1f%%", 100*tc.Extra)
		}
		hc.Terms = append(hc.Terms, []string{tc.Term, secs(tc.RefEpoch) + fmt.Sprintf(" (%d runs)", tc.RefN),
			secs(tc.OnEpoch) + fmt.Sprintf(" (%d runs)", tc.OnN), extra, tc.Note})
	}
	for _, t := range s.Terms {
		hc.Head = append(hc.Head, "λ "+t)
	}
	hc.Head = append(hc.Head, "n", "s per run", "s per epoch", "vs all λ = 0")
	for _, cp := range c.Points {
		var row []string
		for _, l := range s.Points[cp.Point].Lambdas {
			row = append(row, table.FormatLambda(l))
		}
		rel := "—"
		if table.IsFinite(cp.Rel) {
			rel = fmt.Sprintf("%+.1f%%", 100*cp.Rel)
		}
		row = append(row, fmt.Sprint(cp.Total.N), secs(cp.Total.Mean), secs(cp.Epoch.Mean), rel)
		hc.Rows = append(hc.Rows, row)
	}
	return hc
}

// htmlMethodsOf is the balancing-methods section.
func htmlMethodsOf(m *table.Methods) *htmlMethods {
	hm := &htmlMethods{Term: m.Term, Task: m.Task.Name, Side: m.Side.Name, Sentences: m.Sentences()}
	hm.Head = []string{"method", "λ_" + m.Term, "n", m.Task.Name + " (95% CI)", m.Side.Name + " (95% CI)", "position", "dominated by", "cost"}
	for _, r := range m.Rows {
		hm.Rows = append(hm.Rows, methodRowCells(r))
	}
	return hm
}

// methodRowCells is one method's row of the balancing-methods table.
func methodRowCells(r table.MethodRow) []string {
	lam := table.FormatLambda(r.Lambda)
	if !table.IsFinite(r.Lambda) {
		lam = "—"
	}
	pos := r.Position
	if r.Method == table.MethodStatic && r.Pareto {
		pos = "Pareto-optimal"
	}
	dom := "—"
	if table.IsFinite(r.DominatedBy) {
		dom = "λ = " + table.FormatLambda(r.DominatedBy) + " (p = " + table.FormatP(r.DomP) + ")"
	}
	cost := "—"
	if table.IsFinite(r.Cost) {
		cost = table.FormatNum(r.Cost) + "×"
	}
	method := r.Method
	if len(r.Axes) > 0 {
		method += " [" + strings.Join(r.Axes, ", ") + "]"
	}
	return []string{method, lam, fmt.Sprint(r.N), statCell(r.Task), statCell(r.Side), pos, dom, cost}
}

func statCell(st table.Stat) string {
	if !table.IsFinite(st.Mean) {
		return "—"
	}
	if table.IsFinite(st.CILow) {
		return table.FormatNum(st.Mean) + " [" + table.FormatNum(st.CILow) + ", " + table.FormatNum(st.CIHigh) + "]"
	}
	return table.FormatNum(st.Mean)
}

func signed(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	s := table.FormatNum(v)
	if v > 0 {
		s = "+" + s
	}
	return s
}

func secs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case v < 1e-3:
		return fmt.Sprintf("%.1f µs", v*1e6)
	case v < 1:
		return fmt.Sprintf("%.2f ms", v*1e3)
	}
	return fmt.Sprintf("%.2f s", v)
}

// selectionSentence says on which split ta's λ was chosen and what the
// test split says there: "chosen on validation: λ_1se = 0.1, test
// accuracy there = 0.84 [0.83, 0.85]", with the optimism of the test
// split when λ was not chosen on it; "" without a test metric.
func selectionSentence(a *table.Analysis, ta *table.TermAnalysis) string {
	if a.Test.Index < 0 {
		return ""
	}
	split, base, _ := strings.Cut(a.Task.Name, ".")
	b := ta.Balance
	var parts []string
	for _, bp := range []struct {
		name string
		p    table.BalancePoint
	}{{"λ_1se", b.OneSE}, {"λ_best", b.Best}} {
		if bp.p.Point < 0 {
			continue
		}
		st := a.Summary.Points[bp.p.Point].Stats[a.Test.Index]
		txt := fmt.Sprintf("%s = %s, test %s there = %s", bp.name, table.FormatLambda(bp.p.Lambda), base, table.FormatNum(st.Mean))
		if table.IsFinite(st.CILow) {
			txt += fmt.Sprintf(" [%s, %s]", table.FormatNum(st.CILow), table.FormatNum(st.CIHigh))
		}
		parts = append(parts, txt)
	}
	if len(parts) == 0 {
		return ""
	}
	where := split
	if split == "cv" {
		where = fmt.Sprintf("cross-validation (%s)", a.Task.Name)
	}
	txt := "Chosen on " + where + ": " + strings.Join(parts, "; ")
	if o := ta.Optimism; table.IsFinite(o.Value) {
		txt += fmt.Sprintf(". Optimism: the best test mean over the grid (%s at λ = %s) minus the test mean at λ_best chosen on %s is %s, what choosing on the test split would have added",
			table.FormatNum(o.BestTest), table.FormatLambda(o.BestLambda), split, table.FormatNum(o.Value))
	}
	return txt + "."
}

// Reading returns a few sentences that read the curves: per swept term,
// the balance points with the task and term metrics there, the paired
// comparison of λ_best and λ_1se with λ = 0, where the gradient ratio
// crosses 1, and the term's cost.
func Reading(a *table.Analysis) []string {
	var out []string
	if a.Task.Index < 0 {
		return nil
	}
	for _, ta := range a.Terms {
		out = append(out, balanceReading(a, &ta)...)
		out = append(out, gradReading(a, &ta)...)
		out = append(out, costReading(a, &ta)...)
	}
	return out
}

// taskMean is the mean of metric mi at grid point pi.
func taskMean(a *table.Analysis, pi, mi int) float64 { return a.Summary.Points[pi].Stats[mi].Mean }

// balanceReading is what one term's balance points say: λ_best, λ_1se,
// the selection, the knee and overshadowing.
func balanceReading(a *table.Analysis, ta *table.TermAnalysis) []string {
	var out []string
	s, task, mean := a.Summary, a.Task.Name, func(pi, mi int) float64 { return taskMean(a, pi, mi) }
	b := ta.Balance
	lam := "λ_" + ta.Term
	tm := ta.Metric
	termAt := func(pi int) string {
		if tm.Index < 0 {
			return ""
		}
		return tm.Name + " " + table.FormatNum(mean(pi, tm.Index))
	}
	if b.Best.Point >= 0 {
		out = append(out, bestSentence(a, ta))
	}
	if b.OneSE.Point >= 0 && b.OneSE.Point != b.Best.Point {
		txt := fmt.Sprintf("%s = %s is the largest λ that keeps %s within 1 SE of the best (%s)", lam, table.FormatLambda(b.OneSE.Lambda), task, table.FormatNum(mean(b.OneSE.Point, a.Task.Index)))
		if tm.Index >= 0 && ta.Ref >= 0 {
			from, to := mean(ta.Ref, tm.Index), mean(b.OneSE.Point, tm.Index)
			verb := "raising"
			if to < from {
				verb = "lowering"
			}
			txt += fmt.Sprintf(" while %s %s to %s (%s at λ = 0)", verb, tm.Name, table.FormatNum(to), table.FormatNum(from))
		}
		out = append(out, txt+".")
	} else if b.OneSE.Note != "" && b.Best.Point >= 0 {
		out = append(out, "1-SE rule for "+lam+": "+b.OneSE.Note+".")
	}
	if txt := selectionSentence(a, ta); txt != "" {
		out = append(out, txt)
	}
	if b.Knee.Point >= 0 {
		out = append(out, fmt.Sprintf("The knee of the trade-off between %s and %s is at %s = %s (%s, %s %s).",
			orNone(tm.Name), task, lam, table.FormatLambda(b.Knee.Lambda), termAt(b.Knee.Point), task, table.FormatNum(mean(b.Knee.Point, a.Task.Index))))
	}
	if b.Overshadow.Point >= 0 && ta.Ref >= 0 {
		r := s.Points[ta.Ref].Stats[a.Task.Index]
		out = append(out, fmt.Sprintf("From %s = %s the term overshadows the task: %s falls to %s, outside the λ = 0 interval [%s, %s].",
			lam, table.FormatLambda(b.Overshadow.Lambda), task, table.FormatNum(mean(b.Overshadow.Point, a.Task.Index)), table.FormatNum(r.CILow), table.FormatNum(r.CIHigh)))
	} else if b.Overshadow.Note != "" {
		out = append(out, "Overshadowing ("+lam+"): "+b.Overshadow.Note+".")
	}
	return out
}

// bestSentence says where the best mean task metric is, against the
// term's λ = 0 runs with the paired difference when there is one.
func bestSentence(a *table.Analysis, ta *table.TermAnalysis) string {
	task, mean, b := a.Task.Name, func(pi, mi int) float64 { return taskMean(a, pi, mi) }, ta.Balance
	txt := fmt.Sprintf("The best mean %s is %s at %s = %s", task, table.FormatNum(mean(b.Best.Point, a.Task.Index)), "λ_"+ta.Term, table.FormatLambda(b.Best.Lambda))
	if ta.Ref >= 0 && ta.Ref != b.Best.Point && table.IsFinite(mean(ta.Ref, a.Task.Index)) {
		txt += fmt.Sprintf(", against %s without the term", table.FormatNum(mean(ta.Ref, a.Task.Index)))
		if p := pairedAt(a, ta, b.Best.Point, task); p != nil && table.IsFinite(p.CILow) {
			txt += fmt.Sprintf(" (paired difference %s, 95%% CI [%s, %s]", signed(p.Mean), signed(p.CILow), signed(p.CIHigh))
			if !math.IsNaN(p.P) {
				txt += ", p = " + table.FormatP(p.P)
			}
			txt += ")"
		}
	}
	if b.Best.Note != "" {
		txt += " — " + b.Best.Note
	}
	return txt + "."
}

// gradReading is what one term's gradient telemetry says: where its
// weighted gradient matches the task's, and the conflict at λ_best.
func gradReading(a *table.Analysis, ta *table.TermAnalysis) []string {
	var out []string
	g, b, lam := ta.Grad, ta.Balance, "λ_"+ta.Term
	switch {
	case g.NoShared:
		out = append(out, "Gradient conflict: "+g.Note+".")
	case table.IsFinite(g.Crossing):
		out = append(out, fmt.Sprintf("The weighted gradient of %s becomes as large as the task's at %s ≈ %s (%s).", ta.Term, lam, table.FormatLambda(g.Crossing), g.CrossNote))
	case g.CrossNote != "":
		out = append(out, "Gradient ratio ("+ta.Term+"): "+g.CrossNote+".")
	}
	if g.HasCos && !g.NoShared && b.Best.Point >= 0 {
		for _, gp := range g.Points {
			if gp.Point == b.Best.Point && table.IsFinite(gp.Cos.Mean) {
				out = append(out, fmt.Sprintf("At λ_best the mean cosine between the task and %s gradients is %s and %s of the measured steps conflict (cosine < 0).",
					ta.Term, table.FormatNum(gp.Cos.Mean), pct(gp.Conflict.Mean)))
			}
		}
	}
	return out
}

// costReading is what the cost table says of one term.
func costReading(a *table.Analysis, ta *table.TermAnalysis) []string {
	if a.Cost == nil {
		return nil
	}
	var out []string
	for _, tc := range a.Cost.Terms {
		if tc.Term == ta.Term && table.IsFinite(tc.Extra) {
			out = append(out, fmt.Sprintf("Cost: an epoch with %s takes %+.1f%% time relative to λ = 0 (%s against %s per epoch; timings are noisy at this scale).",
				ta.Term, 100*tc.Extra, secs(tc.OnEpoch), secs(tc.RefEpoch)))
		}
	}
	return out
}

func pct(v float64) string {
	if !table.IsFinite(v) {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", 100*v)
}

func orNone(s string) string {
	if s == "" {
		return "(no term metric)"
	}
	return s
}

// pairedAt returns the paired comparison of point pi on metric.
func pairedAt(a *table.Analysis, ta *table.TermAnalysis, pi int, metric string) *table.Paired {
	for i := range ta.Paired {
		if ta.Paired[i].Point == pi && ta.Paired[i].Metric == metric {
			return &ta.Paired[i]
		}
	}
	return nil
}

var pageTemplate = template.Must(template.Must(template.New("report").Funcs(template.FuncMap{
	"join": strings.Join,
}).Parse(pageHTML)).Parse(sectionBodies))

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — lossexp report</title>
<style>
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1000px; margin: 0 auto; padding: 1.5em 2em 4em; background: #fff; }
h1 { font-size: 1.7em; margin-bottom: 0.1em; }
h2 { font-size: 1.3em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.08em; margin-top: 1.5em; }
p.desc { color: #555; margin-top: 0; font-size: 1.05em; }
nav { font-size: 0.9em; margin: 1em 0; }
nav a { margin-right: 1em; }
.warn { background: #fff6d5; border-left: 4px solid #e6a700; padding: 0.5em 1em; margin: 0.6em 0; }
.note { background: #eef4fb; border-left: 4px solid #5b8fd1; padding: 0.5em 1em; margin: 0.6em 0; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f1f1f1; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.diverged td { background: #fde4e1; color: #8a1f11; }
.reading li { margin-bottom: 0.35em; }
figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #e3e3e3; }
figcaption { font-size: 0.85em; color: #555; }
pre { background: #f5f5f5; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.better { color: #0a7a43; font-weight: 600; }
.worse { color: #b3261e; font-weight: 600; }
details summary { cursor: pointer; color: #245; }
dl dt { font-weight: 600; }
dl dd { margin: 0 0 0.5em 1.2em; }
.runs { max-height: 40em; overflow-y: auto; display: inline-block; }
</style>
</head>
<body><main>
<h1>{{.Title}}</h1>
{{with .Description}}<p class="desc">{{.}}</p>{{end}}
<nav>{{range .Sections}}<a href="#{{.ID}}">{{.Nav}}</a>{{end}}</nav>
{{range .Warnings}}<div class="warn"><strong>Warning:</strong> {{.}}</div>{{end}}
{{range .Notes}}<div class="note">{{.}}</div>{{end}}
{{range .Sections}}
<h2 id="{{.ID}}">{{.Title}}</h2>
{{.Body}}{{range .Figs}}<figure><img {{index $.Img .}} alt="{{.}}"><figcaption>{{.}}</figcaption></figure>
{{end}}{{end}}
</main></body>
</html>
`

// sectionBodies are the texts of the page's sections (body-<ID>), above
// their figures (report/sections.go).
const sectionBodies = `{{define "body-reading"}}{{if .Reading}}<ul class="reading">{{range .Reading}}<li>{{.}}</li>{{end}}</ul>
{{else}}<p>No term is swept, or no task metric has values: there is nothing to read off curves.</p>{{end}}
{{end}}
{{define "body-balance"}}{{if .Task.Name}}<p>Chosen on <strong>{{.Task.Name}}</strong> ({{.Task.Why}}; {{if .Task.Higher}}higher{{else}}lower{{end}} is better), along each term's slice of the grid. Written to <code>balance.csv</code>.</p>{{end}}
{{range .Terms}}
<h3>{{.Term}}{{if ne .Kind .Term}} ({{.Kind}}){{end}}{{with .Fixed}} — other terms at {{.}}{{end}}</h3>
{{if .Metric.Name}}<p>The term's own metric: <strong>{{.Metric.Name}}</strong> ({{.Metric.Why}}).</p>{{else}}<p>No term metric: {{.Metric.Why}}.</p>{{end}}
{{if .Balance}}<table>
<tr><th>point</th><th>λ</th><th>{{$.Task.Name}}</th><th>{{if .Metric.Name}}{{.Metric.Name}}{{else}}term metric{{end}}</th><th>note</th></tr>
{{range .Balance}}<tr><td>{{.Name}}</td><td class="num">{{.Lambda}}</td><td class="num">{{.Task}}</td><td class="num">{{.Term}}</td><td>{{.Note}}</td></tr>
{{end}}</table>{{end}}
{{range .Excluded}}<div class="note">Left out of the choice: {{.}}.</div>{{end}}
{{range .PartlyFailed}}<div class="note">Some runs failed, the mean is over the others: {{.}}.</div>{{end}}
{{with .Stability}}<p>How sure: the repeats resampled with replacement, paired across λ (<code>stability.csv</code>).</p><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{end}}
<details><summary>How the balance points are defined</summary>
<dl>
<dt>λ_best</dt><dd>the λ with the best mean task metric; ties go to the larger λ (glmnet's lambda.min).</dd>
<dt>λ_1se</dt><dd>the largest λ whose mean task metric is within one standard error (std/√n at λ_best) of the best: the one-standard-error rule (glmnet's lambda.1se). Undefined with a single repeat.</dd>
<dt>knee</dt><dd>Kneedle (Satopää et al., 2011): both metrics oriented so larger is better and min–max normalised over the slice; the knee is the point furthest above the chord of a pure trade-off, the maximum of x̂ + ŷ − 1. None when no point is above the chord or a metric is flat.</dd>
<dt>λ_overshadow</dt><dd>the smallest λ &gt; 0 whose mean task metric is worse than at λ = 0 beyond the 95% CI of the λ = 0 runs: where the term starts to overshadow the task.</dd>
<dt>paired tests</dt><dd>runs with the same repeat index share data split, initialisation and batch order at every λ, so each λ is compared with λ = 0 repeat by repeat: mean paired difference, its 95% Student-t CI and a two-sided paired t-test. The p-values of one term and metric are adjusted for multiple comparisons by Holm's method; "better" and "worse" mean the adjusted p is below 0.05.</dd>
<dt>stability</dt><dd>each resample draws the study's n repeats with replacement (the same drawn repeats at every λ, so runs stay paired; under cross-validation a repeat with all its folds) and recomputes λ_best, λ_1se and the knee by the rules above; the share of a λ is the fraction of resamples that chose it, and "90% within a–b" is the shortest run of grid λ holding at least 90% of the resamples where the point is defined (report.resamples, seeded by the spec's seed).</dd>
</dl>
Grid points with a diverged run are left out of every choice.</details>
{{end}}
{{define "body-plots"}}<p>Mean ± 95% CI over the repeats; dashed horizontal line: λ = 0. Vertical lines: the balance points.</p>
{{if not .Figs.Metrics}}<p>No metric plot (no swept term).</p>
{{end}}{{end}}
{{define "body-tradeoff"}}<p>Each point is a grid point, labelled with its λ. Pareto-optimal points (no other point is at least as good on both axes) are joined; dominated points are grey. Rings mark the balance points.</p>
{{if not (index .Figs.Sections "tradeoff")}}<p>No trade-off plot: no swept term has a metric of its own with values.</p>
{{end}}{{end}}
{{define "body-methods"}}{{with .Methods}}<p>Each adaptive method trained one run per repeat, paired with the static runs of λ_{{.Term}} (same data, initialization and batch order). A static λ dominates a method when it is at least as good on average on {{.Task}} and {{.Side}} and better on one of them by a paired t-test (the smaller p of the two axes doubled, Holm-adjusted over the static λ compared, below 0.05); a method lies <strong>behind</strong> the front when some static λ dominates it, <strong>beyond</strong> it when it dominates, by the same test, a Pareto-optimal static λ, and <strong>on</strong> it otherwise. Written to <code>methods.csv</code>; effective weights per epoch in <code>weights.csv</code>.</p>
<ul class="reading">{{range .Sentences}}<li>{{.}}</li>{{end}}</ul>
<table><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
{{end}}{{end}}
{{define "body-paired"}}{{range .Terms}}<h3>{{.Term}}: {{$.Task.Name}}, value at λ − value at λ = 0</h3>
{{if .Paired}}<table>
<tr><th>λ</th><th>pairs</th><th>mean difference</th><th>95% CI</th><th>p (paired t)</th><th>p, Holm-adjusted</th><th>effect</th><th>note</th></tr>
{{range .Paired}}<tr><td class="num">{{.Lambda}}</td><td class="num">{{.N}}</td><td class="num">{{.Diff}}</td><td class="num">{{.CI}}</td><td class="num">{{.P}}</td><td class="num">{{.PHolm}}</td><td class="{{.Effect}}">{{.Effect}}</td><td>{{.Note}}</td></tr>
{{end}}</table>
{{if .PairedTerm}}<details><summary>Same for {{.Metric.Name}}</summary><table>
<tr><th>λ</th><th>pairs</th><th>mean difference</th><th>95% CI</th><th>p (paired t)</th><th>p, Holm-adjusted</th><th>effect</th><th>note</th></tr>
{{range .PairedTerm}}<tr><td class="num">{{.Lambda}}</td><td class="num">{{.N}}</td><td class="num">{{.Diff}}</td><td class="num">{{.CI}}</td><td class="num">{{.P}}</td><td class="num">{{.PHolm}}</td><td class="{{.Effect}}">{{.Effect}}</td><td>{{.Note}}</td></tr>
{{end}}</table></details>{{end}}
{{else}}<p>No λ = 0 run on this term's slice: nothing to pair with.</p>{{end}}
{{end}}
{{end}}
{{define "body-grad"}}<p>Per term: the ratio ‖λ∇L_term‖/‖∇L_task‖ (above 1, the term's gradient dominates the step), the cosine between the two gradients over the parameters they share and the fraction of measured steps where it is negative (the term pulls against the task).</p>
{{range .Terms}}<h3>{{.Term}}</h3>
{{with .Grad.Note}}<div class="note">{{.}}</div>{{end}}
{{with .Grad.CrossNote}}<p>Ratio = 1: {{.}}.</p>{{end}}
{{if .GradRows}}<table>
<tr>{{range .GradHead}}<th>{{.}}</th>{{end}}</tr>
{{range .GradRows}}<tr>{{range .}}<td class="num">{{.}}</td>{{end}}</tr>
{{end}}</table>{{end}}
{{end}}
{{end}}
{{define "body-cost"}}{{with .Cost}}<p>{{.Total}}. Wall time from <code>timings.csv</code> (ok runs only); timings vary between identical sweeps.</p>
{{if .Terms}}<table><tr><th>term</th><th>s/epoch at λ = 0</th><th>s/epoch at λ &gt; 0</th><th>extra time</th><th>note</th></tr>
{{range .Terms}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>{{end}}
<details><summary>Per grid point (also in cost.csv)</summary><table>
<tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td class="num">{{.}}</td>{{end}}</tr>
{{end}}</table></details>
{{else}}<p>No timings.csv in the folder.</p>{{end}}
{{end}}
{{define "body-training"}}<p>Loss components per epoch (mean over the ok runs) for a few λ: λ = 0, the balance points and the largest λ.</p>
{{end}}
{{define "body-runs"}}<p>Diverged runs are marked in red, with their reason; they take no part in the statistics.</p>
<div class="runs"><table>
<tr>{{range .Runs.Header}}<th>{{.}}</th>{{end}}</tr>
{{range .Runs.Rows}}<tr{{if .Diverged}} class="diverged"{{end}}>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>
{{if .Runs.More}}<p>… and {{.Runs.More}} more runs: see runs.csv.</p>{{end}}
{{end}}
{{define "body-spec"}}{{if .SpecText}}<pre>{{.SpecText}}</pre>{{else}}<p>No spec.yaml in the folder.</p>{{end}}
<p>Files: {{range .Files}}<a href="{{.}}">{{.}}</a> {{end}}</p>
{{end}}
`
