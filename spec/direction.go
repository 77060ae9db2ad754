package spec

import "github.com/lossexp/lossexp/lossterms"

// MetricBetter returns the direction in which a metric improves, "higher",
// "lower" or "" (neither, or unknown), from the metric table
// (lossterms.LookupMetric).
func MetricBetter(metric string) string {
	m, _ := lossterms.LookupMetric(metric)
	return m.Better
}

// MetricDiagnostic reports whether a metric describes how training went
// (gradient telemetry, epochs run) rather than its outcome.
func MetricDiagnostic(metric string) bool {
	m, _ := lossterms.LookupMetric(metric)
	return m.Diagnostic
}
