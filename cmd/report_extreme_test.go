package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweep_ConstantHugeMetric (issue 21): a training command whose metric
// is 1e17 at every λ made the tick code panic (exit 2, the bad-input code),
// left .png.tmp-* files, and `lossexp report` could never render the study.
// Now the sweep and the report both draw it, exit 0, and leave no
// temporary file.
func TestSweep_ConstantHugeMetric(t *testing.T) {
	for _, v := range []string{"1e17", "-1e300", "5e-324"} {
		t.Run(v, func(t *testing.T) {
			spec := writeSpec(t, `name: huge
repeats: 2
trainer:
  command: [sh, -c, 'printf "{{\"final\": true, \"test.big\": `+v+`, \"test.acc\": %s}}\n" "$LOSSEXP_LAMBDA_T" > "$LOSSEXP_RUN_DIR/metrics.jsonl"']
  metrics: {test.big: higher, test.acc: higher}
loss:
  terms:
    - {kind: external, name: t, weight: [0.1, 1, 10]}
report:
  metrics: [test.big, test.acc]
  select_on: test
`)
			out := filepath.Join(t.TempDir(), "out")
			for _, args := range [][]string{{"sweep", spec, "--out", out, "-q"}, {"report", out}} {
				code, _, stderr := run(t, args...)
				if code != 0 {
					t.Fatalf("%s: exit %d\n%s", args[0], code, stderr)
				}
				if _, err := os.Stat(filepath.Join(out, "test.big_vs_t.png")); err != nil {
					t.Errorf("%s: %v", args[0], err)
				}
				ents, _ := os.ReadDir(out)
				for _, e := range ents {
					if strings.Contains(e.Name(), ".tmp-") {
						t.Errorf("%s left %s", args[0], e.Name())
					}
				}
			}
		})
	}
}

// TestReport_RemovesStaleTemps: a study folder from a crashed draw (the
// tick panic of issue 21 left .png.tmp-* files) is cleaned by the next
// `lossexp report`, as a sweep cleans it, and a user's file stays.
func TestReport_RemovesStaleTemps(t *testing.T) {
	spec := writeSpec(t, tinySpec)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	stale := filepath.Join(out, ".accuracy_vs_l2.png.tmp-1234")
	mine := filepath.Join(out, "notes.tmp-1234")
	for _, p := range []string{stale, mine} {
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, stderr := run(t, "report", out); code != 0 {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("report left the stale %s", filepath.Base(stale))
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("report removed the user's %s: %v", filepath.Base(mine), err)
	}
}

// TestGuard_PanicIsAnInternalError: a panic on the command's goroutine
// exits 1 naming an internal error, not 2 (the bad-input status the Go
// runtime would use), and a normal return passes through.
func TestGuard_PanicIsAnInternalError(t *testing.T) {
	var e strings.Builder
	if code := guard(&e, func() int { panic("illegal range") }); code != ExitFailure {
		t.Errorf("panic: exit %d, want %d", code, ExitFailure)
	}
	if !strings.Contains(e.String(), "internal error") || !strings.Contains(e.String(), "illegal range") {
		t.Errorf("message %q does not name the internal error and the panic", e.String())
	}
	if code := guard(&e, func() int { return ExitInput }); code != ExitInput {
		t.Errorf("no panic: exit %d, want %d", code, ExitInput)
	}
}

// TestTrainer_RelativeOut: a training command runs in its spec's folder,
// so the run folder it is given ($LOSSEXP_RUN_DIR, under the results
// folder's runs/tmp) must be absolute: with `--out o` relative to the
// working directory, every run failed with "Directory nonexistent".
func TestTrainer_RelativeOut(t *testing.T) {
	spec := writeSpec(t, `name: relout
repeats: 2
trainer:
  command: [sh, -c, 'printf "{{\"final\": true, \"test.acc\": 0.5}}\n" > "$LOSSEXP_RUN_DIR/metrics.jsonl"']
  metrics: {test.acc: higher}
loss:
  terms:
    - {kind: external, name: t, weight: [0.1, 1]}
report: {select_on: test}
`)
	t.Chdir(t.TempDir())
	code, _, stderr := run(t, "sweep", spec, "--out", "o", "-q")
	if code != 0 {
		t.Fatalf("sweep --out o: exit %d\n%s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join("o", "runs.csv"))
	if err != nil || strings.Contains(string(b), "failed") {
		t.Errorf("runs.csv: %v\n%s", err, b)
	}
}
