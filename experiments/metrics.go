package experiments

import (
	"github.com/lossexp/lossexp/experiments/dataset"
)

// MetricInfo documents one metric for `lossexp metrics`.
type MetricInfo struct {
	Name    string // e.g. "<split>.accuracy" or "sparsity"
	Task    string // classification, regression or "" for both
	Better  string // "higher", "lower" or "" (neither)
	Meaning string
}

// MetricCatalogue lists every metric a run can report.
func MetricCatalogue() []MetricInfo {
	return []MetricInfo{
		{"<split>.accuracy", "classification", "higher", "fraction of rows whose predicted class is the true class (split = train, validation, test); for segmentation, the fraction of mask positions labelled right (logit > 0)"},
		{"<split>.loss", "", "lower", "mean task loss (cross-entropy, MSE or Huber, without added terms) on the split"},
		{"<split>.mse", "regression", "lower", "mean squared error of the predictions on the split (over every value: per pixel for an image target)"},
		{"<split>.r2", "regression", "higher", "coefficient of determination 1 − SS_res/SS_tot on the split"},
		{"<split>.dp_diff", "classification", "lower", "demographic-parity difference: max − min over the groups of dataset.group of the rate of predicted positives (binary classification)"},
		{"<split>.eo_diff", "classification", "lower", "equalized-odds difference: the larger of the max − min over groups of the true-positive rate and of the false-positive rate (a group without rows of a label is left out of that rate)"},
		{"<split>.accuracy_diff", "classification", "lower", "max − min over the groups of dataset.group of the group's accuracy"},
		{"<split>.accuracy.<group>", "classification", "higher", "accuracy on the rows of one group of dataset.group (empty when the split has none)"},
		{"<split>.iou", "segmentation", "higher", "intersection over union of the predicted and true foreground, pooled over the split's rows (1 when both are empty)"},
		{"<split>.boundary_f1", "segmentation", "higher", "F1 of the predicted mask boundaries (label changes between neighbouring positions) against the true ones, a match within 1 position, pooled over the split"},
		{"<split>.flicker", "classification", "lower", "sequence data: fraction of consecutive frame pairs of a sequence whose predicted label changes"},
		{"<split>.flicker_excess", "classification", "", "sequence data: flicker minus the rate at which the true label changes (0: as often as the truth; negative: predictions lag or skip transitions)"},
		{"<split>.realism", "regression", "lower", "adversarial term: energy distance (V-statistic, Euclidean) between the real joint sample {(x_i, y_i)} and the generated one {(x_i, ŷ_i)} of the split, x the standardized features and ŷ generated with one fixed draw of the noise inputs; 0 = the same points"},
		{"<split>.disc_accuracy", "regression", "", "adversarial term: fraction of the split's 2n rows, n real (x, y) and n generated (x, ŷ), that the discriminator labels right (D > ½ = real); ½ = it cannot tell them apart"},
		{"<split>.perceptual", "regression", "lower", "perceptual term: mean over the split's images of ‖φ(ŷ) − φ(y)‖², φ the chosen layer of the frozen classifier"},
		{"<split>.recognizability", "regression", "higher", "perceptual term: accuracy of the frozen classifier (trained on clean images of the repeat's training split) on the restored images ŷ"},
		{"<split>.aux_accuracy", "", "higher", "accuracy of the aux term's head on the auxiliary targets: fraction of targets labelled right (loss bce) or of rows whose argmax is right (ce); empty for mse"},
		{"<split>.aux_loss", "", "lower", "the aux term's loss on the split (its head's bce, ce or mse)"},
		{"<split>.mean_abs_corr", "", "lower", "mean over pairs of units of the decorrelation term's hidden layer of |correlation| of their activations on the split (constant units left out)"},
		{"<split>.gap_score", "", "higher", "per generating factor of a builtin, the largest minus the second largest |correlation| with a unit of the decorrelation term's layer, averaged over factors: 1 = each factor has a unit of its own"},
		{"gap.accuracy", "classification", "lower", "train.accuracy − test.accuracy: the overfitting gap"},
		{"gap.mse", "regression", "lower", "test.mse − train.mse: the overfitting gap"},
		{"grad.cos.<term>", "", "", "mean cosine between the task gradient and the term's gradient over the weights they share, on sampled steps (empty at λ = 0)"},
		{"grad.conflict.<term>", "", "lower", "fraction of sampled steps where that cosine is negative: the term pulls against the task"},
		{"grad.ratio.<term>", "", "", "mean ‖λ·∇term‖ / ‖∇task‖ on sampled steps: above 1 the term's gradient dominates"},
		{"weight_l1", "", "", "Σ|w| over the weight matrices (biases excluded) at the end of training"},
		{"weight_l2", "", "", "Σw² over the weight matrices (biases excluded) at the end of training"},
		{"sparsity", "", "", "fraction of weights that are exactly zero"},
		{"near_zero", "", "", "fraction of weights with |w| < 1e-3·max|w|"},
		{"epochs_run", "", "", "epochs (or L-BFGS iterations) actually run"},
	}
}

// MetricNames returns the metric columns of a sweep, in a fixed order that
// depends only on the spec and on the data's columns (its task, its group
// names, its auxiliary targets and factors), never on a run: every repeat
// of a spec's data has the same columns, so d may be any repeat's splits.
func MetricNames(s *Spec, d *dataset.Splits) []string {
	task := d.Task
	splits := []string{"train"}
	if s.Dataset.Split.Validation > 0 {
		splits = append(splits, "validation")
	}
	splits = append(splits, "test") // empty cells when split.test is 0
	var names []string
	for _, sp := range splits {
		switch task {
		case dataset.Regression:
			names = append(names, sp+".loss", sp+".mse", sp+".r2")
		case dataset.Segmentation:
			names = append(names, sp+".accuracy", sp+".loss", sp+".iou", sp+".boundary_f1")
		default:
			names = append(names, sp+".accuracy", sp+".loss")
		}
		if hasGroups(d) {
			if d.K() == 1 {
				names = append(names, sp+".dp_diff", sp+".eo_diff")
			}
			names = append(names, sp+".accuracy_diff")
			for _, g := range d.GroupNames {
				names = append(names, sp+".accuracy."+groupMetricName(g))
			}
		}
		if d.Train != nil && d.Train.Seq != nil && task == dataset.Classification {
			names = append(names, sp+".flicker", sp+".flicker_excess")
		}
		if hasTermKind(s, "aux") {
			names = append(names, sp+".aux_accuracy", sp+".aux_loss")
		}
		if hasTermKind(s, "adversarial") && task == dataset.Regression {
			names = append(names, sp+".realism", sp+".disc_accuracy")
		}
		if hasTermKind(s, "perceptual") && d.LabelNames != nil {
			names = append(names, sp+".perceptual", sp+".recognizability")
		}
		if hasTermKind(s, "decorrelation") {
			names = append(names, sp+".mean_abs_corr")
			if len(d.FactorNames) > 0 {
				names = append(names, sp+".gap_score")
			}
		}
	}
	if task == dataset.Regression {
		names = append(names, "gap.mse")
	} else {
		names = append(names, "gap.accuracy")
	}
	for _, t := range s.Loss.Terms {
		names = append(names, "grad.cos."+t.Name, "grad.conflict."+t.Name, "grad.ratio."+t.Name)
	}
	names = append(names, "weight_l1", "weight_l2", "sparsity", "near_zero", "epochs_run")
	return names
}

// CurveNames returns the per-epoch columns of curves.csv: the total
// objective, the mean task loss over the epoch's batches, each term's
// unweighted value at the end of the epoch, the mean norm of the task
// gradient and of each weighted term's gradient (λ·∇L_term) over up to 8
// evenly spaced steps of the epoch, the mean cosine between the two over
// the weights, and the test loss at the end of the epoch (every
// train.eval_every epochs).
func CurveNames(s *Spec) []string {
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
	names = append(names, "test.loss")
	return names
}

// hasTermKind reports whether the spec has a term of the given kind.
func hasTermKind(s *Spec, kind string) bool {
	for _, t := range s.Loss.Terms {
		if t.Kind == kind {
			return true
		}
	}
	return false
}
