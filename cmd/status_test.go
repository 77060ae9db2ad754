package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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
	done := make(chan string, 1)
	go func() {
		code, _, errb := run(t, "sweep", spec, "--out", out, "--workers", "2", "-q")
		if code != 0 {
			errb = "exit " + itoaCmd(code) + ": " + errb
		} else {
			errb = ""
		}
		done <- errb
	}()
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
		if s.State == "running" && len(s.Running) > 0 && s.Running[0].LastEpoch != nil {
			seen = s
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if seen.State == "" {
		t.Fatalf("status never showed a running run with a last epoch (sweep ended: %q)", finished)
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
		t.Errorf("counts mid-sweep: %v (runs %d), want 5 runs in all, one running at least", c, seen.Runs)
	}
	if finished == "" {
		select {
		case finished = <-done:
		case <-time.After(60 * time.Second):
			t.Fatal("the sweep did not end")
		}
	}
	if finished != "" {
		t.Fatalf("sweep: %s", finished)
	}
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
