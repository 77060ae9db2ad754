//go:build linux

package command

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/lossexp/lossexp/internal/faketrainer"
)

// treeAttempt runs faketrainer.TreeScript writing its pids to dir.
func treeAttempt(t testing.TB, dir, mode string) Attempt {
	run := t.TempDir()
	return Attempt{
		Argv:  []string{"sh", "-c", faketrainer.TreeScript, "sh", dir, mode},
		Env:   append(os.Environ(), "LOSSEXP_RUN_DIR="+run),
		Grace: 300 * time.Millisecond,
	}
}

// checkTree fails t unless every process of the tree has ended within a
// second and the setsid'd one still runs and is named in o.Escaped.
func checkTree(t *testing.T, pids map[string]int, o Outcome) {
	t.Helper()
	if alive := faketrainer.WaitTreeGone(pids, time.Second); len(alive) > 0 {
		t.Errorf("still running after the attempt: %v", alive)
	}
	if !faketrainer.Alive(pids["setsid"]) {
		t.Errorf("the process that left the session (setsid) was stopped")
	}
	want := Process{Pid: pids["setsid"], Cmdline: "sleep 1000"}
	if len(o.Escaped) != 1 || o.Escaped[0] != want {
		t.Errorf("Escaped = %+v, want [%+v]", o.Escaped, want)
	}
}

// TestRun_Tree: whatever a program starts (children, grandchildren that
// ignore SIGTERM, a nohup'd one, a double fork, one in a process group of
// its own) ends with the attempt, whether the program exits or is
// stopped (Ctrl-C, timeout); one that left the session (setsid) is left
// running and named.
func TestRun_Tree(t *testing.T) {
	t.Run("program exits", func(t *testing.T) {
		dir := t.TempDir()
		o, err := Run(context.Background(), treeAttempt(t, dir, "exit"))
		if err != nil || o.Exit != 0 || o.StartErr != nil {
			t.Fatalf("%+v %v", o, err)
		}
		checkTree(t, faketrainer.TreePids(t, dir), o)
	})
	t.Run("Ctrl-C", func(t *testing.T) { // a timeout asks the supervisor the same way
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			for i := 0; i < 3000; i++ {
				if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
		}()
		o, err := Run(ctx, treeAttempt(t, dir, "wait"))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%+v %v", o, err)
		}
		checkTree(t, faketrainer.TreePids(t, dir), o)
	})
}

// TestRun_Kill9: when the process running an attempt (lossexp) is killed
// with SIGKILL, no process of the attempt survives it for long, however
// it was started (the grace is an hour: lossexp's end stops them at once),
// except the one that left the session (setsid), which the supervisor
// names on lossexp's stderr.
func TestRun_Kill9(t *testing.T) {
	dir := t.TempDir()
	c := exec.Command(os.Args[0], "-test.run=^$")
	c.Env = append(os.Environ(), holderEnv+"="+dir)
	faketrainer.Kill9Tree(t, c, dir)
}
