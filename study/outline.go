package study

import (
	"bytes"

	"github.com/lossexp/lossexp/spec"
	"github.com/lossexp/lossexp/sweep"
)

// Outline is what a batch engine's job files need of a study, without
// planning it (no data is read): its name, the runs of its whole sweep
// and the program of its training command.
type Outline struct {
	Name    string
	Runs    int
	Trainer string // trainer.command[0]; "" for the built-in trainer
}

// OutlineOf reads the spec text (named name in messages) and expands its
// grid.
func OutlineOf(text []byte, name string) (*Outline, error) {
	s, err := spec.Parse(bytes.NewReader(text), name)
	if err != nil {
		return nil, err
	}
	if s.Sweep.Halving != nil {
		return nil, s.Errorf("sweep.halving", "an exported job runs the sweep as shards (--shard), and a halving study cannot be sharded: a rung needs every shard's previous rung; run lossexp sweep on one machine, or remove sweep.halving")
	}
	plans, _, err := sweep.Expand(s)
	if err != nil {
		return nil, err
	}
	o := &Outline{Name: s.Name, Runs: plans.Len()}
	if s.Trainer != nil {
		o.Trainer = s.Trainer.Command[0]
	}
	return o, nil
}
