package study

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/spec"
)

const memSpec = `name: mem
seed: 1
repeats: 2
dataset: {csv: data.csv, target: y, categorical: [c], group: g}
model: {kind: mlp, hidden: [4]}
train: {optimizer: adam, epochs: 1, batch_size: 8}
loss:
  terms:
    - {kind: l2, weight: [0, 0.1]}
`

// TestEstimateMemory pins the estimate's factors on a shape worked by
// hand: 1000 rows of 3 numeric features, one categorical feature of 2
// levels, a class and a group; 2 repeats, 2 workers, mlp [4].
func TestEstimateMemory(t *testing.T) {
	s, err := spec.Parse(strings.NewReader(memSpec), "mem.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sh := &dataset.CSVShape{Rows: 1000, Numeric: 3, Categorical: 1, Levels: 2, Targets: 1, Group: true, Classification: true}
	got := EstimateMemory(s, sh, nil, 2)
	// table row: 8·3 numeric + 20·1 categorical (index and string) + 8
	// label + 4 class index + 12 group = 68 bytes; split row: 8·(3+2)
	// features + 8 target + 8 group + 24 Prepare's indices = 80 bytes.
	// A run: sizes 5 → 4 → 1, 29 parameters, batch 8 < 512 evaluation
	// rows: 8·(5·29 + 3·512·5 + 1000·1) = 70600 bytes.
	const perRun = 70600.0
	validate := 1000 * (68.0 + 80)                  // the table and repeat 0's splits
	sweep := 1000*(68.0+2*80) + 2*perRun            // the table, 2 repeats' splits, 2 runs
	wantV := math.Ceil(1.3*validate) + 24<<20       // heapSlack, processBytes
	wantS := math.Ceil(1.3*sweep) + 24<<20 + 24<<20 // and reportBytes
	if got.PerRun != perRun || got.Validate != wantV || got.Sweep != wantS || got.Workers != 2 {
		t.Errorf("estimate %+v, want per run %v, validate %v, sweep %v", got, perRun, wantV, wantS)
	}
	// A test file adds its rows; loading holds both tables and their
	// concatenation, more than the table and a split here only with
	// wide categorical text.
	two := EstimateMemory(s, sh, &dataset.CSVShape{Rows: 500}, 2)
	if want := math.Ceil(1.3*1500*(68.0+80)) + 24<<20; two.Validate != want {
		t.Errorf("with a test file of 500 rows: validate %v, want %v", two.Validate, want)
	}
	img := EstimateMemory(s, &dataset.CSVShape{Rows: 1000, Numeric: 4, Targets: 4, Image: true}, nil, 1)
	// The table (clean and degraded images, 16·4 + 8 label) and the
	// splits (the same, + 24 indices) outweigh the load (pixels read,
	// clean and degraded images: 24·4 + 12).
	if want := math.Ceil(1.3*1000*((16*4+8)+(16*4+8+24))) + 24<<20; img.Validate != want {
		t.Errorf("image: validate %v, want %v", img.Validate, want)
	}
}

// writeMemStudy writes memSpec and a CSV of rows data rows (each 21
// bytes) into a new folder; a row after the first SniffBytes holds text
// in a numeric column, which only a load reads.
func writeMemStudy(t *testing.T, rows int) string {
	t.Helper()
	dir := t.TempDir()
	var b bytes.Buffer
	b.WriteString("x1,x2,x3,c,g,y\n")
	for i := range rows {
		x := fmt.Sprintf("%04d", i%10000)
		if b.Len() > 2*dataset.SniffBytes && b.Len() < 2*dataset.SniffBytes+30 {
			x = "oops"
		}
		fmt.Fprintf(&b, "%s,0.25,1.50,%c,%c,%d\n", x, "uv"[i%2], "FM"[i/2%2], i/3%2)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.csv"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "mem.yaml")
	if err := os.WriteFile(p, []byte(memSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlan_MemoryRefusedBeforeReading: --max-memory refuses a CSV study
// from the file's size and first rows, before the rest is read (the text
// 2 MiB in is never seen), at the boundary: a limit equal to the estimate
// passes the check, one byte less refuses.
func TestPlan_MemoryRefusedBeforeReading(t *testing.T) {
	p, text, s, est := memStudy(t, 200_000)
	// The rows are judged from the first MiB: 200000 rows of 21 bytes.
	st, _ := os.Stat(filepath.Join(filepath.Dir(p), "data.csv"))
	if got, want := est.Sweep, EstimateMemory(s, &dataset.CSVShape{Rows: float64(st.Size()-15) / 21, Numeric: 3, Categorical: 1, Levels: 2, Targets: 1, Group: true, Classification: true}, nil, 2).Sweep; math.Abs(got-want) > 1e-9*want {
		t.Errorf("estimate %v, want %v", got, want)
	}
	limit := int64(est.Sweep)
	if float64(limit) != est.Sweep {
		t.Fatalf("the estimate %v is not in whole bytes", est.Sweep)
	}
	if _, _, err := checkDataMemory(s, experiments.Folders{}, Limits{Workers: 2, MaxMemory: limit}, nil); err != nil {
		t.Errorf("limit equal to the estimate: %v", err)
	}
	if _, _, err := checkDataMemory(s, experiments.Folders{}, Limits{Workers: 2, MaxMemory: limit - 1}, nil); err == nil {
		t.Errorf("limit one byte under the estimate passed")
	}
	_, err := Plan(t.Context(), text, p, experiments.Folders{}, Limits{Workers: 2, MaxMemory: limit - 1})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "more than the limit") || !strings.Contains(err.Error(), "dataset.csv") {
		t.Fatalf("plan under the limit: %v, want an input error naming dataset.csv and the limit", err)
	}
	// The load itself, allowed, reads the text the estimate never saw.
	if _, err := Plan(t.Context(), text, p, experiments.Folders{}, Limits{Workers: 2, MaxMemory: limit}); err == nil || !strings.Contains(err.Error(), `"oops"`) {
		t.Errorf("plan at the limit: %v, want the load's error about \"oops\"", err)
	}
}

// TestMemAvailable: the default limit is judged from MemAvailable (what
// the machine can give now), not MemTotal.
func TestMemAvailable(t *testing.T) {
	text := "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   16000000 kB\n"
	if got := memAvailable(strings.NewReader(text)); got != 16000000<<10 {
		t.Errorf("memAvailable = %d, want %d", got, int64(16000000)<<10)
	}
	if got := memAvailable(strings.NewReader("MemTotal: 1 kB\n")); got != 0 {
		t.Errorf("without MemAvailable: %d, want 0", got)
	}
}

// TestBoundHeap: the runtime's soft memory limit is the estimate (less
// the code pages) while a plan or sweep runs, and what it was after; a
// small data estimate, or a lower one while a higher is set, changes
// nothing.
func TestBoundHeap(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	restore := boundHeap(1<<30, processBytes)
	if got := debug.SetMemoryLimit(-1); got != 1<<30-codeBytes {
		t.Errorf("limit %d, want %d", got, 1<<30-codeBytes)
	}
	inner := boundHeap(512<<20, processBytes) // a refinement round planned inside a sweep
	if got := debug.SetMemoryLimit(-1); got != 1<<30-codeBytes {
		t.Errorf("a lower estimate inside: limit %d, want %d kept", got, 1<<30-codeBytes)
	}
	inner()
	restore()
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("after: limit %d, want %d", got, prev)
	}
	boundHeap(processBytes+8<<20, processBytes)()
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("small data: limit %d, want %d untouched", got, prev)
	}
}
