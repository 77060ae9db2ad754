// Package layout names the files of a results folder that more than one
// package reads or writes by name: study (which owns the folder; its
// folder.go lists every name) and report (which reads the folder it
// renders). Each name is defined here once; study re-exports it.
package layout

import (
	"fmt"
	"regexp"
)

// SpecFile is the spec a sweep copies into its results folder: study
// writes it, report reads the term kinds and the report section from it.
const SpecFile = "spec.yaml"

// CheckpointsDir is the folder of a results folder that holds a training
// command's checkpoint folders ({checkpoint_dir}), one per (grid point,
// repeat), named by CheckpointName.
const CheckpointsDir = "checkpoints"

// CheckpointName is the name of the checkpoint folder of (point, repeat)
// in CheckpointsDir: p003-r01.
func CheckpointName(point, repeat int) string { return fmt.Sprintf("p%03d-r%02d", point, repeat) }

// CheckpointMark and TrainerStateFile are the files lossexp writes in a
// checkpoint folder: the marker naming the run the folder is for, and
// the built-in trainer's state between halving rungs. The folder's other
// files are a training command's own.
const (
	CheckpointMark   = ".lossexp-checkpoint"
	TrainerStateFile = "trainer-state.gob"
)

// IsCheckpointName reports whether name is one CheckpointName gives.
func IsCheckpointName(name string) bool { return checkpointRE.MatchString(name) }

var checkpointRE = regexp.MustCompile(`^p[0-9]{3,}-r[0-9]{2,}$`)
