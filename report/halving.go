package report

import "github.com/lossexp/lossexp/spec"

// TaskMetricOf returns the task metric the balance points of s use (the
// split report.select_on names, the metric and its direction): what
// sweep.halving ranks a rung's grid points by.
func TaskMetricOf(s *Summary, sp *spec.Spec) MetricChoice { return chooseTaskMetric(s, sp) }
