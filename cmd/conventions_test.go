package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/study"
	"github.com/lossexp/lossexp/sweep"
)

// runIn is run with stdin as the command's standard input.
func runIn(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestVersionFlag(t *testing.T) {
	code, flagOut, stderr := run(t, "--version")
	if code != ExitOK {
		t.Fatalf("--version: exit %d: %s", code, stderr)
	}
	_, cmdOut, _ := run(t, "version")
	if flagOut != cmdOut || !strings.HasPrefix(flagOut, "lossexp "+Version+" (") {
		t.Errorf("--version printed %q, version printed %q", flagOut, cmdOut)
	}
}

func TestCompletionAndHelpTopics(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, stderr := run(t, "completion", sh)
		if code != ExitOK || !strings.Contains(out, "lossexp") || len(out) < 1000 {
			t.Errorf("completion %s: exit %d, %d bytes; stderr %s", sh, code, len(out), stderr)
		}
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"no shell", []string{"completion"}, ExitInput, "", "name one shell"},
		{"unknown shell", []string{"completion", "tcsh"}, ExitInput, "", "unknown shell"},
		{"help completion", []string{"help", "completion"}, ExitOK, "bash-completion", ""},
		{"help environment", []string{"help", "environment"}, ExitOK, "LOSSEXP_WORKERS", ""},
		{"help exit-status", []string{"help", "exit-status"}, ExitOK, "130", ""},
		{"help sweep", []string{"help", "sweep"}, ExitOK, "Usage:", ""},
		{"unknown topic", []string{"help", "nosuch"}, ExitInput, "", `unknown help topic "nosuch"`},
		{"near miss", []string{"help", "swep"}, ExitInput, "", `did you mean "sweep"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(t, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(stderr, tt.err) {
				t.Errorf("exit %d (want %d)\nstdout: %.300s\nstderr: %s\nwant %q in stdout, %q in stderr", code, tt.code, out, stderr, tt.out, tt.err)
			}
		})
	}
}

// TestSettings_Environment: every LOSSEXP_ variable is checked before any
// command runs, even one that does not read it.
func TestSettings_Environment(t *testing.T) {
	tests := []struct {
		name, key, value string
		code             int
		err              string
	}{
		{"one letter from LOSSEXP_SHARDS", "LOSSEXP_SHARD", "0/2", ExitInput, "did you mean LOSSEXP_SHARDS?"},
		{"misspelt workers", "LOSSEXP_WROKERS", "2", ExitInput, "did you mean LOSSEXP_WORKERS?"},
		{"unknown, no near miss", "LOSSEXP_COLOUR", "red", ExitInput, "unknown environment variable LOSSEXP_COLOUR"},
		{"workers not a number", "LOSSEXP_WORKERS", "abc", ExitInput, `LOSSEXP_WORKERS="abc": want a whole number ≥ 0`},
		{"negative workers", "LOSSEXP_WORKERS", "-2", ExitInput, "LOSSEXP_WORKERS"},
		{"zero shards", "LOSSEXP_SHARDS", "0", ExitInput, "LOSSEXP_SHARDS"},
		{"missing config", "LOSSEXP_CONFIG", "/nonexistent/lossexp.yaml", ExitInput, "config file /nonexistent/lossexp.yaml does not exist"},
		{"workers ok", "LOSSEXP_WORKERS", "3", ExitOK, ""},
		{"empty is unset", "LOSSEXP_WORKERS", "", ExitOK, ""},
		{"an empty unknown name is unset too", "LOSSEXP_SHARD", "", ExitOK, ""},
		// Set by lossexp for a user's trainer; a lossexp started by
		// that trainer inherits them.
		{"trainer's run id", "LOSSEXP_RUN_ID", "r-0001", ExitOK, ""},
		{"trainer's worker", "LOSSEXP_WORKER", "1", ExitOK, ""},
		{"trainer's lambda", "LOSSEXP_LAMBDA_L2", "0.1", ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(tt.key, tt.value)
			code, _, stderr := run(t, "terms")
			if code != tt.code || !strings.Contains(stderr, tt.err) {
				t.Errorf("%s=%s lossexp terms: exit %d (want %d), stderr %q, want it to contain %q", tt.key, tt.value, code, tt.code, stderr, tt.err)
			}
		})
	}
}

func TestSettings_ConfigFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, text string
		code       int
		err        []string
	}{
		{"typo", "workers: 1\nworkerz: 2\n", ExitInput, []string{"c.yaml:2:", `unknown key "workerz", did you mean "workers"?`}},
		{"bad workers", "workers: many\n", ExitInput, []string{"c.yaml:1:", "workers", "whole number"}},
		{"list for a folder", "results: [a, b]\n", ExitInput, []string{"c.yaml:1:", "single value"}},
		{"not a mapping", "- workers\n", ExitInput, []string{"c.yaml:1:", "mapping"}},
		{"out is per study", "out: /tmp/x\n", ExitInput, []string{`unknown key "out"`}},
		{"malformed yaml", "workers: [1\n", ExitInput, []string{"c.yaml"}},
		{"good", "workers: 2\ndata-dir: /data\nresults: r\ncache-dir: /c\n", ExitOK, nil},
		{"empty", "", ExitOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write("c.yaml", tt.text)
			code, _, stderr := run(t, "terms", "--config", p)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			for _, e := range tt.err {
				if !strings.Contains(stderr, e) {
					t.Errorf("stderr %q lacks %q", stderr, e)
				}
			}
		})
	}
}

// sweepOptionsOf runs `lossexp ARGS` with the sweep replaced by one that
// records its options.
func sweepOptionsOf(t *testing.T, args ...string) *SweepOptions {
	t.Helper()
	var got *SweepOptions
	root := NewRootCmd(&IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	for _, c := range root.Commands() {
		if c.Name() == "sweep" {
			root.RemoveCommand(c)
		}
	}
	v := newTestViper()
	root.AddCommand(newCmdSweep(&IO{}, v, func(_ context.Context, o *SweepOptions) error { got = o; return nil }))
	root.PersistentPreRunE = func(c *cobraCommand, _ []string) error { return loadConfig(v, c) }
	root.SetArgs(args)
	root.SetOut(&bytes.Buffer{})
	root.SetErr(&bytes.Buffer{})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestSettings_Layers(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(cfg, []byte("workers: 5\nresults: from-config\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := sweepOptionsOf(t, "sweep", "s.yaml"); got.Workers != runtime.GOMAXPROCS(0) {
		t.Errorf("default workers = %d, want GOMAXPROCS = %d", got.Workers, runtime.GOMAXPROCS(0))
	}
	if got := sweepOptionsOf(t, "sweep", "s.yaml", "--config", cfg); got.Workers != 5 || got.Results != "from-config" {
		t.Errorf("config file: workers %d results %q, want 5 and from-config", got.Workers, got.Results)
	}
	t.Setenv("LOSSEXP_WORKERS", "3")
	if got := sweepOptionsOf(t, "sweep", "s.yaml", "--config", cfg); got.Workers != 3 {
		t.Errorf("environment over config file: workers %d, want 3", got.Workers)
	}
	if got := sweepOptionsOf(t, "sweep", "s.yaml", "--config", cfg, "-w", "1"); got.Workers != 1 {
		t.Errorf("flag over environment: workers %d, want 1", got.Workers)
	}
}

func TestRun_SpecFromStdin(t *testing.T) {
	code, out, stderr := runIn(t, tinySpec, "run", "-", "--set", "l2=0.01")
	if code != ExitOK || !strings.Contains(out, "test.accuracy") {
		t.Fatalf("run -: exit %d\n%s%s", code, out, stderr)
	}
	// Errors name standard input.
	code, _, stderr = runIn(t, strings.Replace(tinySpec, "epochs: 5", "epoks: 5", 1), "run", "-")
	if code != ExitInput || !strings.Contains(stderr, "<stdin>:") || !strings.Contains(stderr, "epoks") {
		t.Errorf("bad spec on stdin: exit %d, stderr %q", code, stderr)
	}
}

func TestRun_JSON(t *testing.T) {
	code, out, stderr := run(t, "run", writeSpec(t, tinySpec), "--set", "l2=0.01", "--repeat", "1", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got RunJSON
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stdout is not one RunJSON document: %v\n%s", err, out)
	}
	if got.Name != "tiny" || got.Repeat != 1 || got.Lambdas["l2"] != 0.01 || got.Status != "ok" || got.Seconds <= 0 {
		t.Errorf("RunJSON = %+v", got)
	}
	acc := got.Metrics["test.accuracy"]
	if acc == nil || *acc < 0 || *acc > 1 || got.Metrics["weight_l2"] == nil {
		t.Errorf("metrics = %v, want test.accuracy in [0, 1] and weight_l2", got.Metrics)
	}
	// The same run as the table says.
	_, table, _ := run(t, "run", writeSpec(t, tinySpec), "--set", "l2=0.01", "--repeat", "1")
	if want := regexp.MustCompile(`\btest\.accuracy +` + regexp.QuoteMeta(fmt.Sprintf("%.6g", *acc)) + "\n"); !want.MatchString(table) {
		t.Errorf("table lacks test.accuracy %.6g (the JSON's value):\n%s", *acc, table)
	}
}

// TestSweepAnswerAndCheckJSON sweeps the tiny spec, then checks the
// answer lines, the sweep's JSON document and check --json against a
// baseline of itself (passes) and of a bent copy (fails, exit 1).
func TestSweepAnswerAndCheckJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "tiny")
	if code, _, stderr := run(t, "sweep", writeSpec(t, tinySpec), "--out", out, "-q", "--workers", "2"); code != ExitOK {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	var text, notes bytes.Buffer
	var m study.Manifest
	b, err := os.ReadFile(filepath.Join(out, study.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	r := newSweepResult(out, m)
	if r.Name != "tiny" || r.Runs != 8 || r.Finished != 8 || !r.Complete || !slices.Contains(r.Files, "runs.csv") {
		t.Fatalf("SweepResult from the manifest = %+v", r)
	}
	if err := printSweepResult(&text, &notes, false, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"chosen on validation.accuracy (higher is better)", "l2", "λ_best ", "λ_1se ", "knee ", "λ_overshadow ", "report: " + filepath.Join(out, "report.html")} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("answer lacks %q:\n%s", want, text.String())
		}
	}
	if !strings.Contains(notes.String(), "sweep tiny: 8 runs") || !strings.Contains(notes.String(), "wrote "+out) {
		t.Errorf("notes: %s", notes.String())
	}
	var js bytes.Buffer
	notes.Reset()
	if err := printSweepResult(&js, &notes, true, r); err != nil {
		t.Fatal(err)
	}
	var doc SweepJSON
	dec := json.NewDecoder(&js)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil || notes.Len() != 0 {
		t.Fatalf("sweep JSON: %v (notes %q)", err, notes.String())
	}
	if doc.Runs != 8 || doc.Answer == nil || len(doc.Answer.Terms) != 1 || doc.Answer.Terms[0].Term != "l2" || doc.Answer.Report == "" {
		t.Fatalf("sweep JSON = %+v", doc)
	}
	if b := doc.Answer.Terms[0].Best; b.Lambda == nil || b.TaskMean == nil || b.N != 2 {
		t.Errorf("λ_best = %+v, want a λ with its mean over 2 runs", b)
	}

	base := filepath.Join(t.TempDir(), "base")
	if code, _, stderr := run(t, "baseline", out, "--to", base); code != ExitOK {
		t.Fatalf("baseline: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := run(t, "check", out, "--baseline", base, "--json", "--plots", "-")
	if code != ExitOK {
		t.Fatalf("check --json: exit %d: %s", code, stderr)
	}
	var cj CheckJSON
	dec = json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cj); err != nil {
		t.Fatalf("check stdout is not one CheckJSON document: %v\n%s", err, stdout)
	}
	if !cj.Passed || cj.Regressions != 0 || cj.Checks != len(cj.Points)+len(cj.Balance)+len(cj.Fronts) || len(cj.Points) == 0 {
		t.Errorf("check JSON = %+v", cj)
	}
	// Bend the results: check --json still exits 1 and says which. The
	// bend is made in a copy without runs.csv (check refuses a summary
	// that does not match the runs beside it).
	bent := filepath.Join(t.TempDir(), "bent")
	copyDir(t, out, bent)
	perturbSummary(t, bent, "test.accuracy", func(r int) bool { return r >= 2 }, func(v float64) float64 { return v - 0.3 })
	code, stdout, _ = run(t, "check", bent, "--baseline", base, "--json", "--plots", "-")
	cj = CheckJSON{}
	if err := json.Unmarshal([]byte(stdout), &cj); err != nil || code != ExitFailure || cj.Passed || cj.Regressions == 0 {
		t.Errorf("bent: exit %d, err %v, passed %v, %d regressions", code, err, cj.Passed, cj.Regressions)
	}
}

func TestValidateJSON(t *testing.T) {
	s, err := loadSpec(writeSpec(t, tinySpec))
	if err != nil {
		t.Fatal(err)
	}
	plans, grid, err := sweep.Expand(s)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := writeJSON(&b, newValidateJSON("spec.yaml", s, plans.Len(), len(grid))); err != nil {
		t.Fatal(err)
	}
	var v ValidateJSON
	if err := json.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if !v.Valid || v.Name != "tiny" || v.GridPoints != 4 || v.Repeats != 2 || v.Runs != 8 || len(v.Terms) != 1 ||
		v.Terms[0].Name != "l2" || !v.Terms[0].Swept || len(v.Terms[0].Lambdas) != 4 {
		t.Errorf("ValidateJSON = %+v", v)
	}
}
