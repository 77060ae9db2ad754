package spec

import (
	"fmt"
	"slices"
	"strings"
)

// TaskCandidates are the task metrics the report chooses λ on when the
// spec names none (report.task_metric), in order of preference per split:
// iou (a segmentation task), else accuracy, else r2, else mse, else loss.
var TaskCandidates = []string{"iou", "accuracy", "r2", "mse", "loss"}

// Task metric sources, TaskMetric's second result.
const (
	TaskByName    = "report.task_metric" // the spec names it
	TaskByDefault = ""                   // one of TaskCandidates
	TaskByTrainer = "trainer.metrics"    // a training command's own metric
)

// TaskMetric returns the full name (<split>.<name>) of the metric that
// chooses λ among the metrics has accepts (s may be nil: no spec), and
// where it comes from (TaskByName, TaskByDefault, TaskByTrainer); "" when
// none is there. The splits are tried in order: report.select_on's
// first, then cv, validation, test, train. On each split the metric is
// report.task_metric when the spec names one, else the first of
// TaskCandidates, else (a training command) the first of trainer.metrics
// on that split that no term names as its own. A training command's
// metrics without a split come last, in the order written.
func (s *Spec) TaskMetric(has func(name string) bool) (name, by string) {
	selectOn, named := "", ""
	if s != nil {
		selectOn, named = s.Report.SelectOn, s.Report.TaskMetric
	}
	order := []string{"cv", "validation", "test", "train"}
	if selectOn != "" {
		order = append([]string{selectOn}, slices.DeleteFunc(order, func(o string) bool { return o == selectOn })...)
	}
	cands, by := TaskCandidates, TaskByDefault
	if named != "" {
		cands, by = []string{named}, TaskByName
	}
	own := s.termMetrics()
	for _, split := range order {
		for _, base := range cands {
			if has(split + "." + base) {
				return split + "." + base, by
			}
		}
		if named != "" || s == nil || s.Trainer == nil {
			continue
		}
		for _, m := range s.Trainer.Metrics {
			if strings.HasPrefix(m.Name, split+".") && !own[m.Name] && has(m.Name) {
				return m.Name, TaskByTrainer
			}
		}
	}
	if named == "" && s != nil && s.Trainer != nil {
		for _, m := range s.Trainer.Metrics {
			if _, ok := metricSplit(m.Name); !ok && !own[m.Name] && has(m.Name) {
				return m.Name, TaskByTrainer
			}
		}
	}
	return "", ""
}

// termMetrics returns the metrics external terms name as their own
// (loss.terms[i].metric): never the task metric by default.
func (s *Spec) termMetrics() map[string]bool {
	own := map[string]bool{}
	if s == nil {
		return own
	}
	for _, t := range s.Loss.Terms {
		if m, ok := t.Params["metric"].(string); ok {
			own[m] = true
		}
	}
	return own
}

// metricSplit returns the split a metric name starts with (cv,
// validation, test, train) and whether it has one.
func metricSplit(name string) (string, bool) {
	split, _, ok := strings.Cut(name, ".")
	if ok && slices.Contains([]string{"cv", "validation", "test", "train"}, split) {
		return split, true
	}
	return "", false
}

// columnSplit is the split whose metric columns the selection split
// reads: cross-validation folds report theirs as validation.
func (s *Spec) columnSplit() string {
	if s.Report.SelectOn == SelectCV {
		return "validation"
	}
	return s.Report.SelectOn
}

// CheckTaskMetric refuses, before any run, a task metric the runs cannot
// choose λ on; have are the metric columns the runs will have
// (MetricNames). report.task_metric must name a metric with a direction
// (trainer.metrics or the metric table) on the selection split; a
// training command must report the task metric on the selection split
// (validation unless report.select_on says test), else λ would silently
// be chosen on the test split.
func (s *Spec) CheckTaskMetric(have []string) error {
	split := s.columnSplit()
	if tm := s.Report.TaskMetric; tm != "" {
		var avail []string
		for _, m := range have {
			base, ok := strings.CutPrefix(m, split+".")
			if ok && s.MetricDirection(m) != "" && !slices.Contains(avail, base) {
				avail = append(avail, base)
			}
		}
		if slices.Contains(avail, tm) {
			return nil
		}
		if s.Trainer != nil && slices.ContainsFunc(have, func(m string) bool { return strings.HasSuffix(m, "."+tm) }) {
			return s.missingSelection(TaskByName, tm)
		}
		what := fmt.Sprintf("unknown task metric %q for this spec (the name without its split: %s.<name> is what chooses λ)", tm, split)
		if _, base, ok := strings.Cut(tm, "."); ok && slices.Contains(avail, base) {
			what = fmt.Sprintf("task metric %q: write it without its split, %q (λ is chosen on %s)", tm, base, s.Report.SelectOn)
		}
		if len(avail) == 0 {
			return s.Errorf(TaskByName, "%s; the runs have no %s.<name> metric with a direction", what, split)
		}
		return s.fieldErr(TaskByName, "", oneOf(what, tm, avail))
	}
	if s.Trainer == nil {
		return nil
	}
	name, by := s.TaskMetric(func(m string) bool { return slices.Contains(have, m) })
	got, ok := metricSplit(name)
	if name == "" || !ok || got == split {
		return nil // a metric without a split is the command's own choice
	}
	_, base, _ := strings.Cut(name, ".")
	return s.missingSelection(by, base)
}

// missingSelection is the refusal of a training command that does not
// report base (the task metric's name) on the selection split: it names
// the missing metric and the cures.
func (s *Spec) missingSelection(by, base string) error {
	field := TaskByTrainer
	if by == TaskByName {
		field = TaskByName
	}
	want := s.Report.SelectOn + "." + base
	if s.Report.SelectOn == SelectTest {
		return s.Errorf(field, "λ is chosen on %s (report.select_on: test), which trainer.metrics does not list: report it from the trainer (list %s in trainer.metrics and write it in the final line)", want, want)
	}
	return s.Errorf(field, "λ is chosen on %s, which trainer.metrics does not list: report it from the trainer (list %s with its direction in trainer.metrics and write it in the final line of metrics.jsonl), or choose λ on the test split with report.select_on: test (the test score at the chosen λ is then optimistic)", want, want)
}
