package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/sweep"
)

// ScratchDir is the folder of a results folder's run store where a
// training command's attempts work: runs/tmp/. Everything in it is
// scratch, lossexp's, removed once no live lossexp process owns it.
//
// The rule: each process that trains (a sweep, each shard, `lossexp run
// --out`) makes its
// own folder there, runs/tmp/<pid>-<random>/, and holds an exclusive
// advisory lock on its file .owner for as long as it lives (the kernel
// drops it when the process dies, kill -9 included). In it each attempt
// has its run folder ($LOSSEXP_RUN_DIR, <run-id>-a<k>-<random>) and each
// run its log staging (<run-id>-logs-<random>, moved to runs/logs/<run-id>
// when the run is saved). The process removes its folder when it ends.
// What a killed process left is removed by the next process that opens
// the folder: a sweep or a merge, which hold the results folder's
// exclusive lock (so no other lossexp process works there), removes
// everything in runs/tmp/; a shard (or a run), which shares the folder
// with the other shards, removes only the folders whose .owner it can lock (their
// owner is gone), never a live shard's. A folder being born
// (.<pid>-<random>, before its lock is taken and it is renamed) is left
// to the next sweep or merge.
const ScratchDir = "tmp"

// scratchOwnerFile is the lock file of a process's scratch folder.
const scratchOwnerFile = ".owner"

// Scratch is a process's own scratch folder, locked while it lives.
type Scratch struct {
	dir  string
	lock *os.File
	logs string // the results folder's runs/logs ("": none)
}

// OpenScratch makes this process's scratch folder in root (created if
// needed): root/<prefix><pid>-<random>, holding the locked .owner. The
// caller has made sure that root is not a link. The folder's path is
// absolute: a training command runs in its spec's folder, where a path
// relative to lossexp's working directory names another place.
func OpenScratch(root, prefix string) (*Scratch, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("scratch folder: %w", err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("scratch folder: %w", err)
	}
	born, err := os.MkdirTemp(root, "."+prefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, fmt.Errorf("scratch folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(born, scratchOwnerFile), os.O_RDWR|os.O_CREATE|oNoFollow, 0o600)
	if err == nil {
		err = flock(f, true)
	}
	if err != nil {
		os.RemoveAll(born)
		return nil, fmt.Errorf("scratch folder: %w", err)
	}
	dir := filepath.Join(root, strings.TrimPrefix(filepath.Base(born), "."))
	if err := os.Rename(born, dir); err != nil {
		f.Close()
		os.RemoveAll(born)
		return nil, fmt.Errorf("scratch folder: %w", err)
	}
	return &Scratch{dir: dir, lock: f}, nil
}

// Dir is the scratch folder ("" for a nil Scratch).
func (s *Scratch) Dir() string {
	if s == nil {
		return ""
	}
	return s.dir
}

// Close removes the scratch folder and everything in it (links inside
// are removed, never followed), then releases its lock. Nil-safe.
func (s *Scratch) Close() error {
	if s == nil || s.lock == nil {
		return nil
	}
	err := os.RemoveAll(s.dir)
	s.lock.Close()
	s.lock = nil
	return err
}

// SweepScratch removes from root what processes that are gone left
// there: with all, every entry (the caller holds the results folder's
// exclusive lock: no live process owns any); else only the folders named
// <prefix>… whose .owner lock it can take (never a live process's).
// Links are removed, never followed. An absent root is fine; a root that
// is not a folder (a link) is an error. It returns how many entries it
// removed and the first one it could not remove.
func SweepScratch(root, prefix string, all bool) (int, error) {
	st, err := os.Lstat(root)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if !st.IsDir() {
		return 0, fmt.Errorf("%s is not a folder (a link?); lossexp never follows links in its results folder: replace it by a folder", root)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0, err
	}
	n := 0
	var first error
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		p := filepath.Join(root, e.Name())
		if !all {
			if strings.HasPrefix(e.Name(), ".") {
				continue // being born: its owner is about to lock it
			}
			if !locksWork || !e.IsDir() {
				continue
			}
			f, err := os.OpenFile(filepath.Join(p, scratchOwnerFile), os.O_RDWR|oNoFollow, 0)
			if err != nil {
				continue // not a scratch folder of lossexp's, or one being born
			}
			if flock(f, true) != nil {
				f.Close() // its owner lives
				continue
			}
			err = os.RemoveAll(p)
			f.Close()
			if err != nil {
				first = firstErr(first, err)
				continue
			}
			n++
			continue
		}
		if err := os.RemoveAll(p); err != nil {
			first = firstErr(first, err)
			continue
		}
		n++
	}
	return n, first
}

func firstErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// scratchRoot is dir's runs/tmp.
func scratchRoot(dir string) string { return filepath.Join(dir, sweep.StoreDir, ScratchDir) }

// sweepRunScratch removes from dir's runs/tmp what killed processes
// left: everything when exclusive (the caller holds the folder's
// exclusive lock), else the folders whose owner is gone; then runs/tmp
// itself when exclusive and empty. A runs/tmp that is not a folder (a
// link) is refused; leftovers that cannot be removed are named on log
// (nil: not named) and left.
func sweepRunScratch(dir string, exclusive bool, log io.Writer) error {
	root := scratchRoot(dir)
	if st, err := os.Lstat(root); err == nil && !st.IsDir() {
		return inputf("output folder %s: %s is not a folder (a link?); lossexp never follows links in its results folder: replace it by a folder, or remove it", dir, root)
	}
	if _, err := SweepScratch(root, "", exclusive); err != nil && log != nil {
		fmt.Fprintf(log, "note: could not remove all that a killed sweep left in %s: %v\n", root, err)
	}
	if exclusive {
		os.Remove(root) // only if empty: a built-in study leaves no runs/tmp
	}
	return nil
}

// openRunScratch sweeps dir's runs/tmp (sweepRunScratch) and, when the
// study has a training command, makes this process's scratch folder
// there (nil otherwise).
func openRunScratch(dir string, st *Study, exclusive bool, log io.Writer) (*Scratch, error) {
	if err := sweepRunScratch(dir, exclusive, log); err != nil {
		return nil, err
	}
	if st.Spec.Trainer == nil {
		return nil, nil
	}
	s, err := OpenScratch(scratchRoot(dir), "")
	if err != nil {
		return nil, inputf("output folder %s: %w", dir, err)
	}
	s.logs = filepath.Join(dir, sweep.StoreDir, sweep.LogsDir)
	return s, nil
}

// closeRunScratch removes this process's scratch folder, and runs/tmp
// and checkpoints/ once empty when exclusive (a shard leaves them to the
// other shards).
func closeRunScratch(dir string, s *Scratch, exclusive bool) {
	s.Close()
	if exclusive {
		os.Remove(scratchRoot(dir))                   // only if empty
		os.Remove(filepath.Join(dir, CheckpointsDir)) // only if empty: every run final, none kept
	}
}

// withScratch returns ctx carrying s's folder for the attempts
// (experiments.WithScratch) and, when s is a results folder's, its
// runs/logs, where the attempts' numbers continue
// (experiments.WithKeptLogs); ctx itself for a nil s.
func withScratch(ctx context.Context, s *Scratch) context.Context {
	if s == nil {
		return ctx
	}
	if s.logs != "" {
		ctx = experiments.WithKeptLogs(ctx, s.logs)
	}
	return experiments.WithScratch(ctx, s.Dir())
}

// acceptable refuses a folder lossexp must not write in: one with a link
// where lossexp keeps its files, or one holding files of the user's and
// no lossexp results. what starts the message ("merge: ", or "").
func acceptable(dir, what string) error {
	inv, err := takeInventory(dir)
	if err != nil {
		return err
	}
	if err := inv.refuseLinks(dir); err != nil {
		return err
	}
	if !inv.Results && len(inv.Foreign) > 0 {
		return inputf("%soutput folder %s is not empty and holds no lossexp results (found %s); choose another --out",
			what, dir, strings.Join(firstN(inv.Foreign, 3), ", "))
	}
	return nil
}

// OpenScratchIn makes a scratch folder in dir's runs/tmp for a single
// run (`lossexp run --out dir`, what names it in the lock file). dir is
// locked shared, as a shard does: beside the shards of a sweep, never
// while a sweep, merge or report writes it (nor they while the run
// lasts); it must be empty or hold lossexp's files (acceptable). The
// scratch of processes that are gone is swept first (a shard's rule).
// release removes the scratch folder and unlocks dir.
func OpenScratchIn(dir, what string) (s *Scratch, release func(), err error) {
	lock, err := LockAccepted(dir, what, false, func() error { return acceptable(dir, "") })
	if err != nil {
		return nil, nil, err
	}
	if err := sweepRunScratch(dir, false, nil); err != nil {
		lock.Unlock()
		return nil, nil, err
	}
	if s, err = OpenScratch(scratchRoot(dir), ""); err != nil {
		lock.Unlock()
		return nil, nil, inputf("output folder %s: %w", dir, err)
	}
	return s, func() { s.Close(); lock.Unlock() }, nil
}
