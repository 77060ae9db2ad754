package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tinySpec = `name: tiny
description: a tiny study for the command tests
seed: 2
repeats: 2
dataset:
  builtin: moons
  params: {samples: 80, noise: 0.3}
model: {kind: mlp, hidden: [6], activation: tanh}
train: {optimizer: adam, learning_rate: 0.05, epochs: 5, batch_size: 16}
loss:
  terms:
    - kind: l2
      weight: {logspace: {from: 1e-3, to: 1e-1, num: 3}}
report:
  metrics: [test.accuracy, weight_l2]
`

func writeSpec(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestSweep_FlagsToOptions(t *testing.T) {
	t.Setenv("LOSSEXP_DATA_DIR", "/from/env")
	t.Setenv("LOSSEXP_CACHE_DIR", "/cache/env")
	t.Setenv("LOSSEXP_WORKERS", "3")
	tests := []struct {
		name string
		args []string
		want SweepOptions
	}{
		{"defaults and env", []string{"s.yaml"}, SweepOptions{Spec: "s.yaml", Workers: 3, Results: "results", DataDir: "/from/env", Cache: "/cache/env"}},
		{"flags win over env", []string{"s.yaml", "--workers", "8", "--data-dir", "d", "--out", "o", "--cache-dir", "c"}, SweepOptions{Spec: "s.yaml", Workers: 8, Out: "o", Results: "results", DataDir: "d", Cache: "c"}},
		{"short flags", []string{"s.yaml", "-w", "1", "-o", "x", "-q"}, SweepOptions{Spec: "s.yaml", Workers: 1, Out: "x", Results: "results", DataDir: "/from/env", Cache: "/cache/env", Quiet: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sweepOptionsOf(t, append([]string{"sweep"}, tt.args...)...)
			got.IO = nil
			got.limitFlags = limitFlags{}
			if *got != tt.want {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestMain_ExitCodes(t *testing.T) {
	good := writeSpec(t, tinySpec)
	bad := writeSpec(t, strings.Replace(tinySpec, "epochs: 5", "epochs: 5, epoks: 3", 1))
	unwritable := filepath.Join(t.TempDir(), "file")
	os.WriteFile(unwritable, []byte("x"), 0o644)
	tests := []struct {
		name    string
		args    []string
		code    int
		errPart string
	}{
		{"no args", []string{"sweep"}, ExitInput, "accepts 1 arg"},
		{"unknown command", []string{"swep"}, ExitInput, "unknown command"},
		{"unknown flag", []string{"sweep", good, "--wrokers", "2"}, ExitInput, "unknown flag"},
		{"missing spec", []string{"validate", "/nonexistent/spec.yaml"}, ExitInput, "/nonexistent/spec.yaml"},
		{"unknown key", []string{"validate", bad}, ExitInput, "epoks"},
		{"negative workers", []string{"sweep", good, "--workers", "-1"}, ExitInput, "--workers"},
		{"output under a file", []string{"sweep", good, "--out", filepath.Join(unwritable, "sub")}, ExitInput, "file"},
		{"run with unknown term", []string{"run", good, "--set", "l9=0.1"}, ExitInput, `no term named "l9"`},
		{"run with bad value", []string{"run", good, "--set", "l2=-1"}, ExitInput, "l2=-1"},
		{"run with a fold and no cv", []string{"run", good, "--fold", "1"}, ExitInput, "has no cross-validation (dataset.split.cv)"},
		{"run with a negative fold", []string{"run", good, "--fold", "-1"}, ExitInput, "--fold must be ≥ 0"},
		{"report on an empty folder", []string{"report", t.TempDir()}, ExitInput, "no runs.csv"},
		{"validate ok", []string{"validate", good}, ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if tt.errPart == "" && stderr != "" {
				t.Errorf("stderr %q, want none", stderr)
			}
			if !strings.Contains(stderr, tt.errPart) {
				t.Errorf("stderr %q does not mention %q", stderr, tt.errPart)
			}
		})
	}
}

func TestValidate_PrintsGrid(t *testing.T) {
	code, out, stderr := run(t, "validate", writeSpec(t, tinySpec))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"valid", "4 points (grid) × 2 repeats = 8 runs", "0, 0.001, 0.01, 0.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
}

func TestRun_PrintsMetrics(t *testing.T) {
	code, out, stderr := run(t, "run", writeSpec(t, tinySpec), "--set", "l2=0.01", "--repeat", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"l2=0.01", "status", "test.accuracy", "weight_l2"} {
		if !strings.Contains(out, want) {
			t.Errorf("run output lacks %q:\n%s", want, out)
		}
	}
}

// TestSweep_WorkersByteIdentical is the determinism promise end to end:
// runs.csv, summary.csv and curves.csv are the same bytes for 1 and 8
// workers.
func TestSweep_WorkersByteIdentical(t *testing.T) {
	spec := writeSpec(t, tinySpec)
	dir := t.TempDir()
	for _, w := range []string{"1", "8"} {
		code, _, stderr := run(t, "sweep", spec, "--workers", w, "--out", filepath.Join(dir, w), "-q")
		if code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
		}
	}
	for _, f := range []string{"runs.csv", "summary.csv", "curves.csv", "stability.csv"} {
		a, err := os.ReadFile(filepath.Join(dir, "1", f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "8", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 8 workers", f)
		}
	}
	for _, f := range []string{"timings.csv", "manifest.json", "spec.yaml", "test.accuracy_vs_l2.png", "weight_l2_vs_l2.png"} {
		if st, err := os.Stat(filepath.Join(dir, "1", f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	// report re-renders the same summary from runs.csv.
	before, _ := os.ReadFile(filepath.Join(dir, "1", "summary.csv"))
	if code, _, stderr := run(t, "report", filepath.Join(dir, "1")); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "1", "summary.csv"))
	if !bytes.Equal(before, after) {
		t.Error("report wrote a different summary.csv than the sweep")
	}
}

// advSpec has an adversary with its own seeded initialization, several
// updates per batch and its own optimizer: its results too must not
// depend on the number of workers.
const advSpec = `name: adv
seed: 4
repeats: 2
dataset:
  builtin: fair
  params: {samples: 160, groups: 3}
model: {kind: mlp, hidden: [6], activation: tanh}
train: {optimizer: adam, learning_rate: 0.05, epochs: 4, batch_size: 16}
loss:
  terms:
    - kind: adversarial_debias
      metric: equalized_odds
      optimizer: sgd
      learning_rate: 0.1
      steps: 2
      weight: [0.1, 1]
report:
  metrics: [test.accuracy, test.dp_diff]
`

// TestSweep_AdversaryWorkersByteIdentical: runs.csv and curves.csv of an
// adversarial-debiasing sweep are the same bytes for 1 and 8 workers.
func TestSweep_AdversaryWorkersByteIdentical(t *testing.T) {
	spec := writeSpec(t, advSpec)
	dir := t.TempDir()
	for _, w := range []string{"1", "8"} {
		code, _, stderr := run(t, "sweep", spec, "--workers", w, "--out", filepath.Join(dir, w), "-q")
		if code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
		}
	}
	for _, f := range []string{"runs.csv", "curves.csv"} {
		a, err := os.ReadFile(filepath.Join(dir, "1", f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "8", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 8 workers", f)
		}
		if f == "runs.csv" && !bytes.Contains(a, []byte("test.accuracy.g2")) {
			t.Errorf("runs.csv lacks the per-group accuracy columns:\n%s", a)
		}
	}
}

func TestCatalogueCommands(t *testing.T) {
	for _, tt := range []struct {
		cmd  string
		want []string
	}{
		{"terms", []string{"cross_entropy", "l1", "l2", "regularization", "BALANCING METHOD", "gradnorm", "alpha"}},
		{"metrics", []string{"<split>.accuracy", "sparsity", "gap.accuracy"}},
		{"datasets", []string{"moons", "circles", "blobs", "spirals", "regression", "sparse"}},
		{"version", []string{"lossexp", "BLAS"}},
	} {
		t.Run(tt.cmd, func(t *testing.T) {
			code, out, stderr := run(t, tt.cmd)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s output lacks %q", tt.cmd, w)
				}
			}
		})
	}
}

func TestHelpHasExamples(t *testing.T) {
	root := NewRootCmd(&IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	for _, c := range root.Commands() {
		if c.Long == "" || c.Example == "" {
			t.Errorf("command %s lacks Long or Example help", c.Name())
		}
	}
}

// TestRoot_DataDirFlagReachesSweep guards against two commands binding the
// same viper key: the executing command's flag must win.
func TestRoot_DataDirFlagReachesSweep(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("a,b,y\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n5,2,0\n6,1,1\n7,2,0\n8,1,1\n"), 0o644)
	spec := writeSpec(t, "name: dd\nrepeats: 1\ndataset: {csv: d.csv, target: y, split: {test: 0.25}}\nmodel: {kind: linear}\ntrain: {epochs: 2}\n")
	code, _, stderr := run(t, "sweep", spec, "--data-dir", dir, "--out", filepath.Join(t.TempDir(), "o"), "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestValidate_PrintsAxes(t *testing.T) {
	spec := writeSpec(t, tinySpec+"sweep:\n  axes:\n    dataset.params.samples: [60, 120]\n")
	code, out, stderr := run(t, "validate", spec)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"axis dataset.params.samples", "2 values: 60, 120", "8 points (grid) × 2 repeats = 16 runs"} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
}
