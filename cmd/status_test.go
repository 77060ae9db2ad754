package cmd

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// statusJSON is what the tests read of `lossexp status --json`.
type statusJSON struct {
	State   string         `json:"state"`
	Runs    int            `json:"runs"`
	Counts  map[string]int `json:"counts"`
	Running []struct {
		RunID     string             `json:"run_id"`
		Lambda    map[string]float64 `json:"lambda"`
		Repeat    *int               `json:"repeat"`
		Attempt   int                `json:"attempt"`
		Elapsed   *float64           `json:"elapsed_s"`
		LastEpoch map[string]any     `json:"last_epoch"`
		Rung      any                `json:"rung"`
	} `json:"running"`
	ETA *float64 `json:"eta_s"`
}

func readStatusJSON(t *testing.T, dir string) (statusJSON, string) {
	t.Helper()
	code, out, errb := run(t, "status", dir, "--json")
	var s statusJSON
	if code != 0 {
		return s, errb
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("status --json is not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{`"counts"`, `"running"`, `"eta_s"`} {
		if !strings.Contains(out, k) {
			t.Errorf("status --json lacks %s:\n%s", k, out)
		}
	}
	return s, ""
}

// TestStatus_WatchesARunningSweep: while a sweep of a slow training
// command runs (in this process, as another terminal would see it),
// `lossexp status --json` lists a running run with its λ, repeat,
// attempt, elapsed time and last epoch line, and counts that add up; the
// sweep's lock is never taken from it (it finishes with exit 0); after
// it, the counts are the manifest's and nothing runs.
func TestStatus_WatchesARunningSweep(t *testing.T) {
	spec := fakeSpec(t, "paced:250", 1) // 5 runs of 5 epochs, 250 ms each
	out := filepath.Join(t.TempDir(), "res")
	done := sweepInBackground(t, spec, out, 2)
	var seen statusJSON
	var finished string
	deadline := time.Now().Add(60 * time.Second)
poll:
	for time.Now().Before(deadline) {
		select {
		case finished = <-done:
			break poll
		default:
		}
		s, _ := readStatusJSON(t, out)
		if s.State == "running" && len(s.Running) > 0 && s.Running[0].LastEpoch != nil && s.Counts["ok"] > 0 {
			seen = s
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if seen.State == "" {
		t.Fatalf("status never showed a run done and a running run with a last epoch (sweep ended: %q)", finished)
	}
	r := seen.Running[0]
	if !strings.HasPrefix(r.RunID, "") || r.RunID == "" || r.Repeat == nil || r.Attempt != 1 || r.Elapsed == nil || r.Rung != nil {
		t.Errorf("running run: %+v", r)
	}
	if _, ok := r.Lambda["l2"]; !ok {
		t.Errorf("running run has no λ of l2: %+v", r.Lambda)
	}
	if e, ok := r.LastEpoch["epoch"].(float64); !ok || e < 1 {
		t.Errorf("last_epoch has no epoch: %v", r.LastEpoch)
	}
	c := seen.Counts
	if sum := c["ok"] + c["diverged"] + c["failed"] + c["running"] + c["pending"]; sum != 5 || seen.Runs != 5 || c["running"] < 1 {
		t.Errorf("counts mid-sweep: %v (runs %d), want 5 runs in all, one done and one running at least", c, seen.Runs)
	}
	sweepEnded(t, done, finished)
	after, errb := readStatusJSON(t, out)
	if errb != "" {
		t.Fatal(errb)
	}
	var m struct {
		Runs     int `json:"runs"`
		Finished int `json:"runs_finished"`
		Diverged int `json:"diverged"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	json.Unmarshal(b, &m)
	if after.State != "finished" || len(after.Running) != 0 || after.Runs != m.Runs ||
		after.Counts["ok"] != m.Finished-m.Diverged || after.Counts["diverged"] != m.Diverged || after.Counts["running"] != 0 || after.Counts["pending"] != 0 {
		t.Errorf("status after the sweep: %+v; manifest %+v", after, m)
	}
	if _, err := os.Lstat(filepath.Join(out, "runs", "tmp")); err == nil {
		t.Error("the sweep left runs/tmp")
	}
}

// TestStatus_KilledSweepIsNotRunning: a sweep in another process, seen
// running by status, is killed with SIGKILL: its state (left in
// runs/tmp) is shown as stopped, with nothing running; the resumed
// sweep removes it and status then reads the manifest.
func TestStatus_KilledSweepIsNotRunning(t *testing.T) {
	bin := buildBinary(t)
	spec := fakeSpec(t, "paced:300", 1)
	out := filepath.Join(t.TempDir(), "res")
	c := exec.Command(bin, "sweep", spec, "--out", out, "--workers", "2", "-q")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Process.Kill()
	seen := false
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && !seen; time.Sleep(50 * time.Millisecond) {
		s, _ := readStatusJSON(t, out)
		seen = s.State == "running" && len(s.Running) > 0 && s.Running[0].LastEpoch != nil
	}
	if !seen {
		t.Fatalf("status never saw the sweep running; stderr:\n%s", stderr.String())
	}
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	s, errb := readStatusJSON(t, out)
	if errb != "" {
		t.Fatal(errb)
	}
	if s.State != "stopped" || len(s.Running) != 0 || s.Counts["running"] != 0 || s.ETA != nil {
		t.Errorf("status after kill -9: %+v, want stopped with nothing running", s)
	}
	if sum := s.Counts["ok"] + s.Counts["pending"]; sum != 5 || s.Counts["pending"] == 0 {
		t.Errorf("counts after kill -9: %v, want 5 runs, some pending", s.Counts)
	}
	code, text, _ := run(t, "status", out)
	if code != 0 || !strings.Contains(text, "stopped") || !strings.Contains(text, "0 running") {
		t.Errorf("status text after kill -9 (exit %d):\n%s", code, text)
	}
	if b, err := exec.Command(bin, "sweep", spec, "--out", out, "--workers", "2", "-q").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, b)
	}
	if s, _ := readStatusJSON(t, out); s.State != "finished" || s.Counts["ok"] != 5 {
		t.Errorf("status after the resumed sweep: %+v", s)
	}
}

// TestReport_PartialWhileRunning: `lossexp report DIR` on a running sweep
// writes a partial report of the runs stored so far to DIR/partial,
// marked "k of n runs" on the terminal and in report.html, without
// taking the sweep's lock (the sweep ends with exit 0) or changing its
// files; after the sweep, report draws the folder as before.
func TestReport_PartialWhileRunning(t *testing.T) {
	spec := fakeSpec(t, "paced:200", 2) // 10 runs of 5 epochs
	out := filepath.Join(t.TempDir(), "res")
	done := sweepStoring(t, spec, out, 3)
	before := topFiles(t, out)
	code, stdout, stderr := run(t, "report", out)
	if code != 0 {
		t.Fatalf("report on a running sweep: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "partial report of") || !strings.Contains(stderr, "of 10 runs") {
		t.Errorf("report's message does not say k of n runs:\n%s", stderr)
	}
	html, err := os.ReadFile(filepath.Join(out, "partial", "report.html"))
	if err != nil || !strings.Contains(string(html), "of 10 runs") {
		t.Errorf("partial/report.html not marked k of n runs (%v)", err)
	}
	if !strings.Contains(stdout, filepath.Join(out, "partial", "runs.csv")) {
		t.Errorf("report did not list partial/runs.csv:\n%s", stdout)
	}
	if after := topFiles(t, out); !maps.Equal(before, after) {
		t.Errorf("the partial report changed the sweep's files: before %v, after %v", before, after)
	}
	if errb := <-done; errb != "" {
		t.Fatalf("the sweep beside the partial report: %s", errb)
	}
	if code, _, stderr := run(t, "report", out); code != 0 || strings.Contains(stderr, "partial") {
		t.Errorf("report after the sweep: exit %d\n%s", code, stderr)
	}
}

// topFiles are the regular files at the top of dir and their contents.
func topFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range es {
		if e.Type().IsRegular() {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			m[e.Name()] = string(b)
		}
	}
	return m
}

// TestStatus_BadFolder: a folder that is absent, a file, or holds no
// sweep is bad input (exit 2) named in the message.
func TestStatus_BadFolder(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, p := range []string{filepath.Join(dir, "absent"), file, dir} {
		code, _, stderr := run(t, "status", p)
		if code != ExitInput || !strings.Contains(stderr, p) {
			t.Errorf("status %s: exit %d, %q; want exit 2 naming it", p, code, stderr)
		}
	}
}
