package sweep

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/spec"
)

const tinySpec = `
name: tiny
seed: 3
repeats: 3
dataset:
  builtin: moons
  params: {samples: 120, noise: 0.3}
model: {kind: mlp, hidden: [8], activation: tanh}
train: {optimizer: adam, learning_rate: 0.02, epochs: 8, batch_size: 16}
loss:
  terms:
    - kind: l2
      weight: [0.001, 0.1]
    - kind: l1
      weight: {linspace: {from: 0.001, to: 0.01, num: 2}}
`

func mustSpec(t *testing.T, src string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse(strings.NewReader(src), "tiny.yaml")
	if err != nil {
		t.Fatalf("parse spec: %v", err)
	}
	return s
}

// collect gathers the results Run saves (from several workers at once)
// and returns them in index order.
type collect struct {
	mu  sync.Mutex
	got []experiments.Result
}

func (c *collect) save(r *experiments.Result) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, *r)
	return nil
}

func (c *collect) sorted() []experiments.Result {
	slices.SortFunc(c.got, func(a, b experiments.Result) int { return a.Index - b.Index })
	return c.got
}

func runSweep(t *testing.T, s *spec.Spec, workers int) []experiments.Result {
	t.Helper()
	data, err := experiments.OpenData(s, experiments.Folders{})
	if err != nil {
		t.Fatal(err)
	}
	ps, _, err := Expand(s)
	plans := PlanSlice(ps.Collect())
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	n, err := Run(context.Background(), s, data, plans, Options{Workers: workers, Save: c.save})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.got) != len(plans) || n != len(plans) {
		t.Fatalf("got %d results (Run says %d), want %d", len(c.got), n, len(plans))
	}
	return c.sorted()
}

func TestExpand_Order(t *testing.T) {
	s := mustSpec(t, tinySpec)
	ps, grid, err := Expand(s)
	plans := ps.Collect()
	if err != nil {
		t.Fatal(err)
	}
	// l2 ∈ {0, 0.001, 0.1}, l1 ∈ {0, 0.001, 0.01}: 9 points × 3 repeats.
	if len(grid) != 9 || len(plans) != 27 {
		t.Fatalf("grid %d points, %d plans; want 9 and 27", len(grid), len(plans))
	}
	for i, p := range plans {
		if p.Index != i || p.Point != i/3 || p.Repeat != i%3 {
			t.Fatalf("plan %d = %+v: want point-major order", i, p)
		}
	}
}

// TestRun_WorkerCountInvariance is the determinism promise: the results a
// sink receives are bit-identical for 1 and 8 workers.
func TestRun_WorkerCountInvariance(t *testing.T) {
	s := mustSpec(t, tinySpec)
	one := runSweep(t, s, 1)
	eight := runSweep(t, s, 8)
	for i := range one {
		a, b := one[i], eight[i]
		if a.Index != i || b.Index != i || a.RunID != b.RunID || a.Status != b.Status {
			t.Fatalf("run %d: %s/%s vs %s/%s", i, a.RunID, a.Status, b.RunID, b.Status)
		}
		for j := range a.Metrics {
			// Bit identity is the point here, so compare bits.
			if math.Float64bits(a.Metrics[j]) != math.Float64bits(b.Metrics[j]) {
				t.Fatalf("run %d metric %d: %v (1 worker) != %v (8 workers)", i, j, a.Metrics[j], b.Metrics[j])
			}
		}
		for e := range a.Curves {
			for j := range a.Curves[e] {
				if math.Float64bits(a.Curves[e][j]) != math.Float64bits(b.Curves[e][j]) {
					t.Fatalf("run %d curve epoch %d col %d differs", i, e, j)
				}
			}
		}
	}
}

// TestRun_Paired checks common random numbers: at λ = 0 for every term the
// result of repeat r does not depend on which grid point carries it, and
// different repeats differ.
func TestRun_Paired(t *testing.T) {
	s := mustSpec(t, tinySpec)
	res := runSweep(t, s, 2)
	// Point 0 is (l2=0, l1=0).
	if res[0].Metrics[0] == res[1].Metrics[0] && res[1].Metrics[0] == res[2].Metrics[0] {
		t.Errorf("three repeats gave identical train accuracy %v: repeats are not independent", res[0].Metrics[0])
	}
	again := runSweep(t, s, 1)
	for i := range res {
		if math.Float64bits(res[i].Metrics[1]) != math.Float64bits(again[i].Metrics[1]) {
			t.Fatalf("run %d not reproducible", i)
		}
	}
}

func TestRun_Diverged(t *testing.T) {
	s := mustSpec(t, `
name: boom
repeats: 1
dataset: {builtin: regression, params: {samples: 60}}
model: {kind: linear}
train: {optimizer: sgd, learning_rate: 1e6, epochs: 30, batch_size: 10}
loss:
  task: mse
  terms:
    - kind: l2
      weight: [0.1]
`)
	res := runSweep(t, s, 2)
	for _, r := range res {
		if r.Status != experiments.StatusDiverged || r.Reason == "" {
			t.Errorf("run %s: status %q reason %q; want diverged with a reason", r.RunID, r.Status, r.Reason)
		}
	}
}

func TestRun_Cancel(t *testing.T) {
	s := mustSpec(t, tinySpec)
	s.Train.Epochs = 500
	data, err := experiments.OpenData(s, experiments.Folders{})
	if err != nil {
		t.Fatal(err)
	}
	ps, _, _ := Expand(s)
	plans := PlanSlice(ps.Collect())
	ctx, cancel := context.WithCancel(context.Background())
	var c collect
	done := 0
	_, err = Run(ctx, s, data, plans, Options{Workers: 2, Save: c.save, Progress: func(d, total int, r *experiments.Result) {
		done = d
		if d == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if done >= len(plans) {
		t.Fatalf("all %d runs finished despite cancel", done)
	}
	if len(c.got) >= len(plans) {
		t.Fatalf("%d runs saved despite cancel", len(c.got))
	}
}

// TestRun_SaveError: a failed save stops the sweep with the save's error,
// naming the run.
func TestRun_SaveError(t *testing.T) {
	s := mustSpec(t, tinySpec)
	data, _ := experiments.OpenData(s, experiments.Folders{})
	ps, _, _ := Expand(s)
	plans := PlanSlice(ps.Collect())
	var mu sync.Mutex
	n := 0
	save := func(*experiments.Result) error {
		mu.Lock()
		defer mu.Unlock()
		n++
		if n == 3 {
			return errors.New("disk full")
		}
		return nil
	}
	_, err := Run(context.Background(), s, data, plans, Options{Workers: 2, Save: save})
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "store run ") {
		t.Fatalf("err = %v, want the save's error naming the run", err)
	}
}
