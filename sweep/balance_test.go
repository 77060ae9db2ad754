package sweep

import (
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
)

const balanceSpec = `
name: bal
seed: 2
repeats: 3
dataset: {builtin: fair, params: {samples: 300, groups: 2}}
model: {kind: mlp, hidden: [6]}
train: {optimizer: adam, epochs: 3, batch_size: 32}
loss:
  terms:
    - {kind: fairness, weight: [0, 1]}
    - {kind: l2, weight: 0.001}
`

// TestExpand_Balance: sweep.balance keeps the static plans and their ids
// bit for bit, and adds one point per adaptive method after them, with
// NaN for the balanced term's λ, the method in its effective spec and an
// id of its own; the methods are trained paired with the static runs and
// give the same bits at any worker count.
func TestExpand_Balance(t *testing.T) {
	plain := mustSpec(t, balanceSpec)
	withB := mustSpec(t, balanceSpec+"sweep:\n  balance: [static, mgda, {method: gradnorm, alpha: 1}]\n")
	ps0, g0, err := Expand(plain)
	if err != nil {
		t.Fatal(err)
	}
	ps1, g1, err := Expand(withB)
	if err != nil {
		t.Fatal(err)
	}
	if len(g0) != len(g1) || ps1.Len() != ps0.Len()+2*3 {
		t.Fatalf("%d plans (grid %d), want %d + 6 (grid %d)", ps1.Len(), len(g1), ps0.Len(), len(g0))
	}
	ps0.AssignIDs(plain.RunBase("x"))
	if err := ps1.AttachData(t.Context(), experiments.Folders{}); err != nil {
		t.Fatal(err)
	}
	ps1.AssignIDs(withB.RunBase("x"))
	p0, p1 := ps0.Collect(), ps1.Collect()
	ids := map[string]bool{}
	for i, p := range p1 {
		if p.Index != i {
			t.Fatalf("plan %d has index %d", i, p.Index)
		}
		if ids[p.ID] {
			t.Fatalf("duplicate id %s", p.ID)
		}
		ids[p.ID] = true
		if i < len(p0) {
			if p.ID != p0[i].ID || p.Spec != nil {
				t.Errorf("static plan %d: id %s, want %s as without sweep.balance", i, p.ID, p0[i].ID)
			}
			continue
		}
		want := []string{"mgda", "gradnorm(alpha=1)"}[(i-len(p0))/3]
		if p.Spec == nil || p.Spec.Loss.Balance.Label() != want || p.Repeat != (i-len(p0))%3 || p.Point != len(g0)+(i-len(p0))/3 {
			t.Errorf("plan %d: %+v, want method %s", i, p, want)
		}
		if !math.IsNaN(p.Lambdas[0]) || p.Lambdas[1] != 0.001 {
			t.Errorf("plan %d: λ %v, want [NaN 0.001]", i, p.Lambdas)
		}
	}
	a, b := runSweep(t, withB, 1), runSweep(t, withB, 3)
	for i := range a {
		if a[i].RunID != b[i].RunID || (i >= len(p0)) != (a[i].Balance != nil) {
			t.Fatalf("run %d: %s/%s, balance %v", i, a[i].RunID, b[i].RunID, a[i].Balance)
		}
		for m := range a[i].Metrics {
			if math.Float64bits(a[i].Metrics[m]) != math.Float64bits(b[i].Metrics[m]) && !(math.IsNaN(a[i].Metrics[m]) && math.IsNaN(b[i].Metrics[m])) { // bit identity is the point
				t.Fatalf("run %d metric %d: %v with 1 worker, %v with 3", i, m, a[i].Metrics[m], b[i].Metrics[m])
			}
		}
	}
	if !strings.HasPrefix(a[len(a)-1].Balance.Method, "gradnorm") {
		t.Errorf("last run's method %q", a[len(a)-1].Balance.Method)
	}
}
