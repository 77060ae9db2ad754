package sweep

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/lossexp/lossexp/experiments"
)

const axesSpec = `
name: axes
seed: 3
repeats: 2
dataset:
  builtin: moons
  params: {samples: 80, noise: 0.3}
model: {kind: mlp, hidden: [8], activation: tanh}
train: {optimizer: adam, learning_rate: 0.02, epochs: 5, batch_size: 16}
loss:
  terms:
    - kind: l2
      weight: [0.01]
      scale: initial_grad
sweep:
  axes:
    dataset.params.samples: [60, 120]
    model.hidden: [4, [8, 8]]
`

// TestExpand_Axes checks the fixed order (axis points outermost, λ points,
// repeats innermost), the formatted axis values and the effective specs.
func TestExpand_Axes(t *testing.T) {
	s := mustSpec(t, axesSpec)
	ps, grid, err := Expand(s)
	if err != nil {
		t.Fatal(err)
	}
	plans := ps.Collect()
	// 4 axis points × 2 λ points (0 and 0.01) × 2 repeats.
	if len(plans) != 16 || len(grid) != 8 {
		t.Fatalf("%d plans, %d points; want 16, 8", len(plans), len(grid))
	}
	want := []struct {
		axis   []string
		lambda float64
	}{
		{[]string{"60", "4"}, 0}, {[]string{"60", "4"}, 0.01}, {[]string{"60", "8x8"}, 0}, {[]string{"60", "8x8"}, 0.01},
		{[]string{"120", "4"}, 0}, {[]string{"120", "4"}, 0.01}, {[]string{"120", "8x8"}, 0}, {[]string{"120", "8x8"}, 0.01},
	}
	for i, p := range plans {
		w := want[i/2]
		if p.Index != i || p.Point != i/2 || p.Repeat != i%2 || p.Axis != i/4 || !slices.Equal(p.AxisValues, w.axis) || p.Lambdas[0] != w.lambda {
			t.Errorf("plan %d: index %d point %d repeat %d axis %d %v λ %v; want point %d repeat %d axis %v λ %v",
				i, p.Index, p.Point, p.Repeat, p.Axis, p.AxisValues, p.Lambdas, i/2, i%2, w.axis, w.lambda)
		}
	}
	if e := plans[15].Spec; e.Dataset.Params["samples"] != 120 || !slices.Equal(e.Model.Hidden, []int{8, 8}) {
		t.Errorf("effective spec of the last plan: %v %v", e.Dataset.Params, e.Model.Hidden)
	}

	// Ids: distinct across axis points, and those of a spec that writes
	// the axis point's values outright (no axes) for the same run.
	if err := ps.AttachData(t.Context(), experiments.Folders{}); err != nil {
		t.Fatal(err)
	}
	if err := ps.AssignIDs("unused"); err != nil {
		t.Fatal(err)
	}
	plans = ps.Collect()
	seen := map[string]bool{}
	for _, p := range plans {
		if seen[p.ID] {
			t.Errorf("id %s appears twice", p.ID)
		}
		seen[p.ID] = true
	}
	direct := mustSpec(t, `
name: direct
seed: 3
repeats: 2
dataset:
  builtin: moons
  params: {samples: 120, noise: 0.3}
model: {kind: mlp, hidden: [8, 8], activation: tanh}
train: {optimizer: adam, learning_rate: 0.02, epochs: 5, batch_size: 16}
loss:
  terms:
    - kind: l2
      weight: [0.01]
      scale: initial_grad
`)
	wantID, err := RunIDOf(direct, []float64{0.01}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := plans[15].ID; got != wantID {
		t.Errorf("id of samples=120, hidden=8x8, λ=0.01, repeat 1: %s, want the direct spec's %s", got, wantID)
	}
}

// TestRun_AxesDeterministic: with axes and a scaled term, results and
// effective λ are the same bytes on 1 and 3 workers, and each axis point
// trains its own data and model.
func TestRun_AxesDeterministic(t *testing.T) {
	s := mustSpec(t, axesSpec)
	run := func(workers int) ([]experiments.Result, []Plan) {
		data, err := experiments.OpenData(s, experiments.Folders{})
		if err != nil {
			t.Fatal(err)
		}
		ps, _, err := Expand(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := ps.AttachData(t.Context(), experiments.Folders{}); err != nil {
			t.Fatal(err)
		}
		if err := ps.AssignIDs(s.RunBase(data.Checksum())); err != nil {
			t.Fatal(err)
		}
		if err := ps.Scale(data); err != nil {
			t.Fatal(err)
		}
		plans := ps.Collect()
		var c collect
		if _, err := Run(context.Background(), s, data, PlanSlice(plans), Options{Workers: workers, Save: c.save}); err != nil {
			t.Fatal(err)
		}
		return c.sorted(), plans
	}
	a, pa := run(1)
	b, pb := run(3)
	for i := range a {
		for m := range a[i].Metrics {
			x, y := a[i].Metrics[m], b[i].Metrics[m]
			if x != y && !(math.IsNaN(x) && math.IsNaN(y)) { // bit-identity is the point
				t.Fatalf("run %d metric %d: %v on 1 worker, %v on 3", i, m, x, y)
			}
		}
		if !slices.Equal(pa[i].Effective, pb[i].Effective) || a[i].RunID != b[i].RunID {
			t.Fatalf("run %d: effective λ %v vs %v, id %s vs %s", i, pa[i].Effective, pb[i].Effective, a[i].RunID, b[i].RunID)
		}
	}
	// The two data sizes give different training sets: train.loss of the
	// λ = 0 runs of axis points 0 and 2 (same hidden, other samples) differ.
	if a[0].Metrics[1] == a[8].Metrics[1] {
		t.Error("samples = 60 and 120 trained alike")
	}
	// λ = 0 keeps an effective λ of 0; λ = 0.01 is scaled by a positive
	// factor that depends on the repeat.
	if pa[0].Effective[0] != 0 || !(pa[2].Effective[0] > 0) || pa[2].Effective[0] == pa[3].Effective[0] {
		t.Errorf("effective λ: %v %v %v", pa[0].Effective, pa[2].Effective, pa[3].Effective)
	}
}
