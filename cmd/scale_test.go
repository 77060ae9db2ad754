package cmd

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// scaleSpec is the trivial trainer: a linear model on 100 rows of
// moons for 2 epochs, 100 repeats × %d λ values (λ = 0 and %d more).
const scaleSpec = `name: scale
seed: 1
repeats: 100
dataset:
  builtin: moons
  params: {samples: 100, noise: 0.3}
model: {kind: linear}
train: {optimizer: sgd, learning_rate: 0.1, epochs: 2, batch_size: 0}
loss:
  terms:
    - kind: l2
      weight: {logspace: {from: 1e-6, to: 1, num: %d}}
report:
  metrics: [test.accuracy]
`

// scaleStep is one measured command.
type scaleStep struct {
	name    string
	seconds float64 // wall
	cpu     float64 // user + system seconds
	rssMB   float64
}

// runScale sweeps runs (a multiple of 100) with bin into a fresh folder,
// then resumes it (nothing to train), merges it and re-renders its
// report, each a process of its own whose peak RSS the kernel reports;
// it returns the steps and the store's size in bytes.
func runScale(t *testing.T, bin string, runs int) ([]scaleStep, int64, string) {
	t.Helper()
	dir := t.TempDir()
	spec := filepath.Join(dir, "scale.yaml")
	os.WriteFile(spec, fmt.Appendf(nil, scaleSpec, runs/100-1), 0o644)
	out := filepath.Join(dir, "out")
	var steps []scaleStep
	var tables string
	for _, st := range []struct {
		name string
		args []string
	}{
		{"sweep", []string{"sweep", spec, "--out", out, "--workers", "2", "-q"}},
		{"resume", []string{"sweep", spec, "--out", out, "--workers", "2"}},
		{"merge", []string{"merge", out}},
		{"report", []string{"report", out}},
	} {
		c := exec.Command(bin, st.args...)
		// lossexp refuses LOSSEXP_* variables it does not read: not ours.
		c.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "LOSSEXP_SCALE=") })
		start := time.Now()
		b, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%s of %d runs: %v\n%s", st.name, runs, err, b)
		}
		if st.name == "resume" && !strings.Contains(string(b), fmt.Sprintf("resuming: %d of %d runs", runs, runs)) {
			t.Errorf("resume of %d runs trained some:\n%s", runs, b)
		}
		ru := c.ProcessState.SysUsage().(*syscall.Rusage)
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
		steps = append(steps, scaleStep{st.name, time.Since(start).Seconds(), cpu, float64(ru.Maxrss) / 1024}) // Linux: KiB
		// A hash of the tables, read as a stream: this process must stay
		// small, since Linux counts the resident memory of the parent at
		// the fork in the child's peak (ru_maxrss survives exec).
		h := sha256.New()
		for _, f := range []string{"runs.csv", "summary.csv", "curves.csv", "balance.csv", "paired.csv"} {
			fh, err := os.Open(filepath.Join(out, f))
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(h, fh)
			fh.Close()
		}
		sum := hex.EncodeToString(h.Sum(nil))
		if tables != "" && sum != tables {
			t.Errorf("%d runs: the tables after %s differ from the sweep's", runs, st.name)
		}
		tables = sum
	}
	var size int64
	filepath.Walk(filepath.Join(out, "runs"), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			size += fi.Size()
		}
		return nil
	})
	return steps, size, out
}

// TestSweep_TenThousandRuns is the scale test at a size CI
// affords: 10,000 runs swept, resumed, merged and reported, each process
// under 200 MB of peak RSS, the store under 1 KB a run (curves included),
// the tables the same bytes after each step.
func TestSweep_TenThousandRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps 10,000 runs")
	}
	steps, size, _ := runScale(t, buildBinary(t), 10000)
	for _, s := range steps {
		t.Logf("10,000 runs, %-6s: %5.1f s (%.1f s CPU), peak RSS %.0f MB", s.name, s.seconds, s.cpu, s.rssMB)
		if s.rssMB > 200 {
			t.Errorf("%s: peak RSS %.0f MB, want under 200 MB", s.name, s.rssMB)
		}
	}
	if per := size / 10000; per >= 1024 {
		t.Errorf("store %d bytes a run, want under 1 KB", per)
	} else {
		t.Logf("store %d bytes a run", per)
	}
}

// TestSweep_Scale measures sweeps of the sizes in LOSSEXP_SCALE (runs,
// comma-separated, multiples of 100), e.g.
//
//	LOSSEXP_SCALE=10000,100000,1000000 go test -run TestSweep_Scale -v -timeout 0 ./cmd/
//
// and prints the README's table: seconds, runs/s and peak RSS of the
// sweep, the resume, the merge and the report, and the store's size.
func TestSweep_Scale(t *testing.T) {
	sizes := os.Getenv("LOSSEXP_SCALE")
	if sizes == "" {
		t.Skip("set LOSSEXP_SCALE=10000,100000,1000000 to measure")
	}
	bin := buildBinary(t)
	for _, f := range strings.Split(sizes, ",") {
		runs, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || runs < 100 || runs%100 != 0 {
			t.Fatalf("LOSSEXP_SCALE: %q is not a multiple of 100", f)
		}
		steps, size, _ := runScale(t, bin, runs)
		line := fmt.Sprintf("| %d |", runs)
		for _, s := range steps {
			line += fmt.Sprintf(" %.0f MB, %.0f s (%.0f s CPU) |", s.rssMB, s.seconds, s.cpu)
		}
		line += fmt.Sprintf(" %.0f runs/s | %.0f MB (%d B/run) |", float64(runs)/steps[0].seconds, float64(size)/1e6, size/int64(runs))
		t.Log(line)
	}
}
