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
// # Sequences, images and test files
//
// CSVOptions.Sequence reads a file in long format, one row per frame: the
// id column names the sequence (text, numbered in label order), the order
// column the frame (integers, consecutive within a sequence, in any row
// order); duplicate frames, gaps and single-frame sequences are errors
// naming the line. Table.SeqID and Table.Order then hold the structure,
// and Context widens each row's numeric features to frames t−c … t+c of
// its sequence. CSVOptions.Image declares the features as the pixels of an
// image (row-major, channels adjacent) and turns a classification table
// into the restoration task of the glyphs built-in: DegradeImage (blur,
// block averaging) plus seeded noise as input, the clean image as target,
// the class in Table.Label. A separate test file is read with
// CSVOptions.Known set to the training table (its classes, groups and
// categorical levels are the valid ones; Unseen says what an unseen level
// becomes) and joined by AppendTest; Prepare then takes its rows
// (Table.TestFrom onwards) as the test split.
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
