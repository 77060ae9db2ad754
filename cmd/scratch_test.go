package cmd

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lossexp/lossexp/study"
)

// lossexpTemps lists what of lossexp's is in the folder tmp.
func lossexpTemps(t *testing.T, tmp string) []string {
	t.Helper()
	es, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range es {
		if strings.Contains(e.Name(), "lossexp") {
			n = append(n, e.Name())
		}
	}
	return n
}

// TestRun_NoTempLeft: `lossexp run` of a training command leaves
// nothing in $TMPDIR, whether the run is ok, failed, or interrupted
// (SIGINT/SIGTERM cancel the context); and it removes what a killed
// `lossexp run` left (a folder whose .owner lock is free), not a folder
// of lossexp's name without one.
func TestRun_NoTempLeft(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	stale := filepath.Join(tmp, "lossexp-run-4242-x")
	os.MkdirAll(filepath.Join(stale, "0123456789abcdef-a1-y"), 0o755)
	os.WriteFile(filepath.Join(stale, ".owner"), nil, 0o600)
	other := filepath.Join(tmp, "lossexp-run-not-ours")
	os.MkdirAll(other, 0o755)
	for _, mode := range []string{"ok", "exit3", "sleep"} {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if mode == "sleep" {
				time.AfterFunc(500*time.Millisecond, cancel)
			}
			var out, errb bytes.Buffer
			code := Main(ctx, []string{"run", fakeSpec(t, mode, 1), "--set", "l2=0.1"}, strings.NewReader(""), &out, &errb)
			if mode == "ok" && code != 0 {
				t.Fatalf("exit %d\n%s", code, errb.String())
			}
			if got := lossexpTemps(t, tmp); len(got) != 1 || got[0] != filepath.Base(other) {
				t.Errorf("$TMPDIR after a run (%s, exit %d): %v; want only %s", mode, code, got, filepath.Base(other))
			}
		})
	}
}

// TestSweep_Kill9NoTempLeft: kill -9 of a real sweep of a training
// command leaves nothing of lossexp's in $TMPDIR (the attempts work in
// runs/tmp/ of the results folder); the resumed sweep removes what the
// killed one left there and ends with no runs/tmp, and its tables are
// those of an uninterrupted sweep. kill -9 of `lossexp run` leaves its
// folder, which the next `lossexp run` removes.
func TestSweep_Kill9NoTempLeft(t *testing.T) {
	bin := buildBinary(t)
	tmp := t.TempDir()
	env := append(os.Environ(), "TMPDIR="+tmp)
	spec := fakeSpec(t, "slow", 3)
	dir := t.TempDir()
	full, killed := filepath.Join(dir, "full"), filepath.Join(dir, "killed")
	command := func(args ...string) *exec.Cmd {
		c := exec.Command(bin, args...)
		c.Env = env
		return c
	}
	if out, err := command("sweep", spec, "--out", full, "--workers", "2", "-q").CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted sweep: %v\n%s", err, out)
	}
	if _, err := os.Lstat(filepath.Join(full, "runs", study.ScratchDir)); err == nil {
		t.Error("a finished sweep left runs/tmp")
	}
	kill9AfterRecords(t, command("sweep", spec, "--out", killed, "--workers", "2", "-q"), killed, 3, 15)
	time.Sleep(200 * time.Millisecond) // the supervisor ends the attempts
	if got := lossexpTemps(t, tmp); len(got) > 0 {
		t.Errorf("$TMPDIR after kill -9 of a sweep: %v", got)
	}
	left, _ := os.ReadDir(filepath.Join(killed, "runs", study.ScratchDir))
	if len(left) == 0 {
		t.Error("the killed sweep left nothing in runs/tmp: the test did not kill it mid-attempt")
	}
	if out, err := command("sweep", spec, "--out", killed, "--workers", "2", "-q").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	if es, err := os.ReadDir(filepath.Join(killed, "runs", study.ScratchDir)); err == nil {
		t.Errorf("runs/tmp after the resumed sweep: %d entries, want no folder", len(es))
	}
	for _, f := range []string{"runs.csv", "summary.csv", "curves.csv"} {
		a, _ := os.ReadFile(filepath.Join(full, f))
		b, _ := os.ReadFile(filepath.Join(killed, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the uninterrupted and the killed-and-resumed sweep", f)
		}
	}

	// lossexp run, killed mid-attempt, then run again.
	r := command("run", fakeSpec(t, "sleep", 1), "--set", "l2=0.1")
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && len(lossexpTemps(t, tmp)) == 0; time.Sleep(5 * time.Millisecond) {
	}
	time.Sleep(100 * time.Millisecond)
	r.Process.Signal(syscall.SIGKILL)
	r.Wait()
	if got := lossexpTemps(t, tmp); len(got) != 1 {
		t.Fatalf("$TMPDIR after kill -9 of lossexp run: %v; want its folder", got)
	}
	if out, err := command("run", spec, "--set", "l2=0.1").CombinedOutput(); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if got := lossexpTemps(t, tmp); len(got) > 0 {
		t.Errorf("$TMPDIR after the next lossexp run: %v", got)
	}
}

// TestRun_OutScratch: `lossexp run --out DIR` makes the run folder in
// DIR/runs/tmp/ (nothing in $TMPDIR) and removes it; it refuses a folder
// of the user's files (leaving no lock file) and a folder a sweep holds.
func TestRun_OutScratch(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	echo, out := t.TempDir(), filepath.Join(t.TempDir(), "out")
	code, _, stderr := run(t, "run", fakeSpec(t, "echo:"+echo, 1), "--set", "l2=0.1", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(echo, "echo-*.json"))
	if len(files) != 1 {
		t.Fatalf("echo files %v", files)
	}
	b, _ := os.ReadFile(files[0])
	if want := filepath.Join(out, "runs", study.ScratchDir) + "/"; !strings.Contains(string(b), `"LOSSEXP_RUN_DIR":"`+want) {
		t.Errorf("LOSSEXP_RUN_DIR not in %s: %s", want, b)
	}
	if es, err := os.ReadDir(filepath.Join(out, "runs", study.ScratchDir)); err != nil || len(es) != 0 {
		t.Errorf("runs/tmp after the run: %v, %v; want it empty", es, err)
	}
	if got := lossexpTemps(t, tmp); len(got) > 0 {
		t.Errorf("$TMPDIR: %v", got)
	}

	home := t.TempDir()
	os.WriteFile(filepath.Join(home, "thesis.tex"), []byte("mine"), 0o644)
	if code, _, stderr := run(t, "run", fakeSpec(t, "ok", 1), "--set", "l2=0.1", "--out", home); code != 2 || !strings.Contains(stderr, "thesis.tex") {
		t.Errorf("a folder of the user's files: exit %d\n%s", code, stderr)
	}
	if es, _ := os.ReadDir(home); len(es) != 1 {
		t.Errorf("the refused folder holds %v", es)
	}
	lock, err := study.LockFolder(out, "lossexp sweep fake", true)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	if code, _, stderr := run(t, "run", fakeSpec(t, "ok", 1), "--set", "l2=0.1", "--out", out); code != 2 || !strings.Contains(stderr, "lossexp sweep fake") {
		t.Errorf("a folder a sweep holds: exit %d\n%s", code, stderr)
	}
}

// TestRun_ExitByStatus: `lossexp run` exits 1 for a failed run (it exited
// 0, issue 23 item 9) and 0 for ok and diverged runs (a diverged run is a
// result, as in a sweep), with and without --json; the status is printed
// either way.
func TestRun_ExitByStatus(t *testing.T) {
	for _, c := range []struct {
		mode, status string
		code         int
	}{{"ok", "ok", ExitOK}, {"nan", "diverged", ExitOK}, {"exit3", "failed", ExitFailure}} {
		for _, json := range []bool{false, true} {
			args := []string{"run", fakeSpec(t, c.mode, 1), "--set", "l2=0.1"}
			if json {
				args = append(args, "--json")
			}
			code, stdout, stderr := run(t, args...)
			if code != c.code || !strings.Contains(stdout, c.status) {
				t.Errorf("%s (json %v): exit %d, want %d with status %s\nstdout %s\nstderr %s", c.mode, json, code, c.code, c.status, stdout, stderr)
			}
			if c.code == ExitFailure && !strings.Contains(stderr, "the run failed: exit status 3") {
				t.Errorf("%s: stderr %q does not say why the run failed", c.mode, stderr)
			}
		}
	}
}
