package experiments

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lossexp/lossexp/internal/layout"
	"github.com/lossexp/lossexp/internal/saferead"
)

// Checkpoint folders: a training command's run gets a folder of its own
// ({checkpoint_dir}, LOSSEXP_CHECKPOINT_DIR), one per (grid point,
// repeat), made before its first attempt and kept across its attempts
// and, with successive halving, across its rungs: a trainer that saves
// its state there and loads it when it finds it continues where the
// previous attempt or rung stopped. In a sweep the folders are
// <results>/checkpoints/p003-r01/ (WithCheckpoints); the folder is
// removed once its (point, repeat) is final (its full-budget run ended
// ok or diverged, or failed after its retries; or the point was pruned:
// RemoveCheckpoint), unless trainer.keep_checkpoints. Without
// WithCheckpoints (`lossexp run`) a run's folder is a temporary one in
// the scratch folder, removed when the run ends.
//
// A folder holds a marker file, checkpointMark, with the (λ, repeat) key
// of its run: a folder left by a run of another grid (the same study
// with its grid changed keeps its results folder) is emptied rather than
// continued from.

type checkpointKey struct{}

// checkpointMark is the marker file of a checkpoint folder.
const checkpointMark = layout.CheckpointMark

// WithCheckpoints returns ctx carrying the folder (a results folder's
// layout.CheckpointsDir) under which the runs of a training command keep
// their checkpoint folders.
func WithCheckpoints(ctx context.Context, root string) context.Context {
	return context.WithValue(ctx, checkpointKey{}, root)
}

// checkpointRoot returns the folder WithCheckpoints stored, "" when none.
func checkpointRoot(ctx context.Context) string {
	d, _ := ctx.Value(checkpointKey{}).(string)
	return d
}

// CheckpointDir returns the checkpoint folder of run under root.
func CheckpointDir(root string, run *Run) string {
	return filepath.Join(root, layout.CheckpointName(run.Point, run.Repeat))
}

// RemoveCheckpoint removes the checkpoint folder of run under root (a
// sweep's checkpoints/): what successive halving calls for the runs of a
// point it prunes. Nothing is removed when the spec keeps its
// checkpoints (trainer.keep_checkpoints); a link is removed, never
// followed.
func RemoveCheckpoint(root string, run *Run) error {
	if t := run.Spec.Trainer; (t != nil && t.KeepCheckpoints) || root == "" {
		return nil
	}
	if err := os.RemoveAll(CheckpointDir(root, run)); err != nil {
		return fmt.Errorf("remove the checkpoint folder of run %s: %w", run.ID(), err)
	}
	return nil
}

// openCheckpoint returns run's checkpoint folder, made if absent, for
// the run whose (λ, repeat) key is key; temp reports a temporary folder
// (no WithCheckpoints), which the caller removes when the run ends. A
// folder whose marker names another key is emptied first. A link or a
// special file where the folder, its root or its marker goes is refused,
// never followed.
func openCheckpoint(ctx context.Context, run *Run, key string) (dir string, temp bool, err error) {
	root := checkpointRoot(ctx)
	if root == "" {
		scratch, prefix := tempPrefix(ctx)
		dir, err := os.MkdirTemp(scratch, prefix+key+"-checkpoint-")
		if err != nil {
			return "", false, fmt.Errorf("create checkpoint folder: %w", err)
		}
		return dir, true, nil
	}
	dir = CheckpointDir(root, run)
	if err := realFolder(root, true); err != nil {
		return "", false, err
	}
	if err := realFolder(dir, false); err != nil {
		return "", false, err
	}
	mark := filepath.Join(dir, checkpointMark)
	if b, err := readMark(mark); err == nil && string(b) == key {
		return dir, false, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", false, err
	}
	// A new folder, or one of another run: start it afresh.
	if err := os.RemoveAll(dir); err != nil {
		return "", false, fmt.Errorf("checkpoint folder of run %s: %w", run.ID(), err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", false, fmt.Errorf("checkpoint folder of run %s: %w", run.ID(), err)
	}
	if err := os.WriteFile(mark, []byte(key), 0o644); err != nil {
		return "", false, fmt.Errorf("checkpoint folder of run %s: %w", run.ID(), err)
	}
	return dir, false, nil
}

// realFolder refuses a path that exists as anything but a folder (a
// link, a named pipe, a file); create makes it when absent.
func realFolder(path string, create bool) error {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if create {
			if err := os.Mkdir(path, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("create checkpoint folder %s: %w", path, err)
			}
			return realFolder(path, false)
		}
		return nil
	case err != nil:
		return fmt.Errorf("checkpoint folder %s: %w", path, err)
	case !st.IsDir():
		return fmt.Errorf("checkpoint folder %s is %s, not a folder: lossexp never follows a link out of its results folder nor opens a special file there; remove it", path, saferead.Kind(st.Mode()))
	}
	return nil
}

// readMark reads a checkpoint folder's marker, a regular file (a link or
// a named pipe there is refused: it would lead out or block).
func readMark(path string) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a file lossexp wrote: lossexp never follows a link out of its results folder nor opens a special file there; remove it", path, saferead.Kind(st.Mode()))
	}
	return os.ReadFile(path)
}

// closeCheckpoint removes run's checkpoint folder dir once the run is
// final (see the top of this file): always a temporary one; else when
// its result is not an ok run of a smaller budget (a halving rung's,
// which the next rung continues from) and the spec does not keep it.
func closeCheckpoint(run *Run, dir string, temp bool, status string) {
	full := run.EpochBudget() >= run.Spec.Trainer.MaxEpochs
	if temp || (status != StatusOK || full) && !run.Spec.Trainer.KeepCheckpoints {
		os.RemoveAll(dir) // best effort: a folder left is emptied or continued from by the next run
	}
}
