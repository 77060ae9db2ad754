//go:build linux

// Package supervise is the attempt supervisor of package command: the
// process that runs one attempt of a training command and makes sure
// nothing the command started outlives it, or lossexp, except what left
// the session on purpose (setsid). See experiments/command/supervise_linux.go
// for the protocol.
//
// It is a package of its own, importing little, so that its init runs
// before those of the heavy packages of the binary it is linked into:
// that init turns the process into the supervisor when argv[0] is Arg0,
// and the supervisor's start costs the runtime's start and no more.
package supervise

import (
	"bytes"
	"errors"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// Arg0 is the argv[0] that turns a binary linking this package into an
// attempt supervisor (init). It shows in ps.
const Arg0 = "lossexp: attempt supervisor"

func init() {
	if len(os.Args) >= 4 && os.Args[0] == Arg0 {
		os.Exit(supervise(os.Args[1], os.Args[2], os.Args[3:]))
	}
}

// DefaultGrace is used when the grace argument does not parse.
const DefaultGrace = 10 * time.Second

// Process names a running process.
type Process struct {
	Pid     int
	Cmdline string // its arguments joined by spaces, at most 200 bytes, one line
}

// Report is what the supervisor tells lossexp, as lines "key value"
// (WriteTo, ParseReport).
type Report struct {
	Pid        int
	WaitStatus uint32
	StartErr   string
	Errno      int
	Seconds    float64
	Escaped    []Process
}

// Bytes encodes r.
func (r *Report) Bytes() []byte {
	var b []byte
	b = append(b, "pid "...)
	b = strconv.AppendInt(b, int64(r.Pid), 10)
	b = append(b, "\nstatus "...)
	b = strconv.AppendUint(b, uint64(r.WaitStatus), 10)
	b = append(b, "\nerrno "...)
	b = strconv.AppendInt(b, int64(r.Errno), 10)
	b = append(b, "\nseconds "...)
	b = strconv.AppendFloat(b, r.Seconds, 'g', -1, 64)
	b = append(b, '\n')
	if r.StartErr != "" {
		b = append(b, "starterr "...)
		b = append(b, oneLine(r.StartErr)...)
		b = append(b, '\n')
	}
	for _, p := range r.Escaped {
		b = append(b, "escaped "...)
		b = strconv.AppendInt(b, int64(p.Pid), 10)
		b = append(b, ' ')
		b = append(b, oneLine(p.Cmdline)...)
		b = append(b, '\n')
	}
	return append(b, "end\n"...)
}

// ParseReport decodes what Bytes wrote; a report cut short is an error.
func ParseReport(b []byte) (Report, error) {
	var r Report
	for _, ln := range bytes.Split(b, []byte("\n")) {
		k, v, _ := bytes.Cut(ln, []byte(" "))
		var err error
		switch string(k) {
		case "pid":
			r.Pid, err = strconv.Atoi(string(v))
		case "status":
			var u uint64
			u, err = strconv.ParseUint(string(v), 10, 32)
			r.WaitStatus = uint32(u)
		case "errno":
			r.Errno, err = strconv.Atoi(string(v))
		case "seconds":
			r.Seconds, err = strconv.ParseFloat(string(v), 64)
		case "starterr":
			r.StartErr = string(v)
		case "escaped":
			p, cmd, _ := bytes.Cut(v, []byte(" "))
			var pid int
			pid, err = strconv.Atoi(string(p))
			r.Escaped = append(r.Escaped, Process{pid, string(cmd)})
		case "end":
			return r, nil
		}
		if err != nil {
			return r, errors.New("malformed report line " + strconv.Quote(string(ln)))
		}
	}
	return r, errors.New("report cut short")
}

func oneLine(s string) []byte {
	return bytes.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, []byte(s))
}

// supervisor is the state of a supervisor process.
type supervisor struct {
	self, sid int // the supervisor's pid and session
	pid       int // the program's pid (and process group)
	done      bool
	ws        syscall.WaitStatus
	end       time.Time
	escaped   map[int]ProcStat // descendants seen outside the session, by pid
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
	s := &supervisor{self: os.Getpid(), escaped: map[int]ProcStat{}}
	if st, ok := ReadStat(strconv.Itoa(s.self)); ok {
		s.sid = st.Sid
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
		r := Report{StartErr: err.Error()}
		var errno syscall.Errno
		if errors.As(err, &errno) {
			r.Errno = int(errno)
		}
		rep.Write(r.Bytes())
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
	r := Report{Pid: s.pid, WaitStatus: uint32(s.ws), Seconds: s.end.Sub(start).Seconds(), Escaped: s.stillEscaped()}
	rep.Write(r.Bytes())
	if gone {
		for _, p := range r.Escaped {
			os.Stderr.WriteString("lossexp: process " + strconv.Itoa(p.Pid) + " (" + p.Cmdline + "), started by a training command, left its session (setsid) and is still running\n")
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
			if !termed[p.Pid] {
				termed[p.Pid] = true
				if p.Pgrp != s.pid { // the group had its SIGTERM
					syscall.Kill(p.Pid, syscall.SIGTERM)
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
			syscall.Kill(p.Pid, syscall.SIGKILL)
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
func (s *supervisor) scan() []ProcStat {
	children := map[int][]ProcStat{}
	ForEachProc(func(st ProcStat) { children[st.Ppid] = append(children[st.Ppid], st) })
	var live []ProcStat
	queue := []int{s.self}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			switch {
			case c.State == 'Z' || c.State == 'X':
			case c.Sid != s.sid:
				if _, seen := s.escaped[c.Pid]; !seen {
					c.cmdline = cmdline(c.Pid)
					s.escaped[c.Pid] = c
				}
			default:
				live = append(live, c)
				queue = append(queue, c.Pid)
			}
		}
	}
	return live
}

// stillEscaped returns the escaped processes that still run, by pid.
func (s *supervisor) stillEscaped() []Process {
	var out []Process
	for pid, st := range s.escaped {
		if now, ok := ReadStat(strconv.Itoa(pid)); ok && now.Sid == st.Sid && now.State != 'Z' && now.State != 'X' {
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
	b = oneLine(string(b))
	if len(b) > 200 {
		b = append(b[:197], "..."...)
	}
	return string(bytes.ToValidUTF8(b, []byte("?")))
}

// ProcStat is what /proc/<pid>/stat says of a process.
type ProcStat struct {
	Pid, Ppid, Pgrp, Sid int
	State                byte   // R, S, D, Z (zombie), X (dead), …
	cmdline              string // filled by the supervisor for escaped processes
}

// readStat reads /proc/<pid>/stat.
func ReadStat(pid string) (ProcStat, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return ProcStat{}, false
	}
	// pid (comm) state ppid pgrp session …; comm may hold spaces and parens.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return ProcStat{}, false
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 4 || len(f[0]) != 1 {
		return ProcStat{}, false
	}
	st := ProcStat{State: f[0][0]}
	var err1, err2, err3, err4 error
	st.Pid, err1 = strconv.Atoi(pid)
	st.Ppid, err2 = strconv.Atoi(string(f[1]))
	st.Pgrp, err3 = strconv.Atoi(string(f[2]))
	st.Sid, err4 = strconv.Atoi(string(f[3]))
	return st, err1 == nil && err2 == nil && err3 == nil && err4 == nil
}

// forEachProc calls fn for every process in /proc.
func ForEachProc(fn func(ProcStat)) bool {
	d, err := os.Open("/proc")
	if err != nil {
		return false
	}
	names, err := d.Readdirnames(-1)
	d.Close() // read-only
	if err != nil {
		return false
	}
	for _, n := range names {
		if n[0] < '0' || n[0] > '9' {
			continue
		}
		if st, ok := ReadStat(n); ok {
			fn(st)
		}
	}
	return true
}
