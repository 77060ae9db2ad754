// Package compare compares two studies: two results folders whose λ grids
// overlap (`lossexp compare A B`).
//
// Points match by their λ tuple (every term of either study; a term one
// study does not sweep is at λ = 0 there) and axis values; metrics match
// by name (split.name). At every common point and metric it puts both
// means with their 95% confidence intervals side by side with the
// difference B − A, tested pair by pair where the runs pair (the same
// seed, repeat and fold in both studies: a paired t-test on the pairs
// both have) and else by Welch's t-test; the p-values of a metric are
// Holm-adjusted over its points. It also sets the studies' balance points
// side by side and draws both studies' curves on one figure per metric
// and their trade-off fronts on one figure per term.
//
// The package reads nothing and writes only where it is told: the caller
// (study.Compare) reads both folders with report/table's readers and chooses
// the output folder.
package compare
