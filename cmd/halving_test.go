package cmd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lossexp/lossexp/sweep"
)

// halvingKillSpec has 8 grid points, 3 repeats and rungs 3, 9, 27 epochs:
// rung 3 alone is 21 runs (λ = 0 trains at the full budget only), slow
// enough to be killed part way.
const halvingKillSpec = `name: halvingkill
seed: 3
repeats: 3
dataset: {builtin: moons, params: {samples: 2000, noise: 0.25}}
model: {kind: mlp, hidden: [32], activation: tanh}
train: {optimizer: adam, learning_rate: 0.02, epochs: 27, batch_size: 8}
loss:
  terms:
    - kind: l2
      weight: [0, 0.001, 0.01, 0.1, 1, 3, 10, 30]
sweep:
  halving: {min_epochs: 3, eta: 3}
report:
  metrics: [test.accuracy]
`

// TestHalving_Kill9Resume: a real kill -9 of a halving sweep in its first
// rung, then a resume: the resumed sweep makes the same decisions as an
// uninterrupted one (runs.csv and summary.csv the same bytes, the same
// points pruned) and prints what halving spent.
func TestHalving_Kill9Resume(t *testing.T) {
	bin := buildBinary(t)
	spec := writeSpec(t, halvingKillSpec)
	dir := t.TempDir()
	full, killed := filepath.Join(dir, "full"), filepath.Join(dir, "killed")
	b, err := exec.Command(bin, "sweep", spec, "--out", full, "--workers", "2").CombinedOutput()
	if err != nil {
		t.Fatalf("uninterrupted sweep: %v\n%s", err, b)
	}
	if !strings.Contains(string(b), "halving: ") || !strings.Contains(string(b), " epochs (") {
		t.Errorf("no halving line in the sweep's output:\n%s", b)
	}
	c := exec.Command(bin, "sweep", spec, "--out", killed, "--workers", "1", "-q")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(killed, "runs")
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && sweep.CountRecords(store) < 4; {
		time.Sleep(2 * time.Millisecond)
	}
	if err := c.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the sweep was not killed part way: %v; stderr:\n%s", c.ProcessState, stderr.String())
	}
	if n := sweep.CountRecords(store); n == 0 || n >= 21 {
		t.Fatalf("%d runs stored at the kill, want some of the first rung's 21", n)
	}
	if b, err := exec.Command(bin, "sweep", spec, "--out", killed, "--workers", "2").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, b)
	}
	for _, f := range []string{"runs.csv", "summary.csv", "balance.csv"} {
		a, err := os.ReadFile(filepath.Join(full, f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(killed, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the uninterrupted and the killed-and-resumed halving sweep", f)
		}
		if f == "runs.csv" && !bytes.Contains(a, []byte(",pruned,")) {
			t.Errorf("runs.csv has no pruned run")
		}
	}
}

// TestHalving_ShardRefused: --shard with sweep.halving is refused before
// any work, exit 2, with the reason; so is an export (its jobs are shards).
func TestHalving_ShardRefused(t *testing.T) {
	spec := writeSpec(t, halvingKillSpec)
	out := filepath.Join(t.TempDir(), "o")
	code, _, stderr := run(t, "sweep", spec, "--shard", "1/2", "--out", out)
	if code != 2 || !strings.Contains(stderr, "--shard cannot be used with sweep.halving") || !strings.Contains(stderr, "a rung needs every shard's previous rung") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "runs")); err == nil {
		t.Error("the refused shard made a run store")
	}
	code, _, stderr = run(t, "export", "slurm", spec, "--out", "-")
	if code != 2 || !strings.Contains(stderr, "sweep.halving: an exported job runs the sweep as shards") {
		t.Errorf("export: exit %d, stderr %q", code, stderr)
	}
}

// TestHalving_Validate: validate shows the rungs of a halving spec.
func TestHalving_Validate(t *testing.T) {
	code, stdout, stderr := run(t, "validate", writeSpec(t, halvingKillSpec))
	if code != 0 || !strings.Contains(stdout+stderr, "halving:  rungs of 3, 9, 27 epochs (eta 3, keep_se 1; docs/halving.md)") {
		t.Errorf("exit %d, output:\n%s%s", code, stdout, stderr)
	}
}
