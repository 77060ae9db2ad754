package study

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/lossexp/lossexp/experiments"
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
