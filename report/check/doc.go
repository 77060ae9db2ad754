// Package check compares a sweep's summary.csv with a stored baseline's
// (`lossexp check`, `lossexp baseline`): its one job is the regression
// check. [Check] judges every checked metric at every grid point against a
// [Tolerance] band, every swept term's balance points and its trade-off
// front (hypervolume and ε indicator, [Hypervolumes], [FrontEpsilon]);
// [UsableSummary] and [VerifySummary] refuse a summary that cannot support
// a comparison or no longer matches its runs.csv, before anything is
// compared; [WriteJUnit] and [CheckFigures] write the verdict for CI and
// for a person.
//
// It reads the tables through package report/table (summary.csv's reader,
// the summarizer, the analysis' choice of task metric and balance points)
// and draws in the report's style through report/figure, so a check
// judges exactly what the report shows. Neither imports check.
package check
