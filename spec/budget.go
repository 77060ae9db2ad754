package spec

import (
	"errors"
	"fmt"

	"github.com/lossexp/lossexp/experiments/command"
)

// A training command's budget: trainer.max_epochs is the full number of
// epochs a run trains, given to the command as {epochs} and
// LOSSEXP_EPOCHS on every run (successive halving gives a rung's smaller
// budget the same way). Without it lossexp knows no budget: {epochs} is
// refused and LOSSEXP_EPOCHS is not set.

// MaxEpochsLimit bounds trainer.max_epochs.
const MaxEpochsLimit = 1_000_000_000

// errEpochsWithoutBudget is the message of an {epochs} placeholder in a
// spec without trainer.max_epochs.
var errEpochsWithoutBudget = errors.New("{" + command.PlaceholderEpochs + "} is the run's epoch budget, which trainer.max_epochs gives: add trainer.max_epochs: N (the full number of epochs of a run), or write the number itself")

// validateTrainerBudget checks trainer.max_epochs: a whole number ≥ 1
// when written.
func (s *Spec) validateTrainerBudget(v *validator) {
	if !s.has("trainer.max_epochs") {
		return
	}
	if n := s.Trainer.MaxEpochs; n < 1 || n > MaxEpochsLimit {
		v.addf("trainer.max_epochs", "must be a whole number between 1 and %d (the full number of epochs of a run), got %d", MaxEpochsLimit, n)
	}
}

// FullEpochs returns a run's full budget in epochs: train.epochs for the
// built-in trainer, trainer.max_epochs for a command (0 when the spec
// gives none).
func (s *Spec) FullEpochs() int {
	if s.Trainer != nil {
		return s.Trainer.MaxEpochs
	}
	return s.Train.Epochs
}

// DescribeBudget is validate's line on the budget and the checkpoint
// folders ("" when the spec says nothing of them).
func (t *TrainerSpec) DescribeBudget() string {
	keep := "removed once the run is final"
	if t.KeepCheckpoints {
		keep = "kept (trainer.keep_checkpoints)"
	}
	ckpt := fmt.Sprintf("checkpoint folder per (point, repeat) ({%s}) %s", command.PlaceholderCheckpointDir, keep)
	switch {
	case t.MaxEpochs > 0:
		return fmt.Sprintf("  budget: %d epochs a run ({%s}, %s); %s\n", t.MaxEpochs, command.PlaceholderEpochs, command.EnvEpochs, ckpt)
	case t.KeepCheckpoints:
		return "  " + ckpt + "\n"
	}
	return ""
}

// intField is the field of a whole-number trainer key.
func (t *TrainerSpec) intField(key string) *int {
	switch key {
	case "retries":
		return &t.Retries
	case "devices_per_run":
		return &t.DevicesPerRun
	}
	return &t.MaxEpochs
}
