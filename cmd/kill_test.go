package cmd

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lossexp/lossexp/sweep"
)

// killSpec is sized so that a sweep on one worker takes a few seconds:
// long enough to be killed part way.
const killSpec = `name: kill
seed: 5
repeats: 4
dataset:
  builtin: moons
  params: {samples: 160, noise: 0.3}
model: {kind: mlp, hidden: [16], activation: tanh}
train: {optimizer: adam, learning_rate: 0.02, epochs: 30, batch_size: 16}
loss:
  terms:
    - kind: l2
      weight: {logspace: {from: 1e-4, to: 1, num: 9}}
report:
  metrics: [test.accuracy, weight_l2]
`

// buildBinary returns the lossexp binary, built once per test process
// (builtBinary).
func buildBinary(t *testing.T) string {
	t.Helper()
	bin, err := builtBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestSweep_KillResume starts a real sweep process, kills it with SIGKILL
// once some runs are stored, resumes it, and compares runs.csv,
// summary.csv and curves.csv with those of an uninterrupted sweep: they
// must be the same bytes.
func TestSweep_KillResume(t *testing.T) {
	bin := buildBinary(t)
	spec := writeSpec(t, killSpec)
	dir := t.TempDir()
	full, killed := filepath.Join(dir, "full"), filepath.Join(dir, "killed")

	if out, err := exec.Command(bin, "sweep", spec, "--out", full, "--workers", "2", "-q").CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted sweep: %v\n%s", err, out)
	}

	var stderr bytes.Buffer
	c := exec.Command(bin, "sweep", spec, "--out", killed, "--workers", "1", "-q")
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(killed, "runs")
	deadline := time.Now().Add(20 * time.Second)
	stored := 0
	for time.Now().Before(deadline) {
		if stored = sweep.CountRecords(store); stored >= 6 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := c.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := c.Wait()
	if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the sweep was not killed part way (err %v, %d runs stored); stderr:\n%s", err, stored, stderr.String())
	}
	files := make([]struct{}, sweep.CountRecords(store))
	if len(files) == 0 || len(files) >= 40 {
		t.Fatalf("%d runs stored at the kill, want some but not all 40", len(files))
	}
	if _, err := os.Stat(filepath.Join(killed, "runs.csv")); err == nil {
		t.Fatal("runs.csv exists after a kill before the end: the tables must only appear whole")
	}

	out, err := exec.Command(bin, "sweep", spec, "--out", killed, "--workers", "2").CombinedOutput()
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	// Every record present at the kill is whole (saves are atomic) and is
	// reused: the resume trains exactly the missing runs.
	if want := fmt.Sprintf("resuming: %d of 40 runs already in %s, %d to train", len(files), store, 40-len(files)); !strings.Contains(string(out), want) {
		t.Errorf("resume did not reuse every stored run; want %q in:\n%s", want, out)
	}
	t.Logf("killed with %d of 40 runs stored; resumed:\n%s", len(files), out)
	for _, f := range []string{"runs.csv", "summary.csv", "curves.csv"} {
		a, err := os.ReadFile(filepath.Join(full, f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(killed, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the uninterrupted and the killed-and-resumed sweep", f)
		}
	}
	if tmps, _ := filepath.Glob(filepath.Join(store, ".*tmp*")); len(tmps) > 0 {
		t.Errorf("temporary files left in the store: %v", tmps)
	}
}

// TestSweep_InterruptExit130: Ctrl-C (a cancelled context) stops the
// sweep, keeps and tabulates what finished, prints how to resume and
// exits 130; the resumed sweep completes with the bytes of an
// uninterrupted one.
func TestSweep_InterruptExit130(t *testing.T) {
	bin := buildBinary(t)
	spec := writeSpec(t, killSpec)
	out := filepath.Join(t.TempDir(), "o")
	var stderr bytes.Buffer
	c := exec.Command(bin, "sweep", spec, "--out", out, "--workers", "1", "-q")
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if sweep.CountRecords(filepath.Join(out, "runs")) >= 3 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.Process.Signal(os.Interrupt)
	c.Wait()
	if code := c.ProcessState.ExitCode(); code != ExitInterrupt {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitInterrupt, stderr.String())
	}
	msg := stderr.String()
	for _, want := range []string{"interrupted: ", "resume with: lossexp sweep " + spec + " --out " + out} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr lacks %q:\n%s", want, msg)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatalf("no runs.csv after Ctrl-C: %v", err)
	}
	if n := bytes.Count(b, []byte("\n")) - 1; n < 3 || n >= 40 {
		t.Errorf("runs.csv has %d runs after Ctrl-C, want the finished ones", n)
	}
	if _, err := os.Stat(filepath.Join(out, "summary.csv")); err != nil {
		t.Errorf("no summary.csv after Ctrl-C: %v", err)
	}
}
