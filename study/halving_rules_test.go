package study

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/sweep"
)

// TestHalvingRules_EmptyStoreDecidesNothing: before the first rung is
// stored whole nothing is decided: the replay names the first rung's 7
// points (λ = 0 aside), no run of the full budget is to train, no point
// is pruned, no epoch is counted, and a table row is the full budget's.
// (A resumed sweep decides from what is stored; a rung decided on a part
// of its runs would prune points for good.)
func TestHalvingRules_EmptyStoreDecidesNothing(t *testing.T) {
	dir := t.TempDir()
	st := planText(t, halvingSpec, dir)
	store, err := sweep.OpenStore(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	hs, err := st.halvingReplay(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs.alive) != 1 || !slices.Equal(hs.alive[0], []int{1, 2, 3, 4, 5, 6, 7}) || !slices.Equal(hs.refs, []int{0}) {
		t.Fatalf("replay of an empty store: rungs %v, references %v; want one rung of points 1..7, reference 0", hs.alive, hs.refs)
	}
	full := st.fullRuns(hs)
	for i := range st.Plans.Len() {
		if full.Has(i) {
			t.Fatalf("run %d of the full budget is to train before the rungs below it are decided", i)
		}
	}
	for pt := range 8 {
		if b := hs.prunedAt(pt); b != 0 {
			t.Errorf("point %d pruned at %d before any rung is stored", pt, b)
		}
	}
	if b, f, err := st.halvingEpochs(store, hs); err != nil || b != 0 || f != 24*27 {
		t.Errorf("epochs %d of %d, want 0 of %d", b, f, 24*27)
	}
	p := st.Plans.At(5)
	if q, b, status := hs.tableRow(st, p); q.ID != p.ID || b != 27 || status != "" {
		t.Errorf("table row of run 5: %s, budget %d, status %q; want %s, 27, none", q.ID, b, status, p.ID)
	}
}

// TestHalvingRules_PrunedAtAndFullPoints: on a hand-made state (rungs 3,
// 9, 27; points 1..7 at 3, then 2, 5, 6 at 9, then 5), a point is pruned
// at the budget of the last rung it trained, the full budget's rung
// trains the survivor and the λ = 0 reference, and a pruned point's table
// row is its run at that budget with status pruned.
func TestHalvingRules_PrunedAtAndFullPoints(t *testing.T) {
	st := planText(t, halvingSpec, t.TempDir())
	hs := &halvingState{rungs: []int{3, 9, 27}, alive: [][]int{{1, 2, 3, 4, 5, 6, 7}, {2, 5, 6}, {5}}, refs: []int{0}}
	for pt, want := range map[int]int{0: 0, 1: 3, 2: 9, 3: 3, 5: 0, 6: 9, 7: 3} {
		if got := hs.prunedAt(pt); got != want {
			t.Errorf("prunedAt(%d) = %d, want %d", pt, got, want)
		}
	}
	if got := hs.fullPoints(st); !slices.Equal(got, []int{0, 5}) {
		t.Errorf("full budget's points %v, want [0 5]", got)
	}
	full := st.fullRuns(hs)
	var runs []int
	for i := range st.Plans.Len() {
		if full.Has(i) {
			runs = append(runs, i)
		}
	}
	if !slices.Equal(runs, []int{0, 1, 2, 15, 16, 17}) {
		t.Errorf("full budget's runs %v, want those of points 0 and 5 (3 repeats each)", runs)
	}
	p := st.Plans.At(2*3 + 1) // point 2, repeat 1
	q, b, status := hs.tableRow(st, p)
	if want := st.Plans.WithBudget(9).At(p.Index); q.ID != want.ID || q.ID == p.ID || b != 9 || status != experiments.StatusPruned {
		t.Errorf("table row of point 2: %s, budget %d, status %q; want the rung-9 run %s, 9, pruned", q.ID, b, status, want.ID)
	}
}

// TestHalvingRules_EpochsExact: the manifest's epochs_budgeted is, run by
// run, the epochs its rungs added (each continues the previous): a point
// pruned at 3 spent 3, at 9 spent 3 + 6, a survivor 3 + 6 + 18, the λ = 0
// reference 27 alone
// (computed here from runs.csv's status and budget); the full grid is
// 24 runs × 27. A pruned run has no rows in curves.csv nor timings.csv.
func TestHalvingRules_EpochsExact(t *testing.T) {
	out := filepath.Join(t.TempDir(), "o")
	oc := sweepText(t, halvingSpec, out, 2)
	rows := readCSV(t, filepath.Join(out, "runs.csv"))
	h := rows[0]
	col := func(name string) int { return slices.Index(h, name) }
	// The built-in trainer continues each rung from the previous one
	// (train_continue.go): a run adds only the epochs beyond its last rung.
	spent := map[int]int{3: 3, 9: 3 + 6}
	want, prunedIDs := 0, map[string]bool{}
	for _, r := range rows[1:] {
		b, _ := strconv.Atoi(r[col("budget")])
		switch {
		case r[col("lambda.l2")] == "0":
			want += 27
		case r[col("status")] == experiments.StatusPruned:
			want += spent[b]
			prunedIDs[r[col("run_id")]] = true
		default:
			want += 3 + 6 + 18
		}
	}
	if m := oc.Manifest; m.EpochsBudgeted != want || m.EpochsFullGrid != 24*27 {
		t.Errorf("manifest: %d of %d epochs, want %d of %d", m.EpochsBudgeted, m.EpochsFullGrid, want, 24*27)
	}
	if len(prunedIDs) == 0 {
		t.Fatal("no run pruned")
	}
	for _, f := range []string{"curves.csv", "timings.csv"} {
		for _, r := range readCSV(t, filepath.Join(out, f))[1:] {
			if prunedIDs[r[0]] {
				t.Fatalf("%s has a row of the pruned run %s", f, r[0])
			}
		}
	}
}

// TestHalvingRules_LeastTwoWithoutReference: a grid without λ = 0 keeps
// at least two points after a rung (a curve at the full budget), though
// eta 10 names one (ceil(3/10)) and nothing else is kept: one repeat
// gives no standard error, so neither the paired test nor the 1-SE band
// (nor the next λ above it) keeps a point.
func TestHalvingRules_LeastTwoWithoutReference(t *testing.T) {
	text := strings.Replace(halvingSpec, "weight: [0, 0.001, 0.01, 0.1, 1, 3, 10, 30]", "weight: {values: [0.001, 3, 30], zero: false}", 1)
	text = strings.Replace(text, "repeats: 3\n", "repeats: 1\n", 1)
	text = strings.Replace(text, "halving: {min_epochs: 3, eta: 3}", "halving: {min_epochs: 3, eta: 10, keep_se: 0}", 1)
	dir := t.TempDir()
	oc := sweepText(t, text, filepath.Join(dir, "o"), 2)
	store, err := sweep.OpenStore(filepath.Join(dir, "o", sweep.StoreDir))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	hs, err := oc.Study.halvingReplay(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs.refs) != 0 || len(hs.alive) != 2 || len(hs.alive[0]) != 3 || len(hs.alive[1]) != 2 {
		t.Fatalf("rungs %v (references %v): want 3 points at 3 epochs, 2 at 27", hs.alive, hs.refs)
	}
}

// TestHalvingRules_LowerIsBetter: with a task metric where lower is
// better (validation.loss), the rungs keep the lowest: λ = 10 and 30,
// which ruin the task, are pruned and λ = 0.001 reaches the full budget.
func TestHalvingRules_LowerIsBetter(t *testing.T) {
	text := strings.Replace(halvingSpec, "  select_on: validation\n", "  select_on: validation\n  task_metric: loss\n", 1)
	out := filepath.Join(t.TempDir(), "o")
	sweepText(t, text, out, 2)
	rows := readCSV(t, filepath.Join(out, "runs.csv"))
	h := rows[0]
	lam, status := slices.Index(h, "lambda.l2"), slices.Index(h, "status")
	got := map[string]string{}
	for _, r := range rows[1:] {
		got[r[lam]] = r[status]
	}
	for l, want := range map[string]string{"10": experiments.StatusPruned, "30": experiments.StatusPruned, "0.001": experiments.StatusOK, "0": experiments.StatusOK} {
		if got[l] != want {
			t.Errorf("λ = %s: status %q, want %q (statuses %v)", l, got[l], want, got)
		}
	}
}

// TestHalvingRules_MethodsAtFullBudget: the adaptive balancing methods'
// points (sweep.balance) are never pruned: every repeat of dwa trains at
// the full budget (27) and is in runs.csv with status ok.
func TestHalvingRules_MethodsAtFullBudget(t *testing.T) {
	text := `name: bal
repeats: 3
dataset: {builtin: fair, params: {samples: 60}}
model: {kind: mlp, hidden: [4]}
train: {optimizer: sgd, epochs: 27}
loss:
  terms:
    - {kind: fairness, metric: demographic_parity, weight: [0, 0.1, 1, 10]}
sweep:
  halving: {min_epochs: 3, eta: 3}
  balance: [static, dwa]
`
	out := filepath.Join(t.TempDir(), "o")
	sweepText(t, text, out, 2)
	rows := readCSV(t, filepath.Join(out, "runs.csv"))
	h := rows[0]
	method, status, budget := slices.Index(h, "method"), slices.Index(h, "status"), slices.Index(h, "budget")
	if method < 0 {
		t.Fatalf("runs.csv header %v has no method column", h)
	}
	n := 0
	for _, r := range rows[1:] {
		if r[method] == "dwa" {
			n++
			if r[status] != experiments.StatusOK || r[budget] != "27" {
				t.Errorf("dwa row %v: status %s, budget %s; want ok at 27", r[:3], r[status], r[budget])
			}
		}
	}
	if n != 3 {
		t.Errorf("%d dwa rows, want 3 (one per repeat)", n)
	}
}

// TestHalvingRules_PrunedDivergedCounts: a point whose runs diverge at
// the first rung (λ = 1e6 with sgd) is pruned; runs.csv says pruned, and
// the sweep's counts (the manifest's diverged, the printed summary) count
// runs.csv's statuses, so they say no run diverged. (They counted the
// stored run's status, diverged, before.)
func TestHalvingRules_PrunedDivergedCounts(t *testing.T) {
	text := strings.NewReplacer("train: {optimizer: adam, learning_rate: 0.05, epochs: 27, batch_size: 32}", "train: {optimizer: sgd, learning_rate: 0.5, epochs: 9, batch_size: 32}",
		"weight: [0, 0.001, 0.01, 0.1, 1, 3, 10, 30]", "weight: [0, 0.001, 0.01, 0.1, 1e6]").Replace(halvingSpec)
	out := filepath.Join(t.TempDir(), "o")
	oc := sweepText(t, text, out, 2)
	rows := readCSV(t, filepath.Join(out, "runs.csv"))
	h := rows[0]
	lam, status := slices.Index(h, "lambda.l2"), slices.Index(h, "status")
	statuses := map[string]int{}
	for _, r := range rows[1:] {
		statuses[r[status]]++
		if r[lam] == "1e+06" && r[status] != experiments.StatusPruned {
			t.Errorf("λ = 1e6 row: status %q, want pruned", r[status])
		}
	}
	if statuses[experiments.StatusPruned] != 3 {
		t.Fatalf("runs.csv statuses %v: want the 3 runs of λ = 1e6 pruned", statuses)
	}
	if m := oc.Manifest; m.Diverged != statuses[experiments.StatusDiverged] || m.Failed != statuses[experiments.StatusFailed] {
		t.Errorf("manifest: %d diverged, %d failed; runs.csv has %d diverged, %d failed (statuses %v)",
			m.Diverged, m.Failed, statuses[experiments.StatusDiverged], statuses[experiments.StatusFailed], statuses)
	}
}
