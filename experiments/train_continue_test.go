package experiments

import (
	"bytes"
	"context"
	"encoding/gob"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/spec"
)

// continueCases are runs that continue across halving's rungs since
// batch terms, noise inputs and float32 do: stateless terms
// (decorrelation, fairness, temporal on sequence windows, perceptual
// through a frozen classifier), terms with own parameters trained beside
// the model (an adversary, aux heads, a discriminator fed noise inputs),
// and float32 training (adam; momentum with a proximal l1). Each trains
// 27 epochs, its rungs 3 and 9 below.
var continueCases = []struct{ name, spec string }{
	{"decorrelation", `
dataset: {builtin: factors, params: {samples: 40}}
model: {kind: mlp, hidden: [5, 4], activation: tanh}
train: {optimizer: adam, batch_size: 7, eval_every: 2}
loss:
  terms: [{kind: decorrelation, layer: 0, weight: 0.5}, {kind: l2, weight: 0.1}]
`},
	{"fairness", `
dataset: {builtin: fair, params: {samples: 60, groups: 3}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {optimizer: momentum, batch_size: 12}
loss:
  terms: [{kind: fairness, metric: equalized_odds, weight: 0.7}]
`},
	{"adversarial_debias", `
dataset: {builtin: fair, params: {samples: 60, groups: 3}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {optimizer: adam, batch_size: 12}
loss:
  terms: [{kind: adversarial_debias, metric: equalized_odds, steps: 2, weight: 0.6}]
`},
	{"aux", `
dataset: {builtin: edges, params: {samples: 30, length: 8}}
model: {kind: mlp, hidden: [5, 4], activation: tanh}
train: {optimizer: adam, batch_size: 6}
loss:
  terms: [{kind: aux, layer: 0, hidden: 3, weight: 0.7}, {kind: aux, name: a2, loss: mse, weight: 0.4}]
`},
	{"temporal", `
dataset: {builtin: sequences, params: {sequences: 6, length: 10}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {optimizer: adam, batch_size: 6}
loss:
  terms: [{kind: temporal, norm: l2_squared, weight: 0.7}]
`},
	{"gan_noise", `
dataset: {builtin: multimodal, params: {samples: 40}}
model: {kind: mlp, hidden: [5], activation: tanh, noise: 2}
train: {optimizer: adam, batch_size: 8}
loss:
  task: mse
  terms: [{kind: adversarial, hidden: [4], steps: 2, weight: 0.7}]
`},
	{"perceptual", `
dataset: {builtin: glyphs, params: {samples: 40}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {optimizer: adam, batch_size: 8}
loss:
  task: mse
  terms: [{kind: perceptual, hidden: [6], activation: tanh, epochs: 3, weight: 0.7}]
`},
	{"float32_adam", `
dataset: {builtin: moons, params: {samples: 60}}
model: {kind: mlp, hidden: [6], activation: relu}
train: {optimizer: adam, batch_size: 8, precision: float32, eval_every: 2}
loss:
  terms: [{kind: l2, weight: 0.01}]
`},
	{"float32_momentum_l1", `
dataset: {builtin: moons, params: {samples: 60}}
model: {kind: mlp, hidden: [6], activation: relu}
train: {optimizer: momentum, learning_rate: 0.05, batch_size: 8, precision: float32}
loss:
  terms: [{kind: l1, weight: 0.001}]
`},
}

// continueSpec is a continueCases spec with 27 epochs and halving's rungs
// 3, 9, 27.
func continueSpec(t *testing.T, body string) *spec.Spec {
	t.Helper()
	body = strings.Replace(body, "train: {", "train: {epochs: 27, ", 1)
	return mustParse(t, "name: c\nsweep: {halving: {min_epochs: 3, eta: 3}}\n"+body)
}

// continueRun is the run of s (repeat 0, the terms' λ) at budget, keyed
// as a sweep keys it.
func continueRun(t *testing.T, s *spec.Spec, budget int) *Run {
	t.Helper()
	lam := make([]float64, len(s.Loss.Terms))
	for i, ts := range s.Loss.Terms {
		lam[i] = ts.Weight.Values[0]
	}
	run := prepareRun(t, s, lam, 0)
	run.Budget, run.Key = budget, "p000-r00-key"
	return run
}

// trainIn trains run with its checkpoint folders under root ("" none).
func trainIn(t *testing.T, root string, run *Run) Result {
	t.Helper()
	ctx := context.Background()
	if root != "" {
		ctx = WithCheckpoints(ctx, root)
	}
	res, err := Train(ctx, run)
	if err != nil || res.Status != StatusOK {
		t.Fatalf("run of %d epochs: %v %s %s", run.Budget, err, res.Status, res.Reason)
	}
	return res
}

// readTrainState decodes the state a rung left under root, with its
// epoch times (the one thing that depends on the clock) cleared.
func readTrainState(t *testing.T, root string, run *Run) *trainState {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(CheckpointDir(root, run), stateFile))
	if err != nil {
		t.Fatal(err)
	}
	var st trainState
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
		t.Fatal(err)
	}
	st.EpochSeconds = nil
	return &st
}

// writeTrainState writes st where run's next rung reads it.
func writeTrainState(t *testing.T, root string, run *Run, st *trainState) {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(CheckpointDir(root, run), stateFile), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// gobBits encodes v: two values with the same encoding hold the same
// float64 bits (NaN included, which == would not say).
func gobBits(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sameResult reports the first of a's fields whose float64 bits differ
// from b's (the point here: continuation must not change a bit); "" when
// none does.
func sameResult(t *testing.T, a, b Result) string {
	t.Helper()
	type samples struct{ S *Samples } // gob leaves a nil field out
	for _, f := range []struct {
		name string
		a, b any
	}{
		{"metrics", a.Metrics, b.Metrics}, {"curves", a.Curves, b.Curves}, {"extra", a.Extra, b.Extra},
		{"samples", samples{a.Samples}, samples{b.Samples}}, {"lambdas", a.Lambdas, b.Lambdas},
	} {
		if !bytes.Equal(gobBits(t, f.a), gobBits(t, f.b)) {
			return f.name
		}
	}
	return ""
}

// TestContinue_BatchTerms: a run with batch terms trained in rungs (3,
// then 9, then 27 epochs through its checkpoint folder) is, every float64
// bit of its Result (metrics, curves, extra metrics, samples), the run
// trained from scratch to 27; the state the rung of 9 leaves (parameters,
// the terms' own parameters and optimizers, the batch order, the windows'
// order, the noise's generator, the curves) is the one a run trained
// from scratch to 9 leaves; and the continued rungs train only the
// epochs they add.
func TestContinue_BatchTerms(t *testing.T) {
	for _, tc := range continueCases {
		t.Run(tc.name, func(t *testing.T) {
			s := continueSpec(t, tc.spec)
			if why := continueRefusal(s); why != "" {
				t.Fatalf("continueRefusal: %s", why)
			}
			scratch := trainIn(t, "", continueRun(t, s, 0))

			ref := t.TempDir() // from scratch to 9: its state
			run9 := continueRun(t, s, 9)
			trainIn(t, ref, run9)
			want9 := readTrainState(t, ref, run9)

			root := t.TempDir()
			for _, r := range []struct{ budget, added int }{{3, 0}, {9, 6}, {27, 18}} {
				run := continueRun(t, s, r.budget)
				res := trainIn(t, root, run)
				if res.EpochsTrained != r.added {
					t.Errorf("rung of %d epochs: epochs_trained %d, want %d (0: from scratch, its budget)", r.budget, res.EpochsTrained, r.added)
				}
				switch r.budget {
				case 9:
					if got := readTrainState(t, root, run); !bytes.Equal(gobBits(t, got), gobBits(t, want9)) {
						t.Errorf("the state after rungs 3 and 9 differs from a run's trained from scratch to 9")
					}
				case 27:
					if f := sameResult(t, res, scratch); f != "" {
						t.Errorf("the run continued over rungs 3, 9, 27: its %s differ from the run trained from scratch to 27", f)
					}
				}
			}
		})
	}
}

// TestContinue_OtherShapeIgnored: a rung's state whose batch terms' own
// parameters, windows or noise generator do not have the run's shape
// (another spec left it) is not used: the next rung trains from scratch,
// to the result of a run never continued.
func TestContinue_OtherShapeIgnored(t *testing.T) {
	for _, c := range []struct {
		name, spec string
		spoil      func(st *trainState)
	}{
		{"own parameters", continueCases[2].spec, func(st *trainState) { st.Own[0].Param = st.Own[0].Param[1:] }},
		{"no own state", continueCases[2].spec, func(st *trainState) { st.Own = nil }},
		{"windows", continueCases[4].spec, func(st *trainState) { st.Win[0][1]++ }},
		{"noise", continueCases[5].spec, func(st *trainState) { st.Noise = nil }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := continueSpec(t, c.spec)
			root := t.TempDir()
			run3 := continueRun(t, s, 3)
			trainIn(t, root, run3)
			st := readTrainState(t, root, run3)
			c.spoil(st)
			writeTrainState(t, root, run3, st)
			res := trainIn(t, root, continueRun(t, s, 9))
			want := trainIn(t, "", continueRun(t, s, 9))
			if res.EpochsTrained != 0 {
				t.Errorf("epochs_trained %d after a state of another shape, want 0 (from scratch: its budget)", res.EpochsTrained)
			}
			if f := sameResult(t, res, want); f != "" {
				t.Errorf("its %s differ from a run trained from scratch", f)
			}
		})
	}
}

// TestContinue_WarningAgrees: HalvingWarning is silent on a spec exactly
// when its runs continue (openContinuation gives them a continuation):
// one list (continueRefusal) says both; lbfgs, folds and an adaptive
// balancing method are on it.
func TestContinue_WarningAgrees(t *testing.T) {
	const plain = `
dataset: {builtin: moons, params: {samples: 60}}
model: {kind: mlp, hidden: [5], activation: tanh}
train: {optimizer: adam, batch_size: 8}
loss:
  terms: [{kind: l2, weight: 0.1}]
`
	cases := map[string]string{
		"plain":    plain,
		"noise":    strings.Replace(plain, "activation: tanh}", "activation: tanh, noise: 2}", 1),
		"sgd":      strings.Replace(plain, "optimizer: adam", "optimizer: sgd", 1),
		"adamw":    strings.Replace(plain, "optimizer: adam", "optimizer: adamw", 1),
		"lbfgs":    strings.Replace(plain, "optimizer: adam, batch_size: 8", "optimizer: lbfgs", 1),
		"float32":  strings.NewReplacer("batch_size: 8}", "batch_size: 8, precision: float32}", "tanh", "relu").Replace(plain),
		"folds":    strings.Replace(plain, "samples: 60}}", "samples: 60}, split: {cv: 3}}", 1),
		"balanced": strings.Replace(continueCases[0].spec, "loss:\n", "loss:\n  balance: {method: dwa}\n", 1),
	}
	for _, tc := range continueCases {
		cases[tc.name] = tc.spec
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			s := continueSpec(t, body)
			run := continueRun(t, s, 3)
			tr, err := newTrainer(run)
			if err != nil {
				t.Fatal(err)
			}
			c, err := tr.openContinuation(WithCheckpoints(context.Background(), t.TempDir()), run)
			if err != nil {
				t.Fatal(err)
			}
			w := HalvingWarning(s)
			if (w == "") != (c != nil) {
				t.Errorf("warning %q, continues: %v", w, c != nil)
			}
			if refused := strings.Contains("lbfgs folds balanced", name); refused != (w != "") {
				t.Errorf("warning %q: want one %v", w, refused)
			}
		})
	}
}
