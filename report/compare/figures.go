package compare

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
	"io"
	"slices"
	"strings"
)

// Figure is a drawn figure: its file name and its PNG bytes.
type Figure struct {
	Name    string // compare_<metric>.png, compare_tradeoff.png (file-safe)
	Caption string
	PNG     []byte
}

// merged is the summary of metric m at the common points with two
// metrics, A's and B's ("A (name).m", "B (name).m"): figure.MetricFigure
// then draws both curves with their bands on one figure.
func (c *Comparison) merged(m string) *table.Summary {
	sa, sb := c.a.Summary, c.b.Summary
	ia, ib := slices.Index(sa.Metrics, m), slices.Index(sb.Metrics, m)
	ka := newKeyer(sa, c.Terms, c.Axes)
	s := &table.Summary{Terms: c.Terms, Axes: c.Axes, Metrics: []string{c.a.title() + "." + m, c.b.title() + "." + m}}
	for _, pp := range c.common {
		pa, pb := sa.Points[pp[0]], sb.Points[pp[1]]
		s.Points = append(s.Points, table.Point{
			Lambdas: ka.lambdas(pa.Lambdas), Axes: ka.axisValues(pa.Axes),
			N: pa.N + pb.N, Diverged: pa.Diverged + pb.Diverged, Failed: pa.Failed + pb.Failed,
			Stats: []table.Stat{pa.Stats[ia], pb.Stats[ib]},
		})
	}
	return s
}

// Figures draws the trade-off figures and compare_<metric>.png for every
// compared metric (both studies' means and bands against the λ of the
// first term swept at the common points); figures skipped for want of
// points are named in Notes.
func (c *Comparison) Figures(ctx context.Context) ([]Figure, error) {
	figs, err := c.tradeoffFigures() // first: the page opens with the fronts
	if err != nil {
		return nil, err
	}
	for _, m := range c.Metrics {
		if err := ctx.Err(); err != nil { // Ctrl-C: a figure a metric, each takes a while
			return nil, err
		}
		s := c.merged(m)
		x := figure.DefaultX(s)
		if x == "" {
			c.Notes = append(c.Notes, fmt.Sprintf("no figure of %s: the common points take a single λ", m))
			continue
		}
		wt, err := figure.MetricFigure(s, slices.Index(s.Terms, x), []int{0, 1}, figure.PlotOptions{Title: "compare"})
		if err != nil {
			c.Notes = append(c.Notes, fmt.Sprintf("no figure of %s: %v", m, err))
			continue
		}
		f, err := draw(figure.FigureFileName("compare_"+m+".png"), m+" against λ of "+x+", both studies", wt)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	return figs, nil
}

// tradeoffFigures draws, for every term both studies analysed on the
// same task and term metrics, both fronts on one figure:
// compare_tradeoff.png (compare_tradeoff_<term>.png when several).
func (c *Comparison) tradeoffFigures() ([]Figure, error) {
	if c.a.Analysis == nil || c.b.Analysis == nil || c.Task == "" {
		return nil, nil
	}
	type pair struct{ a, b *table.TermAnalysis }
	var pairs []pair
	for i := range c.a.Analysis.Terms {
		ta := &c.a.Analysis.Terms[i]
		for j := range c.b.Analysis.Terms {
			tb := &c.b.Analysis.Terms[j]
			if ta.Term == tb.Term && ta.Fixed == tb.Fixed && ta.Tag() == tb.Tag() && ta.Metric.Index >= 0 && ta.Metric.Name == tb.Metric.Name && tb.Metric.Index >= 0 {
				if ta.Metric.Higher != tb.Metric.Higher {
					c.Notes = append(c.Notes, fmt.Sprintf("no trade-off figure of %s: %s is better %s in %s, %s in %s", ta.Term, ta.Metric.Name, better(ta.Metric.Higher), c.a.title(), better(tb.Metric.Higher), c.b.title()))
					continue
				}
				pairs = append(pairs, pair{ta, tb})
			}
		}
	}
	var figs []Figure
	for _, p := range pairs {
		name := "compare_tradeoff.png"
		if len(pairs) > 1 {
			name = figure.FigureFileName(fmt.Sprintf("compare_tradeoff_%s%s.png", p.a.Term, suffix(p.a)))
		}
		wt := newFrontsFig(c.a.title()+" vs "+c.b.title()+": trade-off as λ_"+p.a.Term+" grows", fixedOf(p.a),
			c.Task, c.a.Analysis.Task.Higher, p.a, []studyFront{front(c.a, p.a, c.Task), front(c.b, p.b, c.Task)})
		if wt == nil {
			c.Notes = append(c.Notes, fmt.Sprintf("no trade-off figure of %s: fewer than two points with both metrics", p.a.Term))
			continue
		}
		f, err := draw(name, "trade-off of "+p.a.Term+": "+p.a.Metric.Name+" (y) against "+c.Task+" (x), means with 95% CIs, labels λ", wt)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	return figs, nil
}

func better(higher bool) string {
	if higher {
		return "higher"
	}
	return "lower"
}

func suffix(t *table.TermAnalysis) string {
	s := ""
	if t.Fixed != "" {
		s += "_" + t.Fixed
	}
	if t.Tag() != "" && !strings.Contains(t.Fixed, t.Tag()) {
		s += "_" + t.Tag()
	}
	return s
}

func fixedOf(t *table.TermAnalysis) string {
	if t.Fixed == "" {
		return ""
	}
	return "on the slice " + t.Fixed
}

// front is a study's trade-off points along term t: the task metric and
// the term's metric at its slice's points without a diverged run and with
// both means.
func front(s *Study, t *table.TermAnalysis, task string) studyFront {
	fr := studyFront{name: s.title()}
	ti := slices.Index(s.Summary.Metrics, task)
	for _, pi := range t.Points {
		p := s.Summary.Points[pi]
		if p.Diverged > 0 || ti < 0 || !isFinite(p.Stats[ti].Mean) || !isFinite(p.Stats[t.Metric.Index].Mean) {
			continue
		}
		fr.lambda = append(fr.lambda, p.Lambdas[t.Index])
		fr.x = append(fr.x, p.Stats[ti])
		fr.y = append(fr.y, p.Stats[t.Metric.Index])
	}
	return fr
}

// draw renders wt to PNG bytes. A panic while drawing (gonum/plot panics
// on ranges it cannot tick) is a bug, returned as an error.
func draw(name, caption string, wt io.WriterTo) (f Figure, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("draw %s: internal error (a bug in lossexp; please report it): %v", name, r)
		}
	}()
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return f, fmt.Errorf("draw %s: %w", name, err)
	}
	if buf.Len() == 0 {
		return f, errors.New("draw " + name + ": empty figure")
	}
	return Figure{Name: name, Caption: caption, PNG: buf.Bytes()}, nil
}
