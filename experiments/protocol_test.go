package experiments

import (
	"context"
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

// protocolRun trains one run of a fake trainer that writes metrics as its
// metrics.jsonl and exits 0, keeping its logs in a fresh folder.
func protocolRun(t *testing.T, metrics string) (Result, string, *spec.Spec) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "metrics.jsonl")
	if err := os.WriteFile(f, []byte(metrics), 0o644); err != nil {
		t.Fatal(err)
	}
	s := trainerSpec(t, "file:"+f, "")
	logs := t.TempDir()
	res, err := trainFake(t, WithLogRoot(context.Background(), logs), s, 0.5, 0)
	if err != nil {
		t.Fatal(err)
	}
	return res, logs, s
}

// TestTrainCommand_StrictProtocol: each rule of the metrics.jsonl
// protocol that a trainer breaks fails the run with the line-numbered
// reason in runs.csv's reason column, never a metric read from it.
func TestTrainCommand_StrictProtocol(t *testing.T) {
	const final = `{"final": true, "test.accuracy": 0.8, "test.penalty": 0.1}` + "\n"
	for _, c := range []struct{ name, in, reason string }{
		{"quoted number", `{"epoch": 1, "loss.total": 1}` + "\n" + `{"final": true, "test.accuracy": "0.9", "test.penalty": 0.1}` + "\n",
			`metrics.jsonl: line 2: "test.accuracy" must be a JSON number, got "0.9" (a string: write numbers without quotes)`},
		{"quoted epoch", `{"epoch": "1", "loss.total": 1}` + "\n" + final,
			`metrics.jsonl: line 1: "epoch" must be a JSON number, got "1" (a string: write numbers without quotes)`},
		{"epoch zero", `{"epoch": 0}` + "\n" + final,
			`metrics.jsonl: line 1: "epoch" must be a whole number >= 1 (1, 2, …), got 0`},
		{"epoch fraction", `{"epoch": 0.5}` + "\n" + final,
			`metrics.jsonl: line 1: "epoch" must be a whole number >= 1 (1, 2, …), got 0.5`},
		{"epoch not increasing", `{"epoch": 1}` + "\n" + `{"epoch": 2}` + "\n" + `{"epoch": 2}` + "\n" + final,
			`metrics.jsonl: line 3: "epoch" must increase from line to line: 2 after 2 (line 2)`},
		{"duplicate key", `{"epoch": 1}` + "\n" + `{"final": true, "test.accuracy": 0.8, "test.penalty": 0.1, "test.accuracy": 0.9}` + "\n",
			`metrics.jsonl: line 2: key "test.accuracy" appears twice`},
		{"epochs_run negative", `{"final": true, "test.accuracy": 0.8, "test.penalty": 0.1, "epochs_run": -5}` + "\n",
			`metrics.jsonl: line 1: "epochs_run" must be a whole number >= 0, got -5`},
		{"epochs_run fraction", `{"final": true, "test.accuracy": 0.8, "test.penalty": 0.1, "epochs_run": 1.5}` + "\n",
			`metrics.jsonl: line 1: "epochs_run" must be a whole number >= 0, got 1.5`},
		{"name with dot-dot", `{"epoch": 1, "x/../../pwned": 1}` + "\n" + final,
			`metrics.jsonl: line 1: key metric name "x/../../pwned" has an empty, '.' or '..' path segment; it becomes part of file names (its figures): write it without one`},
		{"name with a space", `{"epoch": 1}` + "\n" + `{"final": true, "test.accuracy": 0.8, "test.penalty": 0.1, "test f1": 1}` + "\n",
			`metrics.jsonl: line 2: key "test f1" is not a usable metric name (letters, digits, '.', '_', '-', ':', '/')`},
		{"name too long", `{"final": true, "test.accuracy": 0.8, "test.penalty": 0.1, "` + strings.Repeat("m", 101) + `": 1}` + "\n",
			`metrics.jsonl: line 1: key metric name "` + strings.Repeat("m", 60) + `"… is not usable in a file name (its figures): at most 100 bytes, no NUL`},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, _, _ := protocolRun(t, c.in)
			if res.Status != StatusFailed || res.Reason != c.reason {
				t.Errorf("got %s %q\nwant %s %q", res.Status, res.Reason, StatusFailed, c.reason)
			}
			if !math.IsNaN(res.Metrics[0]) {
				t.Errorf("failed run has metrics %v", res.Metrics)
			}
		})
	}
	// Within the rules: ok, with the values read.
	res, _, _ := protocolRun(t, `{"epoch": 1, "loss.total": 1, "val/acc": 0.5}`+"\n"+`{"note": "anything", "n": "1"}`+"\n"+
		`{"epoch": 3, "loss.total": 0.5}`+"\n"+`{"final": true, "test.accuracy": 0.8, "test.penalty": 0.1, "epochs_run": 0, "val:f1": 0.7}`+"\n")
	if res.Status != StatusOK || res.Metrics[0] != 0.8 || len(res.Curves) != 2 {
		t.Errorf("a report within the rules: %s %q %v, %d curve rows", res.Status, res.Reason, res.Metrics, len(res.Curves))
	}
}

// TestTrainCommand_ThinnedCurve: a trainer writing more than
// command.MaxEpochs epoch lines gets a curve of at most that many rows
// (the first and the last kept), epochs_run counts every line, the
// attempt's stderr log says what was thinned, and a NaN loss on a line
// thinning dropped still makes the run diverged.
func TestTrainCommand_ThinnedCurve(t *testing.T) {
	n := command.MaxEpochs + 5
	var b strings.Builder
	for e := 1; e <= n; e++ {
		fmt.Fprintf(&b, `{"epoch": %d, "loss.total": %d, "loss.task": 1}`+"\n", e, e)
	}
	b.WriteString(`{"final": true, "test.accuracy": 0.8, "test.penalty": 0.1}` + "\n")
	res, logs, s := protocolRun(t, b.String())
	if res.Status != StatusOK {
		t.Fatalf("%s %q", res.Status, res.Reason)
	}
	total := slices.Index(CurveNames(s), "loss.total")
	if len(res.Curves) > command.MaxEpochs || len(res.Curves) < command.MaxEpochs/2 ||
		res.Curves[0][total] != 1 || res.Curves[len(res.Curves)-1][total] != float64(n) || res.Curves[1][total] != 3 {
		t.Errorf("%d curve rows, first %v, second %v, last %v", len(res.Curves), res.Curves[0][total], res.Curves[1][total], res.Curves[len(res.Curves)-1][total])
	}
	if ep := res.Metrics[len(res.Metrics)-1]; ep != float64(n) {
		t.Errorf("epochs_run %v, want %d", ep, n)
	}
	log, err := os.ReadFile(filepath.Join(logs, res.RunID, "attempt-1.stderr"))
	want := fmt.Sprintf("[lossexp: metrics.jsonl has %d epoch lines; the training curves keep %d of them (at most %d): one line in 2 from the first, and the last]\n", n, len(res.Curves), command.MaxEpochs)
	if err != nil || !strings.Contains(string(log), want) {
		t.Errorf("stderr log %q (%v), want %q", log, err, want)
	}
	// Epoch 4's loss is NaN: dropped by thinning, still seen.
	res, _, _ = protocolRun(t, strings.Replace(b.String(), `"epoch": 4, "loss.total": 4`, `"epoch": 4, "loss.total": NaN`, 1))
	if res.Status != StatusDiverged || res.Reason != "loss.total is NaN at epoch 4 (metrics.jsonl line 4)" {
		t.Errorf("NaN on a thinned line: %s %q", res.Status, res.Reason)
	}
}
