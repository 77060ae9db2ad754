package experiments

import (
	"context"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/internal/faketrainer"
	"github.com/lossexp/lossexp/spec"
)

func TestMain(m *testing.M) { faketrainer.TestMain(m) }

// trainerSpec writes a spec running the fake trainer (this test binary)
// in mode into a fresh folder with an input file, and loads it.
func trainerSpec(t *testing.T, mode, extra string) *spec.Spec {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "train.py"), []byte("print('v1')\n"), 0o644)
	text := `name: fake
repeats: 2
trainer:
  command: [` + jsonQuote(os.Args[0]) + `, ` + jsonQuote(mode) + `, "--l2={lambda.l2}", "--seed={seed}", "{{literal}}", "--id={run_id}"]
  inputs: [train.py]
  env: {FAKE_LOSSEXP_TRAINER: "1", FAKE_FROM_SPEC: "w{worker}"}
  grace: 300ms
  metrics: {test.accuracy: higher, test.penalty: lower}
` + extra + `
loss:
  terms:
    - {kind: external, name: l2, weight: [0, 0.5], metric: test.penalty}
`
	path := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := spec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func jsonQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// trainFake trains repeat r at λ index p of s.
func trainFake(t *testing.T, ctx context.Context, s *spec.Spec, lambda float64, repeat int) (Result, error) {
	t.Helper()
	return Train(ctx, prepareRun(t, s, []float64{lambda}, repeat))
}

func TestTrainCommand_OK(t *testing.T) {
	echo := t.TempDir()
	s := trainerSpec(t, "echo:"+echo, "")
	logs := t.TempDir()
	ctx := WithLogRoot(WithWorker(context.Background(), 3), logs)
	res, err := trainFake(t, ctx, s, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusOK || res.Reason != "" {
		t.Fatalf("status %s %q", res.Status, res.Reason)
	}
	names := MetricNames(s, nil)
	want := []string{"test.accuracy", "test.penalty", "grad.cos.l2", "grad.conflict.l2", "grad.ratio.l2", "epochs_run"}
	if !slices.Equal(names, want) {
		t.Fatalf("metric names %v", names)
	}
	// The fake's formulas (faketrainer.ok) with λ = 0.5 and the seed.
	seed := CommandSeed(s.Seed, 1)
	noise := float64(seed%1000)/1000 - 0.5
	acc := 0.9 - 0.1*math.Log1p(0.5) + 0.02*noise
	pen := 1/(1+0.5) + 0.01*noise
	wantM := []float64{acc, pen, -0.3, 0.6, 0.5, 5}
	for i, w := range wantM {
		if math.Abs(res.Metrics[i]-w) > 1e-12 {
			t.Errorf("%s = %v, want %v", names[i], res.Metrics[i], w)
		}
	}
	sum, _ := s.InputsSum(t.Context())
	id := spec.RunID(s.RunBase(sum), []float64{0.5}, 1)
	if res.RunID != id {
		t.Errorf("run id %s, want %s", res.RunID, id)
	}
	// Curves: 5 epochs; loss.total and loss.task filled, grad.task empty.
	cn := CurveNames(s)
	if len(res.Curves) != 5 || len(res.Curves[0]) != len(cn) {
		t.Fatalf("curves %d×%d for %v", len(res.Curves), len(res.Curves[0]), cn)
	}
	if got := res.Curves[1][slices.Index(cn, "loss.task")]; got != 0.5+0.05 {
		t.Errorf("loss.task at epoch 2 = %v", got)
	}
	if got := res.Curves[4][slices.Index(cn, "grad.cos.l2")]; got != -0.5 {
		t.Errorf("grad.cos.l2 at epoch 5 = %v", got)
	}
	if !math.IsNaN(res.Curves[0][slices.Index(cn, "grad.task")]) {
		t.Error("grad.task should be empty")
	}
	// What the command saw.
	var e struct {
		Argv []string
		Env  map[string]string
		Wd   string
	}
	b, err := os.ReadFile(filepath.Join(echo, "echo-"+id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(b, &e)
	wantArgv := []string{"echo:" + echo, "--l2=0.5", "--seed=" + utoa(seed), "{literal}", "--id=" + id}
	if !slices.Equal(e.Argv, wantArgv) {
		t.Errorf("argv %q, want %q", e.Argv, wantArgv)
	}
	for k, v := range map[string]string{
		"LOSSEXP_RUN_ID": id, "LOSSEXP_REPEAT": "1", "LOSSEXP_SEED": utoa(seed), "LOSSEXP_WORKER": "3",
		"LOSSEXP_LAMBDA_L2": "0.5", "FAKE_FROM_SPEC": "w3", "LOSSEXP_ATTEMPT": "1",
	} {
		if e.Env[k] != v {
			t.Errorf("%s = %q, want %q", k, e.Env[k], v)
		}
	}
	if e.Wd != s.SpecDir() {
		t.Errorf("working folder %s, want the spec's %s", e.Wd, s.SpecDir())
	}
	if _, err := os.Stat(e.Env["LOSSEXP_RUN_DIR"]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("run folder %s left behind: %v", e.Env["LOSSEXP_RUN_DIR"], err)
	}
	for _, f := range []string{"attempt-1.stdout", "attempt-1.stderr", "attempt-1.metrics.jsonl"} {
		if _, err := os.Stat(filepath.Join(logs, id, f)); err != nil {
			t.Errorf("log %s: %v", f, err)
		}
	}
	// The seed is the repeat's at every λ.
	res0, _ := trainFake(t, ctx, s, 0, 1)
	b0, _ := os.ReadFile(filepath.Join(echo, "echo-"+res0.RunID+".json"))
	var e0 struct{ Env map[string]string }
	json.Unmarshal(b0, &e0)
	if e0.Env["LOSSEXP_SEED"] != e.Env["LOSSEXP_SEED"] || res0.RunID == id {
		t.Errorf("λ=0: seed %s, id %s; λ=0.5: seed %s, id %s", e0.Env["LOSSEXP_SEED"], res0.RunID, e.Env["LOSSEXP_SEED"], id)
	}
}

// TestTrainCommand_Axes: an axis over trainer.params reaches the command
// as {params.<name>}, LOSSEXP_PARAM_<NAME> and LOSSEXP_PARAMS' axes, and
// changes the run id.
func TestTrainCommand_Axes(t *testing.T) {
	echo := t.TempDir()
	s := trainerSpec(t, "echo:"+echo, "  params: {shift: 0}\nsweep:\n  axes: {trainer.params.shift: [0, 0.25]}")
	s.Trainer.Command = append(s.Trainer.Command, "--shift={params.shift}")
	pts := s.AxisPoints()
	if len(pts) != 2 {
		t.Fatalf("axis points %v", pts)
	}
	var accs []float64
	var ids []string
	for _, pt := range pts {
		res, err := trainFake(t, WithLogRoot(context.Background(), t.TempDir()), s.WithAxes(pt), 0, 0)
		if err != nil || res.Status != StatusOK {
			t.Fatal(err, res.Reason)
		}
		accs, ids = append(accs, res.Metrics[0]), append(ids, res.RunID)
	}
	if math.Abs(accs[1]-accs[0]-0.25) > 1e-12 || ids[0] == ids[1] {
		t.Errorf("accuracies %v, ids %v: want a shift of 0.25 and two ids", accs, ids)
	}
	var e struct {
		Argv   []string
		Env    map[string]string
		Params struct {
			Axes   map[string]float64
			Params map[string]float64
			Spec   string
		}
	}
	b, _ := os.ReadFile(filepath.Join(echo, "echo-"+ids[1]+".json"))
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	if e.Argv[len(e.Argv)-1] != "--shift=0.25" || e.Env["LOSSEXP_PARAM_SHIFT"] != "0.25" ||
		e.Params.Axes["trainer.params.shift"] != 0.25 || e.Params.Params["shift"] != 0.25 || e.Params.Spec != s.File {
		t.Errorf("argv %q, env %v, params %+v", e.Argv, e.Env, e.Params)
	}
}

func utoa(u uint64) string { b, _ := json.Marshal(u); return string(b) }

func TestTrainCommand_Outcomes(t *testing.T) {
	flaky := filepath.Join(t.TempDir(), "count")
	for _, c := range []struct {
		mode, extra, status, reason string
	}{
		{mode: "exit3", status: StatusFailed, reason: "exit status 3; stderr: loading data | Traceback (most recent call last): | RuntimeError: CUDA out of memory"},
		{mode: "sleep", extra: "  timeout: 300ms", status: StatusFailed, reason: "timeout after 300ms"},
		{mode: "hang", extra: "  timeout: 200ms", status: StatusFailed, reason: "timeout after 200ms"},
		{mode: "missing", status: StatusFailed, reason: "missing metric test.penalty in metrics.jsonl's final line (line 6), which holds grad.conflict.l2, grad.cos.l2, grad.ratio.l2, test.accuracy"},
		{mode: "nan", status: StatusDiverged, reason: "metric test.accuracy is NaN (metrics.jsonl line 6)"},
		{mode: "badjson", status: StatusFailed, reason: "metrics.jsonl: line 3: invalid JSON: invalid character 'o' looking for beginning of object key string (column 14)"},
		{mode: "crash", status: StatusFailed, reason: "ended by signal killed"},
		{mode: "noop", extra: "  retries: 2", status: StatusOK},
		{mode: "flaky:" + flaky, extra: "  retries: 0", status: StatusFailed, reason: "exit status 1; stderr: flaky: transient failure"},
		{mode: "flaky:" + flaky, extra: "  retries: 1", status: StatusOK},
		{mode: "exit3", extra: "  retries: 2", status: StatusFailed, reason: "exit status 3; stderr: loading data | Traceback (most recent call last): | RuntimeError: CUDA out of memory (3 attempts)"},
	} {
		t.Run(c.mode+c.extra, func(t *testing.T) {
			if strings.HasPrefix(c.mode, "flaky") && strings.Contains(c.extra, "retries: 1") {
				os.Remove(flaky)
			}
			s := trainerSpec(t, c.mode, c.extra)
			logs := t.TempDir()
			res, err := trainFake(t, WithLogRoot(context.Background(), logs), s, 0.5, 0)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != c.status || res.Reason != c.reason {
				t.Errorf("got %s %q\nwant %s %q", res.Status, res.Reason, c.status, c.reason)
			}
			if c.status == StatusFailed && !math.IsNaN(res.Metrics[0]) {
				t.Errorf("failed run has metrics %v", res.Metrics)
			}
			if c.status == StatusOK && c.mode == "noop" && res.Metrics[len(res.Metrics)-1] != 0 {
				t.Errorf("epochs_run %v", res.Metrics)
			}
		})
	}
	if b, _ := os.ReadFile(flaky); string(b) != "2" {
		t.Errorf("flaky ran %s times, want 2", b)
	}
}

func TestTrainCommand_Cancel(t *testing.T) {
	s := trainerSpec(t, "hang", "")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := trainFake(t, WithLogRoot(ctx, t.TempDir()), s, 0.5, 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled (an interrupted run is not a result)", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestTrainerSpec_Refused(t *testing.T) {
	const head = "name: x\ntrainer:\n  command: [prog, \"--a={lambda.fair}\"]\n  metrics: {test.acc: higher}\n"
	const term = "loss:\n  terms:\n    - {kind: external, name: fair, weight: [0, 1]}\n"
	for _, c := range []struct{ name, spec, want string }{
		{"unknown placeholder", "name: x\ntrainer:\n  command: [prog, \"--a={lambda.fiar}\"]\n  metrics: {test.acc: higher}\n" + term,
			`t.yaml:3:24: trainer.command[1]: unknown placeholder {lambda.fiar}, did you mean "lambda.fair"?`},
		{"unknown placeholder, plain scalar", "name: x\ntrainer:\n  command:\n    - prog\n    - --b={sed}\n  metrics: {test.acc: higher}\n" + term,
			`t.yaml:5:11: trainer.command[1]: unknown placeholder {sed}, did you mean "seed"?`},
		{"placeholder in env", head + "  env: {GPU: \"{wrker}\"}\n" + term, `t.yaml:5:15: trainer.env.GPU: unknown placeholder {wrker}`},
		{"lone brace", "name: x\ntrainer:\n  command: [prog, \"a}\"]\n  metrics: {test.acc: higher}\n" + term, `t.yaml:3:21: trainer.command[1]: lone '}'`},
		{"empty command", "name: x\ntrainer:\n  command: []\n  metrics: {test.acc: higher}\n" + term, "t.yaml:3:12: trainer.command: required: the program"},
		{"no command", "name: x\ntrainer:\n  metrics: {test.acc: higher}\n" + term, "t.yaml:3:3: trainer.command: required"},
		{"empty program", "name: x\ntrainer:\n  command: [\"\", x]\n  metrics: {test.acc: higher}\n" + term, "t.yaml:3:13: trainer.command[0]: the program must not be empty"},
		{"bad timeout", head + "  timeout: 30 minutes\n" + term, `t.yaml:5:12: trainer.timeout: "30 minutes" is not a duration`},
		{"timeout out of range", head + "  timeout: 9999999h\n" + term, `t.yaml:5:12: trainer.timeout: "9999999h" is out of range: a duration is at most 2562047h47m16.854775807s (about 292 years)`},
		{"grace in exponent notation", head + "  grace: 1e20s\n" + term, `t.yaml:5:10: trainer.grace: "1e20s" is not a duration`},
		{"grace out of range", head + "  grace: 99999999999999999999ns\n" + term, `t.yaml:5:10: trainer.grace: "99999999999999999999ns" is out of range`},
		{"negative timeout", head + "  timeout: -1s\n" + term, `t.yaml:5:12: trainer.timeout: must be > 0`},
		{"retries", head + "  retries: -1\n" + term, "t.yaml:5:12: trainer.retries: must be between 0 and 100"},
		{"no metrics", "name: x\ntrainer:\n  command: [prog]\n" + term, "trainer.metrics: required"},
		{"direction", "name: x\ntrainer:\n  command: [prog]\n  metrics: {test.acc: hihger}\n" + term, `t.yaml:4:23: trainer.metrics.test.acc: unknown direction "hihger", did you mean "higher"?`},
		{"reserved metric", "name: x\ntrainer:\n  command: [prog]\n  metrics: {epoch: higher}\n" + term, `trainer.metrics.epoch: "epoch" is a reserved key`},
		{"LOSSEXP_ env", head + "  env: {LOSSEXP_SEED: \"1\"}\n" + term, "trainer.env.LOSSEXP_SEED: LOSSEXP_* variables are set by lossexp"},
		{"unknown key", head + "  comand: [x]\n" + term, `t.yaml:5:3: trainer.comand: unknown key, did you mean "command"?`},
		{"built-in term", head + "loss:\n  terms:\n    - {kind: l2, name: fair, weight: [0, 1]}\n", "t.yaml:7:14: loss.terms[0].kind: with trainer: every term is kind external"},
		{"external without trainer", "name: x\ndataset: {builtin: moons}\nloss:\n  terms:\n    - {kind: external, name: f, weight: [0, 1]}\n", "loss.terms[0].kind: term f is computed by a training command: kind external needs a trainer: section"},
		{"dataset beside trainer", head + "dataset: {builtin: moons}\n" + term, "t.yaml:5:10: dataset: not used with trainer:"},
		{"model beside trainer", head + "model: {kind: linear}\n" + term, "model: not used with trainer:"},
		{"term metric not listed", head + "loss:\n  terms:\n    - {kind: external, name: fair, weight: [0, 1], metric: test.dp}\n", `loss.terms[0].metric: metric "test.dp" is not in trainer.metrics`},
		{"axis of a model field", head + term + "sweep:\n  axes: {train.epochs: [1, 2]}\n", "sweep.axes.train.epochs: with trainer: an axis is seed or trainer.params.<name>"},
		{"adaptive balancing", head + "loss:\n  balance: {method: gradnorm}\n  terms:\n    - {kind: external, name: fair, weight: 1}\n", "loss.balance: balancing method gradnorm sets the weights during lossexp's own training"},
		{"adaptive balancing in the sweep", head + term + "sweep:\n  balance: [static, uncertainty]\n", "sweep.balance[1]: balancing method uncertainty"},
		{"trainer param axis without trainer", "name: x\ndataset: {builtin: moons}\nloss:\n  terms:\n    - {kind: l2, weight: [0, 1]}\nsweep:\n  axes: {trainer.params.lr: [1, 2]}\n", "an axis of a trainer parameter needs a trainer: section"},
	} {
		t.Run(c.name, func(t *testing.T) { expectRefused(t, c.spec, c.want) })
	}
}

func TestTrainerSpec_OpenData(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "model", "__pycache__"), 0o755)
	os.WriteFile(filepath.Join(dir, "train.py"), []byte("v1"), 0o644)
	os.WriteFile(filepath.Join(dir, "model", "net.py"), []byte("net"), 0o644)
	specPath := filepath.Join(dir, "s.yaml")
	write := func(inputs, prog string) {
		os.WriteFile(specPath, []byte("name: x\ntrainer:\n  command: ["+prog+"]\n  inputs: "+inputs+"\n  metrics: {a: higher}\nloss:\n  terms:\n    - {kind: external, name: f, weight: [0, 1]}\n"), 0o644)
	}
	open := func() (string, error) {
		s, err := spec.Load(specPath)
		if err != nil {
			t.Fatal(err)
		}
		d, err := OpenData(s, Folders{})
		if err != nil {
			return "", err
		}
		return s.RunBase(d.Checksum()), nil
	}
	write("[train.py, nothere.py]", "sh")
	if _, err := open(); err == nil || !strings.Contains(err.Error(), `s.yaml:4:22: trainer.inputs[1]: input "nothere.py" not found`) {
		t.Errorf("missing input: %v", err)
	}
	write("[train.py]", "no-such-program-lossexp")
	if _, err := open(); err == nil || !strings.Contains(err.Error(), `s.yaml:3:13: trainer.command[0]: program "no-such-program-lossexp" not found in PATH`) {
		t.Errorf("missing program: %v", err)
	}
	write("[train.py]", "./run.sh")
	if _, err := open(); err == nil || !strings.Contains(err.Error(), `trainer.command[0]: program "./run.sh" not found`) {
		t.Errorf("missing relative program: %v", err)
	}
	write("[train.py, model/]", "sh")
	b1, err := open()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "model", "__pycache__", "net.cpython-311.pyc"), []byte("bytecode"), 0o644)
	os.WriteFile(filepath.Join(dir, "model", ".DS_Store"), []byte("x"), 0o644)
	if b2, _ := open(); b2 != b1 {
		t.Error("a __pycache__ file or a dot file changed the run ids")
	}
	os.WriteFile(filepath.Join(dir, "model", "net.py"), []byte("net v2"), 0o644)
	b3, _ := open()
	if b3 == b1 {
		t.Error("editing an input kept the run ids")
	}
	os.WriteFile(filepath.Join(dir, "model", "net.py"), []byte("net"), 0o644)
	if b4, _ := open(); b4 != b1 {
		t.Error("restoring the input did not restore the ids")
	}
	os.Rename(filepath.Join(dir, "model", "net.py"), filepath.Join(dir, "model", "net2.py"))
	if b5, _ := open(); b5 == b1 {
		t.Error("renaming a file in an input folder kept the run ids")
	}
}

// TestRunBase_Pinned: a spec without trainer keeps the run base and hashes
// it has without the trainer section (values computed on main at 68d681a,
// NumericsVersion 2, before this branch; a NumericsVersion bump changes
// the first two legitimately). Updated by issue 17: the spec has no
// validation split and selects on validation (the default), so a
// validation split is carved from its training rows, which changes its
// run base, run ids and result hash (and its hash, which covers the
// report's select_on and validation).
func TestRunBase_Pinned(t *testing.T) {
	if !strings.HasPrefix(model.BLASBackend(), "gonum") {
		t.Skipf("pinned with the gonum BLAS backend, this build uses %s", model.BLASBackend())
	}
	s, err := spec.Parse(strings.NewReader("name: pin\ndataset: {builtin: moons, params: {samples: 100}}\nmodel: {kind: mlp, hidden: [8]}\nloss:\n  terms:\n    - {kind: l2, weight: [0, 0.1]}\n"), "pin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b := s.RunBase("abc")
	for _, c := range []struct{ got, want string }{
		{b, "4e8c34fd6591b6d235c24731a096e20ad962d00e2eb6e006838a03dce6bfde5a"},
		{spec.RunID(b, []float64{0.1}, 2), "e546487a9441c112"},
		{s.Hash(), "9d47e0fab66d0de02bf0f6f60456b4f4add35f68b0ecec8b651de5692bed9c83"},
		{s.ResultHash(), "bcb1be5f482273e76be5af72a47d488ab02fa7d42a24ddbb2598a06c6d8cc0ac"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}

// BenchmarkTrainCommand_Noop measures one run of a training command that
// only writes its final line (sh -c echo), without storing: process
// start and stop, environment, params.json, metrics.jsonl and logs.
func BenchmarkTrainCommand_Noop(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "spec.yaml")
	os.WriteFile(path, []byte(`name: noop
trainer:
  command: [sh, -c, "echo '{{\"final\": true, \"a\": 1}}' > \"$LOSSEXP_RUN_DIR/metrics.jsonl\""]
  metrics: {a: higher}
loss:
  terms:
    - {kind: external, name: f, weight: [0, 1]}
`), 0o644)
	s, err := spec.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	d, err := OpenData(s, Folders{})
	if err != nil {
		b.Fatal(err)
	}
	sp, _ := d.Prepare(0)
	ctx := WithLogRoot(context.Background(), filepath.Join(dir, "logs"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Train(ctx, &Run{Repeat: i % 3, Lambdas: []float64{1}, Spec: s, Data: sp})
		if err != nil || res.Status != StatusOK {
			b.Fatal(err, res.Reason)
		}
	}
}

// BenchmarkTrainCommand_Protocol measures what lossexp itself does per
// attempt, the process excluded: the run folder, argv and environment,
// params.json, reading and judging a metrics.jsonl of 20 epoch lines,
// keeping the logs, removing the folder.
func BenchmarkTrainCommand_Protocol(b *testing.B) {
	s := trainerSpec(&testing.T{}, "ok", "")
	run := &Run{Repeat: 0, Lambdas: []float64{0.5}, Spec: s}
	var lines strings.Builder
	for e := 1; e <= 20; e++ {
		lines.WriteString(`{"epoch": ` + utoa(uint64(e)) + `, "loss.total": 0.5, "loss.task": 0.4, "loss.l2": 0.1, "grad.cos.l2": -0.2, "test.accuracy": 0.8}` + "\n")
	}
	lines.WriteString(`{"final": true, "test.accuracy": 0.9, "test.penalty": 0.1, "grad.cos.l2": -0.3}` + "\n")
	metrics := []byte(lines.String())
	logs := b.TempDir()
	stderr := []byte(strings.Repeat("epoch 1 loss 0.5\n", 100))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir, err := os.MkdirTemp("", "lossexp-run-")
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := commandLine(context.Background(), run, "0123456789abcdef", 1, dir, logs); err != nil {
			b.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, metricsFile), metrics, 0o644) // the command's part
		writeLog(filepath.Join(logs, "a.stdout"), nil, 0)
		writeLog(filepath.Join(logs, "a.stderr"), stderr, int64(len(stderr)))
		copyMetrics(filepath.Join(dir, metricsFile), filepath.Join(logs, "a.metrics.jsonl"))
		f, _ := os.Open(filepath.Join(dir, metricsFile))
		rep, err := command.ParseMetrics(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		var a attempt
		judge(s, rep, &a)
		if a.status != StatusOK {
			b.Fatal(a.reason)
		}
		os.RemoveAll(dir)
	}
}

func TestTrainerSpec_Describe(t *testing.T) {
	s := trainerSpec(t, "ok", "")
	d, err := OpenData(s, Folders{})
	if err != nil {
		t.Fatal(err)
	}
	want := "data: the training command's own (inputs train.py, sha256 " + d.Checksum()[:12] + ")\n"
	if got := d.Describe(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestTrainCommand_MetricsNotAFile: a metrics.jsonl that is a named pipe,
// a folder or a link to /dev/zero fails its run, saying what it is: it
// neither blocks the sweep (a FIFO's open waits for a writer) nor aborts
// it (a folder cannot be copied to the logs).
func TestTrainCommand_MetricsNotAFile(t *testing.T) {
	for kind, want := range map[string]string{
		"fifo":    "metrics.jsonl is a named pipe (FIFO), not a regular file",
		"dir":     "metrics.jsonl is a directory, not a regular file",
		"devzero": "metrics.jsonl is a character device, not a regular file",
	} {
		t.Run(kind, func(t *testing.T) {
			s := trainerSpec(t, "notafile:"+kind, "")
			logs := t.TempDir()
			type out struct {
				res Result
				err error
			}
			done := make(chan out, 1)
			go func() {
				res, err := trainFake(t, WithLogRoot(context.Background(), logs), s, 0.5, 0)
				done <- out{res, err}
			}()
			var o out
			select {
			case o = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the run did not end in 30 s: reading metrics.jsonl blocks")
			}
			if o.err != nil || o.res.Status != StatusFailed || o.res.Reason != want {
				t.Errorf("got %s %q, %v; want failed %q", o.res.Status, o.res.Reason, o.err, want)
			}
			if _, err := os.Stat(filepath.Join(o.res.LogDir, "attempt-1.stderr")); err != nil {
				t.Errorf("the attempt's logs were not kept: %v", err)
			}
		})
	}
}

// miniELF returns a 64-bit little-endian ELF executable header for
// machine, with a PT_INTERP naming interp when it is not empty: enough
// for exec (and CheckProgram) to judge it.
func miniELF(machine elf.Machine, interp string) []byte {
	b := make([]byte, 64+56)
	copy(b, elf.ELFMAG)
	b[4], b[5], b[6] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	le := binary.LittleEndian
	le.PutUint16(b[16:], uint16(elf.ET_EXEC))
	le.PutUint16(b[18:], uint16(machine))
	le.PutUint32(b[20:], uint32(elf.EV_CURRENT))
	le.PutUint16(b[52:], 64) // ehsize
	le.PutUint16(b[54:], 56) // phentsize
	if interp != "" {
		le.PutUint64(b[32:], 64) // phoff
		le.PutUint16(b[56:], 1)  // phnum
		ph := b[64:]
		le.PutUint32(ph[0:], uint32(elf.PT_INTERP))
		le.PutUint64(ph[8:], uint64(len(b)))         // offset
		le.PutUint64(ph[32:], uint64(len(interp)+1)) // filesz
		le.PutUint64(ph[40:], uint64(len(interp)+1)) // memsz
		b = append(append(b, interp...), 0)
	}
	return b
}

// TestTrainerSpec_ProgramRefused: a program exec would refuse is refused
// before any run, naming trainer.command[0] at its line and column and
// saying why; a program exec runs passes.
func TestTrainerSpec_ProgramRefused(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the ELF cases are written for linux/amd64")
	}
	dir := t.TempDir()
	file := func(name, content string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	file("noexec.sh", "#!/bin/sh\necho hi\n", 0o644)
	file("badinterp.sh", "#!/nonexistent/python3 -u\nprint(1)\n", 0o755)
	file("nointerp.sh", "#!\necho\n", 0o755)
	file("interpdir.sh", "#!"+filepath.Join(dir, "adir")+"\n", 0o755)
	file("garbage.bin", "\x00\x01\x02 not a program", 0o755)
	file("arm64.bin", string(miniELF(elf.EM_AARCH64, "")), 0o755)
	file("loader.bin", string(miniELF(elf.EM_X86_64, "/nonexistent/ld-musl-x86_64.so.1")), 0o755)
	file("good.sh", "#! /bin/sh -e\necho ok\n", 0o755)
	file("nested.sh", "#!"+filepath.Join(dir, "good.sh")+"\n", 0o755)
	file("static.bin", string(miniELF(elf.EM_X86_64, "")), 0o755)
	for _, c := range []struct{ prog, want string }{
		{"./adir", `s.yaml:3:13: trainer.command[0]: program "./adir" is not executable: ` + dir + `/adir is a directory`},
		{"./noexec.sh", `program "./noexec.sh" is not executable: ` + dir + `/noexec.sh has no execute permission (chmod +x ` + dir + `/noexec.sh)`},
		{"./badinterp.sh", `program "./badinterp.sh" is not executable: ` + dir + `/badinterp.sh: its #! interpreter /nonexistent/python3: not found`},
		{"./nointerp.sh", `nointerp.sh: its #! line names no interpreter`},
		{"./interpdir.sh", `interpdir.sh: its #! interpreter ` + dir + `/adir: ` + dir + `/adir is a directory`},
		{"./garbage.bin", `garbage.bin is neither a binary (ELF) nor a script starting with #! (exec would say: exec format error)`},
		{"./arm64.bin", `arm64.bin is a binary for another processor (EM_AARCH64; this machine is linux/amd64; exec would say: exec format error)`},
		{"./loader.bin", `loader.bin needs the loader /nonexistent/ld-musl-x86_64.so.1, which this machine does not have`},
		{"./missing.sh", `program "./missing.sh" not found (looked for ` + dir + `/missing.sh)`},
		{"./good.sh", ""},
		{"./nested.sh", ""},
		{"./static.bin", ""},
		{"sh", ""},
		{"./{params.prog}", ""}, // checked when it runs
	} {
		t.Run(c.prog, func(t *testing.T) {
			specPath := filepath.Join(dir, "s.yaml")
			os.WriteFile(specPath, []byte("name: x\ntrainer:\n  command: ["+jsonQuote(c.prog)+"]\n  params: {prog: 1}\n  metrics: {a: higher}\nloss:\n  terms:\n    - {kind: external, name: f, weight: [0, 1]}\n"), 0o644)
			s, err := spec.Load(specPath)
			if err != nil {
				t.Fatal(err)
			}
			_, err = OpenData(s, Folders{})
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v\nwant …%s", err, c.want)
			}
		})
	}
}

// TestTrainCommand_TreeStopped: a command that exits leaving a tree of
// processes behind is ok; the tree is stopped with the attempt, and the
// one process that left the session (setsid) is left running and named
// in the run's stderr log.
func TestTrainCommand_TreeStopped(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the supervisor is Linux's")
	}
	pidDir := t.TempDir()
	dir := t.TempDir()
	script := strings.NewReplacer("{", "{{", "}", "}}").Replace(faketrainer.TreeScript)
	specPath := filepath.Join(dir, "s.yaml")
	os.WriteFile(specPath, []byte("name: x\ntrainer:\n  command: [sh, -c, "+jsonQuote(script)+", sh, "+jsonQuote(pidDir)+", exit]\n  grace: 300ms\n  metrics: {a: higher}\nloss:\n  terms:\n    - {kind: external, name: f, weight: [0, 1]}\n"), 0o644)
	s, err := spec.Load(specPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := trainFake(t, WithLogRoot(context.Background(), t.TempDir()), s, 1, 0)
	if err != nil || res.Status != StatusOK {
		t.Fatalf("%s %q %v", res.Status, res.Reason, err)
	}
	pids := faketrainer.TreePids(t, pidDir)
	if alive := faketrainer.WaitTreeGone(pids, time.Second); len(alive) > 0 {
		t.Errorf("still running after the run: %v", alive)
	}
	if !faketrainer.Alive(pids["setsid"]) {
		t.Error("the process that left the session (setsid) was stopped")
	}
	b, _ := os.ReadFile(filepath.Join(res.LogDir, "attempt-1.stderr"))
	want := fmt.Sprintf("[lossexp: process %d (sleep 1000) left the run's session (setsid) and was left running]\n", pids["setsid"])
	if !strings.HasSuffix(string(b), want) {
		t.Errorf("the stderr log does not end with %q:\n%s", want, b)
	}
}

// TestTrainCommand_Scratch: under WithScratch, the attempt's run folder
// ($LOSSEXP_RUN_DIR, <run-id>-a<k>-…) and the run's log staging are made
// in the scratch folder, the run folder is removed after the attempt,
// nothing is made in $TMPDIR, and the folder's path enters no result.
func TestTrainCommand_Scratch(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	echo, scratch := t.TempDir(), t.TempDir()
	s := trainerSpec(t, "echo:"+echo, "")
	res, err := trainFake(t, WithScratch(context.Background(), scratch), s, 0.5, 0)
	if err != nil || res.Status != StatusOK {
		t.Fatalf("%v %s %q", err, res.Status, res.Reason)
	}
	b, err := os.ReadFile(filepath.Join(echo, "echo-"+res.RunID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Env map[string]string }
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	runDir := got.Env["LOSSEXP_RUN_DIR"]
	if filepath.Dir(runDir) != scratch || !strings.HasPrefix(filepath.Base(runDir), res.RunID+"-a1-") {
		t.Errorf("LOSSEXP_RUN_DIR = %s, want %s/%s-a1-…", runDir, scratch, res.RunID)
	}
	if filepath.Dir(res.LogDir) != scratch || !strings.HasPrefix(filepath.Base(res.LogDir), res.RunID+"-logs-") {
		t.Errorf("logs staged in %s, want %s/%s-logs-…", res.LogDir, scratch, res.RunID)
	}
	es, _ := os.ReadDir(scratch)
	if len(es) != 1 || es[0].Name() != filepath.Base(res.LogDir) {
		t.Errorf("scratch holds %v after the run; want only the log staging", es)
	}
	if es, _ := os.ReadDir(tmp); len(es) != 0 {
		t.Errorf("$TMPDIR holds %v", es)
	}
	if strings.Contains(res.Reason, scratch) {
		t.Errorf("the reason names the scratch folder: %q", res.Reason)
	}
	// Cancelled mid-attempt: neither the run folder nor the staging is left.
	os.RemoveAll(res.LogDir)
	ctx, cancel := context.WithCancel(WithScratch(context.Background(), scratch))
	go func() {
		for i := 0; i < 500; i++ {
			if es, _ := os.ReadDir(scratch); len(es) >= 2 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	if _, err := trainFake(t, ctx, trainerSpec(t, "sleep", ""), 0.5, 1); err == nil {
		t.Fatal("a cancelled run came back without an error")
	}
	if es, _ := os.ReadDir(scratch); len(es) != 0 {
		t.Errorf("scratch holds %v after a cancelled run", es)
	}
}

// TestTrainCommand_ReasonWithoutRunDir: a command whose stderr quotes
// its run folder fails with a reason that reads $LOSSEXP_RUN_DIR there,
// the same whatever folder the attempt ran in (runs.csv stays the same).
func TestTrainCommand_ReasonWithoutRunDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spec.yaml")
	os.WriteFile(path, []byte(`name: quote
trainer:
  command: [sh, -c, 'echo "no data in $LOSSEXP_RUN_DIR/data" >&2; exit 3']
  metrics: {a: higher}
loss:
  terms:
    - {kind: external, name: l2, weight: [0, 1]}
`), 0o644)
	s, err := spec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for range 2 {
		res, err := trainFake(t, WithScratch(context.Background(), t.TempDir()), s, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		reasons = append(reasons, res.Reason)
	}
	want := "exit status 3; stderr: no data in $LOSSEXP_RUN_DIR/data"
	if reasons[0] != want || reasons[1] != want {
		t.Errorf("reasons %q, want %q", reasons, want)
	}
}
