package experiments

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/lossexp/lossexp/experiments/command"
)

// echoEnv trains run (the fake trainer's echo mode, writing into dir)
// and returns the LOSSEXP_ environment its command saw.
func echoEnv(t *testing.T, run *Run, dir string) map[string]string {
	t.Helper()
	res, err := Train(WithScratch(context.Background(), t.TempDir()), run)
	if err != nil || res.Status != StatusOK {
		t.Fatalf("%v %s %s", err, res.Status, res.Reason)
	}
	var e struct{ Env map[string]string }
	b, err := os.ReadFile(filepath.Join(dir, "echo-"+res.RunID+".json"))
	if err == nil {
		err = json.Unmarshal(b, &e)
	}
	if err != nil {
		t.Fatal(err)
	}
	return e.Env
}

// TestBudgetRules_EpochsEnv: LOSSEXP_EPOCHS is the run's budget: a
// rung's (2) when the run has one, else trainer.max_epochs (6); a spec
// without max_epochs sets no LOSSEXP_EPOCHS at all (not 0: a trainer
// would train no epoch).
func TestBudgetRules_EpochsEnv(t *testing.T) {
	dir := t.TempDir()
	budgeted := trainerSpec(t, "echo:"+dir, "  max_epochs: 6\n")
	for _, tc := range []struct {
		budget int
		want   string
	}{{2, "2"}, {0, "6"}} {
		run := prepareRun(t, budgeted, []float64{0.5}, 0)
		run.Budget = tc.budget
		if got, ok := echoEnv(t, run, dir)[command.EnvEpochs]; !ok || got != tc.want {
			t.Errorf("budget %d: %s = %q (set %v), want %s", tc.budget, command.EnvEpochs, got, ok, tc.want)
		}
	}
	plain := trainerSpec(t, "echo:"+dir, "")
	if got, ok := echoEnv(t, prepareRun(t, plain, []float64{0.25}, 0), dir)[command.EnvEpochs]; ok {
		t.Errorf("no trainer.max_epochs: %s = %q, want it unset", command.EnvEpochs, got)
	}
}

// TestBudgetRules_NoEpochLines: a command that writes no epoch line (its
// final line alone) is counted as having trained its budget: 2 at a rung
// of 2, 6 at the full budget.
func TestBudgetRules_NoEpochLines(t *testing.T) {
	s := trainerSpec(t, "noop", "  max_epochs: 6\n")
	for budget, want := range map[int]int{2: 2, 0: 6} {
		run := prepareRun(t, s, []float64{0.5}, 0)
		run.Budget = budget
		res, err := Train(WithScratch(context.Background(), t.TempDir()), run)
		if err != nil || res.Status != StatusOK || res.EpochsTrained != want {
			t.Errorf("budget %d: %v %s, epochs trained %d; want ok and %d", budget, err, res.Status, res.EpochsTrained, want)
		}
	}
}

// TestBudgetRules_RemoveCheckpointWithoutRoot: RemoveCheckpoint with no
// checkpoints folder ("": lossexp run) removes nothing, in particular not
// a folder of the run's name (p000-r00) in the working folder.
func TestBudgetRules_RemoveCheckpointWithoutRoot(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	run := budgetRun(t, 0.3, 0, "")
	mine := filepath.Join(cwd, CheckpointDir("", run))
	if err := os.MkdirAll(mine, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(mine, "model.pt"), []byte("mine"), 0o644)
	if err := RemoveCheckpoint("", run); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(mine, "model.pt")); err != nil || string(b) != "mine" {
		t.Errorf("RemoveCheckpoint without a root touched %s: %q %v", mine, b, err)
	}
}

// TestBudgetRules_TemporaryAlwaysRemoved: without a results folder
// (lossexp run) the temporary checkpoint folder goes when the run ends,
// whatever the run: with trainer.keep_checkpoints (which keeps a sweep's
// folders, not a scratch one) and at a budget below the full one.
func TestBudgetRules_TemporaryAlwaysRemoved(t *testing.T) {
	for _, tc := range []struct {
		name   string
		budget int
		extra  string
	}{{"keep_checkpoints", 0, "  keep_checkpoints: true\n"}, {"a rung's budget", 2, ""}} {
		scratch := t.TempDir()
		res, err := Train(WithScratch(context.Background(), scratch), budgetRun(t, 0.3, tc.budget, tc.extra))
		if err != nil || res.Status != StatusOK {
			t.Fatalf("%s: %v %s", tc.name, err, res.Status)
		}
		if left, _ := filepath.Glob(filepath.Join(scratch, "*-checkpoint-*")); len(left) != 0 {
			t.Errorf("%s: temporary checkpoint folders left: %v", tc.name, left)
		}
	}
}
