package experiments

import (
	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/spec"
)

// MetricInfo documents one metric for `lossexp metrics`: a row of the
// metric table (lossterms.MetricTable).
type MetricInfo struct {
	Name    string // e.g. "<split>.accuracy" or "sparsity"
	Task    string // classification, regression or "" for both
	Better  string // "higher", "lower" or "" (neither)
	Meaning string
	Term    string // the term kind whose metric it is; "" for the trainer's own
	How     string // how it is computed
}

// MetricCatalogue lists every metric a run can report, from the metric
// table.
func MetricCatalogue() []MetricInfo {
	var out []MetricInfo
	for _, m := range lossterms.MetricTable() {
		out = append(out, MetricInfo{Name: m.Pattern, Task: m.Task, Better: m.Better, Meaning: m.Meaning, Term: m.Term, How: m.How})
	}
	return out
}

// MetricNames returns the metric columns of a sweep, in a fixed order that
// depends only on the spec and on the data's columns (its task, its group
// names, its auxiliary targets and factors), never on a run: every repeat
// of a spec's data has the same columns, so d may be any repeat's splits.
// The columns and their order come from the metric table
// (lossterms.MetricColumns).
//
// A trainer spec's columns are TrainerMetricNames (d is not read).
func MetricNames(s *spec.Spec, d *dataset.Splits) []string {
	if s.Trainer != nil {
		return TrainerMetricNames(s)
	}
	return lossterms.MetricColumns(metricContext(s, d))
}

// metricContext describes the spec's data and terms to the metric table.
func metricContext(s *spec.Spec, d *dataset.Splits) *lossterms.MetricContext {
	c := &lossterms.MetricContext{Task: d.Task.String(), Splits: []string{"train"}}
	if s.Dataset.Split.Validation > 0 || s.CarveFraction() > 0 || s.Dataset.Split.CV > 0 { // own, carved or the fold
		c.Splits = append(c.Splits, "validation")
	}
	c.Splits = append(c.Splits, "test") // empty cells when split.test is 0
	if hasGroups(d) {
		c.Groups = d.GroupNames
		c.Binary = d.K() == 1
	}
	c.Seq = d.Train != nil && d.Train.Seq != nil
	c.Labels = d.LabelNames != nil
	c.Factors = len(d.FactorNames) > 0
	for _, t := range s.Loss.Terms {
		c.Kinds = append(c.Kinds, t.Kind)
		c.Terms = append(c.Terms, t.Name)
	}
	return c
}

// CurveNames returns the per-epoch columns of curves.csv: the total
// objective, the mean task loss over the epoch's batches, each term's
// unweighted value at the end of the epoch, the mean norm of the task
// gradient and of each weighted term's gradient (λ·∇L_term) over up to 8
// evenly spaced steps of the epoch, the mean cosine between the two over
// the weights, and the test loss at the end of the epoch (every
// train.eval_every epochs).
//
// A trainer spec's columns are TrainerCurveNames.
func CurveNames(s *spec.Spec) []string {
	if s.Trainer != nil {
		return TrainerCurveNames(s)
	}
	names := lossCurveNames(s)
	if s.HasBalance() {
		// The effective weights of the epoch (train_balance.go).
		names = append(names, "weight.task")
		for _, t := range s.Loss.Terms {
			names = append(names, "weight."+t.Name)
		}
	}
	return names
}

// lossCurveNames are the per-epoch loss and gradient columns every
// trainer shares: loss.total, loss.task, loss.<term>…, grad.task,
// grad.<term>…, grad.cos.<term>…, test.loss.
func lossCurveNames(s *spec.Spec) []string {
	names := []string{"loss.total", "loss.task"}
	for _, t := range s.Loss.Terms {
		names = append(names, "loss."+t.Name)
	}
	names = append(names, "grad.task")
	for _, t := range s.Loss.Terms {
		names = append(names, "grad."+t.Name)
	}
	for _, t := range s.Loss.Terms {
		names = append(names, "grad.cos."+t.Name)
	}
	return append(names, "test.loss")
}
