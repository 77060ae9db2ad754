package compare

import (
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/internal/layout"
	"github.com/lossexp/lossexp/report/table"
	"math"
	"slices"
	"strings"
)

// Study is one side of a comparison, as the caller read it.
type Study struct {
	Label    string         // "A" or "B"
	Name     string         // the folder's base name
	Spec     string         // the spec's name (spec.yaml's name:), "" when unknown
	Dir      string         // the folder
	Runs     *table.Runs    // runs.csv, folds pooled (table.PoolFolds)
	Summary  *table.Summary // table.Summarize(Runs): what summary.csv holds
	Analysis *table.Analysis
	// Stored and Planned are the runs the folder holds and the runs its
	// sweep plans (manifest.json); Planned 0 when unknown.
	Stored, Planned int
}

// title is the study's name in figures and notes: Title with no '.',
// which separates a figure's study from its metric.
func (s *Study) title() string {
	return strings.ReplaceAll(heading(s.Spec, s.Label, s.Name), ".", "_")
}

// heading names a study by its spec's name and its folder,
// "quickstart (a)"; by its label when the spec's name is unknown, "A (a)".
func heading(spec, label, folder string) string {
	if spec == "" {
		spec = label
	}
	return spec + " (" + folder + ")"
}

// Comparison is what Compare found.
type Comparison struct {
	A, B    Side     `json:"-"`
	Terms   []string // the λ columns: every term of A, then B's others
	Axes    []string // the axes of A, then B's others
	Metrics []string // the metrics compared, in A's order
	Rows    []Row    // per metric, per common point (A's order)
	Balance []BalanceRow
	LeftOut LeftOut
	Notes   []string
	Task    string // the task metric both choose balance points on ("" when they differ or have none)

	a, b   *Study
	common [][2]int // common points: index in A's and in B's Summary.Points
}

// Side names a study of the comparison.
type Side struct {
	Label   string `json:"label"`
	Name    string `json:"name"`
	Spec    string `json:"spec,omitempty"`
	Dir     string `json:"dir"`
	Stored  int    `json:"runs"`
	Planned int    `json:"runs_planned,omitempty"`
}

// Title is the study's heading: "quickstart (a)" (its spec's name and its
// folder's), "A (a)" when the spec's name is unknown.
func (s Side) Title() string { return heading(s.Spec, s.Label, s.Name) }

// LeftOut is what one study has and the other has not: grid points
// (labelled by their λ tuple) and metrics.
type LeftOut struct {
	PointsA  []string `json:"points_only_in_a,omitempty"`
	PointsB  []string `json:"points_only_in_b,omitempty"`
	MetricsA []string `json:"metrics_only_in_a,omitempty"`
	MetricsB []string `json:"metrics_only_in_b,omitempty"`
	NoValues []string `json:"metrics_without_values,omitempty"` // in both, but without a value at a common point in one
}

// ErrIncomparable wraps the reasons two studies cannot be compared.
var ErrIncomparable = errors.New("compare: the studies cannot be compared")

// keyer builds the matching key of a study's points and runs: the λ of
// every term of the comparison (0 for a term the study does not sweep)
// and the axis values ("" for an axis it does not have).
type keyer struct{ terms, axes []int } // index in the study's, -1 when absent

func newKeyer(s *table.Summary, terms, axes []string) keyer {
	var k keyer
	for _, t := range terms {
		k.terms = append(k.terms, slices.Index(s.Terms, t))
	}
	for _, a := range axes {
		k.axes = append(k.axes, slices.Index(s.Axes, a))
	}
	return k
}

func (k keyer) key(lams []float64, axes []string) string {
	b := make([]byte, 0, 8*len(k.terms))
	for _, j := range k.terms {
		v := 0.0
		if j >= 0 {
			v = lams[j]
		}
		if v == 0 {
			v = 0 // -0 is 0
		}
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	for _, j := range k.axes {
		b = append(b, 0)
		if j >= 0 {
			b = append(b, axes[j]...)
		}
	}
	return string(b)
}

// lambdas returns the point's λ of the comparison's terms.
func (k keyer) lambdas(lams []float64) []float64 { return pick(k.terms, lams) }

// axisValues returns the point's values of the comparison's axes.
func (k keyer) axisValues(axes []string) []string { return pick(k.axes, axes) }

// pick returns src at the indices idx, the zero value at -1.
func pick[T any](idx []int, src []T) []T {
	out := make([]T, len(idx))
	for i, j := range idx {
		if j >= 0 {
			out[i] = src[j]
		}
	}
	return out
}

// union is a's names, then those of b that a lacks.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, n := range b {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Compare compares study b with study a. It is an error wrapping
// ErrIncomparable when no point but the all-zero one, or no metric, is
// common to both.
func Compare(a, b *Study) (*Comparison, error) {
	c := &Comparison{a: a, b: b,
		A:     Side{Label: a.Label, Name: a.Name, Spec: a.Spec, Dir: a.Dir, Stored: a.Stored, Planned: a.Planned},
		B:     Side{Label: b.Label, Name: b.Name, Spec: b.Spec, Dir: b.Dir, Stored: b.Stored, Planned: b.Planned},
		Terms: union(a.Summary.Terms, b.Summary.Terms),
		Axes:  union(a.Summary.Axes, b.Summary.Axes),
	}
	if err := c.matchPoints(); err != nil {
		return nil, err
	}
	if err := c.matchMetrics(); err != nil {
		return nil, err
	}
	for _, m := range c.Metrics {
		c.Rows = append(c.Rows, c.metricRows(m)...)
	}
	c.balance()
	for _, s := range []*Study{a, b} {
		if s.Planned > 0 && s.Stored < s.Planned {
			c.Notes = append(c.Notes, fmt.Sprintf("%s holds %d of %d runs: compared as stored", s.title(), s.Stored, s.Planned))
		}
		c.Notes = append(c.Notes, specWarnings(s)...)
	}
	return c, nil
}

// matchPoints finds the common grid points; at least one must have a
// λ ≠ 0.
func (c *Comparison) matchPoints() error {
	ka, kb := newKeyer(c.a.Summary, c.Terms, c.Axes), newKeyer(c.b.Summary, c.Terms, c.Axes)
	inB := map[string]int{}
	for i, p := range c.b.Summary.Points {
		inB[kb.key(p.Lambdas, p.Axes)] = i
	}
	seen := map[string]bool{}
	nonzero := false
	for i, p := range c.a.Summary.Points {
		k := ka.key(p.Lambdas, p.Axes)
		j, ok := inB[k]
		if !ok {
			c.LeftOut.PointsA = append(c.LeftOut.PointsA, c.label(ka.lambdas(p.Lambdas), ka.axisValues(p.Axes)))
			continue
		}
		seen[k] = true
		c.common = append(c.common, [2]int{i, j})
		if slices.ContainsFunc(ka.lambdas(p.Lambdas), func(v float64) bool { return v != 0 }) {
			nonzero = true
		}
	}
	for _, p := range c.b.Summary.Points {
		if !seen[kb.key(p.Lambdas, p.Axes)] {
			c.LeftOut.PointsB = append(c.LeftOut.PointsB, c.label(kb.lambdas(p.Lambdas), kb.axisValues(p.Axes)))
		}
	}
	if !nonzero {
		return fmt.Errorf("%w: no λ besides λ = 0 is common to both (%s has %s; %s has %s)", ErrIncomparable,
			c.a.title(), c.pointList(c.a), c.b.title(), c.pointList(c.b))
	}
	return nil
}

// pointList lists a study's grid points for a message, the first few.
func (c *Comparison) pointList(s *Study) string {
	k := newKeyer(s.Summary, c.Terms, c.Axes)
	var l []string
	for _, p := range s.Summary.Points {
		l = append(l, c.label(k.lambdas(p.Lambdas), k.axisValues(p.Axes)))
	}
	return firstN(l, 6)
}

// label labels a point of the comparison as the report does
// (table.PointLabel), its axis values after it: "l2=0.1, l1=0
// (samples=200)".
func (c *Comparison) label(lams []float64, axes []string) string {
	s := table.PointLabel(c.Terms, lams)
	var ax []string
	for i, a := range c.Axes {
		ax = append(ax, table.AxisLabel(a)+"="+axes[i])
	}
	if len(ax) > 0 {
		s += " (" + strings.Join(ax, ", ") + ")"
	}
	return s
}

func firstN(l []string, n int) string {
	if len(l) == 0 {
		return "none"
	}
	if len(l) > n {
		return strings.Join(l[:n], "; ") + fmt.Sprintf("; … (%d in all)", len(l))
	}
	return strings.Join(l, "; ")
}

// matchMetrics finds the metrics both studies have, with a value at a
// common point in each.
func (c *Comparison) matchMetrics() error {
	sa, sb := c.a.Summary, c.b.Summary
	for _, m := range sa.Metrics {
		if !slices.Contains(sb.Metrics, m) {
			c.LeftOut.MetricsA = append(c.LeftOut.MetricsA, m)
			continue
		}
		ia, ib := slices.Index(sa.Metrics, m), slices.Index(sb.Metrics, m)
		hasA, hasB := false, false
		for _, pp := range c.common {
			hasA = hasA || isFinite(sa.Points[pp[0]].Stats[ia].Mean)
			hasB = hasB || isFinite(sb.Points[pp[1]].Stats[ib].Mean)
		}
		if hasA && hasB {
			c.Metrics = append(c.Metrics, m)
		} else {
			c.LeftOut.NoValues = append(c.LeftOut.NoValues, m)
		}
	}
	for _, m := range sb.Metrics {
		if !slices.Contains(sa.Metrics, m) {
			c.LeftOut.MetricsB = append(c.LeftOut.MetricsB, m)
		}
	}
	if len(c.Metrics) == 0 {
		return fmt.Errorf("%w: no metric is common to both with values (%s has %s; %s has %s)", ErrIncomparable,
			c.a.title(), firstN(sa.Metrics, 8), c.b.title(), firstN(sb.Metrics, 8))
	}
	return nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// BalanceRow sets one balance point of one term side by side; A and B
// are NaN where the point is undefined (the note says why) or the study
// does not sweep the term.
type BalanceRow struct {
	Term, Fixed, Tag string
	Point            string // table.BalanceBest, Balance1SE, BalanceKnee
	A, B             float64
	NoteA, NoteB     string
}

// balance sets the balance points (λ_best, λ_1se, knee) of every term
// either study analysed side by side.
func (c *Comparison) balance() {
	var ta, tb []table.TermAnalysis
	taskA, taskB := "", ""
	if c.a.Analysis != nil {
		ta, taskA = c.a.Analysis.Terms, c.a.Analysis.Task.Name
	}
	if c.b.Analysis != nil {
		tb, taskB = c.b.Analysis.Terms, c.b.Analysis.Task.Name
	}
	switch {
	case taskA == taskB && (taskA == "" || c.a.Analysis.Task.Higher == c.b.Analysis.Task.Higher):
		c.Task = taskA
	case taskA == taskB: // one spec's trainer.metrics says higher, the other's lower
		c.Notes = append(c.Notes, fmt.Sprintf("the studies choose their balance points on %s in opposite directions (%s: %s is better, %s: %s is better): they are set side by side, not compared", taskA, c.a.title(), better(c.a.Analysis.Task.Higher), c.b.title(), better(c.b.Analysis.Task.Higher)))
	default:
		c.Notes = append(c.Notes, fmt.Sprintf("the studies choose their balance points on different task metrics (%s: %s, %s: %s): they are set side by side, not compared", c.a.title(), orNone(taskA), c.b.title(), orNone(taskB)))
	}
	same := func(x, y table.TermAnalysis) bool {
		return x.Term == y.Term && fixedKey(x.Fixed) == fixedKey(y.Fixed) && x.Tag() == y.Tag()
	}
	add := func(x, y *table.TermAnalysis) {
		t := x
		if t == nil {
			t = y
		}
		pick := []func(*table.TermAnalysis) table.BalancePoint{
			func(t *table.TermAnalysis) table.BalancePoint { return t.Balance.Best },
			func(t *table.TermAnalysis) table.BalancePoint { return t.Balance.OneSE },
			func(t *table.TermAnalysis) table.BalancePoint { return t.Balance.Knee },
		}
		for k, name := range []string{table.BalanceBest, table.Balance1SE, table.BalanceKnee} {
			r := BalanceRow{Term: t.Term, Fixed: t.Fixed, Tag: t.Tag(), Point: name, A: math.NaN(), B: math.NaN()}
			r.A, r.NoteA = pointOf(x, pick[k])
			r.B, r.NoteB = pointOf(y, pick[k])
			c.Balance = append(c.Balance, r)
		}
	}
	for i := range ta {
		j := slices.IndexFunc(tb, func(y table.TermAnalysis) bool { return same(ta[i], y) })
		if j < 0 {
			add(&ta[i], nil)
		} else {
			add(&ta[i], &tb[j])
		}
	}
	for j := range tb {
		if !slices.ContainsFunc(ta, func(x table.TermAnalysis) bool { return same(x, tb[j]) }) {
			add(nil, &tb[j])
		}
	}
}

// fixedKey is a term slice's fixed λ without the terms held at λ = 0: a
// term at 0 is the same slice as a study that does not sweep it (A sweeps
// l2; B sweeps l2 and l1: B's l2 slice at l1=0 is A's l2 curve).
func fixedKey(fixed string) string {
	var keep []string
	for p := range strings.SplitSeq(fixed, ";") {
		if p != "" && !strings.HasSuffix(p, "=0") {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, ";")
}

// pointOf is a term's balance point: its λ, or NaN and why not.
func pointOf(t *table.TermAnalysis, pick func(*table.TermAnalysis) table.BalancePoint) (float64, string) {
	if t == nil {
		return math.NaN(), "term not swept"
	}
	bp := pick(t)
	if bp.Point < 0 {
		return math.NaN(), orNone(bp.Note)
	}
	return bp.Lambda, bp.Note
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// specWarnings are s's analysis warnings about a spec.yaml edited so
// that it no longer reads: its balance points and metric directions are
// then guessed, which the comparison must say (a folder without one is
// named by its label, see Side).
func specWarnings(s *Study) []string {
	var ws []string
	if s.Analysis != nil {
		for _, w := range s.Analysis.Warnings {
			if strings.HasPrefix(w, layout.SpecFile+" could not be read") {
				ws = append(ws, s.title()+": "+w)
			}
		}
	}
	return ws
}
