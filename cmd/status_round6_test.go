package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/sweep"
)

// TestReport_PartialOnlyReference: `lossexp report DIR` while the sweep
// has stored only λ = 0's runs (the first in index order) writes the
// partial report it can (the tables, report.html; no figure against λ,
// which the runs stored all share) and says why, exit 0, instead of
// failing with "λ takes a single value".
func TestReport_PartialOnlyReference(t *testing.T) {
	spec := fakeSpec(t, "paced:300", 2) // 10 runs of 5 epochs, 1.5 s each; runs 0 and 1 are λ = 0's
	out := filepath.Join(t.TempDir(), "res")
	done := sweepStoring(t, spec, out, 1)
	code, stdout, stderr := run(t, "report", out)
	if n := sweep.CountRecords(filepath.Join(out, "runs")); n > 2 {
		t.Fatalf("%d runs stored by the end of the report: not only λ = 0's (the machine too slow?)", n)
	}
	if code != 0 {
		t.Fatalf("report with only λ = 0 stored: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "of 10 runs") || !strings.Contains(stderr, "no figure against l2 yet: the runs stored so far all have l2 = 0") {
		t.Errorf("report does not say k of n runs and why it drew no figure against λ:\n%s", stderr)
	}
	for _, f := range []string{"runs.csv", "summary.csv", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, "partial", f)); err != nil || !strings.Contains(stdout, filepath.Join(out, "partial", f)) {
			t.Errorf("partial/%s not written or not listed (%v):\n%s", f, err, stdout)
		}
	}
	if errb := <-done; errb != "" {
		t.Fatalf("the sweep beside the partial report: %s", errb)
	}
}

// sweepInBackground starts, in this process, a quiet sweep of spec into
// out on workers workers; the channel gets "" when it ends with exit 0,
// else its exit status and standard error.
func sweepInBackground(t *testing.T, spec, out string, workers int) chan string {
	done := make(chan string, 1)
	go func() {
		code, _, errb := run(t, "sweep", spec, "--out", out, "--workers", itoaCmd(workers), "-q")
		if code != 0 {
			errb = "exit " + itoaCmd(code) + ": " + errb
		} else {
			errb = ""
		}
		done <- errb
	}()
	return done
}

// sweepStoring starts, in this process, a sweep of spec into out on one
// worker and returns once it has stored n runs; the channel gets its
// error ("" for exit 0) when it ends.
func sweepStoring(t *testing.T, spec, out string, n int) chan string {
	t.Helper()
	done := sweepInBackground(t, spec, out, 1)
	for deadline := time.Now().Add(60 * time.Second); sweep.CountRecords(filepath.Join(out, "runs")) < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the sweep stored no %d runs in 60 s", n)
		}
	}
	return done
}

// TestStatus_FinishedHalvingCountsPruned: `lossexp status` of a finished
// halving study (read from its manifest) counts runs.csv's rows by their
// status: the pruned points' runs as pruned, not as ok.
func TestStatus_FinishedHalvingCountsPruned(t *testing.T) {
	// halvingKillSpec made quick: 9 epochs, rungs 1, 3, 9.
	spec := writeSpec(t, strings.NewReplacer("samples: 2000", "samples: 300", "epochs: 27, batch_size: 8", "epochs: 9, batch_size: 32",
		"repeats: 3", "repeats: 2", "min_epochs: 3", "min_epochs: 1").Replace(halvingKillSpec))
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q", "--workers", "2"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	rows, col := readTable(t, filepath.Join(out, "runs.csv"))
	want := map[string]int{}
	for _, r := range rows[1:] {
		want[r[col["status"]]]++
	}
	if want["pruned"] == 0 || want["ok"] == 0 {
		t.Fatalf("runs.csv by status %v: want ok and pruned runs", want)
	}
	s, errb := readStatusJSON(t, out)
	if errb != "" {
		t.Fatal(errb)
	}
	if s.State != "finished" || s.Runs != len(rows)-1 || s.Counts["ok"] != want["ok"] || s.Counts["pruned"] != want["pruned"] || s.Counts["pending"] != 0 {
		t.Errorf("status of the finished halving study: %+v; runs.csv by status %v", s, want)
	}
	code, text, _ := run(t, "status", out)
	if w := fmt.Sprintf("runs: %d of %d done (%d ok, %d pruned, 0 diverged, 0 failed)", len(rows)-1, len(rows)-1, want["ok"], want["pruned"]); code != 0 || !strings.Contains(text, w) {
		t.Errorf("status (exit %d) does not say %q:\n%s", code, w, text)
	}
}

// TestHalving_EpochsAfterLadderChange: a halving study swept again in the
// same folder with another sweep.halving (rungs 3, 9, 27, then 9, 27)
// reuses the rung-9 and full-budget runs the first one stored and makes
// the same decisions as in a fresh folder; its manifest's epochs_budgeted
// is what the new rungs' runs cost, whichever sweep trained them: a
// reused rung-9 run that continued from a rung-3 run (a rung the new spec
// does not have) counts that run's epochs too (9, not the 6 it added),
// the rung-3 runs the new rungs do not use are not counted.
func TestHalving_EpochsAfterLadderChange(t *testing.T) {
	p := halvingCommandSpec(t, false, 0)
	dir := t.TempDir()
	reused, fresh := filepath.Join(dir, "reused"), filepath.Join(dir, "fresh")
	if code, _, stderr := run(t, "sweep", p, "--out", reused, "-q", "--workers", "2"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	b, _ := os.ReadFile(p)
	p9 := writeSpec(t, strings.Replace(string(b), "halving: {min_epochs: 3, eta: 3}", "halving: {min_epochs: 9, eta: 3}", 1))
	for _, out := range []string{reused, fresh} {
		if code, _, stderr := run(t, "sweep", p9, "--out", out, "-q", "--workers", "2"); code != 0 {
			t.Fatalf("sweep with rungs 9, 27 into %s: exit %d\n%s", out, code, stderr)
		}
	}
	// Rungs 9, 27 keep 0.2, 0.3, 0.45 after rung 9 (as the first sweep
	// did): rung 9 is 8 points × 9 epochs in both folders (a reused run:
	// 6 added to its rung-3 run's 3); rung 27 continues 0.3 (18 added)
	// and λ = 0 trains 27 from scratch. In the fresh folder 0.2 and 0.45
	// continue too (18), in the reused one they train 27 from scratch:
	// the first sweep pruned them at 9 and removed their checkpoints.
	const wantFresh, wantReused = 2 * (8*9 + 3*18 + 27), 2 * (8*9 + 18 + 2*27 + 27)
	rb, full := manifestEpochs(t, reused)
	fb, _ := manifestEpochs(t, fresh)
	if rb != wantReused || fb != wantFresh || full != 486 {
		t.Errorf("epochs_budgeted %d in the reused folder, %d in a fresh one (full grid %d): want %d and %d", rb, fb, full, wantReused, wantFresh)
	}
	a, _ := os.ReadFile(filepath.Join(reused, "runs.csv"))
	f, _ := os.ReadFile(filepath.Join(fresh, "runs.csv"))
	if len(a) == 0 || string(a) != string(f) {
		t.Errorf("runs.csv of the reused folder differs from the fresh one's")
	}
}

// TestLambdaMessages: validate and merge write the λ of a generated grid
// (logspace) to 4 significant digits, as the report does
// (0.03162), never at full precision (0.03162277660168379).
func TestLambdaMessages(t *testing.T) {
	spec := writeSpec(t, strings.NewReplacer("weight: [0, 0.001, 0.01, 0.1, 1, 3, 10, 30]", "weight: {logspace: {from: 1e-3, to: 10, num: 9}}",
		"samples: 2000", "samples: 200", "epochs: 27, batch_size: 8", "epochs: 1, batch_size: 32", "repeats: 3", "repeats: 1",
		"sweep:\n  halving: {min_epochs: 3, eta: 3}\n", "").Replace(halvingKillSpec))
	code, stdout, stderr := run(t, "validate", spec)
	if want := "(l2, swept, 10 values): 0, 0.001, 0.003162, 0.01, 0.03162, 0.1, 0.3162, 1, 3.162, 10\n"; code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("validate (exit %d) does not say %q:\n%s%s", code, want, stdout, stderr)
	}
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", spec, "--shard", "1/2", "--out", out, "-q"); code != 0 {
		t.Fatalf("shard 1/2: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr = run(t, "merge", out)
	if code == 0 || !strings.Contains(stdout+stderr, "l2=0.03162, repeat 0") || strings.Contains(stdout+stderr, "0.0316227") {
		t.Errorf("merge with a shard missing (exit %d): want its runs listed with l2=0.03162:\n%s%s", code, stdout, stderr)
	}
}

// noProcessWith fails the test if, after waiting up to wait for them to
// end, a process whose command line holds sub is alive (a trainer left
// behind: its arguments name the results folder sub).
func noProcessWith(t *testing.T, sub string, wait time.Duration, when string) {
	t.Helper()
	var left []string
	for deadline := time.Now().Add(wait); ; time.Sleep(50 * time.Millisecond) {
		left = left[:0]
		cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, f := range cmdlines {
			b, err := os.ReadFile(f)
			if err == nil && strings.Contains(string(b), sub) && filepath.Base(filepath.Dir(f)) != itoaCmd(os.Getpid()) {
				left = append(left, filepath.Dir(f)+": "+strings.ReplaceAll(string(b), "\x00", " "))
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("%s: %d process(es) left naming %s:\n%s", when, len(left), sub, strings.Join(left, "\n"))
	}
}

// TestDevices_FourWorkersAskedElsewhere: 4 workers asked for by the
// config file or LOSSEXP_WORKERS on 2 devices: exclusive placement, at
// most 2 attempts at once, the sweep says once that only 2 train at once
// and records 4 workers. `workers:` in the spec (top level or trainer) is
// refused, exit 2 with the line, saying where the worker count goes.
func TestDevices_FourWorkersAskedElsewhere(t *testing.T) {
	for _, how := range []string{"config", "env"} {
		t.Run(how, func(t *testing.T) {
			if how == "config" {
				cfg := filepath.Join(t.TempDir(), "lossexp.yaml")
				if err := os.WriteFile(cfg, []byte("workers: 4\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Setenv("LOSSEXP_CONFIG", cfg)
			} else {
				t.Setenv("LOSSEXP_WORKERS", "4")
			}
			sp, log := deviceSpec(t, "devices", "  devices: [\"0\", \"1\"]\n")
			out := filepath.Join(t.TempDir(), "out")
			code, stderr := sweepWithin(t, time.Minute, "sweep", sp, "--out", out, "-q")
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			us := deviceUses(t, log)
			checkExclusive(t, us, []string{"0", "1"}, 1, func(s string) string { return s })
			if n := maxOverlap(us); len(us) != 10 || n > 2 {
				t.Errorf("%d attempts, %d at once on 2 devices; want 10, at most 2", len(us), n)
			}
			if w := "warning: 4 workers but trainer.devices makes 2 device slots (2 devices, 1 per run): at most 2 runs train at once, the other workers wait for a device"; strings.Count(stderr, w) != 1 {
				t.Errorf("the terminal should say once %q:\n%s", w, stderr)
			}
			var m struct{ Workers int }
			b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
			if err := json.Unmarshal(b, &m); err != nil || m.Workers != 4 {
				t.Errorf("manifest workers %d (%v), want 4", m.Workers, err)
			}
		})
	}
	for _, c := range []struct{ at, text, line string }{
		{"top", "workers: 4\n", ":1:1: workers: unknown key: how many runs train at once"},
		{"trainer", "  workers: 4\n", ":4:3: trainer.workers: unknown key: how many runs train at once"},
	} {
		sp, _ := deviceSpec(t, "devices", "  devices: [\"0\", \"1\"]\n")
		b, _ := os.ReadFile(sp)
		text := c.text + string(b)
		if c.at == "trainer" {
			text = strings.Replace(string(b), "trainer:\n", "trainer:\n"+c.text, 1)
		}
		os.WriteFile(sp, []byte(text), 0o644)
		code, _, stderr := run(t, "validate", sp)
		if code != ExitInput || !strings.Contains(stderr, sp+c.line) || !strings.Contains(stderr, "give --workers, LOSSEXP_WORKERS or workers: in the config file") {
			t.Errorf("workers: in the spec (%s): exit %d, want 2 and %s… saying where it goes:\n%s", c.at, code, c.line, stderr)
		}
	}
}

// TestStatus_HalvingRunningRuns: while a halving sweep of a training
// command trains (rungs 3, 9, 27), `lossexp status --json` lists its
// running runs with run_id, lambda, repeat, attempt, elapsed_s, rung and
// their last epoch line; a run of rung 2 continues from its rung-3
// checkpoint, so its last epoch is past 3 and at most 9.
func TestStatus_HalvingRunningRuns(t *testing.T) {
	spec := halvingCommandSpec(t, false, 200) // a rung-1 run lasts 0.6 s: status polled on 2 busy cores still sees one
	out := filepath.Join(t.TempDir(), "res")
	done := sweepInBackground(t, spec, out, 2)
	seen := map[float64]bool{} // the rungs seen with a running run's last epoch
	var finished string
	ended := false
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline) && !(seen[1] && seen[2]) && !ended; time.Sleep(40 * time.Millisecond) {
		select {
		case finished = <-done:
			ended = true
			continue
		default:
		}
		s, _ := readStatusJSON(t, out)
		for _, r := range s.Running {
			rung, ok := r.Rung.(float64)
			if !ok || r.LastEpoch == nil || s.State != "running" {
				continue
			}
			e, _ := r.LastEpoch["epoch"].(float64)
			lam, has := r.Lambda["l2"]
			if len(r.RunID) != 16 || !has || r.Repeat == nil || *r.Repeat < 0 || *r.Repeat > 1 || r.Attempt != 1 || r.Elapsed == nil || *r.Elapsed < 0 {
				t.Errorf("running run in rung %v: %+v", rung, r)
			}
			if lam == 0 && rung != 3 {
				t.Errorf("λ = 0 runs in rung %v: it trains at the full budget (rung 3) only", rung)
			}
			if lo, hi := map[float64][2]float64{1: {1, 3}, 2: {4, 9}, 3: {1, 27}}[rung][0], map[float64][2]float64{1: {1, 3}, 2: {4, 9}, 3: {1, 27}}[rung][1]; e < lo || e > hi {
				t.Errorf("running run of rung %v at epoch %v, want %v to %v (rung 2 continues from rung 1's epoch 3)", rung, e, lo, hi)
			}
			seen[rung] = true
		}
	}
	if !seen[1] || !seen[2] {
		t.Fatalf("status showed running runs with their last epoch in rungs %v, want 1 and 2 (sweep ended: %v %q)", seen, ended, finished)
	}
	if !ended {
		sweepEnded(t, done, finished)
	} else if finished != "" {
		t.Fatalf("sweep: %s", finished)
	}
}

// TestReport_PartialHalvingFirstRung: `lossexp report DIR` while a
// halving sweep trains its first rung (runs stored, none at the full
// budget or pruned yet) says why there is nothing to report yet, naming
// the runs stored at the lower rungs, not "no run is stored yet".
func TestReport_PartialHalvingFirstRung(t *testing.T) {
	spec := halvingCommandSpec(t, false, 60) // rung 1: 16 runs of 3 epochs, 0.18 s each, one at a time
	out := filepath.Join(t.TempDir(), "res")
	done := sweepStoring(t, spec, out, 1)
	code, _, stderr := run(t, "report", out)
	if n := sweep.CountRecords(filepath.Join(out, "runs")); n >= 16 {
		t.Fatalf("%d runs stored by the end of the report: rung 1 over (the machine too slow?)", n)
	}
	if code != ExitInput || !strings.Contains(stderr, "no run of the sweep has reached the full budget or been pruned yet (0 of 18 runs;") || !strings.Contains(stderr, "stored at the lower halving rungs") {
		t.Errorf("report in rung 1: exit %d, want 2 saying the runs are at the lower rungs:\n%s", code, stderr)
	}
	if errb := <-done; errb != "" {
		t.Fatalf("the sweep beside the report: %s", errb)
	}
}
