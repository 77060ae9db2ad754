package study

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/sweep"
)

// halvingSpec is a small built-in study with 8 grid points (λ = 0 and 7
// values, large ones ruin the task) and rungs 3, 9, 27 epochs.
const halvingSpec = `name: halving
seed: 3
repeats: 3
dataset: {builtin: moons, params: {samples: 120, noise: 0.2}}
model: {kind: mlp, hidden: [8], activation: tanh}
train: {optimizer: adam, learning_rate: 0.05, epochs: 27, batch_size: 32}
loss:
  terms:
    - kind: l2
      weight: [0, 0.001, 0.01, 0.1, 1, 3, 10, 30]
sweep:
  halving: {min_epochs: 3, eta: 3}
report:
  select_on: validation
  metrics: [test.accuracy, weight_l2]
`

// plainSpec is halvingSpec without sweep.halving.
func plainSpec() string {
	return strings.Replace(halvingSpec, "sweep:\n  halving: {min_epochs: 3, eta: 3}\n", "", 1)
}

// TestKeepAfterRung: the keep rule's floor, without repeats to pair (no
// λ, no per-repeat values: the paired parts keep nothing; see
// TestKeepAfterRung_Paired): the reference, the best ceil(n/eta) by mean,
// at least two, an unusable point dropped.
func TestKeepAfterRung(t *testing.T) {
	nan := math.NaN()
	pt := func(point int, mean, se float64) rungPoint { return rungPoint{point: point, mean: mean, se: se} }
	tests := []struct {
		name   string
		pts    []rungPoint
		eta    int
		keepSE float64
		want   []int
	}{
		{"top third", []rungPoint{pt(0, 1, 0), pt(1, 5, 0), pt(2, 3, 0), pt(3, 4, 0), pt(4, 2, 0), pt(5, 0, 0)}, 3, 1, []int{1, 3}},
		{"ceil", []rungPoint{pt(0, 1, 0), pt(1, 5, 0), pt(2, 3, 0), pt(3, 4, 0)}, 3, 1, []int{1, 3}},
		{"ceil of 7/3", []rungPoint{pt(0, 1, 0), pt(1, 5, 0), pt(2, 3, 0), pt(3, 4, 0), pt(4, 2, 0), pt(5, 0, 0), pt(6, 0.5, 0)}, 3, 1, []int{1, 2, 3}},
		{"no SE: top-k alone, two at least", []rungPoint{pt(0, 1, nan), pt(1, 5, nan), pt(2, 4.99, nan)}, 3, 1, []int{1, 2}},
		{"top third of the points beside the reference", []rungPoint{{point: 0, mean: 0, se: 0, ref: true}, pt(1, 6, 0), pt(2, 5, 0), pt(3, 4, 0), pt(4, 3, 0), pt(5, 2, 0), pt(6, 1, 0)}, 3, 1, []int{0, 1, 2}},
		{"the best reference aside", []rungPoint{{point: 0, mean: 9, se: 0, ref: true}, pt(1, 3, 0), pt(2, 5, 0), pt(3, 4, 0), pt(4, 1, 0), pt(5, 2, 0)}, 3, 1, []int{0, 2, 3}},
		{"reference kept", []rungPoint{{point: 0, mean: -1, se: 0, ref: true}, pt(1, 5, 0), pt(2, 3, 0), pt(3, 1, 0)}, 2, 1, []int{0, 1, 2}},
		{"unusable pruned", []rungPoint{pt(0, nan, nan), pt(1, 5, 0), pt(2, 3, 0)}, 2, 1, []int{1, 2}},
		{"unusable reference kept", []rungPoint{{point: 0, mean: nan, se: nan, ref: true}, pt(1, 5, 0), pt(2, 3, 0)}, 3, 1, []int{0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := keepAfterRung(tc.pts, nil, tc.eta, tc.keepSE, 2, true); !slices.Equal(got, tc.want) {
				t.Errorf("keepAfterRung = %v, want %v", got, tc.want)
			}
		})
	}
}

// readCSV reads a table of dir as rows of cells, the header first.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func planText(t *testing.T, text, dir string) *Study {
	t.Helper()
	st, err := Plan(t.Context(), []byte(text), filepath.Join(dir, "spec.yaml"), experiments.Folders{}, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func sweepText(t *testing.T, text, out string, workers int) *SweepOutcome {
	t.Helper()
	st := planText(t, text, filepath.Dir(out))
	oc, err := Sweep(t.Context(), st, SweepOptions{Out: out, Workers: workers})
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	return oc
}

// TestHalving_Sweep: a halving sweep trains the rungs 3, 9, 27, writes
// runs.csv with a budget column whose pruned rows carry status pruned and
// their rung's budget, keeps λ = 0 to the full budget, leaves pruned
// points out of summary.csv, counts its epochs in the manifest, and a
// second sweep (the resume) trains nothing and writes the same bytes.
func TestHalving_Sweep(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "o")
	oc := sweepText(t, halvingSpec, out, 2)
	if rungs := oc.Study.Spec.Rungs(); !slices.Equal(rungs, []int{3, 9, 27}) {
		t.Fatalf("rungs %v, want [3 9 27]", rungs)
	}
	rows := readCSV(t, filepath.Join(out, "runs.csv"))
	h := rows[0]
	if h[len(h)-1] != "budget" || h[len(h)-2] != "reason" {
		t.Fatalf("runs.csv header %v: want budget after reason", h)
	}
	col := func(name string) int { return slices.Index(h, name) }
	status, lam, budget := col("status"), col("lambda.l2"), col("budget")
	full, pruned := map[string]bool{}, map[string]bool{}
	epochs := 0
	for _, r := range rows[1:] {
		b, _ := strconv.Atoi(r[budget])
		switch {
		case r[status] == experiments.StatusPruned && (b == 3 || b == 9):
			pruned[r[lam]] = true
		case r[status] == experiments.StatusOK && b == 27:
			full[r[lam]] = true
		default:
			t.Errorf("row %v: status %s at budget %d", r[:4], r[status], b)
		}
		epochs += b
	}
	if len(rows)-1 != 8*3 || len(pruned) == 0 || len(full) == 0 || len(full)+len(pruned) != 8 {
		t.Fatalf("%d rows, full budget at %v, pruned %v: want 24 rows, every point once, some pruned", len(rows)-1, full, pruned)
	}
	if !full["0"] {
		t.Errorf("λ = 0 was pruned: %v", pruned)
	}
	for _, l := range []string{"10", "30"} {
		if !pruned[l] {
			t.Errorf("λ = %s reached the full budget: the keep rule keeps what ruins the task", l)
		}
	}
	sum := readCSV(t, filepath.Join(out, "summary.csv"))
	if len(sum)-1 != len(full) {
		t.Errorf("summary.csv has %d points, want the %d of the full budget", len(sum)-1, len(full))
	}
	// report.html says which points were pruned and that the tables use
	// the full budget's runs alone.
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if note := fmt.Sprintf("successive halving (sweep.halving): %d of 8 grid points reached the full budget of 27 epochs; pruned, with the epochs they reached: ", len(full)); !bytes.Contains(html, []byte(note)) || !bytes.Contains(html, []byte("l2=10 after ")) {
		t.Errorf("report.html lacks the halving note %q naming l2=10", note)
	}
	m := oc.Manifest
	// Each rung continues the one before: every (point, repeat) trained
	// once to its row's budget.
	if m.EpochsFullGrid != 24*27 || m.EpochsBudgeted != epochs || !m.Complete {
		t.Errorf("manifest: epochs %d of %d (the rows' last budgets sum to %d), complete %v", m.EpochsBudgeted, m.EpochsFullGrid, epochs, m.Complete)
	}
	t.Logf("halving: %d of %d epochs; full budget at %v", m.EpochsBudgeted, m.EpochsFullGrid, full)

	before, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
	again := sweepText(t, halvingSpec, out, 1)
	after, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
	if again.Manifest.Trained != 0 || !bytes.Equal(before, after) || again.Manifest.EpochsBudgeted != m.EpochsBudgeted {
		t.Errorf("second sweep trained %d runs, runs.csv same bytes %v, epochs %d then %d: want a pure resume", again.Manifest.Trained, bytes.Equal(before, after), m.EpochsBudgeted, again.Manifest.EpochsBudgeted)
	}
}

// TestHalving_DecisionsFromStore: the decisions are a function of the
// stored runs alone: replayed from the store of a finished sweep they name
// the points its runs.csv shows at the full budget, and a rung's runs
// carry the budget in their id (not the full budget's id).
func TestHalving_DecisionsFromStore(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "o")
	oc := sweepText(t, halvingSpec, out, 2)
	st := oc.Study
	store, err := sweep.OpenStore(filepath.Join(out, sweep.StoreDir))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	hs, err := st.halvingReplay(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs.alive) != 3 || len(hs.alive[0]) != 7 || slices.Contains(hs.alive[0], 0) || !slices.Equal(hs.refs, []int{0}) {
		t.Fatalf("replayed rungs %v, references %v: want 3 rungs from the 7 points beside λ = 0, trained at the full budget only", hs.alive, hs.refs)
	}
	if store.Has(st.Plans.WithBudget(3).At(0).ID) {
		t.Error("λ = 0 was trained at a rung below the full budget")
	}
	r0 := st.Plans.WithBudget(3).At(3)
	if p := st.Plans.At(3); r0.ID == p.ID || r0.Budget != 3 || !store.Has(r0.ID) || !store.Has(p.ID) {
		t.Errorf("rung 3's run %s (budget %d) and the full budget's %s: want distinct ids, both stored", r0.ID, r0.Budget, p.ID)
	}
	if st.Plans.WithBudget(27) != st.Plans {
		t.Error("the full budget's plans are not the plain plans")
	}
}

// TestLive_HalvingRung: lossexp status shows the rung of a running run of
// a halving sweep (1 for the first), null without halving (TestLive_*).
func TestLive_HalvingRung(t *testing.T) {
	defer func(d time.Duration) { liveEvery = d }(liveEvery)
	liveEvery = 20 * time.Millisecond
	root := t.TempDir()
	out := root + "/res"
	text := strings.Replace(slowBuiltinSpec, "loss:", "sweep: {halving: {min_epochs: 1000, eta: 3}}\nloss:", 1)
	st := planTiny(t, text, root)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Sweep(ctx, st, SweepOptions{Out: out, Workers: 1})
		done <- err
	}()
	var rung *int
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && rung == nil; time.Sleep(10 * time.Millisecond) {
		if s, err := ReadStatus(out, time.Now()); err == nil && len(s.Running) == 1 {
			rung = s.Running[0].Rung
		}
	}
	cancel()
	<-done
	if rung == nil || *rung != 1 {
		t.Fatalf("rung of the first running run: %v, want 1", rung)
	}
}

// TestHalving_Quickstart measures halving on the shipped quickstart (10
// grid points with λ = 0, 5 repeats, 150 epochs) with {min_epochs: 6,
// eta: 3, keep_se: 1}: it must find the full grid's λ_best and λ_1se with
// fewer epochs. It logs the fraction spent (0.584 at this writing: the
// quickstart's 20 validation rows leave most λ not surely worse than the
// best, see docs/halving.md, When not to use it).
func TestHalving_Quickstart(t *testing.T) {
	if testing.Short() {
		t.Skip("two sweeps of the quickstart")
	}
	text, err := os.ReadFile("../configs/quickstart.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	plain := string(text)
	halved := strings.Replace(plain, "\nreport:", "\nsweep:\n  halving: {min_epochs: 6, eta: 3, keep_se: 1}\nreport:", 1)
	sweepText(t, plain, filepath.Join(dir, "plain"), 2)
	oc := sweepText(t, halved, filepath.Join(dir, "halving"), 2)
	answer := func(out string) map[string]string {
		a := map[string]string{}
		for _, r := range readCSV(t, filepath.Join(out, "balance.csv"))[1:] {
			a[r[2]] = r[3] // point → λ
		}
		return a
	}
	p, h := answer(filepath.Join(dir, "plain")), answer(filepath.Join(dir, "halving"))
	m := oc.Manifest
	frac := float64(m.EpochsBudgeted) / float64(m.EpochsFullGrid)
	t.Logf("quickstart with halving: %d of %d epochs (%.1f%%); λ_best %s (full grid %s), λ_1se %s (full grid %s)",
		m.EpochsBudgeted, m.EpochsFullGrid, 100*frac, h["lambda_best"], p["lambda_best"], h["lambda_1se"], p["lambda_1se"])
	if h["lambda_best"] != p["lambda_best"] || h["lambda_1se"] != p["lambda_1se"] {
		t.Errorf("halving's λ_best %s, λ_1se %s; the full grid's %s, %s", h["lambda_best"], h["lambda_1se"], p["lambda_best"], p["lambda_1se"])
	}
	if frac >= 1 {
		t.Errorf("halving spent %.0f%% of the full grid's epochs", 100*frac)
	}
}
