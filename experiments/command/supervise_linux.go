//go:build linux

package command

// On Linux every attempt runs under the attempt supervisor (package
// internal/supervise): one process per lossexp process, lossexp's own
// binary started again (/proc/self/exe, so a binary replaced on disk
// during a sweep does not matter) on the first attempt. It starts each
// program in a session of its own and, as a child subreaper, keeps what
// the program starts as its descendants; it stops the whole session when
// the program exits or lossexp asks (timeout, Ctrl-C), and at once when
// lossexp is gone, kill -9 included (EOF on their socket). Starting it
// once keeps the cost per attempt to a message each way: lossexp's binary
// is large, and exec'ing it per attempt cost ~35 ms of CPU.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lossexp/lossexp/internal/supervise"
)

// sup is the connection to the attempt supervisor.
var sup struct {
	once    sync.Once
	fd      int // our end of the socket; -1 when there is no supervisor
	mu      sync.Mutex
	next    uint64
	waiting map[uint64]chan supervise.Report
	broken  bool // the supervisor ended: later attempts run directly
}

// connect starts the supervisor once.
func connect() {
	sup.fd = -1
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_SEQPACKET|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return
	}
	theirs := os.NewFile(uintptr(fds[1]), "supervisor")
	defer theirs.Close()
	c := &exec.Cmd{
		Path:        "/proc/self/exe",
		Args:        []string{supervise.Arg0},
		Env:         []string{},
		Stderr:      os.Stderr,
		ExtraFiles:  []*os.File{theirs},
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true}, // Ctrl-C in a terminal reaches lossexp, which asks for the stops
	}
	if err := c.Start(); err != nil {
		syscall.Close(fds[0])
		return
	}
	sup.fd = fds[0]
	sup.waiting = map[uint64]chan supervise.Report{}
	go func() { c.Wait() }() // reaps it if it ends before lossexp
	go receive()
}

// receive hands each report to the attempt waiting for it; when the
// supervisor ends, every waiting attempt gets a report saying so.
func receive() {
	buf := make([]byte, 1<<20)
	for {
		n, _, _, _, err := syscall.Recvmsg(sup.fd, buf, nil, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n == 0 {
			break
		}
		var r supervise.Report
		if json.Unmarshal(buf[:n], &r) != nil {
			continue
		}
		sup.mu.Lock()
		ch := sup.waiting[r.ID]
		delete(sup.waiting, r.ID)
		sup.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
	sup.mu.Lock()
	sup.broken = true
	for id, ch := range sup.waiting {
		ch <- supervise.Report{ID: id, StartErr: "the attempt supervisor ended"}
		delete(sup.waiting, id)
	}
	sup.mu.Unlock()
}

// send writes one message to the supervisor, with fds.
func send(m supervise.Start, fds ...int) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	var oob []byte
	if len(fds) > 0 {
		oob = syscall.UnixRights(fds...)
	}
	return syscall.Sendmsg(sup.fd, b, oob, nil, 0)
}

// execute runs attempt a under the supervisor; without one (no
// /proc/self/exe) it runs the program directly (runDirect).
func execute(ctx context.Context, a Attempt, grace time.Duration, outW, errW *os.File) (Outcome, error) {
	sup.once.Do(connect)
	path := a.Argv[0]
	if !strings.ContainsRune(path, '/') {
		lp, err := exec.LookPath(path)
		if err != nil {
			outW.Close()
			errW.Close()
			return Outcome{StartErr: err}, nil
		}
		path = lp
	}
	env := a.Env
	if env == nil {
		env = []string{}
	}
	sup.mu.Lock()
	if sup.fd < 0 || sup.broken { // checked under the lock receive's last reports are sent under
		sup.mu.Unlock()
		return runDirect(ctx, a, grace, outW, errW)
	}
	sup.next++
	id := sup.next
	got := make(chan supervise.Report, 1)
	sup.waiting[id] = got
	sup.mu.Unlock()
	err := send(supervise.Start{Op: "start", ID: id, Path: path, Argv: a.Argv, Env: env, Dir: a.Dir, Grace: grace}, int(outW.Fd()), int(errW.Fd()))
	outW.Close() // the supervisor has its own copies
	errW.Close()
	if err != nil { // too large a message (env), or the supervisor is gone
		sup.mu.Lock()
		delete(sup.waiting, id)
		sup.mu.Unlock()
		return Outcome{StartErr: fmt.Errorf("attempt supervisor: %w", err)}, nil
	}
	r, timedOut, ctxErr := awaitReport(ctx, id, got, a.Timeout)
	o := reportOutcome(&r, path)
	o.TimedOut = timedOut
	return o, ctxErr
}

// awaitReport waits for the supervisor's report on attempt id (on got),
// asking it to stop the attempt when timeout (0: none) passes or ctx ends.
func awaitReport(ctx context.Context, id uint64, got <-chan supervise.Report, timeout time.Duration) (r supervise.Report, timedOut bool, ctxErr error) {
	var expire <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expire = t.C
	}
	select {
	case r = <-got:
	case <-expire:
		timedOut = true
		send(supervise.Start{Op: "stop", ID: id})
		r = <-got
	case <-ctx.Done():
		ctxErr = ctx.Err()
		send(supervise.Start{Op: "stop", ID: id})
		r = <-got
	}
	return r, timedOut, ctxErr
}

// reportOutcome is the outcome the supervisor's report r says of the
// program path.
func reportOutcome(r *supervise.Report, path string) Outcome {
	var o Outcome
	o.Pid = r.Pid
	for _, p := range r.Escaped {
		o.Escaped = append(o.Escaped, Process(p))
	}
	o.Duration = time.Duration(r.Seconds * float64(time.Second))
	switch {
	case r.Errno != 0:
		o.StartErr = &os.PathError{Op: "fork/exec", Path: path, Err: syscall.Errno(r.Errno)}
	case r.StartErr != "":
		o.StartErr = errors.New(r.StartErr)
	default:
		ws := syscall.WaitStatus(r.WaitStatus)
		o.Exit = ws.ExitStatus()
		if ws.Signaled() {
			o.Signal = ws.Signal().String()
		}
	}
	return o
}
