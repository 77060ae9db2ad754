package cmd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// memSpec is a tiny model whose grid has points×4 runs.
const memSpec = `name: mem
seed: 1
repeats: 4
dataset:
  builtin: moons
  params: {samples: 40, noise: 0.3}
model: {kind: linear}
train: {optimizer: sgd, learning_rate: 0.1, epochs: 2, batch_size: 0}
loss:
  terms:
    - kind: l2
      weight: {logspace: {from: 1e-6, to: 1, num: %d}}
report:
  metrics: [test.accuracy]
`

// TestSweep_PeakMemory measures the peak resident memory of real sweep
// processes (fresh, then resumed from the full store), from the kernel's
// rusage. In CI (go test without -short) it sweeps 400 and 1,600 runs of
// a tiny model: memory must stay flat in the number of runs (2,000 runs
// within 25 MB of 400) and under the bound of 200 MB. With
// LOSSEXP_MEMTEST=1 it measures the README's sizes, 1,000 and 10,000
// runs (about 30 s):
//
//	LOSSEXP_MEMTEST=1 go test -run TestSweep_PeakMemory -v ./cmd/
func TestSweep_PeakMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps 4,000 tiny runs in child processes (about 10 s)")
	}
	sizes := []int{400, 1600}
	if os.Getenv("LOSSEXP_MEMTEST") != "" {
		sizes = []int{1000, 10000}
	}
	bin := buildBinary(t)
	peak := map[int]float64{}
	for _, runs := range sizes {
		spec := filepath.Join(t.TempDir(), "mem.yaml")
		os.WriteFile(spec, fmt.Appendf(nil, memSpec, runs/4-1), 0o644)
		out := filepath.Join(t.TempDir(), "out")
		for _, pass := range []string{"fresh", "resumed"} {
			c := exec.Command(bin, "sweep", spec, "--out", out, "--workers", "2", "-q")
			if b, err := c.CombinedOutput(); err != nil {
				t.Fatalf("%d runs: %v\n%s", runs, err, b)
			}
			ru := c.ProcessState.SysUsage().(*syscall.Rusage)
			mb := float64(ru.Maxrss) / 1024 // Linux reports KiB
			t.Logf("%5d runs, %-7s: peak RSS %.0f MB", runs, pass, mb)
			peak[runs] = max(peak[runs], mb)
			if mb > 200 {
				t.Errorf("%d runs (%s): peak RSS %.0f MB, want under 200 MB", runs, pass, mb)
			}
		}
	}
	small, large := peak[sizes[0]], peak[sizes[1]]
	if large > small+25 {
		t.Errorf("peak RSS %.0f MB for %d runs, %.0f MB for %d: memory grows with the number of runs", large, sizes[1], small, sizes[0])
	}
}
