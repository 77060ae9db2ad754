package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/study"
)

// withTrainer returns a copy of spec, beside it (its inputs are there),
// with lines added to its trainer section (after its grace line).
func withTrainer(t *testing.T, spec, lines string) string {
	t.Helper()
	b, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "  grace: 500ms\n", "  grace: 500ms\n"+lines, 1)
	f, err := os.CreateTemp(filepath.Dir(spec), "spec-*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// csvRows counts the lines of runs.csv of out with status status.
func csvRows(t *testing.T, out, status string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatalf("no runs.csv: %v", err)
	}
	return strings.Count(string(b), ","+status+",")
}

// TestSweep_FailFast: a training command whose every attempt fails the
// same way stops the sweep after trainer.max_failures attempts (default 3)
// with exit 1, the reason and the cure; the runs that finished are kept in
// the store and the tables. With retries the attempts of one run count:
// the first run's three attempts stop the sweep.
func TestSweep_FailFast(t *testing.T) {
	for _, c := range []struct {
		name, extra string
		runs, logs  int // failed runs kept, attempt logs of the first
	}{
		{"default", "", 3, 1},
		{"retries", "  retries: 2\n", 1, 3},
		{"max_failures 2", "  max_failures: 2\n", 2, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := fakeSpec(t, "exit3", 2)
			spec := withTrainer(t, base, c.extra)
			out := filepath.Join(t.TempDir(), "o")
			code, _, stderr := run(t, "sweep", spec, "--out", out, "--workers", "1", "-q")
			attempts := 3
			if c.name == "max_failures 2" {
				attempts = 2
			}
			for _, want := range []string{
				"the first " + itoaCmd(attempts) + " attempts all failed with: exit status 3; stderr: loading data | Traceback (most recent call last): | RuntimeError: CUDA out of memory",
				"try one run by hand: lossexp run " + spec + " --set l2=0)",
				"trainer.max_failures: 0 tries every run",
				finishedWords(c.runs) + filepath.Join(out, study.StoreDir),
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("exit %d; stderr lacks %q:\n%s", code, want, stderr)
				}
			}
			if code != 1 || strings.Contains(stderr, "interrupted") || strings.Contains(stderr, "to resume") {
				t.Errorf("exit %d, want 1, not an interruption:\n%s", code, stderr)
			}
			if n := csvRows(t, out, "failed"); n != c.runs {
				t.Errorf("%d failed runs in runs.csv, want %d (those that finished before the stop)", n, c.runs)
			}
			logs, _ := filepath.Glob(filepath.Join(out, study.StoreDir, "logs", "*", "attempt-*.stderr"))
			if len(logs) != c.runs*c.logs {
				t.Errorf("%d attempt logs kept, want %d: %v", len(logs), c.runs*c.logs, logs)
			}
			// The cure works: max_failures: 0 resumes, trying every run left.
			code, _, stderr = run(t, "sweep", withTrainer(t, base, "  max_failures: 0\n"), "--out", out, "--workers", "1", "-q")
			if code != 1 || !strings.Contains(stderr, "10 of 10 runs failed") || strings.Contains(stderr, "sweep stopped") {
				t.Errorf("with max_failures: 0: exit %d, want every run tried:\n%s", code, stderr)
			}
		})
	}
}

// TestSweep_FailFastNotOnSomeRuns: a command that fails on some runs only
// (λ = 1 and 3, at the end of the sweep, four failures in a row) is not
// stopped: the first attempts succeeded, so every run is tried; and
// max_failures: 0 tries every run of a command that always fails, the
// progress line counting them as failed, not diverged.
func TestSweep_FailFastNotOnSomeRuns(t *testing.T) {
	fixed := filepath.Join(t.TempDir(), "fixed")
	out := filepath.Join(t.TempDir(), "o")
	code, _, stderr := run(t, "sweep", fakeSpec(t, "failif:"+fixed, 2), "--out", out, "--workers", "1", "-q")
	if code != 1 || !strings.Contains(stderr, "4 of 10 runs failed") || strings.Contains(stderr, "sweep stopped") {
		t.Errorf("failif: exit %d, want 1 and every run tried:\n%s", code, stderr)
	}
	if ok, failed := csvRows(t, out, "ok"), csvRows(t, out, "failed"); ok != 6 || failed != 4 {
		t.Errorf("failif: %d ok and %d failed runs, want 6 and 4", ok, failed)
	}

	out = filepath.Join(t.TempDir(), "o")
	code, _, stderr = run(t, "sweep", withTrainer(t, fakeSpec(t, "exit3", 2), "  max_failures: 0\n"), "--out", out, "--workers", "2")
	if code != 1 || !strings.Contains(stderr, "10 of 10 runs failed") || strings.Contains(stderr, "sweep stopped") {
		t.Errorf("max_failures: 0: exit %d, want every run tried:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "10/10 runs (100%)") || !strings.Contains(stderr, ", 10 failed\n") || strings.Contains(stderr, "diverged") {
		t.Errorf("progress of 10 failed runs: want them counted as failed, not diverged:\n%s", stderr)
	}
}

// TestSweep_MaxFailuresSpec: trainer.max_failures is an integer >= 0,
// refused otherwise at file:line with exit 2 before any run; it does not
// change a run id (a sweep that sets it reuses every run stored without
// it); validate states it.
func TestSweep_MaxFailuresSpec(t *testing.T) {
	spec := fakeSpec(t, "ok", 1)
	for _, c := range []struct{ val, msg string }{
		{"-1", ":8:17: trainer.max_failures: must be >= 0 (0: try every run however many fail), got -1"},
		{"three", ":8:17: trainer.max_failures: expected an integer"},
		{"1.5", ":8:17: trainer.max_failures: expected an integer"},
	} {
		p := withTrainer(t, spec, "  max_failures: "+c.val+"\n")
		for _, args := range [][]string{{"validate", p}, {"sweep", p, "--out", filepath.Join(t.TempDir(), "o")}} {
			code, _, stderr := run(t, args...)
			if code != 2 || !strings.Contains(stderr, p+c.msg) {
				t.Errorf("%s with max_failures: %s: exit %d, want 2 and %s%s:\n%s", args[0], c.val, code, p, c.msg, stderr)
			}
		}
	}
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	p := withTrainer(t, spec, "  max_failures: 7\n")
	if code, _, stderr := run(t, "sweep", p, "--out", out, "-q"); code != 0 || !strings.Contains(stderr, "resuming: 5 of 5 runs") {
		t.Errorf("sweep with max_failures set: exit %d, want every run reused:\n%s", code, stderr)
	}
	if code, stdout, stderr := run(t, "validate", p); code != 0 || !strings.Contains(stdout+stderr, "a sweep stops after 7 alike failed attempts") {
		t.Errorf("validate: exit %d, want the limit stated:\n%s%s", code, stdout, stderr)
	}
}

// TestProgress_FailedApart: the progress line counts failed runs apart
// from diverged ones, on a terminal and in plain lines.
func TestProgress_FailedApart(t *testing.T) {
	statuses := []string{experiments.StatusOK, experiments.StatusFailed, experiments.StatusDiverged, experiments.StatusFailed}
	for _, tty := range []bool{true, false} {
		var errb bytes.Buffer
		p := newProgress(&IO{Err: &errb, TTY: tty}, "s", len(statuses), false)
		p.width = func() int { return 120 }
		for i, st := range statuses {
			p.update(i+1, len(statuses), &experiments.Result{Index: i, Status: st})
		}
		p.finish()
		out := errb.String()
		last := out[strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")+1:]
		if tty {
			last = out[strings.LastIndex(out, "\x1b[K")+3:]
		}
		if !strings.Contains(last, "1 diverged") || !strings.Contains(last, "2 failed") {
			t.Errorf("tty %v: last line %q, want 1 diverged and 2 failed", tty, last)
		}
	}
	var errb bytes.Buffer
	p := newProgress(&IO{Err: &errb}, "s", 2, false)
	for i := range 2 {
		p.update(i+1, 2, &experiments.Result{Index: i, Status: experiments.StatusOK})
	}
	if out := errb.String(); strings.Contains(out, "failed") || strings.Contains(out, "diverged") {
		t.Errorf("all ok: %q", out)
	}
}

// finishedWords starts what the fail-fast message says of the n runs kept
// before the stop ("the 1 run finished is kept in ", not "the 1 runs").
func finishedWords(n int) string {
	if n == 1 {
		return "the 1 run finished is kept in "
	}
	return "the " + itoaCmd(n) + " runs finished are kept in "
}
