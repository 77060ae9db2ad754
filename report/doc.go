// Package report turns a results folder into its report: [Render] reads
// runs.csv through package report/table (the tables and their statistics),
// writes summary.csv and the other tables, draws the PNG figures and writes
// report.html, the one page that shows them. It never trains.
//
// Every figure family is registered once, in figure.Families (package
// report/figure), with the function that draws it and the section of
// report.html that shows it. The regression check against a baseline
// (`lossexp check`) is package report/check, the comparison of two
// studies (`lossexp compare`) package report/compare; this package
// imports neither.
package report
