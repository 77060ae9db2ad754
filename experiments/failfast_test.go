package experiments

import "testing"

// TestTrainer_MaxFailures: trainer.max_failures defaults to 3, reads 0 as
// "never stop", and changes neither a run id (RunBase) nor ResultHash:
// like timeout and retries it does not change what a run computes.
func TestTrainer_MaxFailures(t *testing.T) {
	s := trainerSpec(t, "ok", "")
	if n := s.Trainer.FailFast(); n != 3 {
		t.Errorf("default max_failures %d, want 3", n)
	}
	for _, want := range []int{0, 7} {
		set := trainerSpec(t, "ok", "  max_failures: "+itoa(want))
		if n := set.Trainer.FailFast(); n != want {
			t.Errorf("max_failures: %d read as %d", want, n)
		}
		c := *s
		tr := *s.Trainer
		tr.MaxFailures = set.Trainer.MaxFailures
		c.Trainer = &tr
		if c.RunBase("x") != s.RunBase("x") || c.ResultHash() != s.ResultHash() {
			t.Errorf("max_failures: %d changes the run base or the result hash", want)
		}
	}
}
