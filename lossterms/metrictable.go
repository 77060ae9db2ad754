package lossterms

import (
	"slices"
	"strings"
)

// MetricDef is one row of the metric table: every metric a run can report
// is described once, here or in the Info of the term whose metric it is,
// and everything else (the metric columns of a sweep, `lossexp metrics`,
// the direction the report and `lossexp check` judge a metric by) is
// drawn from the table.
type MetricDef struct {
	// Pattern is the metric's name: "<split>.accuracy" stands for
	// train.accuracy, validation.accuracy and test.accuracy;
	// "<group>" for each group of dataset.group, "<term>" for each term
	// of the spec.
	Pattern string
	Task    string // classification, regression, segmentation, or "" for any
	Better  string // "higher", "lower" or "" (neither)
	Meaning string
	// How names the function that computes it.
	How string
	// Diagnostic metrics describe how training went rather than its
	// outcome; `lossexp check` does not compare them.
	Diagnostic bool
	// Order places the metric among a sweep's columns (ascending; split
	// metrics first, split by split).
	Order int
	// When says whether a sweep of this data reports the metric; nil:
	// always. For a term's metrics the term must also be in the spec.
	When func(c *MetricContext) bool
	// Value computes the metric's value for column c of a run e; v is
	// the column's split for a "<split>." row (nil for the others). ok is
	// false when the run has no value for it (the cell stays empty).
	Value func(e *MetricEval, v *SplitView, c *MetricColumn) (x float64, ok bool)
	// EveryRun metrics are reported by a diverged run too.
	EveryRun bool

	// Term is the kind of the term whose metric it is ("" for the
	// trainer's own); set by the table.
	Term string
}

// MetricContext is what decides a sweep's metric columns: the task, the
// data's columns and the spec's term kinds.
type MetricContext struct {
	Task    string   // classification, regression or segmentation
	Binary  bool     // one output logit (binary classification)
	Groups  []string // group names of dataset.group (nil: none)
	Seq     bool     // the data has sequences
	Labels  bool     // the data has class labels besides the target
	Factors bool     // the data has generating factors
	Kinds   []string // the term kinds of the spec
	Terms   []string // the term names of the spec, in spec order
	Splits  []string // train, [validation,] test
}

func (c *MetricContext) is(task string) bool { return c.Task == task }
func (c *MetricContext) groups() bool        { return len(c.Groups) > 0 && c.Task == "classification" }

// The trainer's own metrics, and the group metrics every group-aware
// study reports (the fairness terms list them as theirs).
var (
	splitAccuracy = MetricDef{Pattern: "<split>.accuracy", Task: "classification", Better: "higher", Order: 100,
		Meaning: "fraction of rows whose predicted class is the true class (split = train, validation, test); for segmentation, the fraction of mask positions labelled right (logit > 0)",
		How:     "Accuracy", When: func(c *MetricContext) bool { return !c.is("regression") },
		Value: func(_ *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) { return splitAccuracyOf(v) }}
	groupMetrics = []MetricDef{
		{Pattern: "<split>.dp_diff", Task: "classification", Better: "lower", Order: 200, How: "DPDiff",
			Meaning: "demographic-parity difference: max − min over the groups of dataset.group of the rate of predicted positives (binary classification)",
			When:    func(c *MetricContext) bool { return c.groups() && c.Binary },
			Value: func(e *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
				if v.K != 1 {
					return 0, false
				}
				return DPDiff(v.Out, v.Group, v.N, e.Groups), true
			}},
		{Pattern: "<split>.eo_diff", Task: "classification", Better: "lower", Order: 201, How: "EODiff",
			Meaning: "equalized-odds difference: the larger of the max − min over groups of the true-positive rate and of the false-positive rate (a group without rows of a label is left out of that rate)",
			When:    func(c *MetricContext) bool { return c.groups() && c.Binary },
			Value: func(e *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
				if v.K != 1 {
					return 0, false
				}
				return EODiff(v.Out, v.Y, v.Group, v.N, e.Groups), true
			}},
		{Pattern: "<split>.accuracy_diff", Task: "classification", Better: "lower", Order: 202, How: "GroupAccuracy, Spread",
			Meaning: "max − min over the groups of dataset.group of the group's accuracy",
			When:    (*MetricContext).groups,
			Value: func(e *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
				return Spread(groupAccuracies(e, v)), true
			}},
		{Pattern: "<split>.accuracy.<group>", Task: "classification", Better: "higher", Order: 203, How: "GroupAccuracy",
			Meaning: "accuracy on the rows of one group of dataset.group (empty when the split has none)",
			When:    (*MetricContext).groups,
			Value: func(e *MetricEval, v *SplitView, c *MetricColumn) (float64, bool) {
				return groupAccuracies(e, v)[c.Group], true
			}},
	}
	flickerMetrics = []MetricDef{
		{Pattern: "<split>.flicker", Task: "classification", Better: "lower", Order: 300, How: "Flicker",
			Meaning: "sequence data: fraction of consecutive frame pairs of a sequence whose predicted label changes",
			When:    func(c *MetricContext) bool { return c.Seq && c.is("classification") },
			Value: func(_ *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
				pred, _, ok := frameLabels(v)
				return Flicker(pred, v.Seq), ok
			}},
		{Pattern: "<split>.flicker_excess", Task: "classification", Order: 301, How: "FlickerExcess",
			Meaning: "sequence data: flicker minus the rate at which the true label changes (0: as often as the truth; negative: predictions lag or skip transitions)",
			When:    func(c *MetricContext) bool { return c.Seq && c.is("classification") },
			Value: func(_ *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
				pred, truth, ok := frameLabels(v)
				return FlickerExcess(pred, truth, v.Seq), ok
			}},
	}
	gradMetrics = []MetricDef{
		{Pattern: "grad.cos.<term>", Order: 1100, Diagnostic: true, How: "the trainer's gradient telemetry",
			Meaning: "mean cosine between the task gradient and the term's gradient over the weights they share, on sampled steps (empty at λ = 0)",
			Value:   gradValue(func(g GradStats) float64 { return g.CosSum })},
		{Pattern: "grad.conflict.<term>", Better: "lower", Order: 1101, Diagnostic: true, How: "the trainer's gradient telemetry",
			Meaning: "fraction of sampled steps where that cosine is negative: the term pulls against the task",
			Value:   gradValue(func(g GradStats) float64 { return float64(g.Negative) })},
		{Pattern: "grad.ratio.<term>", Order: 1102, Diagnostic: true, How: "the trainer's gradient telemetry",
			Meaning: "mean ‖λ·∇term‖ / ‖∇task‖ on sampled steps: above 1 the term's gradient dominates",
			Value:   gradValue(func(g GradStats) float64 { return g.RatioSum })},
	}
	weightL1   = MetricDef{Pattern: "weight_l1", Order: 1200, How: "L1.Value", Meaning: "Σ|w| over the weight matrices (biases excluded) at the end of training", Value: weightValue(WeightL1)}
	weightL2   = MetricDef{Pattern: "weight_l2", Order: 1201, How: "L2.Value", Meaning: "Σw² over the weight matrices (biases excluded) at the end of training", Value: weightValue(WeightL2)}
	sparsity   = MetricDef{Pattern: "sparsity", Order: 1202, How: "Sparsity", Meaning: "fraction of weights that are exactly zero", Value: weightValue(Sparsity)}
	nearZero   = MetricDef{Pattern: "near_zero", Order: 1203, How: "NearZero", Meaning: "fraction of weights with |w| < 1e-3·max|w|", Value: weightValue(NearZero)}
	trainerOwn = slices.Concat([]MetricDef{
		splitAccuracy,
		{Pattern: "<split>.loss", Better: "lower", Order: 101, How: "the task loss's Value",
			Meaning: "mean task loss (cross-entropy, MSE or Huber, without added terms) on the split",
			Value: func(e *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
				return e.Loss(v.Out, v.Y, v.N, v.K), true
			}},
		{Pattern: "<split>.mse", Task: "regression", Better: "lower", Order: 102, How: "MSE",
			Meaning: "mean squared error of the predictions on the split (over every value: per pixel for an image target)",
			When:    func(c *MetricContext) bool { return c.is("regression") },
			Value:   func(_ *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) { return splitMSEOf(v) }},
		{Pattern: "<split>.r2", Task: "regression", Better: "higher", Order: 103, How: "R2",
			Meaning: "coefficient of determination 1 − SS_res/SS_tot on the split",
			When:    func(c *MetricContext) bool { return c.is("regression") },
			Value: func(_ *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
				return R2(v.Out, v.Y, v.N*v.K), v.Task == "regression"
			}},
		{Pattern: "<split>.iou", Task: "segmentation", Better: "higher", Order: 104, How: "IoU",
			Meaning: "intersection over union of the predicted and true foreground, pooled over the split's rows (1 when both are empty)",
			When:    func(c *MetricContext) bool { return c.is("segmentation") },
			Value: func(_ *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
				return IoU(v.Out, v.Y, v.N, v.K), v.Task == "segmentation"
			}},
		{Pattern: "<split>.boundary_f1", Task: "segmentation", Better: "higher", Order: 105, How: "BoundaryF1",
			Meaning: "F1 of the predicted mask boundaries (label changes between neighbouring positions) against the true ones, a match within 1 position, pooled over the split",
			When:    func(c *MetricContext) bool { return c.is("segmentation") },
			Value: func(_ *MetricEval, v *SplitView, _ *MetricColumn) (float64, bool) {
				return BoundaryF1(v.Out, v.Y, v.N, v.K), v.Task == "segmentation"
			}},
	}, groupMetrics, flickerMetrics, []MetricDef{
		{Pattern: "gap.accuracy", Task: "classification", Better: "lower", Order: 1000, How: "train.accuracy − test.accuracy",
			Meaning: "train.accuracy − test.accuracy: the overfitting gap",
			When:    func(c *MetricContext) bool { return !c.is("regression") },
			Value: func(e *MetricEval, _ *SplitView, _ *MetricColumn) (float64, bool) {
				return gapOf(e, splitAccuracyOf, false)
			}},
		{Pattern: "gap.mse", Task: "regression", Better: "lower", Order: 1001, How: "test.mse − train.mse",
			Meaning: "test.mse − train.mse: the overfitting gap",
			When:    func(c *MetricContext) bool { return c.is("regression") },
			Value:   func(e *MetricEval, _ *SplitView, _ *MetricColumn) (float64, bool) { return gapOf(e, splitMSEOf, true) }},
	}, gradMetrics, []MetricDef{weightL1, weightL2, sparsity, nearZero,
		{Pattern: EpochsRun, Order: 1300, Diagnostic: true, How: "the trainer's epoch count",
			Meaning: "epochs (or L-BFGS iterations) actually run", EveryRun: true,
			Value: func(e *MetricEval, _ *SplitView, _ *MetricColumn) (float64, bool) { return float64(e.Epochs), true }},
	})
)

// EpochsRun is the metric every run reports, diverged or not: the epochs
// (or L-BFGS iterations) it ran. Its row computes it for both trainers:
// from the built-in trainer's count, and from what a training command
// reported (or the epoch lines it wrote).
const EpochsRun = "epochs_run"

// MetricTable returns every metric a run can report, in column order:
// the trainer's own metrics and those the terms of the catalogue describe
// (a metric several terms list appears once).
func MetricTable() []MetricDef {
	rows := slices.Clone(trainerOwn)
	for _, info := range Catalogue() {
		for _, m := range info.Metrics {
			if slices.ContainsFunc(rows, func(r MetricDef) bool { return r.Pattern == m.Pattern }) {
				continue
			}
			m.Term = info.Kind
			rows = append(rows, m)
		}
	}
	slices.SortStableFunc(rows, func(a, b MetricDef) int { return a.Order - b.Order })
	return rows
}

// GroupColumnName makes a group name safe inside a metric column name.
func GroupColumnName(g string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, g)
}

// LookupMetric returns the table's row of a metric column: an exact entry
// ("gap.accuracy") wins over a split pattern ("<split>.accuracy"); a
// per-group metric ("test.accuracy.female") takes its base metric's row
// ("<split>.accuracy.<group>"), a term's ("grad.conflict.l2") its
// pattern's.
func LookupMetric(name string) (MetricDef, bool) {
	table := MetricTable()
	for _, m := range table {
		if m.Pattern == name {
			return m, true
		}
	}
	if _, base, ok := strings.Cut(name, "."); ok {
		first, _, _ := strings.Cut(base, ".")
		for _, p := range []string{"<split>." + base, "<split>." + first + ".<group>", "<split>." + first} {
			for _, m := range table {
				if m.Pattern == p {
					return m, true
				}
			}
		}
	}
	for _, m := range table {
		if p, _, ok := strings.Cut(m.Pattern, "<"); ok && p != "" && !strings.HasPrefix(m.Pattern, "<") && strings.HasPrefix(name, p) {
			return m, true
		}
	}
	return MetricDef{}, false
}
