// Package layout names the files of a results folder that more than one
// package reads or writes by name: study (which owns the folder; its
// folder.go lists every name) and report (which reads the folder it
// renders). Each name is defined here once; study re-exports it.
package layout

// SpecFile is the spec a sweep copies into its results folder: study
// writes it, report reads the term kinds and the report section from it.
const SpecFile = "spec.yaml"
