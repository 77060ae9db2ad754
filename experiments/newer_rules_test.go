package experiments

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/spec"
)

// TestDeviceRules_Env: an attempt holding a slot of two devices gets
// CUDA_VISIBLE_DEVICES of both, comma-joined, and {devices} the same;
// trainer.env setting the variable wins; without a slot nothing is added.
// Attempts under one pool (a sweep's) share it: with 3 devices of 1 a run,
// the three slots held at once are three different devices.
func TestDeviceRules_Env(t *testing.T) {
	s := &spec.Spec{Trainer: &spec.TrainerSpec{Devices: []string{"2", "3", "5"}, DevicesPerRun: 2}}
	ctx, release, err := acquireDevices(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if env := deviceEnv(ctx, nil); !slices.Equal(env, []string{"CUDA_VISIBLE_DEVICES=2,3"}) {
		t.Errorf("env %v, want CUDA_VISIBLE_DEVICES=2,3", env)
	}
	if v, ok := devicesValue(ctx); v != "2,3" || !ok {
		t.Errorf("{devices} %q %v, want 2,3", v, ok)
	}
	if env := deviceEnv(ctx, map[string]string{command.EnvDevices: "7"}); env != nil {
		t.Errorf("trainer.env sets %s: got %v too", command.EnvDevices, env)
	}
	release()
	if env := deviceEnv(context.Background(), nil); env != nil {
		t.Errorf("no slot: env %v", env)
	}

	s.Trainer.DevicesPerRun = 1
	pool := command.NewDevicePool(s.Trainer.Devices, 1)
	shared := WithDevices(context.Background(), pool)
	var held []string
	for range 3 {
		ctx, _, err := acquireDevices(shared, s)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, attemptDevices(ctx)...)
	}
	slices.Sort(held)
	if !slices.Equal(held, []string{"2", "3", "5"}) {
		t.Errorf("three attempts at once hold %v, want each device once", held)
	}
}

// TestAttemptRules_Numbering: a run whose kept logs hold 3 failed
// attempts (each with its .cmd.json, .stdout, .stderr, .metrics.jsonl)
// goes on with attempt 4, not one per file; attempt numbers of up to 9
// digits count.
func TestAttemptRules_Numbering(t *testing.T) {
	kept := t.TempDir()
	dir := filepath.Join(kept, "run-a")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 3; k++ {
		for _, ext := range []string{"cmd.json", "stdout", "stderr", "metrics.jsonl"} {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("attempt-%d.%s", k, ext)), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	ctx := WithKeptLogs(context.Background(), kept)
	if k := firstAttempt(ctx, "run-a", t.TempDir()); k != 4 {
		t.Errorf("after 3 failed attempts: attempt %d, want 4", k)
	}
	for name, want := range map[string]int{"attempt-123.stdout": 123, "attempt-123456789.stderr": 123456789, "attempt-1234567890.stderr": 0, "attempt-7": 0} {
		if k := attemptNo(name); k != want {
			t.Errorf("attemptNo(%s) = %d, want %d", name, k, want)
		}
	}
}

// TestAttemptRules_CmdLogDevices: attempt-<k>.cmd.json records the devices
// held and their CUDA_VISIBLE_DEVICES; an attempt holding none does not
// record lossexp's own CUDA_VISIBLE_DEVICES (nor any other variable of
// its environment but LOSSEXP_ ones and trainer.env's).
func TestAttemptRules_CmdLogDevices(t *testing.T) {
	dir := t.TempDir()
	env := []string{"HOME=/h", "CUDA_VISIBLE_DEVICES=4,5", "LOSSEXP_SEED=9"}
	read := func(devices []string) cmdLog {
		t.Helper()
		path := filepath.Join(dir, "attempt-2.cmd.json")
		if err := writeCmdLog(path, 2, []string{"prog"}, dir, env, nil, devices); err != nil {
			t.Fatal(err)
		}
		var c cmdLog
		b, _ := os.ReadFile(path)
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := read([]string{"4", "5"}); c.Attempt != 2 || c.Env["CUDA_VISIBLE_DEVICES"] != "4,5" || c.Env["LOSSEXP_SEED"] != "9" || len(c.Env) != 2 || !slices.Equal(c.Devices, []string{"4", "5"}) {
		t.Errorf("with devices: %+v", c)
	}
	if c := read(nil); len(c.Env) != 1 || c.Devices != nil {
		t.Errorf("without devices: %+v, want only LOSSEXP_SEED", c)
	}
}

// TestSeedRules_RunSeed: a training command's run gets the seed of its
// repeat (CommandSeed: below 2³¹, different per repeat); the built-in
// trainer's run keeps the spec's seed (the repeat is drawn from it).
func TestSeedRules_RunSeed(t *testing.T) {
	cmd := &spec.Spec{Seed: 5, Trainer: &spec.TrainerSpec{}}
	a, b := RunSeed(cmd, 0), RunSeed(cmd, 2)
	if a == b || b != CommandSeed(5, 2) || b >= 1<<31 {
		t.Errorf("command seeds %d and %d; want CommandSeed(5, 2) = %d for repeat 2", a, b, CommandSeed(5, 2))
	}
	if got := RunSeed(&spec.Spec{Seed: 5}, 2); got != 5 {
		t.Errorf("built-in seed of repeat 2: %d, want 5", got)
	}
}

// liveRec records what a Live hears.
type liveRec struct{ got []string }

func (l *liveRec) Start(run *Run) LiveRun {
	l.got = append(l.got, fmt.Sprintf("start %d", run.Index))
	return l
}
func (l *liveRec) Attempt(k int, m string)    { l.got = append(l.got, fmt.Sprintf("attempt %d %s", k, m)) }
func (l *liveRec) Epoch(e int, row []float64) { l.got = append(l.got, fmt.Sprintf("epoch %d", e)) }
func (l *liveRec) End()                       { l.got = append(l.got, "end") }

// TestLiveRules_Hooks: the Live of a context hears a run's start and each
// of its attempts (through the run's context); without a Live, nothing
// is called and the context is unchanged.
func TestLiveRules_Hooks(t *testing.T) {
	rec := &liveRec{}
	ctx, lr := startLive(WithLive(context.Background(), rec), &Run{Index: 4})
	liveAttempt(ctx, 3, "m.jsonl")
	lr.End()
	if want := []string{"start 4", "attempt 3 m.jsonl", "end"}; !slices.Equal(rec.got, want) {
		t.Errorf("heard %q, want %q", rec.got, want)
	}
	bg := context.Background()
	ctx, lr = startLive(bg, &Run{})
	if _, ok := lr.(noLive); !ok || ctx != bg {
		t.Errorf("no Live: %T, ctx changed %v", lr, ctx != bg)
	}
	liveAttempt(ctx, 1, "x") // nobody to tell: no panic
}

// TestJudgeRules_MissingAndGaps: two required metrics missing are named
// both, in trainer.metrics order; an epoch line without a curve's value
// leaves NaN in that curve (not 0), and epochs_run counts the lines read.
func TestJudgeRules_MissingAndGaps(t *testing.T) {
	s := trainerSpec(t, "noop", "")
	judged := func(text string) attempt {
		t.Helper()
		rep, err := command.ParseMetricsWith(strings.NewReader(text), metricsOptions(s))
		if err != nil {
			t.Fatal(err)
		}
		a := attempt{status: StatusFailed}
		judge(s, rep, &a)
		return a
	}
	if a := judged(`{"final": true, "other": 1}`); a.status != StatusFailed || a.reason != "missing metrics test.accuracy, test.penalty in metrics.jsonl's final line (line 1), which holds other" {
		t.Errorf("two missing: %s %q", a.status, a.reason)
	}
	a := judged(`{"epoch": 1, "loss.total": 2}` + "\n" + `{"epoch": 2, "loss.total": 1, "loss.task": 0.5}` + "\n" + `{"final": true, "test.accuracy": 0.9, "test.penalty": 0.1}`)
	task := slices.Index(CurveNames(s), "loss.task")
	if a.status != StatusOK || a.epochs != 2 || len(a.curves) != 2 || task < 0 || !math.IsNaN(a.curves[0][task]) || a.curves[1][task] != 0.5 {
		t.Errorf("gap: %s %q, %d epochs, curves %v (loss.task at %d)", a.status, a.reason, a.epochs, a.curves, task)
	}
}
