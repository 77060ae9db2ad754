// Package table writes the tables of a sweep, reads them back and computes
// their statistics: summary, paired tests, balance points, methods, cost,
// stability and power (the [Analysis] they form). It draws nothing and never
// trains.
//
// A study (package study) streams its stored runs, in index order, through
// a [Writer], which writes three tables to the output folder:
//
//	runs.csv     run_id,repeat,status,lambda.<term>…,<metric>…,reason
//	curves.csv   run_id,repeat,lambda.<term>…,epoch,<curve>…
//	timings.csv  run_id,repeat,lambda.<term>…,epoch,seconds
//
// Epochs are numbered from 1; timings.csv adds one row per run whose epoch
// is "total". Floats in runs.csv and curves.csv are written with the
// shortest representation that round-trips (strconv 'g', -1), so the same
// result always gives the same bytes; NaN ("no value") is an empty cell and
// infinities are "+Inf" and "-Inf". timings.csv is the only table that
// varies between two identical sweeps.
//
// [SummarizeFile] reads runs.csv a row at a time ([RunReader]) and groups
// the runs by grid point (identical λ tuple, in order of first appearance),
// computing over the runs with status ok the mean, the sample standard
// deviation and a 95% Student-t confidence interval of every metric
// ([Summarizer] holds one grid point at a time; [Summarize] does the same
// over a table in memory); [WriteSummary] writes summary.csv. [Analyze]
// reads runs.csv, curves.csv and timings.csv again as streams, so memory
// does not grow with the number of runs, and chooses the balance points.
//
// Every file is written atomically through internal/atomicfile: to a
// temporary file in the destination folder, synced, closed, renamed and the
// folder synced ([WriteFileAtomic]), so a reader never sees half a table and
// an interrupted sweep never leaves a truncated one.
//
// Package report draws the figures and the page from an [Analysis];
// report/check and report/compare read the tables through this package.
package table
