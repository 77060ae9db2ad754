package study

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/layout"
	"github.com/lossexp/lossexp/sweep"
)

// TestHalving_CtrlCMidRung: Ctrl-C while a rung below the full budget
// trains is an interruption like any other (it panicked drawing a report
// of the pruned rows alone, exit 1, and reported no interruption): the
// sweep returns context.Canceled with Interrupted set, keeps what
// finished, and the same command run again ends with the runs.csv of an
// uninterrupted sweep, byte for byte.
func TestHalving_CtrlCMidRung(t *testing.T) {
	dir := t.TempDir()
	want := filepath.Join(dir, "plain")
	sweepText(t, halvingSpec, want, 2)
	for _, pass := range []int{1, 2} {
		t.Run(fmt.Sprintf("rung %d", pass), func(t *testing.T) {
			ctrlCInRung(t, dir, want, pass)
		})
	}
}

// ctrlCInRung interrupts a halving sweep when the rung-th pass starts,
// then resumes it and compares its runs.csv with the one in want.
func ctrlCInRung(t *testing.T, dir, want string, rung int) {
	out := filepath.Join(dir, fmt.Sprint("o", rung))
	st := planText(t, halvingSpec, dir)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	passes := 0
	oc, err := Sweep(ctx, st, SweepOptions{Out: out, Workers: 2,
		Start: func(p *Pass) (func(int, int, *experiments.Result), func()) {
			passes++
			if passes == rung { // rung 2: rung 1 decided, its pruned points written
				cancel()
			}
			return nil, nil
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("sweep interrupted in rung %d: error %v, want context.Canceled", rung, err)
	}
	if oc == nil || !oc.Interrupted {
		t.Fatalf("sweep interrupted in rung %d: outcome %+v, want Interrupted", rung, oc)
	}
	sweepText(t, halvingSpec, out, 2)
	a, _ := os.ReadFile(filepath.Join(want, "runs.csv"))
	b, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("resumed after Ctrl-C in rung %d: runs.csv differs from an uninterrupted sweep's\n%s\nwant\n%s", rung, b, a)
	}
}

// TestHalving_CheckpointFileNotAFile: a named pipe or a link where
// lossexp keeps a checkpoint folder's files (the built-in trainer's
// state, the folder's marker) is refused before any run trains, as a
// link at the folder itself is (exit 2): it was met mid-sweep, after
// other runs had trained, and stopped it as a run error (exit 1).
func TestHalving_CheckpointFileNotAFile(t *testing.T) {
	for _, name := range []string{layout.TrainerStateFile, layout.CheckpointMark} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "o")
			st := planText(t, halvingSpec, dir)
			ctx, cancel := context.WithCancel(t.Context())
			passes := 0
			Sweep(ctx, st, SweepOptions{Out: out, Workers: 2, Start: func(p *Pass) (func(int, int, *experiments.Result), func()) {
				if passes++; passes == 2 {
					cancel()
				}
				return nil, nil
			}})
			cp := filepath.Join(out, CheckpointsDir, layout.CheckpointName(1, 0))
			if err := os.Remove(filepath.Join(cp, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(filepath.Join(cp, name), 0o644); err != nil {
				t.Fatal(err)
			}
			before := storeCount(t, out)
			_, err := Sweep(t.Context(), planText(t, halvingSpec, dir), SweepOptions{Out: out, Workers: 2})
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), name) {
				t.Fatalf("resume with a named pipe at %s: error %v, want an input error naming it", name, err)
			}
			if n := storeCount(t, out); n != before {
				t.Errorf("refused resume trained %d runs, want none", n-before)
			}
		})
	}
}

// storeCount is the number of runs in out's run store.
func storeCount(t *testing.T, out string) int {
	t.Helper()
	s, err := sweep.OpenStore(filepath.Join(out, sweep.StoreDir))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return s.Count()
}
