package experiments

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lossexp/lossexp/experiments/command"
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
// "" when they continue: a training command that never names
// {checkpoint_dir}, or what the built-in trainer refuses
// (continueRefusal).
func noContinueReason(s *spec.Spec) string {
	if s.Trainer == nil {
		return continueRefusal(s)
	}
	ph := "{" + command.PlaceholderCheckpointDir + "}"
	uses := slices.ContainsFunc(s.Trainer.Command, func(a string) bool { return strings.Contains(a, ph) })
	for _, v := range s.Trainer.Env {
		uses = uses || strings.Contains(v, ph)
	}
	if uses {
		return ""
	}
	return "trainer.command never names " + ph + ": unless the command reads LOSSEXP_CHECKPOINT_DIR, its runs retrain every rung from scratch"
}
