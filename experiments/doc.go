// Package experiments trains one run of a spec (package spec): it opens
// the spec's data (OpenData, DataSource), builds the model, the terms and
// the optimizer, and runs the built-in trainer, the balancing trainer or
// the user's training command (trainer:), returning a Result whose
// metrics and curves are a pure function of (spec, grid point, repeat).
package experiments
