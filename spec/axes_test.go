package spec

import (
	"slices"
	"strings"
	"testing"
)

// TestSpec_AxisPoints checks the product order (last axis fastest), the
// value formatting of runs.csv and the effective specs.
func TestSpec_AxisPoints(t *testing.T) {
	s := mustParse(t, `name: q
dataset: {builtin: moons, params: {samples: 50, noise: 0.2}}
sweep:
  axes:
    dataset.params.samples: [100, 300]
    model.hidden: [16, [64, 32]]
    train.learning_rate: [0.001]
loss:
  terms:
    - {kind: l2, weight: [0.1]}
`)
	pts := s.AxisPoints()
	var got []string
	for _, p := range pts {
		var parts []string
		for _, v := range p {
			parts = append(parts, v.String())
		}
		got = append(got, strings.Join(parts, ","))
	}
	want := []string{"100,16,0.001", "100,64x32,0.001", "300,16,0.001", "300,64x32,0.001"}
	if !slices.Equal(got, want) {
		t.Fatalf("axis points %v, want %v", got, want)
	}
	if n := s.AxisNames(); !slices.Equal(n, []string{"dataset.params.samples", "model.hidden", "train.learning_rate"}) {
		t.Errorf("axis names %v", n)
	}
	e := s.WithAxes(pts[3])
	if e.Dataset.Params["samples"] != 300 || e.Dataset.Params["noise"] != 0.2 || !slices.Equal(e.Model.Hidden, []int{64, 32}) ||
		e.Train.LearningRate != 0.001 || len(e.Sweep.Axes) != 0 {
		t.Errorf("effective spec: params %v hidden %v lr %g axes %v", e.Dataset.Params, e.Model.Hidden, e.Train.LearningRate, e.Sweep.Axes)
	}
	if s.Dataset.Params["samples"] != 50 || !slices.Equal(s.Model.Hidden, []int{32}) {
		t.Errorf("WithAxes modified the spec: %v %v", s.Dataset.Params, s.Model.Hidden)
	}
	// The effective spec's run base is that of a spec that says the
	// values outright: the run ids are shared.
	direct := mustParse(t, `name: other
dataset: {builtin: moons, params: {samples: 300, noise: 0.2}}
model: {hidden: [64, 32]}
train: {learning_rate: 0.001}
loss:
  terms:
    - {kind: l2, weight: [0.1]}
`)
	if e.RunBase("x") != direct.RunBase("x") {
		t.Error("the effective spec's run base differs from the direct spec's")
	}
	if s.RunBase("x") == e.RunBase("x") {
		t.Error("axis values do not change the run base")
	}
}

// TestSpec_SimplexGrid checks mode simplex against hand-enumerated points.
func TestSpec_SimplexGrid(t *testing.T) {
	s := mustParse(t, `name: q
dataset: {builtin: moons}
sweep: {mode: simplex, total: 2, points: 2}
loss:
  terms:
    - {kind: l2, weight: simplex}
    - {kind: l1, weight: 0.5}
    - {kind: l1, name: l1b, weight: simplex}
`)
	g, err := s.Grid()
	if err != nil {
		t.Fatal(err)
	}
	// c = (0,2), (1,1), (2,0) for (l2, l1b); λ = 2·c/2; l1 fixed at 0.5.
	want := [][]float64{{0, 0.5, 2}, {1, 0.5, 1}, {2, 0.5, 0}}
	if len(g) != len(want) {
		t.Fatalf("grid %v, want %v", g, want)
	}
	for i := range want {
		if !slices.Equal(g[i], want[i]) { // exact: c·total/N of small integers
			t.Errorf("point %d = %v, want %v", i, g[i], want[i])
		}
	}
	// Three terms, step 0.25 on total 1: C(4+2, 2) = 15 points summing to 1.
	s3 := mustParse(t, `name: q
dataset: {builtin: moons}
sweep: {mode: simplex, step: 0.25}
loss:
  terms:
    - {kind: l2, weight: simplex}
    - {kind: l1, weight: simplex}
    - {kind: l1, name: l1b, weight: simplex}
`)
	g3, err := s3.Grid()
	if err != nil {
		t.Fatal(err)
	}
	if len(g3) != 15 {
		t.Fatalf("%d points, want 15", len(g3))
	}
	for _, p := range g3 {
		if sum := p[0] + p[1] + p[2]; sum < 1-1e-12 || sum > 1+1e-12 {
			t.Errorf("point %v sums to %g", p, sum)
		}
	}
	if !slices.Equal(g3[0], []float64{0, 0, 1}) || !slices.Equal(g3[14], []float64{1, 0, 0}) {
		t.Errorf("first %v last %v", g3[0], g3[14])
	}
	if v := s3.Loss.Terms[1].Weight.Values; !slices.Equal(v, []float64{0, 0.25, 0.5, 0.75, 1}) {
		t.Errorf("simplex values %v", v)
	}
}
