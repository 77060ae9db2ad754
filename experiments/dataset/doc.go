// Package dataset provides lossexp's data: built-in generators that need no
// files, CSV loading with strict cell checks, and the per-repeat
// preparation of a table into train, validation and test splits (stratified
// splitting, one-hot encoding and standardization fitted on the training
// rows only).
//
// # Tables
//
// A Table is a dataset before splitting. Builtin generates one from a
// generator name, parameters and a seed (Builtins lists the generators and
// their parameters); ReadCSV and LoadCSV parse one from a CSV file with a
// header row. Both are deterministic: a generator draws only from
// rand.New(rand.NewPCG(seed, …)), and a CSV table depends only on the
// bytes and the options. Table.Checksum identifies the data for the
// manifest: SHA-256 of the file bytes, or of the generator name, its
// resolved parameters (sorted) and the seed.
//
// # CSV rules
//
// Numeric cells must be finite numbers (NaN, Inf and overflow are errors);
// an empty or "?" cell in a used column is an error unless missing values
// are dropped, in which case the row is skipped and counted in
// Table.Dropped. Classification labels may be text or numbers: classes are
// sorted numerically when every label is a number, else lexically, and Y
// holds the class index. Trailing unnamed header fields (a header ending in
// commas) are ignored. Bad cells and rows are reported as *CSVError with
// the file, 1-based line number, column and value.
//
// # Preparation
//
// Prepare is called once per repeat with that repeat's seed: it shuffles
// the rows, splits them (per class, by largest remainder, when stratified),
// one-hot encodes categorical columns with the sorted categories of the
// training rows (a category unseen in training encodes as all zeros;
// columns are named "col=value" and follow the numeric ones), and
// optionally standardizes numeric columns with the training rows' mean and
// population standard deviation (a constant column is only centered).
// The same (table, options, seed) gives bit-identical splits.
package dataset
