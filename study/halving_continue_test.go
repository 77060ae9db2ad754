package study

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/sweep"
)

// halvingVariants are halvingSpec's trainings the continuation must
// follow bit for bit: adam (moments and step count), momentum with the
// test loss every 2 epochs (a rung of 3 or 9 epochs evaluates it at its
// last epoch; the full budget's run does not there), sgd with an l1
// term applied as a proximal step, and a batch term (decorrelation)
// with noise inputs.
var halvingVariants = map[string]func(string) string{
	"adam": func(s string) string { return s },
	"momentum-eval2": func(s string) string {
		return strings.Replace(s, "optimizer: adam, learning_rate: 0.05,", "optimizer: momentum, learning_rate: 0.05, eval_every: 2,", 1)
	},
	"decorrelation-noise": func(s string) string {
		s = strings.Replace(s, "activation: tanh}", "activation: tanh, noise: 2}", 1)
		return strings.Replace(s, "kind: l2", "kind: decorrelation", 1)
	},
	"sgd-l1": func(s string) string {
		s = strings.Replace(s, "optimizer: adam, learning_rate: 0.05,", "optimizer: sgd, learning_rate: 0.2,", 1)
		return strings.Replace(s, "kind: l2", "kind: l1", 1)
	},
}

// openStores opens run stores.
func openStores(t *testing.T, dirs ...string) []*sweep.Store {
	t.Helper()
	var out []*sweep.Store
	for _, d := range dirs {
		s, err := sweep.OpenStore(filepath.Join(d, sweep.StoreDir))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out = append(out, s)
	}
	return out
}

// sameBits reports whether a and b hold the same float64 bits (the
// point here: continuation must not change a bit).
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestHalving_Continues: the built-in trainer continues each rung from
// the state the previous rung of its point and repeat left: the records
// of rungs 9 and 27 count the epochs they added (6, 18), the manifest's
// epochs_budgeted is the sum of runs.csv's budgets (each (point, repeat)
// trained once to its last budget), every full-budget run has the plain
// sweep's metrics and curves bit for bit, and no checkpoint folder is
// left.
func TestHalving_Continues(t *testing.T) {
	for name, variant := range halvingVariants {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			hv := sweepText(t, variant(halvingSpec), filepath.Join(dir, "h"), 2)
			pl := sweepText(t, variant(plainSpec()), filepath.Join(dir, "p"), 2)
			stores := openStores(t, filepath.Join(dir, "h"), filepath.Join(dir, "p"))
			hs, ps := stores[0], stores[1]
			same := 0
			for p := range pl.Study.Plans.All() {
				if !hs.Has(p.ID) {
					continue
				}
				a, err := hs.Load(p.ID)
				if err != nil {
					t.Fatal(err)
				}
				b, err := ps.Load(p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !sameBits(a.Metrics, b.Metrics) {
					t.Errorf("run %s: metrics %v with halving, %v plain", p.ID, a.Metrics, b.Metrics)
				}
				for e := range b.Curves {
					if e >= len(a.Curves) || !sameBits(a.Curves[e], b.Curves[e]) {
						t.Errorf("run %s: curve row %d differs from the plain sweep's", p.ID, e+1)
						break
					}
				}
				if p.Point > 0 && a.EpochsTrained != 18 { // λ = 0 (point 0) trains from scratch
					t.Errorf("run %s (point %d): epochs_trained %d at the full budget, want 18 (continued after rung 9)", p.ID, p.Point, a.EpochsTrained)
				}
				same++
			}
			if same == 0 {
				t.Fatal("no run at the full budget")
			}
			rows := readCSV(t, filepath.Join(dir, "h", "runs.csv"))
			col := len(rows[0]) - 1 // budget
			sum := 0
			for _, r := range rows[1:] {
				var b int
				for _, c := range r[col] {
					b = 10*b + int(c-'0')
				}
				sum += b
			}
			if m := hv.Manifest; m.EpochsBudgeted != sum {
				t.Errorf("epochs_budgeted %d, want %d: the sum of every (point, repeat)'s last budget when each rung continues the one before", m.EpochsBudgeted, sum)
			}
			if left, _ := os.ReadDir(filepath.Join(dir, "h", CheckpointsDir)); len(left) != 0 {
				t.Errorf("%d checkpoint folders left after the sweep", len(left))
			}
		})
	}
}

// TestHalving_ContinueHostile: a link where a rung's state is read is
// refused, never followed (the sweep fails naming it, the link's target
// untouched); an undecodable state is not used: the run trains from
// scratch, to the same results as a clean sweep.
func TestHalving_ContinueHostile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "o")
	st := planText(t, halvingSpec, dir)
	p := st.Plans.At(st.Plans.PerPoint()) // point 1, repeat 0: its full budget's id keys the folder
	folder := filepath.Join(out, CheckpointsDir, "p001-r00")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(folder, ".lossexp-checkpoint"), []byte(p.ID), 0o644)
	os.WriteFile(filepath.Join(out, "spec.yaml"), []byte(halvingSpec), 0o644) // the folder is this study's
	state := filepath.Join(folder, "trainer-state.gob")
	target := filepath.Join(dir, "outside")
	os.WriteFile(target, []byte("not lossexp's"), 0o644)
	if err := os.Symlink(target, state); err != nil {
		t.Fatal(err)
	}
	_, err := Sweep(t.Context(), st, SweepOptions{Out: out, Workers: 1})
	if err == nil || !strings.Contains(err.Error(), "link") {
		t.Errorf("sweep over a linked state: %v, want a refusal naming the link", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "not lossexp's" {
		t.Errorf("the link's target was written: %q", b)
	}
	os.Remove(state)
	os.WriteFile(state, []byte("garbage"), 0o644)
	sweepText(t, halvingSpec, out, 2)
	sweepText(t, halvingSpec, filepath.Join(dir, "ref"), 2)
	a, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
	b, _ := os.ReadFile(filepath.Join(dir, "ref", "runs.csv"))
	if len(a) == 0 || string(a) != string(b) {
		t.Error("runs.csv after a garbage state differs from a clean sweep's")
	}
}
