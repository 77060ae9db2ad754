// Package dataset provides lossexp's data: built-in generators that need no
// files, CSV loading with strict cell checks, and the per-repeat
// preparation of a table into train, validation and test splits (stratified
// splitting, one-hot encoding and standardization fitted on the training
// rows only).
package dataset
