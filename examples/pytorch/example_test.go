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

// torchPython returns a python3 that imports torch: the one on PATH, else
// Debian's /usr/bin/python3 (python3-torch), else "".
func torchPython() string {
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import torch").Run() == nil {
			return path
		}
	}
	return ""
}

// TestDigitsExample sweeps a reduced digits.yaml (2×2 grid, 2 repeats,
// 4 epochs) with the real PyTorch trainer and checks the protocol end to
// end: every run ok, the metrics in range, the curves filled, the
// gradient conflict measured where λ > 0 and empty where λ = 0.
func TestDigitsExample(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 8 PyTorch runs")
	}
	py := torchPython()
	if py == "" {
		t.Skip("no python3 that imports torch (on Debian: apt-get install python3-torch)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	if err := os.Symlink(py, filepath.Join(bin, "python3")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	src, err := os.ReadFile("train.py")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "train.py"), src, 0o644)
	spec, err := os.ReadFile("digits.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(spec)
	data, err := filepath.Abs("../../datasets/sklearn/digits.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]string{
		{"../../datasets/sklearn/digits.csv,", data + ","},
		{"../../datasets/sklearn/digits.csv]", data + "]"},
		{"repeats: 3", "repeats: 2"},
		{`"--seed={seed}"]`, `"--seed={seed}", "--epochs=4"]`},
		{"weight: [0, 0.1, 0.3, 1, 3, 10]", "weight: [0, 1]"},
		{"weight: [0, 0.001, 0.01]", "weight: [0, 0.01]"},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("digits.yaml no longer holds %q", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	os.WriteFile(filepath.Join(dir, "digits.yaml"), []byte(s), 0o644)
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	code := cmd.Main(context.Background(), []string{"sweep", filepath.Join(dir, "digits.yaml"), "--out", out, "--workers", "2", "-q"},
		strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
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
