package experiments

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/lossterms"
	"github.com/lossexp/lossexp/spec"
)

// HalvingWarning says, for a spec with sweep.halving whose runs cannot
// continue from one rung to the next, why, and what a point kept to the
// end costs then (the sum of its rungs) against the full budget: "" when
// the runs continue or there is no halving. The reasons are the ones
// openContinuation refuses on (the built-in trainer) and, for a training
// command, arguments and env that never name {checkpoint_dir}. It
// changes nothing: the rungs train the same runs either way.
func HalvingWarning(s *spec.Spec) string {
	rungs := s.Rungs()
	if len(rungs) < 2 {
		return ""
	}
	why := noContinueReason(s)
	if why == "" {
		return ""
	}
	sum, parts := 0, make([]string, len(rungs))
	for i, r := range rungs {
		sum += r
		parts[i] = fmt.Sprint(r)
	}
	return fmt.Sprintf("sweep.halving: %s; a point kept to the end costs %d epochs instead of %d (its rungs %s), so halving can train more epochs than the full grid",
		why, sum, rungs[len(rungs)-1], strings.Join(parts, " + "))
}

// noContinueReason returns why s's runs retrain every rung from scratch,
// "" when they continue. An adaptive balancing method (loss.balance)
// balances batch terms, so its runs have one.
func noContinueReason(s *spec.Spec) string {
	const retrain = "retrain every rung from scratch"
	if s.Trainer != nil {
		ph := "{" + command.PlaceholderCheckpointDir + "}"
		uses := slices.ContainsFunc(s.Trainer.Command, func(a string) bool { return strings.Contains(a, ph) })
		for _, v := range s.Trainer.Env {
			uses = uses || strings.Contains(v, ph)
		}
		if uses {
			return ""
		}
		return "trainer.command never names " + ph + ": unless the command reads LOSSEXP_CHECKPOINT_DIR, its runs " + retrain
	}
	var batch []string
	for _, ts := range s.Loss.Terms {
		if info, err := lossterms.Lookup(ts.Kind); err == nil {
			if term, err := info.New(ts.Params); err == nil {
				if _, ok := term.(lossterms.BatchTerm); ok {
					batch = append(batch, ts.Name)
				}
			}
		}
	}
	switch {
	case len(batch) == 1:
		return fmt.Sprintf("runs with a batch term (%s) %s", batch[0], retrain)
	case len(batch) > 1:
		return fmt.Sprintf("runs with batch terms (%s) %s", strings.Join(batch, ", "), retrain)
	case s.Model.Noise > 0:
		return "runs with noise inputs (model.noise) " + retrain
	case s.Folds() > 1:
		return fmt.Sprintf("runs with cross-validation folds (%d) %s", s.Folds(), retrain)
	case s.Train.Optimizer == "lbfgs":
		return "lbfgs runs " + retrain
	case s.Train.Float32():
		return "float32 runs (train.precision) " + retrain
	}
	return ""
}
