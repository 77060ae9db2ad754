package cmd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lossexp/lossexp/study"
)

// TestSweep_Kill9ChildAliveNoTempLeft: a real kill -9 of a sweep's
// lossexp process while the training command and a child of its (both
// ignoring SIGTERM) run, then a resume. After the kill nothing of
// lossexp's is in a private $TMPDIR and the child does not survive; after
// the resume every run is ok, nothing of lossexp's is in $TMPDIR and
// runs/tmp is gone (issue 23, item 6; issue 26, item 3).
func TestSweep_Kill9ChildAliveNoTempLeft(t *testing.T) {
	bin := buildBinary(t)
	tmp := t.TempDir()
	env := append(os.Environ(), "TMPDIR="+tmp)
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	spec := fakeSpec(t, "childonce:"+pidFile, 1)
	out := filepath.Join(t.TempDir(), "o")
	command := func() *exec.Cmd {
		c := exec.Command(bin, "sweep", spec, "--out", out, "--workers", "1", "-q")
		c.Env = env
		return c
	}
	c := command()
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	child := 0
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && child == 0; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(pidFile); err == nil {
			child, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
	}
	if child == 0 || !running(child) {
		c.Process.Kill()
		c.Wait()
		t.Fatalf("the training command's child never ran; stderr:\n%s", stderr.String())
	}
	if err := c.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("lossexp was not killed by SIGKILL: %v", c.ProcessState)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && running(child); time.Sleep(20 * time.Millisecond) {
	}
	if running(child) {
		syscall.Kill(child, syscall.SIGKILL)
		t.Errorf("the training command's child %d survived kill -9 of lossexp", child)
	}
	if got := lossexpTemps(t, tmp); len(got) > 0 {
		t.Errorf("$TMPDIR after kill -9 of the sweep: %v", got)
	}
	if left, _ := os.ReadDir(filepath.Join(out, "runs", study.ScratchDir)); len(left) == 0 {
		t.Error("the killed sweep left nothing in runs/tmp: the test did not kill it mid-attempt")
	}

	if b, err := command().CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, b)
	}
	if got := lossexpTemps(t, tmp); len(got) > 0 {
		t.Errorf("$TMPDIR after the resume: %v", got)
	}
	if es, err := os.ReadDir(filepath.Join(out, "runs", study.ScratchDir)); err == nil {
		t.Errorf("runs/tmp after the resume: %d entries, want no folder", len(es))
	}
	if n := csvRows(t, out, "ok"); n != 5 {
		t.Errorf("%d ok runs after the resume, want 5", n)
	}
}
