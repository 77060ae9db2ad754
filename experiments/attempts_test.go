package experiments

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTrainCommand_CmdLog: attempt-<k>.cmd.json holds the argv, the
// working folder and the LOSSEXP_ and trainer.env environment the command
// really ran with (as the fake trainer saw them), and nothing else of
// lossexp's environment; a second training of the run under the same log
// folder is attempt 2, and attempt 1's logs stay.
func TestTrainCommand_CmdLog(t *testing.T) {
	echo := t.TempDir()
	s := trainerSpec(t, "echo:"+echo, "")
	logs := t.TempDir()
	t.Setenv("LOSSEXP_FROM_PARENT", "p")
	t.Setenv("SECRET_TOKEN", "not for the log")
	ctx := WithLogRoot(context.Background(), logs)
	res, err := trainFake(t, ctx, s, 0.5, 1)
	if err != nil || res.Status != StatusOK {
		t.Fatalf("%v %s %q", err, res.Status, res.Reason)
	}
	var seen struct {
		Argv []string          `json:"argv"`
		Env  map[string]string `json:"env"`
		WD   string            `json:"wd"`
	}
	b, err := os.ReadFile(filepath.Join(echo, "echo-"+res.RunID+".json"))
	if err == nil {
		err = json.Unmarshal(b, &seen)
	}
	if err != nil {
		t.Fatal(err)
	}
	var c cmdLog
	b, err = os.ReadFile(filepath.Join(logs, res.RunID, "attempt-1.cmd.json"))
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.Attempt != 1 || len(c.Argv) == 0 || c.Argv[0] != os.Args[0] || !slices.Equal(c.Argv[1:], seen.Argv) || c.Dir != seen.WD {
		t.Errorf("cmd.json %+v\nthe command saw argv %q in %s", c, seen.Argv, seen.WD)
	}
	for k, v := range seen.Env {
		if c.Env[k] != v {
			t.Errorf("env %s: cmd.json %q, the command saw %q", k, c.Env[k], v)
		}
	}
	for k := range c.Env {
		if _, ok := seen.Env[k]; !ok && k != "FAKE_LOSSEXP_TRAINER" {
			t.Errorf("cmd.json has %s, which the command did not see or is not lossexp's", k)
		}
	}
	if c.Env["LOSSEXP_FROM_PARENT"] != "p" || c.Env["LOSSEXP_ATTEMPT"] != "1" || c.Env["FAKE_FROM_SPEC"] != "w0" || strings.Contains(string(b), "SECRET_TOKEN") {
		t.Errorf("env %v", c.Env)
	}

	// Trained again into the same log folder: attempt 2.
	res2, err := trainFake(t, ctx, s, 0.5, 1)
	if err != nil || res2.RunID != res.RunID {
		t.Fatal(err, res2.RunID)
	}
	for _, f := range []string{"attempt-1.cmd.json", "attempt-1.stdout", "attempt-1.stderr", "attempt-1.metrics.jsonl", "attempt-2.cmd.json", "attempt-2.metrics.jsonl"} {
		if _, err := os.Stat(filepath.Join(logs, res.RunID, f)); err != nil {
			t.Errorf("log %s: %v", f, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(logs, res.RunID, "attempt-2.cmd.json")); !strings.Contains(string(b), `"LOSSEXP_ATTEMPT": "2"`) {
		t.Errorf("attempt-2.cmd.json: %s", b)
	}
}

// TestFirstAttempt: the next attempt is one more than the highest
// attempt-<k>.* in the run's kept log folder (WithKeptLogs) and its log
// folder; other names and a folder that is a link are not counted.
func TestFirstAttempt(t *testing.T) {
	kept, logs := t.TempDir(), t.TempDir()
	put := func(dir, name string) {
		os.MkdirAll(dir, 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := WithKeptLogs(context.Background(), kept)
	if k := firstAttempt(ctx, "r1", logs); k != 1 {
		t.Errorf("no logs: attempt %d, want 1", k)
	}
	put(filepath.Join(kept, "r1"), "attempt-3.stderr")
	put(filepath.Join(kept, "r1"), "attempt-12x.stderr")
	put(filepath.Join(kept, "r1"), "attempt-99999999999.stderr")
	put(filepath.Join(kept, "r1"), "notes-attempt-50.txt")
	put(filepath.Join(kept, "r2"), "attempt-40.stdout")
	if k := firstAttempt(ctx, "r1", logs); k != 4 {
		t.Errorf("attempts 1-3 kept: attempt %d, want 4", k)
	}
	put(logs, "attempt-5.metrics.jsonl")
	if k := firstAttempt(ctx, "r1", logs); k != 6 {
		t.Errorf("attempt 5 staged: attempt %d, want 6", k)
	}
	os.Symlink(filepath.Join(kept, "r2"), filepath.Join(kept, "r3"))
	if k := firstAttempt(ctx, "r3", t.TempDir()); k != 1 {
		t.Errorf("a linked log folder: attempt %d, want 1", k)
	}
}
