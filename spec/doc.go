// Package spec is the spec of one experiment: its types, its strict
// decoding and validation, the λ grid and sweep axes it spans, and the
// run ids it gives every run. It opens no dataset and trains nothing
// (package experiments trains a run of it); besides the spec file it reads
// only a training command's inputs, whose content enters the run ids.
//
// # Specs
//
// A spec is a YAML file (see DESIGN.md, "The spec"). Parse and Load decode
// it strictly from yaml.Node trees, so every value keeps its line and
// column: an unknown key (with a "did you mean" for near misses and the
// valid keys), a duplicate key, a value of the wrong type, malformed YAML,
// an alias or an empty file is an error. Parse then applies the defaults
// (DefaultSpec and those that depend on other fields) and calls Validate.
// All problems are reported at once, one *FieldError per line in file
// order:
//
//	quick.yaml:7:3: dataset.sampels: unknown key (valid: builtin, csv, target, …)
//	quick.yaml:12:15: loss.terms[0].weight: λ must be ≥ 0, got -0.1
//
// Spec.Pos keeps the position of every value written, keyed by its dotted
// path ("loss.terms[1].weight"); Spec.Errorf positions errors found later
// (a CSV column that does not exist) at the field, or at its nearest
// written parent.
//
// Decisions a spec author may want to know: model.hidden: 32 means one
// hidden layer, [32]; integers are required where counts are (epochs: 1e3
// is an error); a term's keys other than kind, name and weight are its own
// parameters, checked by the term's constructor in package lossterms.
//
// # Weights and the grid
//
// A term's weight is a number (fixed λ), a list of numbers, {values: […]},
// {logspace: {from, to, num}} or {linspace: {from, to, num}}, the last
// three optionally with zero: false beside them. Swept values are sorted
// ascending and start with λ = 0, the reference run without the term,
// unless zero: false is given. logspace values at integer exponents are
// exact (math.Pow10) and both ends are exactly from and to. Spec.Grid
// expands the weights into grid points, the cartesian product with the
// last swept term varying fastest (sweep mode grid), the i-th value of
// each swept term (mode zip) or the points of a simplex (mode simplex).
// Spec.Hash identifies the decoded spec independently of layout, key
// order, comments and defaults written out.
//
// # Run ids
//
// Spec.RunBase is the part of every run id that does not depend on the
// grid point or the repeat; RunID and RunIDFold add the λ tuple, the
// repeat and the fold. Spec.ResultHash is what decides the results, which
// `lossexp check` compares with a baseline's.
package spec
