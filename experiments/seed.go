package experiments

import "github.com/lossexp/lossexp/spec"

// RunSeed returns the seed of repeat r's run of s, as runs.csv and the run
// store keep it: for a training command (trainer:), the seed it gets
// ({seed}, LOSSEXP_SEED; CommandSeed); for the built-in trainer, the
// spec's seed (with a seed axis, that point's), from which the repeat's
// data split, initialization and batch order are drawn with the repeat.
func RunSeed(s *spec.Spec, r int) uint64 {
	if s.Trainer != nil {
		return CommandSeed(s.Seed, r)
	}
	return s.Seed
}
