package experiments

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/lossexp/lossexp/internal/faketrainer"
	"github.com/lossexp/lossexp/lossterms"
)

// budgetRun returns run (λ, repeat 0) of a spec running the fake
// trainer's budget mode with trainer.max_epochs 6 and extra trainer lines.
func budgetRun(t *testing.T, lambda float64, budget int, extra string) *Run {
	t.Helper()
	s := trainerSpec(t, "budget", "  max_epochs: 6\n"+extra)
	run := prepareRun(t, s, []float64{lambda}, 0)
	run.Budget = budget
	return run
}

// TestCheckpoint_RemovedWhenFinal: the checkpoint folder of a run stays
// after an ok run of a smaller budget (a halving rung: the next rung
// continues from it, training only the epochs it adds) and goes once
// the full-budget run is ok, or a run failed for good; with
// trainer.keep_checkpoints it always stays.
func TestCheckpoint_RemovedWhenFinal(t *testing.T) {
	root := t.TempDir()
	ctx := WithCheckpoints(context.Background(), root)
	run := budgetRun(t, 0.3, 2, "")
	dir := CheckpointDir(root, run)
	res, err := Train(ctx, run)
	if err != nil || res.Status != StatusOK {
		t.Fatalf("rung of 2 epochs: %v %s %s", err, res.Status, res.Reason)
	}
	if _, err := os.Stat(filepath.Join(dir, faketrainer.BudgetState)); err != nil || res.EpochsTrained != 2 {
		t.Fatalf("after a rung of 2 epochs: checkpoint %v, epochs trained %d; want the folder kept and 2", err, res.EpochsTrained)
	}
	run.Budget = 0 // the full budget, 6: continues after epoch 2
	res, err = Train(ctx, run)
	if err != nil || res.Status != StatusOK || res.EpochsTrained != 4 {
		t.Fatalf("full budget: %v %s, epochs trained %d; want ok and 4 (epochs 3 to 6)", err, res.Status, res.EpochsTrained)
	}
	if _, err := os.Lstat(dir); err == nil {
		t.Error("the checkpoint folder is left after the full-budget run")
	}
	if got := res.Metrics[slices.Index(MetricNames(run.Spec, nil), lossterms.EpochsRun)]; got != 6 {
		t.Errorf("epochs_run of the continued run = %v, want 6 (2 before, 4 added)", got)
	}
	// A run failed for good (here: its command exits 3) loses its folder.
	failing := trainerSpec(t, "exit3", "  max_epochs: 6\n")
	frun := prepareRun(t, failing, []float64{0.3}, 0)
	frun.Budget = 2
	if res, err := Train(ctx, frun); err != nil || res.Status != StatusFailed || res.EpochsTrained != 2 {
		t.Fatalf("failing run: %v %s, epochs trained %d; want failed and its budget 2", err, res.Status, res.EpochsTrained)
	}
	if _, err := os.Lstat(CheckpointDir(root, frun)); err == nil {
		t.Error("the checkpoint folder of a run failed for good is left")
	}
	// Kept.
	keep := budgetRun(t, 0.3, 0, "  keep_checkpoints: true\n")
	if res, err := Train(ctx, keep); err != nil || res.Status != StatusOK {
		t.Fatalf("keep_checkpoints: %v %s", err, res.Status)
	}
	if _, err := os.Stat(filepath.Join(CheckpointDir(root, keep), faketrainer.BudgetState)); err != nil {
		t.Errorf("trainer.keep_checkpoints: the folder is gone: %v", err)
	}
	if err := RemoveCheckpoint(root, keep); err != nil || !exists(CheckpointDir(root, keep)) {
		t.Errorf("RemoveCheckpoint with keep_checkpoints: %v, or the folder went", err)
	}
	keep.Spec.Trainer.KeepCheckpoints = false
	if err := RemoveCheckpoint(root, keep); err != nil || exists(CheckpointDir(root, keep)) {
		t.Errorf("RemoveCheckpoint (a pruned point): %v, or the folder stayed", err)
	}
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

// TestCheckpoint_OtherRun: a folder left by a run of another λ (the grid
// changed under the same results folder) is emptied, not continued from.
func TestCheckpoint_OtherRun(t *testing.T) {
	root := t.TempDir()
	ctx := WithCheckpoints(context.Background(), root)
	a := budgetRun(t, 0.3, 3, "")
	if res, err := Train(ctx, a); err != nil || res.Status != StatusOK {
		t.Fatal(err, res.Reason)
	}
	b := prepareRun(t, a.Spec, []float64{0.7}, 0) // same point index 0, another λ
	res, err := Train(ctx, b)
	if err != nil || res.Status != StatusOK || res.EpochsTrained != 6 {
		t.Errorf("a run of another λ in the folder: %v %s, epochs trained %d; want 6 (started over)", err, res.Status, res.EpochsTrained)
	}
}

// TestCheckpoint_Hostile: a link or a named pipe where the checkpoint
// folder (or its marker) goes is refused when the run starts, never
// followed: nothing behind the link is written or removed.
func TestCheckpoint_Hostile(t *testing.T) {
	mine := t.TempDir()
	os.WriteFile(filepath.Join(mine, "precious"), []byte("mine"), 0o644)
	for _, c := range []struct {
		name string
		make func(dir string) error
	}{
		{"link", func(dir string) error { return os.Symlink(mine, dir) }},
		{"fifo", func(dir string) error { return syscall.Mkfifo(dir, 0o644) }},
		{"marker link", func(dir string) error {
			os.Mkdir(dir, 0o755)
			return os.Symlink(filepath.Join(mine, "precious"), filepath.Join(dir, checkpointMark))
		}},
		{"marker fifo", func(dir string) error {
			os.Mkdir(dir, 0o755)
			return syscall.Mkfifo(filepath.Join(dir, checkpointMark), 0o644)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			run := budgetRun(t, 0.3, 0, "")
			if err := c.make(CheckpointDir(root, run)); err != nil {
				t.Fatal(err)
			}
			_, err := Train(WithCheckpoints(context.Background(), root), run)
			if err == nil || !strings.Contains(err.Error(), "never follows a link") {
				t.Errorf("err %v, want the folder refused", err)
			}
			if b, err := os.ReadFile(filepath.Join(mine, "precious")); err != nil || string(b) != "mine" {
				t.Errorf("behind the link: %q %v", b, err)
			}
		})
	}
}

// TestCheckpoint_Temporary: without a results folder (lossexp run) the
// run gets a temporary folder in the scratch folder, gone afterwards
// (its logs stay: Result.LogDir, which the caller moves or removes).
func TestCheckpoint_Temporary(t *testing.T) {
	scratch := t.TempDir()
	res, err := Train(WithScratch(context.Background(), scratch), budgetRun(t, 0.3, 0, ""))
	if err != nil || res.Status != StatusOK || res.EpochsTrained != 6 {
		t.Fatalf("%v %s %d", err, res.Status, res.EpochsTrained)
	}
	left, _ := filepath.Glob(filepath.Join(scratch, "*-checkpoint-*"))
	if len(left) != 0 {
		t.Errorf("checkpoint folders left in the scratch folder: %v", left)
	}
}
