package experiments

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/lossexp/lossexp/experiments/command"
)

// The outcome rules of a training command pinned (issue 26): which
// values of an epoch line or the final line make a run diverged (NaN,
// ±Inf, JSON null; no threshold on finite values), which outcomes are
// tried again and how many times, the seed's range.

// TestJudge_Rules judges hand-written metrics.jsonl texts of a command
// that exited 0 (the spec requires test.accuracy and test.penalty).
func TestJudge_Rules(t *testing.T) {
	s := trainerSpec(t, "noop", "")
	const fin = `{"final": true, "test.accuracy": 0.9, "test.penalty": 0.1}` + "\n"
	for _, c := range []struct {
		name, text, status, reason string
	}{
		{"ok", `{"epoch": 1, "loss.total": 2, "loss.task": 1}` + "\n" + fin, StatusOK, ""},
		{"huge but finite", `{"epoch": 1, "loss.total": 1e308, "loss.task": -1e308}` + "\n" + `{"final": true, "test.accuracy": 1e300, "test.penalty": -1e300}`, StatusOK, ""},
		{"total NaN", `{"epoch": 1, "loss.total": 2, "loss.task": 1}` + "\n" + `{"epoch": 2, "loss.total": NaN, "loss.task": 1}` + "\n" + fin, StatusDiverged, "loss.total is NaN at epoch 2 (metrics.jsonl line 2)"},
		{"task +Inf", `{"epoch": 3, "loss.total": 2, "loss.task": Infinity}` + "\n" + fin, StatusDiverged, "loss.task is +Inf at epoch 3 (metrics.jsonl line 1)"},
		{"task -Inf", `{"epoch": 1, "loss.total": 2, "loss.task": -Infinity}` + "\n" + fin, StatusDiverged, "loss.task is -Inf at epoch 1 (metrics.jsonl line 1)"},
		{"total overflows", `{"epoch": 1, "loss.total": -1e400, "loss.task": 1}` + "\n" + fin, StatusDiverged, "loss.total is -Inf at epoch 1 (metrics.jsonl line 1)"},
		{"task null", `{"epoch": 1, "loss.total": 1, "loss.task": null}` + "\n" + fin, StatusDiverged, "loss.task is NaN at epoch 1 (metrics.jsonl line 1)"},
		{"other epoch value NaN", `{"epoch": 1, "loss.total": 1, "loss.task": 1, "test.accuracy": NaN, "loss.l2": Infinity}` + "\n" + fin, StatusOK, ""},
		{"final metric +Inf", `{"final": true, "test.accuracy": 0.9, "test.penalty": Infinity}`, StatusDiverged, "metric test.penalty is +Inf (metrics.jsonl line 1)"},
		{"final metric -Inf", "\n" + `{"final": true, "test.accuracy": -Infinity, "test.penalty": 1}`, StatusDiverged, "metric test.accuracy is -Inf (metrics.jsonl line 2)"},
		{"final other NaN", `{"final": true, "test.accuracy": 0.9, "test.penalty": 0.1, "extra": NaN}`, StatusOK, ""},
		{"final false", `{"final": false, "test.accuracy": 0.9, "test.penalty": 0.1}`, StatusFailed, `metrics.jsonl: no line with "final": true`},
		{"missing", `{"final": true, "test.accuracy": 0.9}`, StatusFailed, "missing metric test.penalty in metrics.jsonl's final line (line 1), which holds test.accuracy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := command.ParseMetricsWith(strings.NewReader(c.text), metricsOptions(s))
			if err != nil {
				t.Fatal(err)
			}
			a := attempt{status: StatusFailed}
			judge(s, rep, &a)
			if a.status != c.status || a.reason != c.reason {
				t.Errorf("got %s %q, want %s %q", a.status, a.reason, c.status, c.reason)
			}
		})
	}
}

// TestTrainCommand_AttemptsPerOutcome: a failed attempt is tried again
// up to trainer.retries times, an ok or diverged one never; the run's
// status is its last attempt's.
func TestTrainCommand_AttemptsPerOutcome(t *testing.T) {
	for _, c := range []struct {
		mode, extra string
		attempts    []string
		status      string
	}{
		{"exit3", "  retries: 2", []string{StatusFailed, StatusFailed, StatusFailed}, StatusFailed},
		{"exit3", "", []string{StatusFailed}, StatusFailed},
		{"nan", "  retries: 2", []string{StatusDiverged}, StatusDiverged},
		{"noop", "  retries: 2", []string{StatusOK}, StatusOK},
		{"flaky", "  retries: 3", []string{StatusFailed, StatusOK}, StatusOK},
	} {
		t.Run(fmt.Sprintf("%s retries %q", c.mode, c.extra), func(t *testing.T) {
			mode := c.mode
			if mode == "flaky" {
				mode += ":" + t.TempDir() + "/count"
			}
			s := trainerSpec(t, mode, c.extra)
			var mu sync.Mutex
			var seen []string
			ctx := WithAttempts(WithLogRoot(context.Background(), t.TempDir()), func(id, status, reason string) {
				mu.Lock()
				seen = append(seen, status)
				mu.Unlock()
			})
			res, err := trainFake(t, ctx, s, 0.5, 0)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != c.status || strings.Join(seen, ",") != strings.Join(c.attempts, ",") {
				t.Errorf("status %s after attempts %v; want %s after %v", res.Status, seen, c.status, c.attempts)
			}
		})
	}
}

// TestCommandSeed_Range: the seed a command gets is RepeatSeed's top 31
// bits: below 2³¹, and above 2³⁰ for about half the repeats (the range
// used, not a narrower one).
func TestCommandSeed_Range(t *testing.T) {
	high := 0
	for seed := range uint64(4) {
		for r := range 64 {
			got := CommandSeed(seed, r)
			if want := RepeatSeed(seed, r) >> 33; got != want || got >= 1<<31 {
				t.Fatalf("CommandSeed(%d, %d) = %d, want %d < 2³¹", seed, r, got, want)
			}
			if got >= 1<<30 {
				high++
			}
		}
	}
	if high < 64 || high > 192 {
		t.Errorf("%d of 256 seeds at or above 2³⁰, want about half", high)
	}
}
