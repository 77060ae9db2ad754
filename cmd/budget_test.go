package cmd

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/internal/faketrainer"
	"github.com/lossexp/lossexp/spec"
)

// budgetSpec writes a spec running the fake trainer's budget mode (with
// failOnce, the first attempt of the sweep stops halfway) over two grid
// points, one repeat; extra adds lines to the trainer section.
func budgetSpec(t *testing.T, failOnce, extra string) string {
	t.Helper()
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	mode := "budget"
	if failOnce != "" {
		mode += ":" + failOnce
	}
	return writeSpec(t, `name: budget
repeats: 1
trainer:
  command: [`+q(os.Args[0])+`, `+q(mode)+`, "--epochs={epochs}", "--ckpt={checkpoint_dir}"]
  env: {FAKE_LOSSEXP_TRAINER: "1"}
  retries: 1
  max_failures: 0
  max_epochs: 6
  metrics: {test.accuracy: higher, test.penalty: lower}
`+extra+`loss:
  terms:
    - {kind: external, name: l2, weight: [0, 0.3], metric: test.penalty}
report:
  metrics: [test.accuracy, test.penalty]
  select_on: test
`)
}

// storedEpochs returns the epochs_trained of every record in out's run
// store, by run id.
func storedEpochs(t *testing.T, out string) map[string]int {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(out, "runs", "seg-*.jsonl"))
	got := map[string]int{}
	for _, seg := range segs {
		f, err := os.Open(seg)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var r struct {
				RunID  string `json:"run_id"`
				Epochs *int   `json:"epochs_trained"`
			}
			if json.Unmarshal(sc.Bytes(), &r) == nil && r.RunID != "" {
				if r.Epochs == nil {
					t.Errorf("record of %s has no epochs_trained", r.RunID)
					continue
				}
				got[r.RunID] = *r.Epochs
			}
		}
		f.Close()
	}
	return got
}

// cmdLog is the part of attempt-<k>.cmd.json the tests read.
type cmdLog struct {
	Argv []string          `json:"argv"`
	Env  map[string]string `json:"env"`
}

func readCmdLog(t *testing.T, path string) cmdLog {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c cmdLog
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// firstEpoch is the epoch of the first epoch line of a metrics.jsonl.
func firstEpoch(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	var v struct{ Epoch int }
	if err := json.Unmarshal([]byte(line), &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v.Epoch
}

// TestBudget_RetryContinues: a command gets its budget as {epochs} and
// LOSSEXP_EPOCHS and a checkpoint folder per (point, repeat) as
// {checkpoint_dir} and LOSSEXP_CHECKPOINT_DIR, inside the results folder;
// an attempt stopped halfway is retried and continues from the
// checkpoint (its epoch lines start at 4), and the run's record counts
// only the epochs it added; the folders are gone once the runs are final.
func TestBudget_RetryContinues(t *testing.T) {
	once := filepath.Join(t.TempDir(), "failed-once")
	p := budgetSpec(t, once, "")
	out := filepath.Join(t.TempDir(), "o")
	code, _, stderr := run(t, "sweep", p, "--out", out, "-q", "--workers", "1")
	if code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	logs, _ := filepath.Glob(filepath.Join(out, "runs", "logs", "*"))
	if len(logs) != 2 {
		t.Fatalf("%d log folders, want 2", len(logs))
	}
	epochs := storedEpochs(t, out)
	retried := 0
	for _, dir := range logs {
		id := filepath.Base(dir)
		c := readCmdLog(t, filepath.Join(dir, "attempt-1.cmd.json"))
		ckpt := c.Env["LOSSEXP_CHECKPOINT_DIR"]
		if c.Env["LOSSEXP_EPOCHS"] != "6" || c.Argv[2] != "--epochs=6" || c.Argv[3] != "--ckpt="+ckpt ||
			filepath.Dir(ckpt) != filepath.Join(out, "checkpoints") || !strings.HasPrefix(filepath.Base(ckpt), "p00") {
			t.Errorf("run %s: argv %q, LOSSEXP_EPOCHS %q, LOSSEXP_CHECKPOINT_DIR %q: want --epochs=6 and a folder in %s/checkpoints",
				id, c.Argv, c.Env["LOSSEXP_EPOCHS"], ckpt, out)
		}
		retry := filepath.Join(dir, "attempt-2.metrics.jsonl")
		if _, err := os.Stat(retry); err != nil {
			if first := firstEpoch(t, filepath.Join(dir, "attempt-1.metrics.jsonl")); first != 1 || epochs[id] != 6 {
				t.Errorf("run %s trained in one attempt: first epoch %d, epochs_trained %d; want 1 and 6", id, first, epochs[id])
			}
			continue
		}
		retried++
		if c1 := readCmdLog(t, filepath.Join(dir, "attempt-2.cmd.json")); c1.Env["LOSSEXP_CHECKPOINT_DIR"] != ckpt {
			t.Errorf("run %s: the retry's checkpoint folder %q is not the first attempt's %q", id, c1.Env["LOSSEXP_CHECKPOINT_DIR"], ckpt)
		}
		if first := firstEpoch(t, retry); first != 4 || epochs[id] != 3 {
			t.Errorf("run %s: the retry starts at epoch %d with epochs_trained %d; want 4 (continued after epoch 3) and 3", id, first, epochs[id])
		}
	}
	if retried != 1 {
		t.Errorf("%d runs retried, want 1", retried)
	}
	if _, err := os.Lstat(filepath.Join(out, "checkpoints")); err == nil {
		left, _ := os.ReadDir(filepath.Join(out, "checkpoints"))
		t.Errorf("checkpoints/ left after every run is final: %v", left)
	}
}

// TestBudget_KeepCheckpoints: with trainer.keep_checkpoints the folders
// stay, holding what the trainer wrote; --fresh removes them (a
// retrained run starts over) and --force replaces them with the rest.
func TestBudget_KeepCheckpoints(t *testing.T) {
	p := budgetSpec(t, "", "  keep_checkpoints: true\n")
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", p, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	for _, name := range []string{"p000-r00", "p001-r00"} {
		b, err := os.ReadFile(filepath.Join(out, "checkpoints", name, faketrainer.BudgetState))
		if err != nil || !strings.Contains(string(b), `"epoch": 6`) {
			t.Errorf("kept checkpoint %s: %q, %v; want the trainer's state at epoch 6", name, b, err)
		}
	}
	// Kept checkpoints are results: a folder holding nothing else is not
	// taken by a sweep that cannot tell whose they are.
	only := filepath.Join(t.TempDir(), "only")
	os.MkdirAll(filepath.Join(only, "checkpoints", "p000-r00"), 0o755)
	os.WriteFile(filepath.Join(only, "checkpoints", "p000-r00", faketrainer.BudgetState), []byte(`{"epoch": 6}`), 0o644)
	if code, _, stderr := run(t, "sweep", p, "--out", only, "-q"); code != 2 || !strings.Contains(stderr, "no spec.yaml") {
		t.Errorf("a folder of checkpoints only: exit %d, want 2 (whose are they?)\n%s", code, stderr)
	}
	// Kept checkpoints are lossexp's: a second spec with --force replaces them.
	other := budgetSpec(t, "", "  keep_checkpoints: true\n  params: {lr: 1}\n")
	if code, _, stderr := run(t, "sweep", other, "--out", out, "-q"); code != 2 || !strings.Contains(stderr, "--force") {
		t.Errorf("another spec without --force: exit %d, want 2 naming --force\n%s", code, stderr)
	}
	os.WriteFile(filepath.Join(out, "checkpoints", "p000-r00", faketrainer.BudgetState), []byte(`{"epoch": 5}`), 0o644)
	if code, _, stderr := run(t, "sweep", other, "--out", out, "-q", "--force"); code != 0 {
		t.Fatalf("--force: exit %d\n%s", code, stderr)
	}
	first := firstEpoch(t, filepath.Join(out, "runs", "logs", firstLogDir(t, out), "attempt-1.metrics.jsonl"))
	if first != 1 {
		t.Errorf("after --force a run continued from the replaced spec's checkpoint (first epoch %d)", first)
	}
}

func firstLogDir(t *testing.T, out string) string {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(out, "runs", "logs", "*"))
	if len(logs) == 0 {
		t.Fatal("no log folder")
	}
	return filepath.Base(logs[0])
}

// TestBudget_HostileCheckpoints: a link out of the results folder or a
// named pipe where a checkpoint folder goes (or at checkpoints/ itself)
// is refused with exit 2 before any run, --force or not, and nothing
// behind the link is touched.
func TestBudget_HostileCheckpoints(t *testing.T) {
	p := budgetSpec(t, "", "")
	mine := t.TempDir()
	os.WriteFile(filepath.Join(mine, "precious"), []byte("mine"), 0o644)
	for _, c := range []struct {
		name string
		make func(out string) error
		at   string
	}{
		{"link out", func(out string) error { return os.Symlink(mine, filepath.Join(out, "checkpoints", "p000-r00")) }, "checkpoints/p000-r00"},
		{"fifo", func(out string) error { return syscall.Mkfifo(filepath.Join(out, "checkpoints", "p001-r00"), 0o644) }, "checkpoints/p001-r00"},
		{"root link", func(out string) error {
			os.Remove(filepath.Join(out, "checkpoints"))
			return os.Symlink(mine, filepath.Join(out, "checkpoints"))
		}, "checkpoints"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "o")
			if code, _, stderr := run(t, "sweep", p, "--out", out, "-q"); code != 0 {
				t.Fatalf("sweep: exit %d\n%s", code, stderr)
			}
			os.MkdirAll(filepath.Join(out, "checkpoints"), 0o755)
			if err := c.make(out); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"sweep", p, "--out", out, "--fresh"}, {"sweep", budgetSpec(t, "", "  params: {lr: 1}\n"), "--out", out, "--force"}} {
				code, _, stderr := run(t, args...)
				if code != 2 || !strings.Contains(stderr, c.at) || !strings.Contains(stderr, "link") {
					t.Errorf("%v: exit %d, want 2 naming %s\n%s", args[3:], code, c.at, stderr)
				}
			}
			if b, err := os.ReadFile(filepath.Join(mine, "precious")); err != nil || string(b) != "mine" {
				t.Errorf("the file behind the link: %q, %v", b, err)
			}
		})
	}
}

// TestBudget_SpecErrors: {epochs} without trainer.max_epochs, and a
// max_epochs that is not a positive whole number, stop validate with exit
// 2 at file:line:col; validate shows the budget.
func TestBudget_SpecErrors(t *testing.T) {
	p := budgetSpec(t, "", "")
	b, _ := os.ReadFile(p)
	for _, c := range []struct{ from, to, want string }{
		{"  max_epochs: 6\n", "", ":4:"},
		{"max_epochs: 6", "max_epochs: 0", ":8:15: trainer.max_epochs: must be a whole number between 1 and"},
		{"max_epochs: 6", "max_epochs: 2.5", ":8:15: trainer.max_epochs"},
	} {
		q := writeSpec(t, strings.Replace(string(b), c.from, c.to, 1))
		code, _, stderr := run(t, "validate", q)
		if code != 2 || !strings.Contains(stderr, q+c.want) {
			t.Errorf("%q → %q: exit %d, want 2 and %s%s\n%s", c.from, c.to, code, q, c.want, stderr)
		}
		if c.to == "" && !strings.Contains(stderr, "{epochs} is the run's epoch budget, which trainer.max_epochs gives") {
			t.Errorf("{epochs} without max_epochs: the message does not say why\n%s", stderr)
		}
	}
	code, stdout, stderr := run(t, "validate", p)
	if code != 0 || !strings.Contains(stdout, "budget: 6 epochs a run ({epochs}, LOSSEXP_EPOCHS); checkpoint folder per (point, repeat) ({checkpoint_dir}) removed once the run is final") {
		t.Errorf("validate: exit %d, no budget line\n%s%s", code, stdout, stderr)
	}
}

// TestBudget_Doc: docs/trainer-budget.md shows validate's budget line as
// validate prints it, and names every protocol name it documents.
func TestBudget_Doc(t *testing.T) {
	b, err := os.ReadFile("../docs/trainer-budget.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	ts := &spec.TrainerSpec{MaxEpochs: 40}
	if line := strings.TrimSpace(ts.DescribeBudget()); !strings.Contains(doc, "    "+line+"\n") {
		t.Errorf("the doc does not show validate's line %q", line)
	}
	for _, name := range []string{"{" + command.PlaceholderEpochs + "}", "{" + command.PlaceholderCheckpointDir + "}", command.EnvEpochs, command.EnvCheckpointDir, "max_epochs", "keep_checkpoints", "epochs_trained"} {
		if !strings.Contains(doc, name) {
			t.Errorf("the doc does not name %s", name)
		}
	}
}

// TestBudget_Kill9Continues: lossexp killed with SIGKILL while a slow
// trainer is part way through its epochs; the resumed sweep's attempt
// continues from the checkpoint folder the killed one left (its epoch
// lines start above 1, its record counts only the epochs it added), the
// runs end with the metrics of an uninterrupted sweep, and the folders go
// once the runs are final.
func TestBudget_Kill9Continues(t *testing.T) {
	bin := buildBinary(t)
	p := budgetSpec(t, "", "")
	b, _ := os.ReadFile(p)
	s := strings.Replace(string(b), `FAKE_LOSSEXP_TRAINER: "1"`, `FAKE_LOSSEXP_TRAINER: "1", FAKE_EPOCH_MS: "150"`, 1)
	s = strings.Replace(s, "max_epochs: 6", "max_epochs: 12", 1)
	os.WriteFile(p, []byte(s), 0o644)
	dir := t.TempDir()
	full, killed := filepath.Join(dir, "full"), filepath.Join(dir, "killed")
	if out, err := exec.Command(bin, "sweep", p, "--out", full, "--workers", "2", "-q").CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted sweep: %v\n%s", err, out)
	}
	c := exec.Command(bin, "sweep", p, "--out", killed, "--workers", "2", "-q")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(killed, "checkpoints", "p000-r00", faketrainer.BudgetState)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(state); err == nil && strings.Contains(string(b), `"epoch": 4`) {
			break
		}
	}
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	time.Sleep(300 * time.Millisecond) // the trainer is stopped with its supervisor
	if b, err := os.ReadFile(state); err != nil {
		t.Fatalf("no checkpoint at the kill: %v", err)
	} else if strings.Contains(string(b), `"epoch": 12`) {
		t.Fatalf("the run finished before the kill: %s", b)
	}
	if out, err := exec.Command(bin, "sweep", p, "--out", killed, "--workers", "2").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	// Every run the kill interrupted continues from its own checkpoint
	// (p000-r00's held epoch 4; another worker's run may hold another):
	// its resumed attempt starts after epoch 1 and adds only the rest.
	continued := 0
	for rid, n := range storedEpochs(t, killed) {
		if n >= 12 {
			continue
		}
		continued++
		attempts, _ := filepath.Glob(filepath.Join(killed, "runs", "logs", rid, "attempt-*.metrics.jsonl"))
		first := firstEpoch(t, attempts[len(attempts)-1])
		if first < 2 || n != 12-first+1 {
			t.Errorf("the resumed attempt of %s starts at epoch %d with epochs_trained %d; want a start after its checkpoint and 12 − start + 1 epochs", rid, first, n)
		}
	}
	if continued == 0 {
		t.Fatalf("no run continued: epochs_trained %v", storedEpochs(t, killed))
	}
	a, _ := os.ReadFile(filepath.Join(full, "runs.csv"))
	k, _ := os.ReadFile(filepath.Join(killed, "runs.csv"))
	if len(a) == 0 || string(a) != string(k) {
		t.Errorf("runs.csv of the killed-and-resumed sweep differs:\n%s\nuninterrupted:\n%s", k, a)
	}
	if _, err := os.Lstat(filepath.Join(killed, "checkpoints")); err == nil {
		t.Error("checkpoints/ left after the resumed sweep")
	}
}
