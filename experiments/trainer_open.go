package experiments

import (
	"context"
	"slices"

	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/spec"
)

// openTrainer checks what a trainer spec needs from the machine (the
// program, the inputs) and hashes the inputs; ctx cancels the hashing.
func openTrainer(ctx context.Context, s *spec.Spec) (*DataSource, error) {
	if err := s.CheckProgram(); err != nil {
		return nil, err
	}
	sum, err := s.InputsSum(ctx)
	if err != nil {
		return nil, err
	}
	return &DataSource{spec: s, inputs: sum}, nil
}

// TrainerMetricNames returns the metric columns of a trainer spec:
// trainer.metrics in the order written, report.metrics not listed there,
// grad.cos/grad.conflict/grad.ratio of every term, and epochs_run.
func TrainerMetricNames(s *spec.Spec) []string {
	var names []string
	add := func(n string) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, m := range s.Trainer.Metrics {
		add(m.Name)
	}
	for _, m := range s.Report.Metrics {
		add(m)
	}
	for _, t := range s.Loss.Terms {
		add("grad.cos." + t.Name)
		add("grad.conflict." + t.Name)
		add("grad.ratio." + t.Name)
	}
	add(lossterms.EpochsRun)
	return names
}

// TrainerCurveNames returns the curves.csv columns of a trainer spec: the
// built-in trainer's (loss.total, loss.task, loss.<term>…, grad.task,
// grad.<term>…, grad.cos.<term>…, test.loss), then trainer.metrics. An
// epoch line fills the ones it reports; the others stay empty.
func TrainerCurveNames(s *spec.Spec) []string {
	names := lossCurveNames(s)
	for _, m := range s.Trainer.Metrics {
		if !slices.Contains(names, m.Name) {
			names = append(names, m.Name)
		}
	}
	return names
}
