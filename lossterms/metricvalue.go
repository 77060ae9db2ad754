package lossterms

import (
	"slices"
	"strings"
)

// MetricEval is a run at the end of training as the rows of the metric
// table compute their values from it (MetricDef.Value, MetricValues).
type MetricEval struct {
	// Splits holds the run's non-empty splits by name (train, validation,
	// test); a split metric of a split not here has no value.
	Splits map[string]*SplitView
	// Test says the data has a test split, possibly empty: the gap
	// metrics are reported (an empty test split counts as 0).
	Test bool
	// Groups is the number of groups of dataset.group (0: none).
	Groups int
	// Loss is the task loss (without the terms) of outputs on targets.
	Loss func(out, y []float64, n, k int) float64
	// Weights are the model's weight matrices, biases excluded.
	Weights []float64
	// Grad is the trainer's gradient telemetry, by term name.
	Grad map[string]GradStats
	// Terms are the spec's batch terms in spec order, with their own
	// parameters: a term's metric is computed by the first term of its
	// type.
	Terms []EvalTerm
	// Epochs is the epochs (or L-BFGS iterations) the run ran.
	Epochs int
	// Diverged: only the rows marked EveryRun have a value.
	Diverged bool
}

// GradStats is the gradient telemetry of one term over a run's sampled
// steps.
type GradStats struct {
	Steps    int     // sampled steps
	Negative int     // of them, steps whose cosine was negative
	CosSum   float64 // Σ cosine(∇task, ∇term)
	RatioSum float64 // Σ ‖λ·∇term‖ / ‖∇task‖
}

// EvalTerm is one batch term of a run and its own parameters at their
// final values.
type EvalTerm struct {
	Term any
	Own  []float64
}

// MetricColumn is one column of a sweep's metrics: a row of the table
// expanded to one split, group or term.
type MetricColumn struct {
	Name  string
	Def   *MetricDef
	Split string // the split of a "<split>." row
	Group int    // the group index of a "<group>" row
	Term  string // the term name of a "<term>" row
}

// MetricValues fills dst (aligned with cols, ExpandMetrics of the
// sweep) with the value of each column, computed by the column's own row;
// a column whose row has no value for the run (an empty split, a
// diverged run) is left as it is.
func MetricValues(cols []MetricColumn, e *MetricEval, dst []float64) {
	for i := range cols {
		col := &cols[i]
		if e.Diverged && !col.Def.EveryRun {
			continue
		}
		var v *SplitView
		if col.Split != "" {
			if v = e.Splits[col.Split]; v == nil {
				continue
			}
		}
		if x, ok := col.Def.Value(e, v, col); ok {
			dst[i] = x
		}
	}
}

// MetricColumns returns the metric columns of a sweep of data and terms c,
// in the table's order: the split metrics split by split, then the others;
// "<group>" expands to each group (made safe for a column name), and the
// "<term>" metrics to each term in spec order, term by term.
func MetricColumns(c *MetricContext) []string {
	cols := ExpandMetrics(c)
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.Name
	}
	return names
}

// ExpandMetrics returns the metric columns of a sweep of data and terms
// c, each with its row (MetricColumns are their names).
func ExpandMetrics(c *MetricContext) []MetricColumn {
	split, other := activeRows(c)
	var cols []MetricColumn
	for _, sp := range c.Splits {
		for _, m := range split {
			name := sp + strings.TrimPrefix(m.Pattern, "<split>")
			if strings.Contains(name, "<group>") {
				for g, group := range c.Groups {
					cols = append(cols, MetricColumn{Name: strings.ReplaceAll(name, "<group>", GroupColumnName(group)), Def: m, Split: sp, Group: g})
				}
				continue
			}
			cols = append(cols, MetricColumn{Name: name, Def: m, Split: sp})
		}
	}
	for i := 0; i < len(other); i++ {
		if !strings.Contains(other[i].Pattern, "<term>") {
			cols = append(cols, MetricColumn{Name: other[i].Pattern, Def: other[i]})
			continue
		}
		j := i
		for j < len(other) && strings.Contains(other[j].Pattern, "<term>") {
			j++
		}
		for _, t := range c.Terms {
			for _, m := range other[i:j] {
				cols = append(cols, MetricColumn{Name: strings.ReplaceAll(m.Pattern, "<term>", t), Def: m, Term: t})
			}
		}
		i = j - 1
	}
	return cols
}

// activeRows returns the table's rows a sweep of c reports: the split
// metrics and the others.
func activeRows(c *MetricContext) (split, other []*MetricDef) {
	table := MetricTable()
	for i := range table {
		m := &table[i]
		if m.When != nil && !m.When(c) {
			continue
		}
		if m.Term != "" && !slices.Contains(c.Kinds, m.Term) {
			continue
		}
		if strings.HasPrefix(m.Pattern, "<split>.") {
			split = append(split, m)
		} else {
			other = append(other, m)
		}
	}
	return split, other
}

// evalTerm returns the run's first batch term of type T and its own
// parameters.
func evalTerm[T any](e *MetricEval) (T, []float64, bool) {
	for _, t := range e.Terms {
		if x, ok := t.Term.(T); ok {
			return x, t.Own, true
		}
	}
	var zero T
	return zero, nil, false
}

// splitAccuracyOf is <split>.accuracy: per position for segmentation.
func splitAccuracyOf(v *SplitView) (float64, bool) {
	switch v.Task {
	case "regression":
		return 0, false
	case "segmentation":
		return PositionAccuracy(v.Out, v.Y, v.N, v.K), true
	}
	return Accuracy(v.Out, v.Y, v.N, v.K), true
}

// splitMSEOf is <split>.mse, over every value (per pixel for an image).
func splitMSEOf(v *SplitView) (float64, bool) {
	return MSEMetric(v.Out, v.Y, v.N*v.K), v.Task == "regression"
}

// gapOf is a gap metric: of on the train split minus on the test split
// (testMinusTrain reverses it); a split without rows counts as 0, and
// there is no gap without a test split.
func gapOf(e *MetricEval, of func(*SplitView) (float64, bool), testMinusTrain bool) (float64, bool) {
	if !e.Test {
		return 0, false
	}
	at := func(split string) float64 {
		if v := e.Splits[split]; v != nil {
			x, _ := of(v)
			return x
		}
		return 0
	}
	if testMinusTrain {
		return at("test") - at("train"), true
	}
	return at("train") - at("test"), true
}

// groupAccuracies is the accuracy of each group of dataset.group on v.
func groupAccuracies(e *MetricEval, v *SplitView) []float64 {
	acc := make([]float64, e.Groups)
	GroupAccuracy(acc, v.Out, v.Y, v.Group, v.N, v.K)
	return acc
}

// frameLabels returns the predicted and the true label of each frame of
// a classification split of sequences.
func frameLabels(v *SplitView) (pred, truth []int, ok bool) {
	if v.Seq == nil || v.Task != "classification" {
		return nil, nil, false
	}
	pred, truth = make([]int, v.N), make([]int, v.N)
	PredictedLabels(pred, v.Out, v.N, v.K)
	for i, y := range v.Y {
		truth[i] = int(y)
	}
	return pred, truth, true
}

// gradValue is a grad.<term> metric: sum(telemetry) over the sampled
// steps of the column's term (none when no step was sampled).
func gradValue(sum func(GradStats) float64) func(*MetricEval, *SplitView, *MetricColumn) (float64, bool) {
	return func(e *MetricEval, _ *SplitView, c *MetricColumn) (float64, bool) {
		g, ok := e.Grad[c.Term]
		if !ok || g.Steps == 0 {
			return 0, false
		}
		return sum(g) / float64(g.Steps), true
	}
}

// weightValue is a metric of the model's weight matrices.
func weightValue(f func(w []float64) float64) func(*MetricEval, *SplitView, *MetricColumn) (float64, bool) {
	return func(e *MetricEval, _ *SplitView, _ *MetricColumn) (float64, bool) { return f(e.Weights), true }
}
