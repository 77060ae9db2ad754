package faketrainer

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TreeScript is a training command, for sh, that starts a tree of
// processes the way real ones do, writes each one's pid to a file in the
// folder $1 and, once all are written, the file "ready". Its second
// argument is "exit" (write a final line with a: 1 and exit 0, leaving
// the tree behind) or anything else (wait, ignoring SIGTERM).
//
// Tree names the pid files of the processes that must not outlive the
// attempt; "setsid" is the one that leaves the session on purpose.
const TreeScript = `d=$1
echo $$ > "$d/trainer"
sleep 1000 & echo $! > "$d/child"
sh -c 'trap "" TERM; sleep 1000 & echo $! > "$1/grandchild"; wait' sh "$d" & echo $! > "$d/child2"
nohup sleep 1000 >/dev/null 2>&1 & echo $! > "$d/nohup"
sh -c 'sleep 1000 & echo $! > "$1/doublefork"' sh "$d"
sh -c 'perl -e "setpgrp; exec q(sleep), 1000" & echo $! > "$1/owngroup"' sh "$d"
setsid sleep 1000 & s=$!; echo $s > "$d/setsid"
until [ -s "$d/grandchild" ] && [ "$(cut -d' ' -f6 /proc/$s/stat)" = $s ] && [ "$(cat /proc/$s/comm)" = sleep ]; do sleep 0.01; done
echo ok > "$d/ready"
if [ "$2" = exit ]; then
  echo '{"final": true, "a": 1}' > "$LOSSEXP_RUN_DIR/metrics.jsonl"
  exit 0
fi
trap '' TERM
wait
`

// Tree lists the pid files TreeScript writes for processes that must end
// with their attempt.
var Tree = []string{"trainer", "child", "child2", "grandchild", "nohup", "doublefork", "owngroup"}

// TreePids waits (up to 30 s) for TreeScript's "ready" in dir and returns
// the pids it wrote, by name, "setsid" included.
func TreePids(t testing.TB, dir string) map[string]int {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
			break
		}
	}
	pids := map[string]int{}
	for _, n := range append(Tree[:len(Tree):len(Tree)], "setsid") {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatalf("the tree script did not write %s: %v", n, err)
		}
		pid, err := strconv.Atoi(string(bytes.TrimSpace(b)))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		pids[n] = pid
	}
	t.Cleanup(func() { // whatever the test found, leave nothing running
		for _, pid := range pids {
			if Alive(pid) {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	return pids
}

// WaitTreeGone waits up to d for every process of Tree to end and returns
// the names of those still alive.
func WaitTreeGone(pids map[string]int, d time.Duration) []string {
	var alive []string
	for deadline := time.Now().Add(d); ; time.Sleep(20 * time.Millisecond) {
		alive = alive[:0]
		for _, n := range Tree {
			if Alive(pids[n]) {
				alive = append(alive, n)
			}
		}
		if len(alive) == 0 || time.Now().After(deadline) {
			return alive
		}
	}
}

// Alive reports whether pid is a live process (not a zombie), from /proc.
func Alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i > 0 && i+2 < len(b) && b[i+2] != 'Z' && b[i+2] != 'X'
}

// Kill9Tree starts c, a stand-in for lossexp running TreeScript with its
// pids in pidDir, kills it with SIGKILL once the tree is up, and fails t
// unless, within 3 s, every process of Tree has ended, the setsid'd one
// still runs, and c's stderr names it.
func Kill9Tree(t *testing.T, c *exec.Cmd, pidDir string) {
	t.Helper()
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	c.Stderr = stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Process.Kill()
	pids := TreePids(t, pidDir)
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	if alive := WaitTreeGone(pids, 3*time.Second); len(alive) > 0 {
		t.Errorf("still running 3 s after kill -9 of lossexp: %v", alive)
	}
	if !Alive(pids["setsid"]) {
		t.Error("the process that left the session (setsid) was stopped")
	}
	want := fmt.Sprintf("lossexp: process %d (sleep 1000), started by a training command, left its session (setsid) and is still running", pids["setsid"])
	var b []byte
	for i := 0; i < 300 && !strings.Contains(string(b), want); i++ {
		time.Sleep(10 * time.Millisecond)
		b, _ = os.ReadFile(stderr.Name())
	}
	if !strings.Contains(string(b), want) {
		t.Errorf("stderr does not name the process left running; want %q in:\n%s", want, b)
	}
}
