package pytorch

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/cmd"
)

// interpreter is the python digits.yaml names: Debian's python3-torch is
// for it, and a python3 first on PATH (pyenv, a venv) may lack torch.
const interpreter = "/usr/bin/python3"

// readmeCommand returns the argv (without "lossexp") of the sweep the
// PyTorch example of docs/trainer.md tells the reader to run.
func readmeCommand(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/trainer.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "## Example: a PyTorch MLP with two terms")
	if !ok {
		t.Fatal("docs/trainer.md has no PyTorch example section")
	}
	for _, line := range strings.Split(sec, "\n") {
		if cmdline, ok := strings.CutPrefix(line, "    lossexp sweep "); ok {
			return append([]string{"sweep"}, strings.Fields(cmdline)...)
		}
	}
	t.Fatal("the PyTorch example of docs/trainer.md gives no `lossexp sweep` command")
	return nil
}

// TestDigitsExample_NamesItsPython: digits.yaml runs train.py with
// /usr/bin/python3, not the first python3 on PATH, and train.py run by a
// python without torch exits at once with the cure (fail fast then stops
// the sweep with it).
func TestDigitsExample_NamesItsPython(t *testing.T) {
	spec, err := os.ReadFile("digits.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(spec), "command: ["+interpreter+", train.py,") {
		t.Errorf("digits.yaml does not run train.py with %s", interpreter)
	}
	if _, err := os.Stat(interpreter); err != nil {
		if os.Getenv("LOSSEXP_REQUIRE_TORCH") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	// -S: without site-packages, this python has no torch.
	out, err := exec.Command(interpreter, "-S", "train.py", "--recon=0", "--decay=0", "--seed=1").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "cannot import torch") || !strings.Contains(string(out), "apt-get install python3-torch") {
		t.Errorf("train.py without torch: %v, %s; want exit 1 naming the cure", err, out)
	}
}

// TestDigitsExample runs the documented command (docs/trainer.md, "Example:
// a PyTorch MLP") on a reduced copy of digits.yaml (2×2 grid, 2 repeats, 4
// epochs: max_epochs, which train.py reads as LOSSEXP_EPOCHS) in the same
// layout, with a python3 lacking torch first on PATH,
// and checks the protocol end to end: every run ok, λ chosen on
// validation.accuracy, the metrics in range, the curves filled, the
// gradient conflict measured where λ > 0 and empty where λ = 0.
func TestDigitsExample(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 8 PyTorch runs")
	}
	if err := exec.Command(interpreter, "-c", "import torch").Run(); err != nil {
		// .ci/run installs python3-torch and sets LOSSEXP_REQUIRE_TORCH=1:
		// there a missing torch fails rather than skips.
		if os.Getenv("LOSSEXP_REQUIRE_TORCH") == "1" {
			t.Fatalf("no torch for %s and LOSSEXP_REQUIRE_TORCH=1 (on Debian: apt-get install python3-torch): %v", interpreter, err)
		}
		t.Skip("no torch for " + interpreter + " (on Debian: apt-get install python3-torch)")
	}
	argv := readmeCommand(t)
	root := t.TempDir()
	ex := filepath.Join(root, "examples", "pytorch")
	os.MkdirAll(ex, 0o755)
	os.MkdirAll(filepath.Join(root, "datasets", "sklearn"), 0o755)
	for _, f := range []string{"train.py", "../../datasets/sklearn/digits.csv"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(ex, f), b, 0o644)
	}
	// A python3 first on PATH that lacks torch, as pyenv's shim here.
	bin := filepath.Join(root, "bin")
	os.Mkdir(bin, 0o755)
	os.WriteFile(filepath.Join(bin, "python3"), []byte("#!/bin/sh\necho 'No module named torch' >&2\nexit 1\n"), 0o755)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	spec, err := os.ReadFile("digits.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(spec)
	for _, r := range [][2]string{
		{"repeats: 3", "repeats: 2"},
		{"max_epochs: 40", "max_epochs: 4"},
		{"weight: [0, 0.1, 0.3, 1, 3, 10]", "weight: [0, 1]"},
		{"weight: [0, 0.001, 0.01]", "weight: [0, 0.01]"},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("digits.yaml no longer holds %q", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	os.WriteFile(filepath.Join(ex, "digits.yaml"), []byte(s), 0o644)
	t.Chdir(root)
	out := filepath.Join(root, "out")
	var stdout, stderr bytes.Buffer
	code := cmd.Main(context.Background(), append(argv, "--out", out, "-q"), strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("lossexp %s: exit %d\n%s", strings.Join(argv, " "), code, stderr.String())
	}
	if b, _ := os.ReadFile(filepath.Join(out, "balance.csv")); !strings.Contains(string(b), ",validation.accuracy,higher,") {
		t.Errorf("balance.csv: λ not chosen on validation.accuracy:\n%s", b)
	}
	f, err := os.Open(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if len(rows) != 1+8 {
		t.Fatalf("%d runs, want 8", len(rows)-1)
	}
	num := func(r []string, name string) float64 {
		v, err := strconv.ParseFloat(r[col[name]], 64)
		if err != nil {
			t.Fatalf("%s = %q", name, r[col[name]])
		}
		return v
	}
	for _, r := range rows[1:] {
		if r[col["status"]] != "ok" {
			t.Errorf("run %s: %s %s", r[0], r[col["status"]], r[col["reason"]])
			continue
		}
		if acc := num(r, "test.accuracy"); acc < 0.2 || acc > 1 {
			t.Errorf("run %s: test.accuracy %v after 4 epochs", r[0], acc)
		}
		if num(r, "epochs_run") != 4 {
			t.Errorf("run %s: epochs_run %s", r[0], r[col["epochs_run"]])
		}
		for _, term := range []string{"recon", "decay"} {
			lam := num(r, "lambda."+term)
			cell := r[col["grad.cos."+term]]
			if (lam == 0) != (cell == "") {
				t.Errorf("run %s: λ %s = %v but grad.cos.%s = %q", r[0], term, lam, term, cell)
			}
			if lam > 0 {
				if c := num(r, "grad.cos."+term); c < -1 || c > 1 {
					t.Errorf("cosine %v", c)
				}
			}
		}
	}
	curves, _ := os.ReadFile(filepath.Join(out, "curves.csv"))
	if n := strings.Count(string(curves), "\n"); n != 1+8*4 {
		t.Errorf("curves.csv has %d lines, want 1 + 8 runs × 4 epochs", n)
	}
}

// TestTrainPy_Continues: train.py trains $LOSSEXP_EPOCHS epochs and keeps
// its state in $LOSSEXP_CHECKPOINT_DIR; run for 2 epochs and then for 4 in
// the same folder, the second run starts at epoch 3 and ends with the
// metrics of an uninterrupted 4-epoch run, to the bit (same model,
// optimizer and random state).
func TestTrainPy_Continues(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 3 PyTorch runs")
	}
	if err := exec.Command(interpreter, "-c", "import torch").Run(); err != nil {
		if os.Getenv("LOSSEXP_REQUIRE_TORCH") == "1" {
			t.Fatalf("no torch for %s and LOSSEXP_REQUIRE_TORCH=1: %v", interpreter, err)
		}
		t.Skip("no torch for " + interpreter)
	}
	train := func(runDir, ckpt, epochs string) []string {
		t.Helper()
		c := exec.Command(interpreter, "train.py", "--recon=0.3", "--decay=0.01", "--seed=5", "--data", "../../datasets/sklearn/digits.csv")
		c.Env = append(os.Environ(), "LOSSEXP_RUN_DIR="+runDir, "LOSSEXP_CHECKPOINT_DIR="+ckpt, "LOSSEXP_EPOCHS="+epochs)
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("train.py: %v\n%s", err, out)
		}
		b, err := os.ReadFile(filepath.Join(runDir, "metrics.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	whole := train(t.TempDir(), t.TempDir(), "4")
	ckpt := t.TempDir()
	first := train(t.TempDir(), ckpt, "2")
	rest := train(t.TempDir(), ckpt, "4")
	if len(whole) != 5 || len(first) != 3 || len(rest) != 3 {
		t.Fatalf("lines: %d, %d, %d; want 4 epochs + final, 2 + final, 2 + final", len(whole), len(first), len(rest))
	}
	if !strings.HasPrefix(rest[0], `{"epoch": 3,`) {
		t.Errorf("the continued run starts with %.40s, want epoch 3", rest[0])
	}
	if rest[2] != whole[4] || rest[1] != whole[3] {
		t.Errorf("continued run ends\n%s\nthe uninterrupted one\n%s", rest[2], whole[4])
	}
}
