package experiments

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments/balance"
	"github.com/lossexp/lossexp/internal/gradcheck"
	"github.com/lossexp/lossexp/spec"
)

const balanceFair = `
name: a
repeats: 1
dataset: {builtin: fair, params: {samples: 400, groups: 2}}
model: {kind: mlp, hidden: [6], activation: tanh}
train: {optimizer: adam, batch_size: 32, epochs: 4}
loss:
  balance: METHOD
  terms: [{kind: fairness, weight: 1}, {kind: l2, weight: 0.001}]
`

func balancedTrainer(t *testing.T, method string) (*trainer, *Run) {
	t.Helper()
	return specTrainer(t, strings.Replace(balanceFair, "METHOD", method, 1))
}

func specTrainer(t *testing.T, src string) (*trainer, *Run) {
	t.Helper()
	s := mustParse(t, src)
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := d.Prepare(0)
	if err != nil {
		t.Fatal(err)
	}
	run := &Run{Spec: s, Data: sp, Lambdas: []float64{1, 0.001}}
	tr, err := newTrainer(run)
	if err != nil {
		t.Fatal(err)
	}
	return tr, run
}

// TestBalanceStep_GradientOfWeightedObjective checks the gradient a
// method's step assembles against central differences of Σ w_i·L_i(θ)
// on one batch, w the weights the step used: for uncertainty on its
// single backward pass and on a measured step (each loss back-propagated
// alone), and for mgda, gradnorm and pcgrad, whose weights come from the
// per-loss gradients (the fairness term reaches every parameter, so all
// are shared). The weight penalties are not part of the step.
func TestBalanceStep_GradientOfWeightedObjective(t *testing.T) {
	for _, tc := range []struct {
		method  string
		measure bool
	}{{"uncertainty", false}, {"uncertainty", true}, {"dwa", false}, {"rlw", false}, {"mgda", false}, {"gradnorm", false}, {"pcgrad", false}} {
		t.Run(tc.method, func(t *testing.T) {
			tr, _ := balancedTrainer(t, tc.method)
			b := tr.bal
			if u, ok := b.method.(*balance.Uncertainty); ok {
				u.LogVar[0], u.LogVar[1] = 0.3, -0.7 // weights ½e^{-0.3}, ½e^{0.7}
			}
			n := 32
			for i := range tr.perm {
				tr.perm[i] = i
			}
			x := tr.loadBatch(tr.data.Train, 0, n)
			st := tr.pens[b.terms[0]].batchTerm
			objective := func(p []float64, w []float64) float64 {
				out := tr.m.Forward(tr.ws, p, x, n)
				l := tr.task.Loss(out, tr.yb[:n*tr.tpr], n, tr.k)
				tr.fillBatch(st, out, n)
				return w[0]*l + w[1]*st.term.Value(&st.b)
			}
			theta := append([]float64(nil), tr.param...)
			out := tr.m.Forward(tr.ws, tr.param, x, n)
			dout := tr.dout[:n*tr.k]
			loss := tr.task.LossGrad(dout, out, tr.yb[:n*tr.tpr], n, tr.k)
			b.startEpoch()
			tr.balanceStep(x, out, n, dout, loss, tc.measure)
			w := append([]float64(nil), b.w...)
			if tc.method == "uncertainty" {
				if want := []float64{0.5 * math.Exp(-0.3), 0.5 * math.Exp(0.7)}; math.Abs(w[0]-want[0]) > 1e-15 || math.Abs(w[1]-want[1]) > 1e-15 {
					t.Errorf("uncertainty's weights %v, want ½e^(−s) = %v", w, want)
				}
			}
			if tc.method == "mgda" && math.Abs(w[0]+w[1]-1) > 1e-12 {
				t.Errorf("mgda weights %v do not sum to 1", w)
			}
			got := append([]float64(nil), tr.grad...)
			gradcheck.Check(t, func(p []float64) float64 { return objective(p, w) },
				func(dst, p []float64) { copy(dst, got) }, theta, 1e-5)
		})
	}
}

// TestTrain_BalanceDeterministic: two runs of every method give the same
// bits (results are a pure function of the seed); static under
// loss.balance trains exactly as the spec without it; the adaptive
// methods' λ are NaN for the balanced term and the fixed one for l2.
func TestTrain_BalanceDeterministic(t *testing.T) {
	plain := mustParse(t, strings.Replace(balanceFair, "  balance: METHOD\n", "", 1))
	ref, _ := trainOne(t, plain, []float64{1, 0.001}, 0)
	for _, m := range balance.Names() {
		s := mustParse(t, strings.Replace(balanceFair, "METHOD", m, 1))
		a, _ := trainOne(t, s, []float64{1, 0.001}, 0)
		b, _ := trainOne(t, s, []float64{1, 0.001}, 0)
		for i := range a.Metrics {
			if math.Float64bits(a.Metrics[i]) != math.Float64bits(b.Metrics[i]) { // bit identity is the point
				t.Fatalf("%s: metric %d differs between two runs: %v vs %v", m, i, a.Metrics[i], b.Metrics[i])
			}
		}
		if m == balance.Static {
			for i := range a.Metrics {
				if math.Float64bits(a.Metrics[i]) != math.Float64bits(ref.Metrics[i]) { // bit identity is the point
					t.Fatalf("static: metric %d = %v, without loss.balance %v", i, a.Metrics[i], ref.Metrics[i])
				}
			}
			if a.Balance != nil {
				t.Errorf("static run has a BalanceResult")
			}
			continue
		}
		if !math.IsNaN(a.Lambdas[0]) || a.Lambdas[1] != 0.001 {
			t.Errorf("%s: λ = %v, want [NaN 0.001]", m, a.Lambdas)
		}
		if a.Balance == nil || a.Balance.Method != m || len(a.Balance.Final) != 2 {
			t.Errorf("%s: BalanceResult %+v", m, a.Balance)
		}
		names := CurveNames(s)
		wt := -1
		for i, n := range names {
			if n == "weight.fairness" {
				wt = i
			}
		}
		if wt < 0 || !(a.Curves[len(a.Curves)-1][wt] > 0) {
			t.Errorf("%s: no positive weight.fairness in the curves (%v)", m, names)
		}
	}
}

// TestTrain_BalanceLearnedParams: uncertainty's log variances and
// GradNorm's weights are in the result; GradNorm's weights sum to K.
func TestTrain_BalanceLearnedParams(t *testing.T) {
	s := mustParse(t, strings.Replace(balanceFair, "METHOD", "{method: gradnorm, alpha: 0.5}", 1))
	r, _ := trainOne(t, s, []float64{1, 0.001}, 0)
	w := r.Balance.Learned["weight"]
	if len(w) != 2 || math.Abs(w[0]+w[1]-2) > 1e-12 || r.Balance.Method != "gradnorm(alpha=0.5)" {
		t.Errorf("gradnorm: %+v", r.Balance)
	}
	s = mustParse(t, strings.Replace(balanceFair, "METHOD", "uncertainty", 1))
	r, _ = trainOne(t, s, []float64{1, 0.001}, 0)
	lv := r.Balance.Learned["log_var"]
	if len(lv) != 2 || lv[0] == 0 || lv[1] == 0 {
		t.Errorf("uncertainty: log variances %v did not move", lv)
	}
	// The final weights are ½e^{−s} of the log variances before the last
	// update; they must at least be positive and finite.
	for _, v := range r.Balance.Final {
		if !(v > 0) || math.IsInf(v, 0) {
			t.Errorf("uncertainty final weights %v", r.Balance.Final)
		}
	}
}

func TestTrain_BalanceCancelled(t *testing.T) {
	tr, run := balancedTrainer(t, "mgda")
	_ = tr
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, run); err == nil {
		t.Fatal("cancelled run returned no error")
	}
}

// The allocation test of the training loop (TestTrain_HotLoopDoesNotAllocate)
// covers every adaptive method, on a fairness term and on an aux head.
func init() {
	for _, m := range balance.Names()[1:] {
		hotLoopCases = append(hotLoopCases, struct{ name, spec string }{"balance_" + m, `
name: a
repeats: 1
dataset: {builtin: fair, params: {samples: 640, groups: 2}}
model: {kind: mlp, hidden: [16, 16]}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  balance: ` + m + `
  terms: [{kind: fairness, weight: 0.5}, {kind: l2, weight: 0.001}]
`})
	}
	hotLoopCases = append(hotLoopCases, struct{ name, spec string }{"balance_gradnorm_aux", `
name: a
repeats: 1
dataset: {builtin: edges, params: {samples: 640}}
model: {kind: mlp, hidden: [16, 8]}
train: {optimizer: adam, batch_size: 16, epochs: EPOCHS}
loss:
  balance: {method: gradnorm, alpha: 1}
  terms: [{kind: aux, layer: -1, loss: bce, weight: 1}]
`})
}

// TestParse_Balance: the balance keys decode, and bad ones are refused
// with the field named.
func TestParse_Balance(t *testing.T) {
	s := mustParse(t, strings.Replace(strings.Replace(balanceFair, "  balance: METHOD\n", "", 1), "weight: 1}", "weight: [0, 1]}", 1)+"sweep:\n  balance: [static, uncertainty, {method: gradnorm, alpha: 0.5}]\n")
	if len(s.Sweep.Balance) != 3 || s.Sweep.Balance[2].Label() != "gradnorm(alpha=0.5)" {
		t.Fatalf("sweep.balance = %+v", s.Sweep.Balance)
	}
	base := strings.Replace(balanceFair, "  balance: METHOD\n", "", 1)
	for _, tc := range []struct{ name, spec, want string }{
		{"unknown method", strings.Replace(balanceFair, "METHOD", "gradnrom", 1), `loss.balance: unknown balancing method "gradnrom", did you mean "gradnorm"?`},
		{"unknown param", strings.Replace(balanceFair, "METHOD", "{method: dwa, alpha: 1}", 1), `loss.balance.alpha: unknown parameter of method dwa`},
		{"bad T", strings.Replace(balanceFair, "METHOD", "{method: dwa, T: 0}", 1), `loss.balance.T: must be > 0`},
		{"no static", base + "sweep:\n  balance: [mgda]\n", "sweep.balance: must include static"},
		{"duplicate", base + "sweep:\n  balance: [static, mgda, mgda]\n", "sweep.balance[2]: method mgda listed twice"},
		{"nothing swept", base + "sweep:\n  balance: [static, mgda]\n", "the static front needs a swept weight"},
		{"swept l2", strings.Replace(base, "weight: 0.001", "weight: [0.001, 0.01]", 1) + "sweep:\n  balance: [static, mgda]\n", "loss.terms[1].weight: term l2 (l2) is a weight penalty"},
		{"swept under loss.balance", strings.Replace(strings.Replace(balanceFair, "METHOD", "mgda", 1), "weight: 1}", "weight: [0, 1]}", 1), "loss.balance mgda sets the weight of term fairness itself"},
		{"nothing to balance", strings.Replace(strings.Replace(balanceFair, "METHOD", "mgda", 1), "{kind: fairness, weight: 1}, ", "", 1), "this spec has none"},
		{"lbfgs", strings.Replace(strings.Replace(balanceFair, "METHOD", "pcgrad", 1), "optimizer: adam", "optimizer: lbfgs", 1), "lbfgs cannot follow"},
		{"both", strings.Replace(balanceFair, "METHOD", "mgda", 1) + "sweep:\n  balance: [static, mgda]\n", "not both"},
		{"gradnorm layer not shared", strings.Replace(strings.Replace(balanceFair, "METHOD", "{method: gradnorm, layer: 1}", 1), "{kind: fairness, weight: 1}", "{kind: aux, layer: 0, weight: 1}", 1) + "", "loss.balance.layer: gradnorm balances a weight matrix that every loss shares; here those are 0…0"},
		{"gradnorm layer of a linear model", strings.Replace(strings.Replace(balanceFair, "METHOD", "{method: gradnorm, layer: 1}", 1), "{kind: mlp, hidden: [6], activation: tanh}", "{kind: linear}", 1), "loss.balance.layer: the model has 1 weight matrices (0…0), got 1"},
		{"gradnorm layer beyond the model", strings.Replace(balanceFair, "METHOD", "{method: gradnorm, layer: 2}", 1), "loss.balance.layer: the model has 2 weight matrices (0…1), got 2"},
		{"gradnorm layer not an integer", strings.Replace(balanceFair, "METHOD", "{method: gradnorm, layer: 0.5}", 1), "loss.balance.layer: must be an integer ≥ 0 (0 = the first weight matrix), got 0.5"},
		{"negative alpha", strings.Replace(balanceFair, "METHOD", "{method: gradnorm, alpha: -1}", 1), "loss.balance.alpha: must be ≥ 0, got -1"},
		{"zero lr", strings.Replace(balanceFair, "METHOD", "{method: uncertainty, lr: 0}", 1), "loss.balance.lr: must be > 0, got 0"},
		{"params of a method without", strings.Replace(balanceFair, "METHOD", "{method: mgda, T: 1}", 1), "loss.balance.T: method mgda has no parameters"},
		{"empty sweep.balance", base + "sweep:\n  balance: []\n", "sweep.balance: empty list: name the methods to compare, e.g. [static, uncertainty, gradnorm, dwa, pcgrad, mgda, rlw"},
		{"negative term", strings.Replace(strings.Replace(balanceFair, "METHOD", "dwa", 1), "{kind: fairness, weight: 1}", "{kind: adversarial_debias, weight: 1}", 1), "the value of term adversarial_debias (adversarial_debias) may be negative; use pcgrad, mgda, rlw"},
		{"missing method", strings.Replace(balanceFair, "METHOD", "{alpha: 1}", 1), "missing key method"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := spec.Parse(strings.NewReader(tc.spec), "t.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestTrain_DWAWeighsByEpochMeans: dwa's weights (the curves' weight.*
// columns) are 1 in the first two epochs, then 2·softmax(r/2) of the
// ratios of the last two epochs' mean losses (the curves' loss.task and
// loss.fairness): the trainer hands the method each epoch's means, and T
// defaults to 2.
func TestTrain_DWAWeighsByEpochMeans(t *testing.T) {
	s := mustParse(t, strings.Replace(balanceFair, "METHOD", "dwa", 1))
	r, _ := trainOne(t, s, []float64{1, 0.001}, 0)
	col := map[string]int{}
	for i, n := range CurveNames(s) {
		col[n] = i
	}
	pair := func(e int, a, b string) []float64 { return []float64{r.Curves[e][col[a]], r.Curves[e][col[b]]} }
	if len(r.Curves) != 4 {
		t.Fatalf("%d epochs of curves, want 4", len(r.Curves))
	}
	for e := range r.Curves {
		got := pair(e, "weight.task", "weight.fairness")
		want := []float64{1, 1}
		if e >= 2 {
			balance.DWAWeights(want, pair(e-1, "loss.task", "loss.fairness"), pair(e-2, "loss.task", "loss.fairness"), 2)
		}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 || (e >= 2 && want[i] == 1) {
				t.Errorf("epoch %d: weights %v, want %v", e+1, got, want)
			}
		}
	}
}

// TestBalanceStep_SharedOnly: under mgda (Info.SharedOnly) on an aux
// head that reads the last hidden layer, the output layer belongs to the
// task alone: its gradient is the task's own, unweighted; the shared
// parameters take Σ w_i·g_i.
func TestBalanceStep_SharedOnly(t *testing.T) {
	tr, _ := specTrainer(t, `
name: a
repeats: 1
dataset: {builtin: edges, params: {samples: 200}}
model: {kind: mlp, hidden: [8, 6]}
train: {optimizer: adam, batch_size: 16, epochs: 1}
loss:
  balance: mgda
  terms: [{kind: aux, layer: -1, loss: bce, weight: 1}]
`)
	b := tr.bal
	if b.wS >= tr.nw {
		t.Fatalf("shared weights [0, %d) of %d: the output layer is shared", b.wS, tr.nw)
	}
	n := 16
	for i := range tr.perm {
		tr.perm[i] = i
	}
	x := tr.loadBatch(tr.data.Train, 0, n)
	out := tr.m.Forward(tr.ws, tr.param, x, n)
	dout := tr.dout[:n*tr.k]
	loss := tr.task.LossGrad(dout, out, tr.yb[:n*tr.tpr], n, tr.k)
	b.startEpoch()
	tr.balanceStep(x, out, n, dout, loss, false)
	sensitive := false
	for j, got := range tr.grad {
		want, weighted := b.g[0][j]+b.g[1][j], b.w[0]*b.g[0][j]+b.w[1]*b.g[1][j]
		if j < b.wS || (j >= tr.nw && j < b.bS) {
			want = weighted
		} else if want != weighted {
			sensitive = true
		}
		if got != want { // bit identity: the same sum in the same order
			t.Fatalf("grad[%d] = %v, want %v (shared weights [0, %d), biases [%d, %d))", j, got, want, b.wS, tr.nw, b.bS)
		}
	}
	if !sensitive {
		t.Errorf("mgda weights %v: the weighted sum equals the plain one on the task's own parameters", b.w)
	}
}

// TestGradNorm_Layer: by default GradNorm balances the last weight matrix
// every loss shares (the fairness term reads the outputs: the output
// matrix); layer: 0 names the first. The model is d-6-1.
func TestGradNorm_Layer(t *testing.T) {
	tr, _ := balancedTrainer(t, "gradnorm")
	d := tr.din
	if lo, hi := tr.bal.method.(*balance.GradNorm).Layer(); lo != d*6 || hi != d*6+6 {
		t.Errorf("default layer [%d, %d), want [%d, %d)", lo, hi, d*6, d*6+6)
	}
	tr, _ = balancedTrainer(t, "{method: gradnorm, layer: 0}")
	if lo, hi := tr.bal.method.(*balance.GradNorm).Layer(); lo != 0 || hi != d*6 {
		t.Errorf("layer 0: [%d, %d), want [0, %d)", lo, hi, d*6)
	}
}

// TestStudy_BalancingMethods: on configs/balancing-methods.yaml (3
// repeats), uncertainty weighting drives the parity term's weight far
// above the task's (its optimum weight is 1/(2L) and the gap L shrinks):
// the final w_fairness/w_task exceeds the grid's λ = 3.16 in every repeat,
// and its mean test.dp_diff is below half that of λ = 0; the static λ =
// 3.16 pays for its parity gap in accuracy.
func TestStudy_BalancingMethods(t *testing.T) {
	s := loadStudy(t, "balancing-methods")
	names := []string{"test.dp_diff", "test.accuracy"}
	z := studyMeans(t, s, "", []float64{0}, 3, names...)
	l := studyMeans(t, s, "", []float64{math.Sqrt(10)}, 3, names...)
	u := s.WithBalance(spec.BalanceSpec{Method: "uncertainty"})
	um := studyMeans(t, u, "", []float64{math.NaN()}, 3, names...)
	t.Logf("λ=0: %v; λ=3.16: %v; uncertainty: %v", z, l, um)
	for r := range 3 {
		res, _ := trainOne(t, u, []float64{math.NaN()}, r)
		if f := res.Balance.Final; !(f[1]/f[0] > math.Sqrt(10)) {
			t.Errorf("repeat %d: uncertainty's final weights %v: ratio %.2f, want above 3.16", r, f, f[1]/f[0])
		}
	}
	if !(um["test.dp_diff"] < z["test.dp_diff"]/2) {
		t.Errorf("uncertainty: test.dp_diff %.3f, λ = 0 %.3f: want below half", um["test.dp_diff"], z["test.dp_diff"])
	}
	if !(l["test.accuracy"] < z["test.accuracy"] && l["test.dp_diff"] < z["test.dp_diff"]/2) {
		t.Errorf("static λ = 3.16 (%v) against λ = 0 (%v): want lower accuracy and half the gap", l, z)
	}
}

func TestSpec_BalanceSummary(t *testing.T) {
	s := loadStudy(t, "balancing-methods")
	want := "static (the λ grid) + 6 adaptive methods, 1 point per repeat each (48 runs): uncertainty, gradnorm, dwa, pcgrad, mgda, rlw"
	if got := s.BalanceSummary(); got != want {
		t.Errorf("BalanceSummary = %q, want %q", got, want)
	}
	// One adaptive method: singular ("+ 1 adaptive methods" before).
	var one []spec.BalanceSpec
	for _, b := range s.Sweep.Balance {
		if !b.Adaptive() || b.Label() == "dwa" {
			one = append(one, b)
		}
	}
	s.Sweep.Balance = one
	if got, want := s.BalanceSummary(), "static (the λ grid) + 1 adaptive method, 1 point per repeat (8 runs): dwa"; got != want {
		t.Errorf("BalanceSummary = %q, want %q", got, want)
	}
	u := mustParse(t, strings.Replace(balanceFair, "METHOD", "{method: dwa, T: 1}", 1))
	if got := u.BalanceSummary(); got != "dwa(T=1) sets the weights of 1 term(s) during training" {
		t.Errorf("BalanceSummary = %q", got)
	}
}
