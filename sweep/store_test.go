package sweep

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/lossexp/lossexp/experiments"
)

// TestRun_SkipLongPrefix: with the first 20 of 27 runs skipped (and one
// more), Run trains exactly the others.
func TestRun_SkipLongPrefix(t *testing.T) {
	s := mustSpec(t, tinySpec)
	data, err := experiments.OpenData(s, experiments.Folders{})
	if err != nil {
		t.Fatal(err)
	}
	ps, _, _ := Expand(s)
	plans := PlanSlice(ps.Collect())
	var c collect
	skip := func(p Plan) bool { return p.Index < 20 || p.Index == 23 }
	if _, err := Run(context.Background(), s, data, plans, Options{Workers: 1, Skip: skip, Save: c.save}); err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, r := range c.sorted() {
		got = append(got, r.Index)
	}
	if want := []int{20, 21, 22, 24, 25, 26}; !reflect.DeepEqual(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
}

// TestRun_SaveAndResume: a sweep that saves every run and a second sweep
// that skips the stored ones give, read back from the store, the results
// of one uninterrupted sweep (bit for bit: equality is the point here).
func TestRun_SaveAndResume(t *testing.T) {
	s := mustSpec(t, tinySpec)
	data, err := experiments.OpenData(s, experiments.Folders{})
	if err != nil {
		t.Fatal(err)
	}
	ps, _, _ := Expand(s)
	base := s.RunBase(data.Checksum())
	if err := ps.AssignIDs(base); err != nil {
		t.Fatal(err)
	}
	plans := PlanSlice(ps.Collect())
	store, err := OpenStore(filepath.Join(t.TempDir(), StoreDir))
	if err != nil {
		t.Fatal(err)
	}
	terms := []string{"l2", "l1"}
	sp0, _ := data.Prepare(0)
	metrics := experiments.MetricNames(s, sp0)
	curves := experiments.CurveNames(s)
	var mu sync.Mutex
	saved := 0
	save := func(r *experiments.Result) error {
		mu.Lock()
		saved++
		mu.Unlock()
		return store.Save(NewRecord(r, terms, metrics, curves, base, s.ResultHash(), "test"))
	}
	// First pass: only the even runs, as if the odd ones were lost.
	if _, err := Run(context.Background(), s, data, plans, Options{Workers: 3, Save: save, Skip: func(p Plan) bool { return p.Index%2 == 1 }}); err != nil {
		t.Fatal(err)
	}
	// Second pass: skip what is stored.
	stored := func(p Plan) bool { _, err := store.Load(p.ID); return err == nil }
	if _, err := Run(context.Background(), s, data, plans, Options{Workers: 2, Save: save, Skip: stored}); err != nil {
		t.Fatal(err)
	}
	if saved != len(plans) || store.Count() != len(plans) {
		t.Fatalf("saved %d, store holds %d, want %d", saved, store.Count(), len(plans))
	}
	want := runSweep(t, s, 2)
	for i, p := range plans {
		rec, err := store.Load(p.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := rec.Result(p)
		w := want[i]
		if got.RunID != p.ID || got.Status != w.Status || !sameBits(got.Metrics, w.Metrics) || !sameBits(got.Lambdas, w.Lambdas) {
			t.Fatalf("run %d: stored result differs from an uninterrupted sweep", i)
		}
		for e := range w.Curves {
			if !sameBits(got.Curves[e], w.Curves[e]) {
				t.Fatalf("run %d epoch %d: curves differ", i, e)
			}
		}
	}
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func TestFloats_RoundTrip(t *testing.T) {
	in := Floats{0, -0.0, 1e-300, math.MaxFloat64, 0.1, 1.0 / 3, math.NaN(), math.Inf(1), math.Inf(-1), 5e-324}
	b, err := in.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var out Floats
	if err := out.UnmarshalJSON(b); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if !sameBits(in, out) {
		t.Fatalf("round trip %v → %s → %v", in, b, out)
	}
	for _, bad := range []string{`["NaN"]`, `[1e999]`, `["1"]`, `[true]`, `{}`, `[1,]`} {
		if err := out.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestRunID: ids change with what decides a result and with nothing else.
func TestRunID(t *testing.T) {
	s := mustSpec(t, tinySpec)
	id := func(src string, lam []float64, r int) string {
		id, err := RunIDOf(mustSpec(t, src), lam, r)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	lam := []float64{0.1, 0.01}
	ref := id(tinySpec, lam, 1)
	if id, err := RunIDOf(s, lam, 1); err != nil || ref != id {
		t.Fatal("RunID is not deterministic")
	}
	same := map[string]string{
		"name":        strings.Replace(tinySpec, "name: tiny", "name: other", 1),
		"description": strings.Replace(tinySpec, "name: tiny", "name: tiny\ndescription: words", 1),
		"repeats":     strings.Replace(tinySpec, "repeats: 3", "repeats: 7", 1),
		"grid":        strings.Replace(tinySpec, "[0.001, 0.1]", "[0.001, 0.1, 0.5]", 1),
		"mode":        strings.Replace(tinySpec, "loss:", "sweep: {mode: grid}\nloss:", 1),
		"report":      tinySpec + "report: {metrics: [test.accuracy]}\n",
		"check":       tinySpec + "check: {abs: 0.1}\n",
		"term name":   strings.Replace(tinySpec, "- kind: l2", "- kind: l2\n      name: ridge", 1),
		"key order":   strings.Replace(tinySpec, "{optimizer: adam, learning_rate: 0.02,", "{learning_rate: 0.02, optimizer: adam,", 1),
	}
	for name, src := range same {
		if got := id(src, lam, 1); got != ref {
			t.Errorf("%s changed the run id", name)
		}
	}
	differ := map[string]string{
		"seed":     strings.Replace(tinySpec, "seed: 3", "seed: 4", 1),
		"samples":  strings.Replace(tinySpec, "samples: 120", "samples: 121", 1),
		"hidden":   strings.Replace(tinySpec, "hidden: [8]", "hidden: [9]", 1),
		"lr":       strings.Replace(tinySpec, "learning_rate: 0.02", "learning_rate: 0.03", 1),
		"epochs":   strings.Replace(tinySpec, "epochs: 8", "epochs: 9", 1),
		"task":     strings.Replace(tinySpec, "loss:", "loss:\n  task: mse", 1),
		"term":     strings.Replace(tinySpec, "- kind: l1", "- kind: l2\n      name: l2b", 1),
		"standard": strings.Replace(tinySpec, "dataset:", "dataset:\n  standardize: false", 1),
	}
	for name, src := range differ {
		if got := id(src, lam, 1); got == ref {
			t.Errorf("%s did not change the run id", name)
		}
	}
	if id(tinySpec, []float64{0.1, 0.02}, 1) == ref || id(tinySpec, lam, 2) == ref {
		t.Error("λ or repeat did not change the run id")
	}
	if id(tinySpec, []float64{0.1, math.Copysign(0, -1)}, 1) != id(tinySpec, []float64{0.1, 0}, 1) {
		t.Error("−0 and +0 give different ids")
	}
}

// TestStore_FailedRunsRetrain: a failed run (a training command that did
// not report) is stored with its reason and read back, but never fits, so
// the next sweep trains it again; ok and diverged runs fit.
func TestStore_FailedRunsRetrain(t *testing.T) {
	store, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	metrics, curves := []string{"test.accuracy", "epochs_run"}, []string{"loss.total"}
	for i, status := range []string{experiments.StatusOK, experiments.StatusDiverged, experiments.StatusFailed} {
		r := &experiments.Result{RunID: fmt.Sprintf("run%d", i), Lambdas: []float64{0.1}, Status: status,
			Reason: "exit status 3", Metrics: []float64{math.NaN(), math.NaN()}}
		if err := store.Save(NewRecord(r, []string{"f"}, metrics, curves, "base", "hash", "test")); err != nil {
			t.Fatal(err)
		}
		rec, err := store.Load(r.RunID)
		if err != nil {
			t.Fatalf("%s: %v", status, err)
		}
		if rec.Status != status || rec.Reason != "exit status 3" {
			t.Errorf("read back %s %q", rec.Status, rec.Reason)
		}
		if fits := rec.Fits("base", metrics, curves); fits != (status != experiments.StatusFailed) {
			t.Errorf("%s run: Fits = %v", status, fits)
		}
	}
}
