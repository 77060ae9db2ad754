package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// DefaultGrace is the time a process group has between SIGTERM and
// SIGKILL when Attempt.Grace is 0.
const DefaultGrace = 10 * time.Second

// DefaultLogCap is the number of bytes of stdout and of stderr kept (the
// tail) when Attempt.LogCap is 0.
const DefaultLogCap = 1 << 20

// Attempt is one execution of a program.
type Attempt struct {
	Argv    []string // program and arguments; Argv[0] is looked up in PATH unless it holds a '/'
	Dir     string   // working directory ("" = the current one)
	Env     []string // the complete environment, "KEY=value"
	Timeout time.Duration
	Grace   time.Duration // SIGTERM → SIGKILL; 0 = DefaultGrace
	LogCap  int           // bytes of each stream kept; 0 = DefaultLogCap
}

// Outcome is how an attempt ended.
type Outcome struct {
	// StartErr is set when the program could not be started (not found,
	// not executable); the other fields are then zero.
	StartErr error
	Exit     int    // exit status; -1 when ended by a signal
	Signal   string // the signal that ended it ("" when it exited)
	TimedOut bool   // stopped because Timeout passed
	// Stdout and Stderr hold the last LogCap bytes of each stream;
	// StdoutBytes and StderrBytes count everything written.
	Stdout, Stderr           []byte
	StdoutBytes, StderrBytes int64
	Duration                 time.Duration
	// Pid is the program's process id, which is also its process group
	// id (and on Linux its session id; 0 when it did not start).
	Pid int
	// Escaped lists the processes the program started that left its
	// session on purpose (setsid) and still ran when the attempt ended:
	// they are left running, and named here (Linux only).
	Escaped []Process
}

// Process names a running process.
type Process struct {
	Pid     int
	Cmdline string // its arguments joined by spaces, at most 200 bytes
}

// Run executes a and waits for it: on Linux in a session of its own under
// the attempt supervisor (supervise_linux.go), elsewhere in a process
// group of its own. When the program exits, any process it left in its
// session (group) is stopped (SIGTERM, grace, SIGKILL). On timeout, or
// when ctx is cancelled, all of them are stopped the same way; Run then
// returns the outcome with TimedOut set, or ctx's error. No process of
// the attempt is left running when Run returns, except one that made a
// session of its own (setsid; Outcome.Escaped names it on Linux).
func Run(ctx context.Context, a Attempt) (Outcome, error) {
	if len(a.Argv) == 0 {
		return Outcome{}, errors.New("command: empty argv")
	}
	grace := a.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	capN := a.LogCap
	if capN <= 0 {
		capN = DefaultLogCap
	}
	if err := ctx.Err(); err != nil {
		return Outcome{}, err
	}
	a.Env = dedupEnv(a.Env) // the last value of a variable wins, as with os/exec
	// Pipes of our own, so that Wait returns when the program exits even
	// if a child it left behind still holds them open.
	outR, outW, err := os.Pipe()
	if err != nil {
		return Outcome{}, fmt.Errorf("command: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return Outcome{}, fmt.Errorf("command: %w", err)
	}
	stdout, stderr := newTail(capN), newTail(capN)
	var copiers sync.WaitGroup
	copiers.Add(2)
	go func() { defer copiers.Done(); io.Copy(stdout, outR) }()
	go func() { defer copiers.Done(); io.Copy(stderr, errR) }()
	closeReaders := func() {
		// Wait for both streams to reach EOF (every writer gone), but not
		// for a process that escaped the group and holds them: a second.
		done := make(chan struct{})
		go func() { copiers.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			outR.Close()
			errR.Close()
			<-done
		}
		outR.Close()
		errR.Close()
	}

	o, ctxErr := execute(ctx, a, grace, outW, errW)
	closeReaders()
	o.Stdout, o.StdoutBytes = stdout.bytes()
	o.Stderr, o.StderrBytes = stderr.bytes()
	if ctxErr != nil {
		return o, ctxErr
	}
	return o, nil
}

// runDirect starts a's program itself, in a process group of its own
// (sysProcAttr), and waits for it: the way of systems without an attempt
// supervisor. It closes outW and errW, the write ends of the output pipes,
// once the program has them, and returns ctx's error if ctx ended the
// attempt.
func runDirect(ctx context.Context, a Attempt, grace time.Duration, outW, errW *os.File) (Outcome, error) {
	c := exec.Command(a.Argv[0], a.Argv[1:]...)
	c.Dir, c.Env = a.Dir, a.Env
	if c.Env == nil {
		c.Env = []string{}
	}
	c.Stdin = nil
	c.Stdout, c.Stderr = outW, errW
	c.SysProcAttr = sysProcAttr()
	t0 := time.Now()
	if err := startProcess(c); err != nil {
		outW.Close()
		errW.Close()
		return Outcome{StartErr: err}, nil
	}
	outW.Close()
	errW.Close()
	pgid := c.Process.Pid

	exited := make(chan error, 1)
	go func() { exited <- c.Wait() }()
	var timeout <-chan time.Time
	if a.Timeout > 0 {
		t := time.NewTimer(a.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	var o Outcome
	var ctxErr error
	select {
	case <-exited:
		stopGroup(pgid, grace, nil)
	case <-timeout:
		o.TimedOut = true
		stopGroup(pgid, grace, exited)
	case <-ctx.Done():
		ctxErr = ctx.Err()
		stopGroup(pgid, grace, exited)
	}
	o.Duration = time.Since(t0)
	o.Pid = pgid
	o.Exit = c.ProcessState.ExitCode()
	if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		o.Signal = ws.Signal().String()
	}
	return o, ctxErr
}

// The kernel's parent-death signal (sysProcAttr's Pdeathsig) fires when
// the thread that started a process exits, not the process. Every
// program is therefore started from one goroutine locked to its thread
// for the life of lossexp, so that the signal means "lossexp died".
var (
	spawnOnce sync.Once
	spawnReq  chan spawnJob
)

type spawnJob struct {
	c   *exec.Cmd
	err chan error
}

func startProcess(c *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawnReq = make(chan spawnJob)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives as long as the process
			for j := range spawnReq {
				j.err <- j.c.Start()
			}
		}()
	})
	j := spawnJob{c, make(chan error, 1)}
	spawnReq <- j
	return <-j.err
}

// stopGroup ends process group pgid: SIGTERM, then SIGKILL once grace has
// passed with a member still alive. With exited non-nil (the leader has
// not been reaped yet) it also waits for the leader and returns its Wait
// error.
func stopGroup(pgid int, grace time.Duration, exited <-chan error) error {
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && exited == nil {
		return nil // the group is empty
	}
	deadline := time.Now().Add(grace)
	var waitErr error
	leaderGone := exited == nil
	for {
		if !leaderGone {
			select {
			case waitErr = <-exited:
				leaderGone = true
			case <-time.After(10 * time.Millisecond):
			}
		} else {
			time.Sleep(5 * time.Millisecond)
		}
		if leaderGone && !GroupAlive(pgid) {
			return waitErr
		}
		if time.Now().After(deadline) {
			break
		}
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
	if !leaderGone {
		waitErr = <-exited // SIGKILL cannot be ignored
	}
	for i := 0; i < 200 && GroupAlive(pgid); i++ {
		time.Sleep(5 * time.Millisecond)
	}
	return waitErr
}

// GroupAlive reports whether process group pgid has a member that is not
// a zombie. A zombie whose parent does not reap it (a container without
// an init) cannot run, so it does not count.
func GroupAlive(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); err != nil {
		return errors.Is(err, syscall.EPERM)
	}
	return len(groupMembers(pgid)) > 0
}

// tail keeps the last n bytes written to it and counts them all.
type tail struct {
	mu    sync.Mutex
	buf   []byte // ring of capacity n
	start int    // index of the oldest byte once full
	total int64
	n     int
}

func newTail(n int) *tail { return &tail{n: n} }

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total += int64(len(p))
	q := p
	if len(q) >= t.n {
		t.buf = append(t.buf[:0], q[len(q)-t.n:]...)
		t.start = 0
		return len(p), nil
	}
	if len(t.buf) < t.n {
		room := t.n - len(t.buf)
		k := min(room, len(q))
		t.buf = append(t.buf, q[:k]...)
		q = q[k:]
	}
	for len(q) > 0 { // full: overwrite the oldest bytes
		k := copy(t.buf[t.start:], q)
		q = q[k:]
		t.start = (t.start + k) % t.n
	}
	return len(p), nil
}

// bytes returns the kept tail in order and the number of bytes written.
func (t *tail) bytes() ([]byte, int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]byte, 0, len(t.buf))
	out = append(out, t.buf[t.start:]...)
	out = append(out, t.buf[:t.start]...)
	return out, t.total
}
