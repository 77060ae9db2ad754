package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/study"
)

// TestSweep_LockedFolderForcedInProcess is the -short guard of
// TestSweep_LockedFolder at the command's level (no binary, no long
// sweep): while another process holds a shared lock of a results folder
// (flock(1), as a shard does), `lossexp sweep --force` of another spec
// into it exits 2 saying the folder is in use, and leaves the folder's
// spec.yaml, runs.csv and stored runs as they were; once the holder is
// killed with SIGKILL the same command replaces the study.
func TestSweep_LockedFolderForcedInProcess(t *testing.T) {
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("no flock(1)")
	}
	dir := t.TempDir()
	first := writeSpecIn(t, dir, "first.yaml", okSpec)
	other := writeSpecIn(t, dir, "other.yaml", strings.Replace(okSpec, "weight: [0.01, 0.1]", "weight: [0.5]", 1))
	out := filepath.Join(dir, "o")
	if code, _, errb := run(t, "sweep", first, "--out", out, "-q"); code != 0 {
		t.Fatalf("first sweep: exit %d\n%s", code, errb)
	}
	files := map[string][]byte{}
	for _, f := range []string{study.SpecFile, study.RunsFile} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
	}
	stored, _ := filepath.Glob(filepath.Join(out, "runs", "*"))

	lock := filepath.Join(out, study.LockFile)
	holder := exec.Command("flock", "-o", "-s", lock, "cat")
	in, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); holder.Process.Kill(); holder.Wait() })
	held := func() bool { return exec.Command("flock", "-n", "-x", lock, "true").Run() != nil }
	for i := 0; !held(); i++ {
		if i == 500 {
			t.Fatal("flock -s never took the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}

	code, _, errb := run(t, "sweep", other, "--out", out, "--force", "-q")
	if code != 2 || !strings.Contains(errb, "is in use by another lossexp") {
		t.Fatalf("forced sweep into a locked folder: exit %d, want 2 saying the folder is in use:\n%s", code, errb)
	}
	for f, b := range files {
		if got, err := os.ReadFile(filepath.Join(out, f)); err != nil || string(got) != string(b) {
			t.Errorf("the refused sweep changed %s (%v)", f, err)
		}
	}
	if now, _ := filepath.Glob(filepath.Join(out, "runs", "*")); len(now) != len(stored) {
		t.Errorf("the refused sweep changed the store: %d entries, %d before", len(now), len(stored))
	}

	holder.Process.Kill() // SIGKILL: the kernel drops the lock (once flock's child exits too)
	holder.Wait()
	for i := 0; held(); i++ {
		if i == 500 {
			t.Fatal("the lock stayed held 5 s after its holder was killed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, _, errb := run(t, "sweep", other, "--out", out, "--force", "-q"); code != 0 {
		t.Fatalf("forced sweep after the holder was killed: exit %d\n%s", code, errb)
	}
	if b, _ := os.ReadFile(filepath.Join(out, study.SpecFile)); !strings.Contains(string(b), "weight: [0.5]") {
		t.Errorf("the forced sweep did not replace the study:\n%s", b)
	}
}
