//go:build linux

package command

// The attempt supervisor.
//
// On Linux every attempt runs under a supervisor of its own: lossexp's
// binary started again (/proc/self/exe, so a binary replaced on disk
// during a sweep does not matter) with argv[0] = supervise.Arg0, which
// this package's init recognises before anything else runs. The
// supervisor
//
//   - makes itself a child subreaper (PR_SET_CHILD_SUBREAPER): whatever
//     the program starts stays its descendant when the parent exits (a
//     double fork, nohup);
//   - starts the program in a process group of its own, with the
//     parent-death signal SIGKILL (if the supervisor itself is killed,
//     the kernel kills the program);
//   - waits for the program to exit, for a stop request (a byte on the
//     control pipe: timeout, Ctrl-C; or SIGTERM, SIGINT, SIGHUP sent to
//     the supervisor) or for lossexp's end (EOF on the control pipe, whose
//     only writer is lossexp: kill -9 included);
//   - then stops every descendant still in its session (the program's
//     group and any group its processes made): SIGTERM, the grace period,
//     SIGKILL; at once with SIGKILL when lossexp is gone;
//   - reaps them, writes its report (the program's wait status, the
//     processes that left the session with setsid, which it leaves
//     running) to the report pipe, and exits.
//
// Its file descriptors: 0 and 1 /dev/null, 2 lossexp's stderr (where it
// names the processes it left running when lossexp is gone), 3 the
// control pipe (read end), 4 the report pipe (write end), 5 and 6 the
// program's stdout and stderr. Its arguments: the grace period, the
// program's path, then the program's argv.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/lossexp/lossexp/internal/supervise"
)

// execute runs attempt a under a supervisor (see the top of this file).
// Without /proc/self/exe it runs the program directly (runDirect).
func execute(ctx context.Context, a Attempt, grace time.Duration, outW, errW *os.File) (Outcome, error) {
	path := a.Argv[0]
	if !bytes.ContainsRune([]byte(path), '/') {
		lp, err := exec.LookPath(path)
		if err != nil {
			outW.Close()
			errW.Close()
			return Outcome{StartErr: err}, nil
		}
		path = lp
	}
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return runDirect(ctx, a, grace, outW, errW)
	}
	repR, repW, err := os.Pipe()
	if err != nil {
		ctlR.Close()
		ctlW.Close()
		return runDirect(ctx, a, grace, outW, errW)
	}
	env := a.Env
	if env == nil {
		env = []string{}
	}
	c := &exec.Cmd{
		Path:        "/proc/self/exe",
		Args:        append([]string{supervise.Arg0, grace.String(), path}, a.Argv...),
		Dir:         a.Dir,
		Env:         env,
		Stderr:      os.Stderr,
		ExtraFiles:  []*os.File{ctlR, repW, outW, errW},
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true}, // Ctrl-C in a terminal reaches lossexp, which asks for the stop
	}
	err = c.Start()
	ctlR.Close()
	repW.Close()
	if err != nil {
		ctlW.Close()
		repR.Close()
		if errors.Is(err, fs.ErrNotExist) && c.Process == nil {
			if _, serr := os.Stat("/proc/self/exe"); serr != nil {
				return runDirect(ctx, a, grace, outW, errW)
			}
		}
		outW.Close()
		errW.Close()
		return Outcome{StartErr: err}, nil
	}
	outW.Close()
	errW.Close()
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(repR, 1<<20))
		repR.Close()
		got <- b
	}()
	var timeout <-chan time.Time
	if a.Timeout > 0 {
		t := time.NewTimer(a.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	var o Outcome
	var ctxErr error
	var b []byte
	select {
	case b = <-got:
	case <-timeout:
		o.TimedOut = true
		ctlW.Write([]byte{'s'})
		b = <-got
	case <-ctx.Done():
		ctxErr = ctx.Err()
		ctlW.Write([]byte{'s'})
		b = <-got
	}
	ctlW.Close()
	waitErr := c.Wait()
	r, err := supervise.ParseReport(b)
	if err != nil {
		o.StartErr = fmt.Errorf("the attempt supervisor ended without a report (%v)", waitErr)
		return o, ctxErr
	}
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
	return o, ctxErr
}
