package faketrainer

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Env is the environment variable that turns a test binary into the fake
// trainer.
const Env = "FAKE_LOSSEXP_TRAINER"

// TestMain is a test package's TestMain that turns the test binary into
// the fake trainer when Env is set, and runs the tests otherwise.
func TestMain(m *testing.M) {
	if Active() {
		os.Exit(Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// Active reports whether this process was started as the fake trainer.
func Active() bool { return os.Getenv(Env) != "" }

// Modes, the first argument:
//
//	ok         deterministic metrics from λ and the seed; 5 epoch lines
//	exit3      prints to stderr and exits with status 3
//	hang       ignores SIGTERM and sleeps (killed after the grace)
//	sleep      sleeps, ending on SIGTERM
//	missing    the final line lacks test.penalty
//	nan        test.accuracy is NaN (Python's token)
//	badjson    line 3 is not JSON; exits 0
//	crash      writes half of the final line, then SIGKILLs itself
//	stderr     writes 1.5 MB to stderr, ending in a known line, then ok
//	flaky:F    fails (exit 1) while file F holds fewer than 1 attempt, then ok
//	notafile:K exits 0 leaving a metrics.jsonl that is a fifo, a dir or a link to /dev/zero (K)
//	child:F    starts a child that ignores SIGTERM, writes its own pid to F.leader and the child's to F, then sleeps ignoring SIGTERM
//	orphan:F   starts such a child, then exits 0 with metrics (the child must not outlive it)
//	childonce:F as child while file F does not exist (the first attempt of a sweep), then ok
//	echo:D     ok, and writes argv, working folder and the LOSSEXP_ environment to D/echo-<run_id>.json
//	noop       writes the final line only (for overhead benchmarks)
//	slow       sleeps 150 ms, then ok
//	paced:MS   ok, but writes its epoch lines one at a time, MS milliseconds apart (a slow model to watch)
//	failif:F   fails (exit 4) when the sum of λ is above 0.4 and file F does not exist, else ok
//	file:F     writes the content of file F as its metrics.jsonl and exits 0
//	devices:F  sleeps 30 ms, appends a line to F (devices.go: start, end, {devices} as the
//	           second argument, CUDA_VISIBLE_DEVICES), then ok
//	devfail:F  the same, then fails (exit 5)
//	budget[:F] an expensive model (budget.go): trains to $LOSSEXP_EPOCHS epochs ($FAKE_EPOCH_MS each), continuing from
//	           $LOSSEXP_CHECKPOINT_DIR; with F, stops (exit 6) halfway the first time
//	multi      ok, and the final line adds validation.accuracy 0.9-(s-0.3)², validation.f1 and
//	           test.f1 0.8-(s-0.1)², validation.loss 0.2+(s-1)² (s the sum of λ; no noise)
func Main(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "faketrainer: mode missing")
		return 2
	}
	mode, arg, _ := strings.Cut(args[0], ":")
	dir := os.Getenv("LOSSEXP_RUN_DIR")
	switch mode {
	case "noop":
		return write(dir, `{"final": true, "test.accuracy": 1, "test.penalty": 0}`+"\n")
	case "exit3":
		fmt.Fprintln(os.Stderr, "loading data\nTraceback (most recent call last):\nRuntimeError: CUDA out of memory")
		return 3
	case "hang":
		signal.Ignore(syscall.SIGTERM)
		time.Sleep(time.Hour)
		return 0
	case "sleep":
		time.Sleep(time.Hour)
		return 0
	case "slow":
		time.Sleep(150 * time.Millisecond)
	case "file":
		b, err := os.ReadFile(arg)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return write(dir, string(b))
	case "badjson":
		return write(dir, "{\"epoch\": 1, \"loss.total\": 1}\n{\"epoch\": 2}\n{\"epoch\": 3, oops}\n{\"final\": true}\n")
	case "crash":
		write(dir, "{\"epoch\": 1, \"loss.total\": 1}\n{\"final\": true, \"test.accu")
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		return 1
	case "stderr":
		line := strings.Repeat("x", 99) + "\n"
		for i := 0; i < 15000; i++ {
			os.Stderr.WriteString(line)
		}
		fmt.Fprintln(os.Stderr, "the last line of stderr")
	case "flaky":
		b, _ := os.ReadFile(arg)
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		os.WriteFile(arg, []byte(strconv.Itoa(n+1)), 0o644)
		if n < 1 {
			fmt.Fprintln(os.Stderr, "flaky: transient failure")
			return 1
		}
	case "notafile":
		return notAFile(dir, arg)
	case "devices", "devfail":
		if code := recordDevices(arg, args[1:]); code != 0 || mode == "devfail" {
			return max(code, 5)
		}
	case "child", "orphan":
		if code, done := spawn(mode, arg); done {
			return code
		}
	case "childonce":
		if _, err := os.Stat(arg); err != nil { // the first attempt: as child
			code, _ := spawn("child", arg)
			return code
		}
	}
	return ok(dir, mode, arg, args[1:])
}

// notAFile puts what arg names (a fifo, a folder, a link to /dev/zero)
// where the metrics file goes.
func notAFile(dir, arg string) int {
	m := filepath.Join(dir, "metrics.jsonl")
	var err error
	switch arg {
	case "fifo":
		err = syscall.Mkfifo(m, 0o644)
	case "dir":
		err = os.Mkdir(m, 0o755)
	case "devzero":
		err = os.Symlink("/dev/zero", m)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// spawn starts a child that hangs and writes its pid to arg (and ours to
// arg.leader); mode child then hangs too (done), orphan goes on.
func spawn(mode, arg string) (code int, done bool) {
	c := exec.Command(os.Args[0], "hang")
	c.Env = append(os.Environ(), Env+"=1")
	if err := c.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1, true
	}
	os.WriteFile(arg+".leader", []byte(strconv.Itoa(os.Getpid())), 0o644)
	os.WriteFile(arg, []byte(strconv.Itoa(c.Process.Pid)), 0o644)
	if mode == "child" {
		signal.Ignore(syscall.SIGTERM)
		time.Sleep(time.Hour)
		return 0, true
	}
	return 0, false
}

// params is the part of LOSSEXP_PARAMS the fake reads.
type params struct {
	RunID  string             `json:"run_id"`
	Seed   uint64             `json:"seed"`
	Lambda map[string]float64 `json:"lambda"`
	Params map[string]float64 `json:"params"`
}

// ok writes a deterministic report: test.accuracy falls and test.penalty
// falls with the sum of λ, a little noise from the seed, 5 epoch lines.
func ok(dir, mode, arg string, rest []string) int {
	if mode == "budget" {
		return budget(dir, arg)
	}
	p, b, err := readParams()
	if err != nil {
		fmt.Fprintln(os.Stderr, "faketrainer: LOSSEXP_PARAMS:", err)
		return 1
	}
	names := make([]string, 0, len(p.Lambda))
	var sum float64
	for n, l := range p.Lambda {
		names = append(names, n)
		sum += l
	}
	sort.Strings(names)
	if _, err := os.Stat(arg); mode == "failif" && sum > 0.4 && err != nil {
		fmt.Fprintf(os.Stderr, "failif: λ sum %g too large\n", sum)
		return 4
	}
	noise := float64(p.Seed%1000)/1000 - 0.5
	shift := p.Params["shift"]
	acc := 0.9 - 0.1*math.Log1p(sum) + 0.02*noise + shift
	pen := 1/(1+sum) + 0.01*noise
	var out strings.Builder
	for e := 1; e <= 5; e++ {
		task := 1/float64(e) + 0.1*sum
		fmt.Fprintf(&out, `{"epoch": %d, "loss.task": %g, "loss.total": %g`, e, task, task+sum*pen)
		for _, n := range names {
			fmt.Fprintf(&out, `, "loss.%s": %g, "grad.cos.%s": %g`, n, pen/float64(e), n, -0.1*float64(e))
		}
		fmt.Fprintf(&out, `, "test.accuracy": %g}`+"\n", acc*float64(e)/5)
	}
	accText := strconv.FormatFloat(acc, 'g', -1, 64)
	if mode == "nan" {
		accText = "NaN"
	}
	fmt.Fprintf(&out, `{"final": true, "test.accuracy": %s`, accText)
	if mode != "missing" {
		fmt.Fprintf(&out, `, "test.penalty": %g`, pen)
	}
	if mode == "multi" {
		f1 := 0.8 - (sum-0.1)*(sum-0.1)
		fmt.Fprintf(&out, `, "validation.accuracy": %g, "validation.f1": %g, "test.f1": %g, "validation.loss": %g`,
			0.9-(sum-0.3)*(sum-0.3), f1, f1, 0.2+(sum-1)*(sum-1))
	}
	for _, n := range names {
		fmt.Fprintf(&out, `, "grad.cos.%s": -0.3, "grad.conflict.%s": 0.6, "grad.ratio.%s": %g`, n, n, n, p.Lambda[n])
	}
	out.WriteString("}\n{\"note\": \"not a number: a line of the trainer's own (neither epoch nor final), ignored\"}\n")
	if mode == "echo" {
		echo(arg, rest, b, p.RunID)
	}
	if mode == "paced" {
		return paced(dir, out.String(), arg)
	}
	return write(dir, out.String())
}

// paced writes s to metrics.jsonl line by line, sleeping ms milliseconds
// after each epoch line.
func paced(dir, s, ms string) int {
	d, err := strconv.Atoi(ms)
	f, ferr := os.Create(filepath.Join(dir, "metrics.jsonl"))
	if err != nil || ferr != nil {
		fmt.Fprintln(os.Stderr, "faketrainer: paced:", err, ferr)
		return 1
	}
	defer f.Close()
	for line := range strings.Lines(s) {
		if _, err := f.WriteString(line); err != nil {
			fmt.Fprintln(os.Stderr, "faketrainer:", err)
			return 1
		}
		if strings.HasPrefix(line, `{"epoch"`) {
			time.Sleep(time.Duration(d) * time.Millisecond)
		}
	}
	return 0
}

// echo writes into the folder arg what the trainer was given: argv, the
// LOSSEXP_ environment, its working folder, rest and params.json.
func echo(arg string, rest []string, params []byte, runID string) {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "LOSSEXP_") || k == "FAKE_FROM_SPEC" {
			env[k] = v
		}
	}
	wd, _ := os.Getwd()
	j, _ := json.Marshal(map[string]any{"argv": os.Args[1:], "env": env, "wd": wd, "rest": rest, "params": json.RawMessage(params)})
	os.WriteFile(filepath.Join(arg, "echo-"+runID+".json"), j, 0o644)
}

func write(dir, s string) int {
	if err := os.WriteFile(filepath.Join(dir, "metrics.jsonl"), []byte(s), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "faketrainer:", err)
		return 1
	}
	return 0
}
