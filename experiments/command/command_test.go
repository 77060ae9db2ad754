package command

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lossexp/lossexp/internal/faketrainer"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(holderEnv); dir != "" {
		os.Exit(holder(dir))
	}
	faketrainer.TestMain(m)
}

func TestTemplate(t *testing.T) {
	vals := map[string]string{"seed": "7", "lambda.fair-ness": "0.1", "worker": "2"}
	lookup := func(n string) (string, bool) { v, ok := vals[n]; return v, ok }
	for _, c := range []struct{ in, want, err string }{
		{in: "plain", want: "plain"},
		{in: "--seed={seed}", want: "--seed=7"},
		{in: "{lambda.fair-ness}/{seed}", want: "0.1/7"},
		{in: "{{seed}}", want: "{seed}"},
		{in: "{{{seed}}}", want: "{7}"},
		{in: `{"a": {{worker}}}`, err: "is not closed before '\"'"},
		{in: `{{"a": {worker}}}`, want: `{"a": 2}`},
		{in: "a}b", err: "lone '}'"},
		{in: "a{b", err: "unclosed '{'"},
		{in: "{}", err: "empty placeholder"},
		{in: "{nope}", err: "unknown placeholder {nope}"},
	} {
		tpl, err := ParseTemplate(c.in)
		var got string
		if err == nil {
			got, err = tpl.Expand(lookup)
		}
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: got %q, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: got %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	tpl, _ := ParseTemplate("x{{y}}{seed}é{worker}")
	ps := tpl.Placeholders()
	if len(ps) != 2 || ps[0] != (Placeholder{"seed", 6}) || ps[1] != (Placeholder{"worker", 14}) {
		t.Errorf("placeholders %v", ps)
	}
	_, err := ParseTemplate("ab}")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 2 {
		t.Errorf("syntax error offset: %v", err)
	}
}

func TestParseMetrics(t *testing.T) {
	in := `{"epoch": 1, "loss.total": 2.5, "val/acc": 0.5}

{"epoch": 2, "loss.total": NaN, "x": -Infinity, "y": Infinity, "v:1": 1.0}
{"other": 1, "note": "free text: not the protocol's", "s": "NaN is a word"}
{"final": true, "test.accuracy": 0.9, "z": null, "big": 1e400, "epochs_run": 0}
`
	rep, err := ParseMetricsWith(strings.NewReader(in), Options{Watch: []string{"loss.total"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Epochs) != 2 || rep.EpochLines != 2 || rep.Thinned() || rep.Final == nil || rep.Final.No != 5 || rep.Lines != 5 {
		t.Fatalf("report %+v", rep)
	}
	e2 := rep.Epochs[1].Values
	if !math.IsNaN(e2["loss.total"]) || !math.IsInf(e2["x"], -1) || !math.IsInf(e2["y"], 1) || e2["v:1"] != 1 {
		t.Errorf("epoch 2: %v", e2)
	}
	if rep.NonFinite == nil || rep.NonFinite.No != 3 {
		t.Errorf("non-finite watched line %+v, want line 3", rep.NonFinite)
	}
	f := rep.Final.Values
	if f["test.accuracy"] != 0.9 || !math.IsNaN(f["z"]) || !math.IsInf(f["big"], 1) {
		t.Errorf("final %v", f)
	}
	if rep.Epochs[0].Values["val/acc"] != 0.5 || rep.Epochs[0].No != 1 {
		t.Errorf("epoch 1 %+v", rep.Epochs[0])
	}
}

// TestParseMetrics_Strict: every rule of the protocol, and its message
// with the line number.
func TestParseMetrics_Strict(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"invalid JSON", "{\"epoch\": 1}\n{\"epoch\": 2, oops}\n", "line 2: invalid JSON"},
		{"truncated", "{\"epoch\": 1}\n{\"final\": true, \"test.accu", "line 2: invalid JSON: the line ends inside the object (truncated?)"},
		{"not an object", "[1, 2]\n", "line 1: invalid JSON: want an object"},
		{"two objects", "{\"a\": 1} {\"b\": 2}\n", "line 1: invalid JSON: text after the object"},
		{"final not a boolean", "{\"final\": \"yes\"}\n", `line 1: "final" must be true or false, got "yes"`},
		{"second final", "{\"final\": true}\n\n{\"final\": true}\n", `line 3: a second line with "final": true (the first is line 1)`},
		{"too long", "{\"a\": \"" + strings.Repeat("x", MaxLine) + "\"}\n", "line 1: longer than"},
		{"quoted number", "{\"final\": true, \"test.accuracy\": \"0.9\"}\n", `line 1: "test.accuracy" must be a JSON number, got "0.9" (a string: write numbers without quotes)`},
		{"boolean value", "{\"epoch\": 1, \"loss.total\": true}\n", `line 1: "loss.total" must be a JSON number, got true (a boolean)`},
		{"list value", "{\"epoch\": 1, \"loss.total\": [NaN]}\n", `line 1: "loss.total" must be a JSON number, got [NaN] (a list)`},
		{"quoted epoch", "{\"epoch\": \"1\"}\n", `line 1: "epoch" must be a JSON number, got "1" (a string`},
		{"epoch zero", "{\"epoch\": 0}\n", `line 1: "epoch" must be a whole number >= 1 (1, 2, …), got 0`},
		{"epoch fraction", "{\"epoch\": 1.5}\n", `line 1: "epoch" must be a whole number >= 1 (1, 2, …), got 1.5`},
		{"epoch NaN", "{\"epoch\": NaN}\n", `line 1: "epoch" must be a whole number >= 1 (1, 2, …), got NaN`},
		{"epoch huge", "{\"epoch\": 1e300}\n", `line 1: "epoch" must be a whole number >= 1`},
		{"epoch repeated", "{\"epoch\": 1}\n{\"epoch\": 2}\n{\"other\": 0}\n{\"epoch\": 2}\n", `line 4: "epoch" must increase from line to line: 2 after 2 (line 2)`},
		{"epoch back", "{\"epoch\": 5}\n{\"epoch\": 3}\n", `line 2: "epoch" must increase from line to line: 3 after 5 (line 1)`},
		{"duplicate key", "{\"epoch\": 1, \"loss.total\": 1, \"loss.total\": 2}\n", `line 1: key "loss.total" appears twice`},
		{"duplicate key, ignored line", "{\"a\": 1, \"a\": 1}\n", `line 1: key "a" appears twice`},
		{"epochs_run negative", "{\"final\": true, \"epochs_run\": -5}\n", `line 1: "epochs_run" must be a whole number >= 0, got -5`},
		{"epochs_run fraction", "{\"final\": true, \"epochs_run\": 2.5}\n", `line 1: "epochs_run" must be a whole number >= 0, got 2.5`},
		{"epochs_run infinite", "{\"final\": true, \"epochs_run\": Infinity}\n", `line 1: "epochs_run" must be a whole number >= 0, got Infinity`},
		{"name with dot-dot", "{\"final\": true, \"x/../../y\": 1}\n", `line 1: key metric name "x/../../y" has an empty, '.' or '..' path segment`},
		{"name with empty segment", "{\"epoch\": 1, \"val//acc\": 1}\n", `line 1: key metric name "val//acc" has an empty`},
		{"name with a space", "{\"final\": true, \"test accuracy\": 1}\n", `line 1: key "test accuracy" is not a usable metric name (letters, digits, '.', '_', '-', ':', '/')`},
		{"absolute name", "{\"final\": true, \"/etc/passwd\": 1}\n", `line 1: key "/etc/passwd" is not a usable metric name`},
		{"empty name", "{\"final\": true, \"\": 1}\n", `line 1: key "" is not a usable metric name`},
		{"long name", "{\"final\": true, \"" + strings.Repeat("m", 101) + "\": 1}\n", `is not usable in a file name (its figures): at most 100 bytes`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseMetrics(strings.NewReader(c.in))
			var le *LineError
			if err == nil || !errors.As(err, &le) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%.60q: got %v, want %q", c.in, err, c.want)
			}
		})
	}
	// At the limits: accepted.
	for _, in := range []string{
		"{\"epoch\": 1.0, \"e\": 1E2}\n{\"epoch\": 3}\n{\"final\": true, \"epochs_run\": 0, \"" + strings.Repeat("m", 100) + "\": -0.5}\n",
		"{\"epoch\": 9007199254740992}\n",
		"{\"final\": false, \"x\": \"a note\"}\n{\"note\": [1, {\"a\": \"b\"}], \"x y\": \"free\"}\n",
	} {
		if _, err := ParseMetrics(strings.NewReader(in)); err != nil {
			t.Errorf("%.60q: %v", in, err)
		}
	}
}

// TestParseMetrics_Thinned: beyond MaxEpochs epoch lines the curve keeps
// every stride-th line from the first and the last, never more than
// MaxEpochs; up to MaxEpochs it keeps them all. NonFinite sees a line
// thinning dropped.
func TestParseMetrics_Thinned(t *testing.T) {
	if MaxEpochs != 10000 {
		t.Fatalf("MaxEpochs = %d; docs/trainer.md promises 10,000 epoch lines", MaxEpochs)
	}
	for _, c := range []struct{ n, stride int }{{1, 1}, {MaxEpochs, 1}, {MaxEpochs + 1, 2}, {2*MaxEpochs - 1, 2}, {2 * MaxEpochs, 4}, {45678, 8}} {
		var b strings.Builder
		for e := 1; e <= c.n; e++ {
			fmt.Fprintf(&b, "{\"epoch\": %d, \"loss.total\": %d}\n", e, e)
			if e == 1 {
				b.WriteString("{\"not\": \"an epoch\"}\n")
			}
		}
		in := b.String()
		if c.n > 2 {
			in = strings.Replace(in, "\"loss.total\": 2}", "\"loss.total\": NaN}", 1)
		}
		rep, err := ParseMetricsWith(strings.NewReader(in), Options{Watch: []string{"loss.total"}, Curve: []string{"other"}})
		if err != nil {
			t.Fatal(err)
		}
		ep := rep.Epochs
		if len(ep[0].Values) != 1 {
			t.Fatalf("kept epoch line holds %v, want the epoch only (Curve)", ep[0].Values)
		}
		if rep.EpochLines != c.n || rep.Stride != c.stride || len(ep) > MaxEpochs || rep.Thinned() != (c.n > MaxEpochs) {
			t.Fatalf("%d lines: %d read, stride %d, %d kept; want stride %d", c.n, rep.EpochLines, rep.Stride, len(ep), c.stride)
		}
		for i, ln := range ep[:len(ep)-1] {
			if got, want := int(ln.Values["epoch"]), 1+i*c.stride; got != want {
				t.Fatalf("%d lines: kept line %d is epoch %d, want %d", c.n, i, got, want)
			}
		}
		if last := ep[len(ep)-1]; int(last.Values["epoch"]) != c.n {
			t.Errorf("%d lines: the last kept is epoch %v", c.n, last.Values["epoch"])
		}
		if c.n > 2 && (rep.NonFinite == nil || rep.NonFinite.Values["epoch"] != 2) {
			t.Errorf("%d lines: non-finite line %+v, want epoch 2", c.n, rep.NonFinite)
		}
	}
}

func TestTail(t *testing.T) {
	tl := newTail(10)
	for _, s := range []string{"abc", "defghij", "kl", "", "mnopqrstuvwxyz0123", "45"} {
		tl.Write([]byte(s))
	}
	got, n := tl.bytes()
	if string(got) != "wxyz012345" || n != 32 {
		t.Errorf("tail %q %d", got, n)
	}
	small := newTail(100)
	small.Write([]byte("hi"))
	if got, _ := small.bytes(); string(got) != "hi" {
		t.Errorf("short tail %q", got)
	}
}

// fake returns an attempt that runs the fake trainer in mode with a
// fresh run folder.
func fake(t *testing.T, mode string) (Attempt, string) {
	t.Helper()
	dir := t.TempDir()
	params := filepath.Join(dir, "params.json")
	os.WriteFile(params, []byte(`{"run_id": "r1", "seed": 7, "lambda": {"l2": 0.5}}`), 0o644)
	return Attempt{
		Argv:  []string{os.Args[0], mode},
		Env:   append(os.Environ(), faketrainer.Env+"=1", "LOSSEXP_RUN_DIR="+dir, "LOSSEXP_PARAMS="+params),
		Grace: 300 * time.Millisecond,
	}, dir
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	t.Run("ok", func(t *testing.T) {
		a, dir := fake(t, "ok")
		o, err := Run(ctx, a)
		if err != nil || o.Exit != 0 || o.StartErr != nil || o.TimedOut {
			t.Fatalf("%+v %v", o, err)
		}
		f, _ := os.Open(filepath.Join(dir, "metrics.jsonl"))
		defer f.Close()
		rep, err := ParseMetrics(f)
		if err != nil || rep.Final == nil || len(rep.Epochs) != 5 {
			t.Fatalf("%+v %v", rep, err)
		}
	})
	t.Run("exit 3", func(t *testing.T) {
		a, _ := fake(t, "exit3")
		o, err := Run(ctx, a)
		if err != nil || o.Exit != 3 || !strings.Contains(string(o.Stderr), "CUDA out of memory") {
			t.Fatalf("%+v %v", o, err)
		}
	})
	t.Run("not found", func(t *testing.T) {
		o, err := Run(ctx, Attempt{Argv: []string{"/nonexistent/lossexp-trainer"}})
		if err != nil || o.StartErr == nil {
			t.Fatalf("%+v %v", o, err)
		}
	})
	t.Run("timeout, SIGTERM honoured", func(t *testing.T) {
		a, _ := fake(t, "sleep")
		a.Timeout = 200 * time.Millisecond
		a.Grace = 20 * time.Second
		start := time.Now()
		o, err := Run(ctx, a)
		if err != nil || !o.TimedOut || o.Signal != "terminated" {
			t.Fatalf("%+v %v", o, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v: the grace was waited out although the program ended on SIGTERM", d)
		}
	})
	t.Run("hang ignoring SIGTERM is killed after the grace", func(t *testing.T) {
		a, _ := fake(t, "hang")
		a.Timeout = time.Second // time for a slow start (-race, a loaded machine) to ignore SIGTERM
		a.Grace = 300 * time.Millisecond
		start := time.Now()
		o, err := Run(ctx, a)
		if err != nil || !o.TimedOut || o.Signal != "killed" {
			t.Fatalf("%+v %v", o, err)
		}
		if d := time.Since(start); d < 1300*time.Millisecond {
			t.Errorf("ended after %v: before timeout + grace", d)
		}
	})
	t.Run("1.5 MB of stderr: the tail is kept", func(t *testing.T) {
		a, _ := fake(t, "stderr")
		a.LogCap = 64 << 10
		o, err := Run(ctx, a)
		if err != nil || o.Exit != 0 {
			t.Fatalf("%+v %v", o, err)
		}
		if len(o.Stderr) != 64<<10 || o.StderrBytes != int64(15000*100+len("the last line of stderr\n")) {
			t.Errorf("kept %d of %d bytes", len(o.Stderr), o.StderrBytes)
		}
		if !strings.HasSuffix(string(o.Stderr), "xxx\nthe last line of stderr\n") {
			t.Errorf("tail %q", o.Stderr[len(o.Stderr)-40:])
		}
	})
}

// TestRun_NoOrphans: a child left behind (ignoring SIGTERM) is killed when
// its parent exits, and when ctx is cancelled while both run; the process
// group is empty when Run returns.
func TestRun_NoOrphans(t *testing.T) {
	for _, mode := range []string{"orphan", "child"} {
		t.Run(mode, func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "child.pid")
			a, _ := fake(t, mode+":"+pidFile)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if mode == "child" {
				go func() {
					for i := 0; i < 500; i++ {
						if _, err := os.Stat(pidFile); err == nil {
							break
						}
						time.Sleep(10 * time.Millisecond)
					}
					time.Sleep(50 * time.Millisecond)
					cancel() // Ctrl-C
				}()
			}
			o, err := Run(ctx, a)
			if mode == "child" && !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled run: %+v %v", o, err)
			}
			if mode == "orphan" && (err != nil || o.Exit != 0) {
				t.Fatalf("%+v %v", o, err)
			}
			b, err := os.ReadFile(pidFile)
			if err != nil {
				t.Fatal(err)
			}
			child, _ := strconv.Atoi(string(b))
			if o.Pid == 0 || GroupAlive(o.Pid) {
				t.Errorf("process group %d still has members %v", o.Pid, groupMembers(o.Pid))
			}
			if err := syscall.Kill(child, 0); err == nil && len(groupMembers(o.Pid)) > 0 {
				t.Errorf("child %d survived", child)
			}
		})
	}
}

func TestRun_CancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a, _ := fake(t, "ok")
	if _, err := Run(ctx, a); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
}

// holderEnv makes the test binary a stand-in for lossexp (TestMain): it
// runs the tree script's attempt, writing its pids to the folder the
// variable names, until it is killed.
const holderEnv = "LOSSEXP_TEST_HOLDER"

func holder(dir string) int {
	a := Attempt{
		Argv:  []string{"sh", "-c", faketrainer.TreeScript, "sh", dir, "wait"},
		Env:   append(os.Environ(), "LOSSEXP_RUN_DIR="+dir, holderEnv+"="),
		Grace: time.Hour,
	}
	o, err := Run(context.Background(), a)
	fmt.Fprintf(os.Stderr, "the attempt ended: %+v %v\n", o, err)
	return 1
}
