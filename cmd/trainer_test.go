package cmd

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lossexp/lossexp/internal/faketrainer"

	"github.com/lossexp/lossexp/spec"
	"github.com/lossexp/lossexp/sweep"
)

// The command tests' binary doubles as the training command of the
// trainer: specs below (internal/faketrainer). The lossexp binary the
// process tests share is removed at the end (binary_test.go).
func TestMain(m *testing.M) {
	if faketrainer.Active() {
		os.Exit(faketrainer.Main(os.Args[1:]))
	}
	code := m.Run()
	removeBuiltBinary()
	os.Exit(code)
}

// fakeSpec writes a trainer spec that runs this test binary in mode, with
// an input file train.py beside it, and returns the spec's path.
func fakeSpec(t *testing.T, mode string, repeats int) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "train.py"), []byte("# v1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	spec := `name: fake
repeats: ` + strings.Repeat("", 0) + itoaCmd(repeats) + `
trainer:
  command: [` + q(os.Args[0]) + `, ` + q(mode) + `, "--l2={lambda.l2}", "--gpu={worker}"]
  inputs: [train.py]
  env: {FAKE_LOSSEXP_TRAINER: "1"}
  grace: 500ms
  metrics: {test.accuracy: higher, test.penalty: lower}
loss:
  terms:
    - {kind: external, name: l2, weight: [0, 0.1, 0.3, 1, 3], metric: test.penalty}
report:
  metrics: [test.accuracy, test.penalty]
  select_on: test
`
	p := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(p, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func itoaCmd(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestTrainer_Workers: a deterministic training command gives the same
// runs.csv, summary.csv and curves.csv on 1 and 4 workers, and the
// analysis uses trainer.metrics' directions; a second sweep reuses every
// run.
func TestTrainer_Workers(t *testing.T) {
	spec := fakeSpec(t, "ok", 3)
	dir := t.TempDir()
	outs := map[int]string{}
	for _, w := range []int{1, 4} {
		out := filepath.Join(dir, itoaCmd(w))
		code, _, stderr := run(t, "sweep", spec, "--out", out, "--workers", itoaCmd(w), "-q")
		if code != 0 {
			t.Fatalf("%d workers: exit %d\n%s", w, code, stderr)
		}
		outs[w] = out
	}
	for _, f := range []string{"runs.csv", "summary.csv", "curves.csv", "balance.csv"} {
		a, err := os.ReadFile(filepath.Join(outs[1], f))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(outs[4], f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 4 workers", f)
		}
	}
	runs, _ := os.ReadFile(filepath.Join(outs[1], "runs.csv"))
	head := strings.SplitN(string(runs), "\n", 2)[0]
	for _, col := range []string{"test.accuracy", "test.penalty", "grad.cos.l2", "grad.conflict.l2", "grad.ratio.l2", "epochs_run"} {
		if !strings.Contains(head, col) {
			t.Errorf("runs.csv header lacks %s: %s", col, head)
		}
	}
	if n := strings.Count(string(runs), ",ok,"); n != 15 {
		t.Errorf("%d ok runs in runs.csv, want 15:\n%s", n, runs)
	}
	curves, _ := os.ReadFile(filepath.Join(outs[1], "curves.csv"))
	if n := strings.Count(string(curves), "\n"); n != 1+15*5 {
		t.Errorf("curves.csv has %d lines, want a header and 5 epochs × 15 runs", n)
	}
	// Logs beside the run records.
	logs, _ := filepath.Glob(filepath.Join(outs[1], "runs", "logs", "*", "attempt-1.stderr"))
	if len(logs) != 15 {
		t.Errorf("%d stderr logs, want 15 (runs/logs/<run-id>/attempt-1.stderr)", len(logs))
	}
	code, _, stderr := run(t, "sweep", spec, "--out", outs[1], "--workers", "2")
	if code != 0 || !strings.Contains(stderr, "all reused from the run store") {
		t.Errorf("unchanged study: exit %d\n%s", code, stderr)
	}
}

// TestTrainer_InputEditRetrains: editing a file of trainer.inputs changes
// every run id, so the next sweep trains every run again.
func TestTrainer_InputEditRetrains(t *testing.T) {
	spec := fakeSpec(t, "ok", 1)
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(spec), "train.py"), []byte("# v2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "sweep", spec, "--out", out)
	if code != 0 || !strings.Contains(stderr, "(5 trained") || strings.Contains(stderr, "reused") {
		t.Errorf("after editing train.py: exit %d, want 5 runs trained, none reused:\n%s", code, stderr)
	}
}

// TestTrainer_FailedRunsRetried: runs whose command fails are written to
// runs.csv with status failed and the reason; the next sweep trains only
// them.
func TestTrainer_FailedRunsRetried(t *testing.T) {
	fixed := filepath.Join(t.TempDir(), "fixed")
	spec := fakeSpec(t, "failif:"+fixed, 2)
	out := filepath.Join(t.TempDir(), "o")
	code, _, stderr := run(t, "sweep", spec, "--out", out, "-q", "--workers", "2")
	runs, err := os.ReadFile(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatalf("no runs.csv: %v\n%s", err, stderr)
	}
	// The tables are written and the sweep exits 1 naming the failures.
	if code != 1 || !strings.Contains(stderr, "4 of 10 runs failed") || !strings.Contains(stderr, "run the same command again to retry only them") {
		t.Errorf("sweep with failed runs: exit %d, want 1 with a message naming them:\n%s", code, stderr)
	}
	if m, _ := os.ReadFile(filepath.Join(out, "manifest.json")); !strings.Contains(string(m), `"failed": 4`) || !strings.Contains(string(m), `"complete": false`) {
		t.Errorf("manifest after failed runs:\n%s", m)
	}
	// λ = 1 and 3 fail (sum of λ above 0.4), 2 repeats each.
	failed := 0
	for _, line := range strings.Split(string(runs), "\n") {
		if strings.Contains(line, ",failed,") && strings.HasSuffix(line, ",exit status 4; stderr: failif: λ sum 1 too large") ||
			strings.HasSuffix(line, ",exit status 4; stderr: failif: λ sum 3 too large") {
			failed++
		}
	}
	if n := failed; n != 4 {
		t.Errorf("%d failed runs with their reason, want 4:\n%s", n, runs)
	}
	if n := strings.Count(string(runs), ",ok,"); n != 6 {
		t.Errorf("%d ok runs, want 6", n)
	}
	if err := os.WriteFile(fixed, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, "sweep", spec, "--out", out, "--workers", "2")
	if code != 0 || !strings.Contains(stderr, "resuming: 6 of 10 runs") || !strings.Contains(stderr, "4 to train") {
		t.Errorf("second sweep: exit %d, want the 4 failed runs retrained:\n%s", code, stderr)
	}
	runs, _ = os.ReadFile(filepath.Join(out, "runs.csv"))
	if n := strings.Count(string(runs), ",ok,"); n != 10 {
		t.Errorf("%d ok runs after the retry, want 10:\n%s", n, runs)
	}
}

// TestTrainer_KillResume: kill -9 of lossexp part way through a sweep of a
// training command, then resume: the tables are those of an
// uninterrupted sweep.
func TestTrainer_KillResume(t *testing.T) {
	bin := buildBinary(t)
	spec := fakeSpec(t, "slow", 4)
	dir := t.TempDir()
	full, killed := filepath.Join(dir, "full"), filepath.Join(dir, "killed")
	if out, err := exec.Command(bin, "sweep", spec, "--out", full, "--workers", "4", "-q").CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted sweep: %v\n%s", err, out)
	}
	kill9AfterRecords(t, exec.Command(bin, "sweep", spec, "--out", killed, "--workers", "2", "-q"), killed, 5, 20)
	out, err := exec.Command(bin, "sweep", spec, "--out", killed, "--workers", "3").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "resuming: ") {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	for _, f := range []string{"runs.csv", "summary.csv", "curves.csv"} {
		a, _ := os.ReadFile(filepath.Join(full, f))
		b, _ := os.ReadFile(filepath.Join(killed, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the uninterrupted and the killed-and-resumed sweep", f)
		}
	}
}

// TestTrainer_SpecErrors: an unknown placeholder and an empty command are
// refused at file:line:col with exit 2 before anything runs.
func TestTrainer_SpecErrors(t *testing.T) {
	spec := fakeSpec(t, "ok", 1)
	b, _ := os.ReadFile(spec)
	for _, c := range []struct{ from, to, at, msg string }{
		{`"--gpu={worker}"`, `"--gpu={wroker}"`, ":4:", `: trainer.command[3]: unknown placeholder {wroker}, did you mean "worker"?`},
		{"command: [", "command: []\n  old: [", ":5:3", `: trainer.old: unknown key`},
	} {
		p := filepath.Join(t.TempDir(), "s.yaml")
		os.WriteFile(p, []byte(strings.Replace(string(b), c.from, c.to, 1)), 0o644)
		for _, args := range [][]string{{"validate", p}, {"sweep", p, "--out", filepath.Join(t.TempDir(), "o")}} {
			verb := args[0]
			code, _, stderr := run(t, args...)
			if code != 2 || !strings.Contains(stderr, p+c.at) || !strings.Contains(stderr, c.msg) {
				t.Errorf("%s: exit %d, want 2 and %s%s…%s:\n%s", verb, code, p, c.at, c.msg, stderr)
			}
		}
	}
	// A program exec would refuse (here a folder) stops validate and sweep
	// before any run, naming the field, like a missing one.
	q, _ := json.Marshal(os.Args[0])
	folder := t.TempDir()
	qf, _ := json.Marshal(folder)
	p := filepath.Join(t.TempDir(), "s.yaml")
	os.WriteFile(p, []byte(strings.Replace(string(b), string(q), string(qf), 1)), 0o644)
	for _, args := range [][]string{{"validate", p}, {"sweep", p, "--out", filepath.Join(t.TempDir(), "o")}} {
		code, _, stderr := run(t, args...)
		if want := p + ":4:13: trainer.command[0]: program " + string(qf) + " is not executable: " + folder + " is a directory"; code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, want 2 and %s:\n%s", args[0], code, want, stderr)
		}
	}
	empty := "name: e\ntrainer:\n  command: []\n  metrics: {a: higher}\nloss:\n  terms:\n    - {kind: external, name: f, weight: [0, 1]}\n"
	os.WriteFile(p, []byte(empty), 0o644)
	code, _, stderr := run(t, "validate", p)
	if code != 2 || !strings.Contains(stderr, p+":3:12: trainer.command: required") {
		t.Errorf("empty command: exit %d\n%s", code, stderr)
	}
}

// TestTrainer_CtrlCStopsChildren: Ctrl-C while a training command and a
// child it started (both ignoring SIGTERM) run: lossexp kills the whole
// process group after the grace, exits 130 and leaves no process behind.
func TestTrainer_CtrlCStopsChildren(t *testing.T) {
	bin := buildBinary(t)
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	spec := fakeSpec(t, "child:"+pidFile, 1)
	out := filepath.Join(t.TempDir(), "o")
	var stderr bytes.Buffer
	c := exec.Command(bin, "sweep", spec, "--out", out, "--workers", "1", "-q")
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	var child int
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && child == 0; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(pidFile); err == nil && len(b) > 0 {
			json.Unmarshal(b, &child)
		}
	}
	if child == 0 {
		c.Process.Kill()
		t.Fatalf("the command never started its child; stderr:\n%s", stderr.String())
	}
	c.Process.Signal(os.Interrupt)
	c.Wait()
	if code := c.ProcessState.ExitCode(); code != ExitInterrupt {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitInterrupt, stderr.String())
	}
	if running(child) {
		syscall.Kill(child, syscall.SIGKILL)
		t.Errorf("the command's child %d survived Ctrl-C", child)
	}
	if n := sweep.CountRecords(filepath.Join(out, "runs")); n != 0 {
		t.Errorf("an interrupted run was stored: %d records", n)
	}
}

// TestTrainer_Kill9LeavesNoProcess: when lossexp is killed with SIGKILL
// during a sweep, no process the training command started survives it by
// more than a few seconds (children, a grandchild ignoring SIGTERM, a
// nohup'd one, a double fork, one in a process group of its own), except
// the one that left the session with setsid, which lossexp's stderr names.
func TestTrainer_Kill9LeavesNoProcess(t *testing.T) {
	bin := buildBinary(t)
	pidDir := t.TempDir()
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	spec := writeSpec(t, `name: tree
trainer:
  command: [sh, -c, `+q(strings.NewReplacer("{", "{{", "}", "}}").Replace(faketrainer.TreeScript))+`, sh, `+q(pidDir)+`, wait]
  grace: 1h
  metrics: {a: higher}
loss:
  terms:
    - {kind: external, name: f, weight: [0, 1]}
`)
	c := exec.Command(bin, "sweep", spec, "--out", filepath.Join(t.TempDir(), "o"), "--workers", "1", "-q")
	faketrainer.Kill9Tree(t, c, pidDir)
}

// running reports whether pid is a live process (not a zombie).
func running(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", itoaCmd(pid), "stat"))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i > 0 && i+2 < len(b) && b[i+2] != 'Z' && b[i+2] != 'X'
}

// BenchmarkTrainer_Overhead measures lossexp's cost per run of a training
// command that does nothing but write its final line (sh -c echo): start,
// environment, params.json, reading metrics.jsonl, logs, storing the run
// and writing the tables, on 2 workers. It reports ms/run and the bytes
// allocated per run, for 20 and 200 runs (memory flat in the number of
// runs: the bytes per run should not grow).
func BenchmarkTrainer_Overhead(b *testing.B) {
	for _, runs := range []int{20, 200} {
		b.Run(itoaCmd(runs)+"runs", func(b *testing.B) {
			dir := b.TempDir()
			spec := filepath.Join(dir, "spec.yaml")
			os.WriteFile(spec, []byte(`name: noop
repeats: `+itoaCmd(runs/10)+`
trainer:
  command: [sh, -c, "echo '{{\"final\": true, \"a\": 1}}' > \"$LOSSEXP_RUN_DIR/metrics.jsonl\""]
  metrics: {a: higher}
loss:
  terms:
    - {kind: external, name: f, weight: {linspace: {from: 0.1, to: 1, num: 10}}}
`), 0o644)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				var out, errb bytes.Buffer
				code := Main(b.Context(), []string{"sweep", spec, "--out", filepath.Join(dir, "o"), "--workers", "2", "--fresh", "-q"}, strings.NewReader(""), &out, &errb)
				if code != 0 {
					b.Fatalf("exit %d\n%s", code, errb.String())
				}
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N*runs), "ms/run")
		})
	}
}

func TestDescribeTrainer(t *testing.T) {
	p := writeSpec(t, `name: d
trainer:
  command: [python3, train.py, "--l={lambda.f}", "a b"]
  inputs: [train.py]
  env: {CUDA_VISIBLE_DEVICES: "{worker}"}
  params: {lr: 0.01}
  timeout: 30m
  retries: 1
  metrics: {test.acc: higher, test.dp: lower}
loss:
  terms:
    - {kind: external, name: f, weight: [0, 1]}
`)
	s, err := spec.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	describeTrainer(&b, s)
	want := "trainer:  python3 train.py '--l={lambda.f}' 'a b'\n" +
		"  runs in " + filepath.Dir(p) + ", one process group per run, timeout 30m, 1 retry of a failed run; a sweep stops after 3 alike failed attempts at its start (trainer.max_failures)\n" +
		"  inputs (their content enters every run id): train.py\n" +
		"  env: CUDA_VISIBLE_DEVICES='{worker}'\n" +
		"  params: lr=0.01\n" +
		"  metrics each run must report: test.acc (higher), test.dp (lower)\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// kill9AfterRecords starts the sweep c, whose results folder is dir, and
// kill -9s it once at least min of its total runs are stored; it fails t
// unless some but not all of them were stored by then.
func kill9AfterRecords(t *testing.T, c *exec.Cmd, dir string, min, total int) {
	t.Helper()
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if sweep.CountRecords(filepath.Join(dir, "runs")) >= min {
			break
		}
	}
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	if n := sweep.CountRecords(filepath.Join(dir, "runs")); n == 0 || n >= total {
		t.Fatalf("%d of %d runs stored at the kill; stderr:\n%s", n, total, stderr.String())
	}
}
