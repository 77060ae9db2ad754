// Package figure draws the PNG figures of a results folder from its tables
// (package report/table): the metric figures ([Plot], [MetricFigure]), the
// trade-off, heatmap, comparison, methods, gradient, cost, samples and
// training figures, in one plot style (ticks, labels and the label placer,
// confidence intervals), written by a [Writer] on a bounded number of
// goroutines with the same bytes as on one.
//
// Every family of analysis figures is registered once, in [Families]
// (registry.go): the function that draws it and the [Section] of
// report.html that shows it. Package report draws them all and builds the
// page; report/check and report/compare reuse the style and the writer.
package figure
