//go:build linux

package command

// The attempt supervisor.
//
// On Linux every attempt runs under a supervisor of its own: lossexp's
// binary started again (/proc/self/exe, so a binary replaced on disk
// during a sweep does not matter) with argv[0] = supervisorArg0, which
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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// supervisorArg0 is the argv[0] that turns a binary linking this package
// into an attempt supervisor (init). It shows in ps.
const supervisorArg0 = "lossexp: attempt supervisor"

func init() {
	if len(os.Args) >= 4 && os.Args[0] == supervisorArg0 {
		os.Exit(supervise(os.Args[1], os.Args[2], os.Args[3:]))
	}
}

// report is what the supervisor tells lossexp, as one JSON object.
type report struct {
	Pid        int       `json:"pid"`
	WaitStatus uint32    `json:"wait_status"`
	StartErr   string    `json:"start_err,omitempty"`
	Errno      int       `json:"errno,omitempty"`
	Seconds    float64   `json:"seconds"`
	Escaped    []Process `json:"escaped,omitempty"`
}

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
		Args:        append([]string{supervisorArg0, grace.String(), path}, a.Argv...),
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
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		o.StartErr = fmt.Errorf("the attempt supervisor ended without a report (%v)", waitErr)
		return o, ctxErr
	}
	o.Pid, o.Escaped = r.Pid, r.Escaped
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

// supervisor is the state of a supervisor process.
type supervisor struct {
	self, sid int // the supervisor's pid and session
	pid       int // the program's pid (and process group)
	done      bool
	ws        syscall.WaitStatus
	end       time.Time
	escaped   map[int]procStat // descendants seen outside the session, by pid
}

// supervise is the supervisor's main; it returns its exit status.
func supervise(graceArg, path string, argv []string) int {
	runtime.LockOSThread() // the parent-death signal follows the thread that forked
	for fd := 3; fd <= 6; fd++ {
		syscall.CloseOnExec(fd) // none of them reaches the program but as 1 and 2
	}
	ctl, rep := os.NewFile(3, "control"), os.NewFile(4, "report")
	grace, err := time.ParseDuration(graceArg)
	if err != nil {
		grace = DefaultGrace
	}
	s := &supervisor{self: os.Getpid(), escaped: map[int]procStat{}}
	if st, ok := readStat(strconv.Itoa(s.self)); ok {
		s.sid = st.sid
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGCHLD, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	const prSetChildSubreaper = 36
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0) // without it (very old kernels) orphans go to init

	start := time.Now()
	s.pid, err = syscall.ForkExec(path, argv, &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{0, 5, 6},
		Sys:   &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL},
	})
	if err != nil {
		r := report{StartErr: err.Error()}
		var errno syscall.Errno
		if errors.As(err, &errno) {
			r.Errno = int(errno)
		}
		json.NewEncoder(rep).Encode(r)
		return 0
	}
	ctlc := make(chan bool, 2) // true: stop; false: lossexp is gone
	go func() {
		b := make([]byte, 1)
		for {
			n, err := ctl.Read(b)
			if n > 0 {
				ctlc <- true
			}
			if err != nil {
				ctlc <- false
				return
			}
		}
	}()
	gone := false
	stopping := false
	for !s.done && !stopping {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGCHLD {
				s.reap()
			} else {
				stopping = true
			}
		case stop := <-ctlc:
			gone, stopping = !stop, true
		}
	}
	if gone || !s.stop(grace, sigs, ctlc) {
		s.kill()
	}
	r := report{Pid: s.pid, WaitStatus: uint32(s.ws), Seconds: s.end.Sub(start).Seconds(), Escaped: s.stillEscaped()}
	json.NewEncoder(rep).Encode(r)
	if gone {
		for _, p := range r.Escaped {
			fmt.Fprintf(os.Stderr, "lossexp: process %d (%s), started by a training command, left its session (setsid) and is still running\n", p.Pid, p.Cmdline)
		}
	}
	return 0
}

// reap collects every child that ended, noting the program's status.
func (s *supervisor) reap() {
	for {
		var ws syscall.WaitStatus
		p, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if p <= 0 || err != nil {
			return
		}
		if p == s.pid {
			s.ws, s.done, s.end = ws, true, time.Now()
		}
	}
}

// stop sends SIGTERM to the program's group and to every other
// descendant in the session, and waits up to grace for all to end. It
// reports whether they did; it gives up early when lossexp ends.
func (s *supervisor) stop(grace time.Duration, sigs <-chan os.Signal, ctlc <-chan bool) bool {
	syscall.Kill(-s.pid, syscall.SIGTERM)
	termed := map[int]bool{}
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.reap()
		live := s.scan()
		for _, p := range live {
			if !termed[p.pid] {
				termed[p.pid] = true
				if p.pgrp != s.pid { // the group had its SIGTERM
					syscall.Kill(p.pid, syscall.SIGTERM)
				}
			}
		}
		if s.done && len(live) == 0 {
			return true
		}
		select {
		case <-sigs:
		case <-tick.C:
		case <-deadline.C:
			return false
		case stop := <-ctlc:
			if !stop {
				return false
			}
		}
	}
}

// kill SIGKILLs the program's group and every descendant in the session
// until none is left (at most 10 s: a process in uninterruptible sleep
// ends when the kernel lets it).
func (s *supervisor) kill() {
	for i := 0; i < 2000; i++ {
		syscall.Kill(-s.pid, syscall.SIGKILL)
		live := s.scan()
		for _, p := range live {
			syscall.Kill(p.pid, syscall.SIGKILL)
		}
		s.reap()
		if s.done && len(live) == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// scan returns the live descendants of the supervisor that are in its
// session, and notes in s.escaped those that left it (setsid): with
// their own descendants, they are left alone.
func (s *supervisor) scan() []procStat {
	children := map[int][]procStat{}
	forEachProc(func(st procStat) { children[st.ppid] = append(children[st.ppid], st) })
	var live []procStat
	queue := []int{s.self}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			switch {
			case c.state == 'Z' || c.state == 'X':
			case c.sid != s.sid:
				if _, seen := s.escaped[c.pid]; !seen {
					c.cmdline = cmdline(c.pid)
					s.escaped[c.pid] = c
				}
			default:
				live = append(live, c)
				queue = append(queue, c.pid)
			}
		}
	}
	return live
}

// stillEscaped returns the escaped processes that still run, by pid.
func (s *supervisor) stillEscaped() []Process {
	var out []Process
	for pid, st := range s.escaped {
		if now, ok := readStat(strconv.Itoa(pid)); ok && now.sid == st.sid && now.state != 'Z' && now.state != 'X' {
			out = append(out, Process{Pid: pid, Cmdline: st.cmdline})
		}
	}
	slices.SortFunc(out, func(a, b Process) int { return a.Pid - b.Pid })
	return out
}

// cmdline returns the command line of pid, arguments joined by spaces, at
// most 200 bytes.
func cmdline(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	b = bytes.TrimRight(b, "\x00")
	b = bytes.ReplaceAll(b, []byte{0}, []byte{' '})
	if len(b) > 200 {
		b = append(b[:197], "..."...)
	}
	return string(bytes.ToValidUTF8(b, []byte("?")))
}
