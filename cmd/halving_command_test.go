package cmd

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lossexp/lossexp/internal/faketrainer"
)

// halvingCommandSpec writes a spec running the fake trainer's budget mode
// (metrics from λ, the epochs and the seed; it continues from its
// checkpoint folder) over 9 grid points × 2 repeats with sweep.halving
// {min_epochs: 3, eta: 3} and trainer.max_epochs 27: rungs 3, 9, 27.
// With keep, trainer.keep_checkpoints; epochMS paces the epochs.
func halvingCommandSpec(t *testing.T, keep bool, epochMS int) string {
	t.Helper()
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	extra := ""
	if keep {
		extra = "  keep_checkpoints: true\n"
	}
	return writeSpec(t, `name: halving-command
repeats: 2
trainer:
  command: [`+q(os.Args[0])+`, "budget", "--epochs={epochs}", "--ckpt={checkpoint_dir}"]
  env: {FAKE_LOSSEXP_TRAINER: "1", FAKE_EPOCH_MS: "`+strconv.Itoa(epochMS)+`"}
  max_epochs: 27
  metrics: {validation.accuracy: higher, test.accuracy: higher, test.penalty: lower}
`+extra+`loss:
  terms:
    - {kind: external, name: l2, weight: [0, 0.05, 0.1, 0.2, 0.3, 0.45, 1, 2, 4], metric: test.penalty}
sweep:
  halving: {min_epochs: 3, eta: 3}
report:
  metrics: [validation.accuracy, test.accuracy, test.penalty]
  select_on: validation
`)
}

// halvingRows returns runs.csv's rows of out as λ → (status, budget) of
// its repeats, checking every repeat of a point agrees.
func halvingRows(t *testing.T, out string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h := rows[0]
	st, lam, bud := slices.Index(h, "status"), slices.Index(h, "lambda.l2"), slices.Index(h, "budget")
	if st < 0 || lam < 0 || bud < 0 {
		t.Fatalf("runs.csv header %v: want status, lambda.l2, budget", h)
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		v := r[st] + "@" + r[bud]
		if old, ok := got[r[lam]]; ok && old != v {
			t.Errorf("λ = %s: repeats disagree: %s and %s", r[lam], old, v)
		}
		got[r[lam]] = v
	}
	return got
}

// manifestEpochs returns the manifest's epochs_budgeted and
// epochs_full_grid.
func manifestEpochs(t *testing.T, out string) (budgeted, full int) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Budgeted int `json:"epochs_budgeted"`
		Full     int `json:"epochs_full_grid"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Budgeted, m.Full
}

// halvingCommandWant is what the keep rule decides on halvingCommandSpec
// (accuracy 0.9 − (λ − 0.3)² − 0.3·e^(−epoch/3), seed noise ±0.002, the
// same at every λ, so a paired difference between two λ is their
// (λ − 0.3)² gap within a few 0.001): after rung 3 the best ⌈8/3⌉ = 3 of
// the 8 points beside λ = 0 (0.3, 0.2, 0.45; the others are surely worse
// than 0.3 and outside its 1-SE band), after rung 9, the last decision
// before the full budget, the best ⌈3/3⌉ = 1 (0.3) alone (0.2 and 0.45
// are surely worse and outside its band; at the last decision the rule
// keeps no λ above the band); λ = 0 trains at the full budget only.
var halvingCommandWant = map[string]string{
	"0": "ok@27", "0.3": "ok@27",
	"0.2": "pruned@9", "0.45": "pruned@9",
	"0.05": "pruned@3", "0.1": "pruned@3", "1": "pruned@3", "2": "pruned@3", "4": "pruned@3",
}

// halvingCommandEpochs is the epochs the attempts of halvingCommandSpec
// add, by hand: every rung continues from the previous one's checkpoint,
// 2 repeats each. Rung 3: 8 points × 3 epochs; rung 9: 3 points × 6
// added; rung 27: λ = 0.3 × 18 added, λ = 0 × 27 from scratch.
const halvingCommandEpochs = 2 * (8*3 + 3*6 + 1*18 + 1*27) // 174 of 486 (35.8%)

// TestHalving_Command: successive halving with a training command that
// continues from its checkpoint folder. Each rung's attempt gets the
// rung's budget ({epochs}, LOSSEXP_EPOCHS) and the (point, repeat)'s
// folder of the rung before (its epoch lines start after that rung's
// budget); runs.csv has the pruned rows at their rung's budget; the
// manifest's epochs_budgeted is the sum of the epochs the attempts added
// (not of their budgets); the pruned points' checkpoint folders are
// removed (kept with keep_checkpoints).
func TestHalving_Command(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run("keep="+strconv.FormatBool(keep), func(t *testing.T) {
			p := halvingCommandSpec(t, keep, 0)
			out := filepath.Join(t.TempDir(), "o")
			code, _, stderr := run(t, "sweep", p, "--out", out, "-q", "--workers", "2")
			if code != 0 {
				t.Fatalf("sweep: exit %d\n%s", code, stderr)
			}
			if got := halvingRows(t, out); !mapsEqual(got, halvingCommandWant) {
				t.Errorf("runs.csv status@budget by λ:\n got %v\nwant %v", got, halvingCommandWant)
			}
			budgeted, full := manifestEpochs(t, out)
			if budgeted != halvingCommandEpochs || full != 9*2*27 {
				t.Errorf("manifest: epochs_budgeted %d, epochs_full_grid %d; want %d (the epochs added) and %d", budgeted, full, halvingCommandEpochs, 9*2*27)
			}
			// The runs of a point's later rungs start after the rung
			// before: rung 9 at epoch 4, rung 27 at epoch 10.
			starts := map[int]int{}
			logs, _ := filepath.Glob(filepath.Join(out, "runs", "logs", "*", "attempt-*.metrics.jsonl"))
			for _, l := range logs {
				starts[firstEpoch(t, l)]++
			}
			if want := map[int]int{1: 8*2 + 2, 4: 3 * 2, 10: 1 * 2}; !mapsEqual(starts, want) {
				t.Errorf("attempts by first epoch %v, want %v (rung 9 continues at 4, rung 27 at 10)", starts, want)
			}
			if !keep { // the answer: the plain grid's λ_best and λ_1se
				plain := filepath.Join(t.TempDir(), "plain")
				b, _ := os.ReadFile(p)
				ps := writeSpec(t, strings.Replace(string(b), "sweep:\n  halving: {min_epochs: 3, eta: 3}\n", "", 1))
				if code, _, stderr := run(t, "sweep", ps, "--out", plain, "-q", "--workers", "2"); code != 0 {
					t.Fatalf("plain sweep: exit %d\n%s", code, stderr)
				}
				if h, g := balanceAnswers(t, out), balanceAnswers(t, plain); !mapsEqual(h, g) || g["lambda_best"] != "0.3" {
					t.Errorf("λ_best, λ_1se with halving %v, plain %v (at %d of %d epochs): want the same, λ_best 0.3", h, g, budgeted, full)
				}
			}
			ckpts, _ := os.ReadDir(filepath.Join(out, "checkpoints"))
			if keep {
				if len(ckpts) != 9*2 {
					t.Errorf("keep_checkpoints: %d checkpoint folders left, want 18", len(ckpts))
				}
				state, err := os.ReadFile(filepath.Join(out, "checkpoints", "p001-r00", faketrainer.BudgetState))
				if err != nil || !strings.Contains(string(state), `"epoch": 3`) {
					t.Errorf("keep_checkpoints: the pruned λ = 0.05's folder holds %q (%v), want its rung 3 state", state, err)
				}
			} else if len(ckpts) != 0 {
				t.Errorf("checkpoint folders left after the sweep: %d (a pruned point's folder is removed)", len(ckpts))
			}
		})
	}
}

// balanceAnswers returns balance.csv's λ_best and λ_1se of out.
func balanceAnswers(t *testing.T, out string) map[string]string {
	t.Helper()
	rows, col := readTable(t, filepath.Join(out, "balance.csv"))
	got := map[string]string{}
	for _, r := range rows[1:] {
		if p := r[col["point"]]; p == "lambda_best" || p == "lambda_1se" {
			got[p] = r[col["lambda"]]
		}
	}
	return got
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestHalving_CommandKill9: a halving sweep with a training command
// killed with SIGKILL in its second rung and run again makes the same
// decisions as an uninterrupted one (the same runs.csv bytes), continues
// from the checkpoints the killed one left, and leaves no checkpoint
// folder and no trainer process (after the kill or after the resume).
func TestHalving_CommandKill9(t *testing.T) {
	bin := buildBinary(t)
	p := halvingCommandSpec(t, false, 30)
	dir := t.TempDir()
	full, killed := filepath.Join(dir, "full"), filepath.Join(dir, "killed")
	if out, err := exec.Command(bin, "sweep", p, "--out", full, "--workers", "2", "-q").CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted sweep: %v\n%s", err, out)
	}
	c := exec.Command(bin, "sweep", p, "--out", killed, "--workers", "2", "-q")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// λ = 0.3 is point 4: its state passes epoch 5 in rung 9.
	state := filepath.Join(killed, "checkpoints", "p004-r00", faketrainer.BudgetState)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if b, err := os.ReadFile(state); err == nil && strings.Contains(string(b), `"epoch": 5`) {
			break
		}
	}
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	// The trainers (their command line names the killed folder's
	// checkpoints) are stopped with their supervisor: none is left.
	noProcessWith(t, killed, 10*time.Second, "after the kill -9")
	if b, err := os.ReadFile(state); err != nil || !strings.Contains(string(b), `"epoch": `) {
		t.Fatalf("no checkpoint of λ = 0.3 at the kill: %q %v", b, err)
	} else if e := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(string(b)), `{"epoch": `), "}")); e == "9" || e == "27" {
		t.Fatalf("killed too late (state at epoch %s): not mid-rung", e)
	}
	if out, err := exec.Command(bin, "sweep", p, "--out", killed, "--workers", "2", "-q").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	a, _ := os.ReadFile(filepath.Join(full, "runs.csv"))
	k, _ := os.ReadFile(filepath.Join(killed, "runs.csv"))
	if len(a) == 0 || string(a) != string(k) {
		t.Errorf("runs.csv of the killed-and-resumed sweep differs:\n%s\nuninterrupted:\n%s", k, a)
	}
	if got := halvingRows(t, killed); !mapsEqual(got, halvingCommandWant) {
		t.Errorf("resumed decisions %v, want %v", got, halvingCommandWant)
	}
	// The killed attempt's epochs are in no record: the resumed one
	// counts what it added after the checkpoint.
	if b, _ := manifestEpochs(t, killed); b > halvingCommandEpochs || b < halvingCommandEpochs-2*6 {
		t.Errorf("epochs_budgeted %d after the kill, want at most %d", b, halvingCommandEpochs)
	}
	noProcessWith(t, killed, 0, "after the resumed sweep")
	if left, _ := os.ReadDir(filepath.Join(killed, "checkpoints")); len(left) != 0 {
		t.Errorf("checkpoint folders left after the resumed sweep: %d", len(left))
	}
}
