//go:build linux

package supervise

import (
	"bytes"
	"encoding/json"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Arg0 is the argv[0] that turns a binary linking this package into the
// attempt supervisor (init). It shows in ps.
const Arg0 = "lossexp: attempt supervisor"

func init() {
	if len(os.Args) == 1 && os.Args[0] == Arg0 {
		os.Exit(supervise())
	}
}

// Process names a running process.
type Process struct {
	Pid     int    `json:"pid"`
	Cmdline string `json:"cmdline"` // its arguments joined by spaces, at most 200 bytes
}

// Start asks the supervisor to start an attempt; the attempt's stdout
// and stderr travel with it (SCM_RIGHTS).
type Start struct {
	Op    string        `json:"op"` // "start" or "stop"
	ID    uint64        `json:"id"`
	Path  string        `json:"path,omitempty"`
	Argv  []string      `json:"argv,omitempty"`
	Env   []string      `json:"env,omitempty"`
	Dir   string        `json:"dir,omitempty"`
	Grace time.Duration `json:"grace,omitempty"`
}

// Report is how an attempt ended.
type Report struct {
	ID         uint64    `json:"id"`
	Pid        int       `json:"pid"`
	WaitStatus uint32    `json:"wait_status"`
	StartErr   string    `json:"start_err,omitempty"`
	Errno      int       `json:"errno,omitempty"`
	Seconds    float64   `json:"seconds"`
	Escaped    []Process `json:"escaped,omitempty"`
}

// attempt is the supervisor's state of one attempt.
type attempt struct {
	id       uint64
	pid      int // also its session and process group id
	start    time.Time
	end      time.Time
	done     bool // the program was reaped
	ws       syscall.WaitStatus
	cleaning bool
	grace    time.Duration
	deadline time.Time
	termed   map[int]bool
	escaped  map[int]string
	env      []string
}

// supervisor is the supervisor's state.
type supervisor struct {
	self, sid int
	sock      int
	attempts  map[int]*attempt // by pid
	byID      map[uint64]*attempt
	noted     map[int]bool // escaped processes named on stderr
}

// packet is a message read from the socket (nil data: EOF).
type packet struct {
	data []byte
	fds  []int
}

func supervise() int {
	runtime.LockOSThread() // the parent-death signal follows the thread that forks
	s := &supervisor{self: os.Getpid(), sock: 3, attempts: map[int]*attempt{}, byID: map[uint64]*attempt{}, noted: map[int]bool{}}
	syscall.CloseOnExec(3)
	if st, ok := ReadStat(strconv.Itoa(s.self)); ok {
		s.sid = st.Sid
	}
	const prSetChildSubreaper = 36
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0) // without it (very old kernels) orphans go to init
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGCHLD, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	in := make(chan packet)
	go s.read(in)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		var tickC <-chan time.Time // only while an attempt is being stopped
		for _, a := range s.attempts {
			if a.cleaning {
				tickC = tick.C
			}
		}
		select {
		case p := <-in:
			if p.data == nil {
				s.killAll()
				return 0
			}
			s.handle(p)
		case sig := <-sigs:
			if sig != syscall.SIGCHLD {
				for _, a := range s.attempts {
					s.clean(a)
				}
			}
		case <-tickC:
		}
		s.reap()
		s.sweep()
	}
}

// read passes every packet of the socket to in, then a nil one at EOF.
func (s *supervisor) read(in chan<- packet) {
	buf := make([]byte, 1<<20)
	oob := make([]byte, syscall.CmsgSpace(2*4))
	for {
		n, oobn, _, _, err := syscall.Recvmsg(s.sock, buf, oob, syscall.MSG_CMSG_CLOEXEC)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n == 0 {
			in <- packet{}
			return
		}
		p := packet{data: append([]byte(nil), buf[:n]...)}
		if cms, err := syscall.ParseSocketControlMessage(oob[:oobn]); err == nil {
			for _, cm := range cms {
				if fds, err := syscall.ParseUnixRights(&cm); err == nil {
					p.fds = append(p.fds, fds...)
				}
			}
		}
		in <- p
	}
}

// handle acts on one message from lossexp.
func (s *supervisor) handle(p packet) {
	defer func() {
		for _, fd := range p.fds {
			syscall.Close(fd)
		}
	}()
	var m Start
	if json.Unmarshal(p.data, &m) != nil {
		return
	}
	if m.Op == "stop" {
		if a := s.byID[m.ID]; a != nil {
			s.clean(a)
		}
		return
	}
	if m.Op != "start" || len(p.fds) != 2 || len(m.Argv) == 0 {
		s.send(Report{ID: m.ID, StartErr: "attempt supervisor: malformed start request"})
		return
	}
	pid, err := syscall.ForkExec(m.Path, m.Argv, &syscall.ProcAttr{
		Dir:   m.Dir,
		Env:   m.Env,
		Files: []uintptr{0, uintptr(p.fds[0]), uintptr(p.fds[1])},
		Sys:   &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL},
	})
	if err != nil {
		r := Report{ID: m.ID, StartErr: err.Error()}
		if errno, ok := err.(syscall.Errno); ok {
			r.Errno = int(errno)
		}
		s.send(r)
		return
	}
	a := &attempt{id: m.ID, pid: pid, start: time.Now(), grace: m.Grace, termed: map[int]bool{}, escaped: map[int]string{}, env: m.Env}
	s.attempts[pid], s.byID[m.ID] = a, a
}

// send writes one report to lossexp.
func (s *supervisor) send(r Report) {
	b, _ := json.Marshal(r)
	syscall.Sendmsg(s.sock, b, nil, nil, 0)
}

// reap collects every child that ended, noting the programs' statuses.
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
		if a := s.attempts[p]; a != nil && !a.done {
			a.ws, a.done, a.end = ws, true, time.Now()
			s.clean(a)
		}
	}
}

// clean starts stopping attempt a's session: SIGTERM to the program's
// process group now, to the session's other processes as sweep finds
// them, SIGKILL after the grace.
func (s *supervisor) clean(a *attempt) {
	if a.cleaning {
		return
	}
	a.cleaning = true
	a.deadline = time.Now().Add(a.grace)
	syscall.Kill(-a.pid, syscall.SIGTERM)
}

// sweep advances the attempts being stopped, from one scan of /proc, and
// reports those whose session is empty.
func (s *supervisor) sweep() {
	cleaning := false
	for _, a := range s.attempts {
		cleaning = cleaning || a.cleaning
	}
	if !cleaning {
		return
	}
	if s.quiet() {
		for _, a := range s.attempts {
			if a.cleaning {
				s.send(Report{ID: a.id, Pid: a.pid, WaitStatus: uint32(a.ws), Seconds: a.end.Sub(a.start).Seconds()})
				delete(s.attempts, a.pid)
				delete(s.byID, a.id)
			}
		}
		return
	}
	procs := s.procs()
	now := time.Now()
	for _, a := range s.attempts {
		if !a.cleaning {
			continue
		}
		if now.After(a.deadline) && !a.done { // whatever /proc says
			syscall.Kill(-a.pid, syscall.SIGKILL)
			syscall.Kill(a.pid, syscall.SIGKILL)
		}
		live := 0
		for _, p := range procs {
			if p.Sid != a.pid || p.State == 'Z' || p.State == 'X' {
				continue
			}
			live++
			switch {
			case now.After(a.deadline):
				syscall.Kill(p.Pid, syscall.SIGKILL)
			case !a.termed[p.Pid]:
				a.termed[p.Pid] = true
				if p.Pgrp != a.pid { // the group had its SIGTERM
					syscall.Kill(p.Pid, syscall.SIGTERM)
				}
			}
		}
		s.noteEscaped(a, procs)
		if a.done && live == 0 {
			s.send(Report{ID: a.id, Pid: a.pid, WaitStatus: uint32(a.ws), Seconds: a.end.Sub(a.start).Seconds(), Escaped: stillRunning(a.escaped)})
			delete(s.attempts, a.pid)
			delete(s.byID, a.id)
		}
	}
}

// quiet reports, without reading all of /proc, that every attempt being
// stopped has ended with nothing left: its program was reaped, and the
// supervisor has no child but the programs still running. (Whatever an
// attempt left running descends from an orphan, which the subreaper
// adopted: without such a child, there is nothing left.)
func (s *supervisor) quiet() bool {
	for _, a := range s.attempts {
		if a.cleaning && !a.done {
			return false
		}
	}
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return false
	}
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + t.Name() + "/children")
		if err != nil {
			return false // no CONFIG_PROC_CHILDREN: scan
		}
		for _, f := range bytes.Fields(b) {
			pid, _ := strconv.Atoi(string(f))
			if a := s.attempts[pid]; a == nil || a.done {
				return false
			}
		}
	}
	return true
}

// procs reads every process of /proc, by pid.
func (s *supervisor) procs() map[int]ProcStat {
	out := map[int]ProcStat{}
	ForEachProc(func(st ProcStat) { out[st.Pid] = st })
	return out
}

// noteEscaped records in a.escaped the processes that left a's session
// and are still below it: their chain of parents reaches a process of
// the session.
func (s *supervisor) noteEscaped(a *attempt, procs map[int]ProcStat) {
	for _, p := range procs {
		if p.Sid == a.pid || p.Sid == s.sid || p.State == 'Z' || p.State == 'X' || s.attempts[p.Sid] != nil {
			continue
		}
		if _, seen := a.escaped[p.Pid]; seen {
			continue
		}
		q := p
		for i := 0; i < 64 && q.Ppid > 1; i++ {
			if q.Ppid == s.self { // an orphan: known by its environment
				if hasEnv(p.Pid, a.env) {
					a.escaped[p.Pid] = cmdline(p.Pid)
				}
				break
			}
			var ok bool
			if q, ok = procs[q.Ppid]; !ok {
				break
			}
			if q.Sid == a.pid {
				a.escaped[p.Pid] = cmdline(p.Pid)
				break
			}
		}
	}
}

// hasEnv reports whether process pid's environment holds every entry of
// env: an orphan that kept the environment of its attempt (each attempt
// has entries of its own: its run folder, its run id).
func hasEnv(pid int, env []string) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil || len(env) == 0 {
		return false
	}
	have := map[string]bool{}
	for _, e := range bytes.Split(b, []byte{0}) {
		have[string(e)] = true
	}
	for _, e := range env {
		if !have[e] && !shellOwned(e) {
			return false
		}
	}
	return true
}

// shellOwned reports whether a shell between the program and an orphan
// may have changed or dropped environment entry e: PWD, OLDPWD, SHLVL, _
// and names that are not identifiers.
func shellOwned(e string) bool {
	k, _, _ := strings.Cut(e, "=")
	switch k {
	case "PWD", "OLDPWD", "SHLVL", "_":
		return true
	}
	for i, c := range k {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return true
		}
	}
	return k == ""
}

// killAll ends every attempt's session with SIGKILL at once (lossexp is
// gone), and names on stderr the processes that left one and still run.
func (s *supervisor) killAll() {
	for i := 0; i < 2000; i++ {
		procs := s.procs()
		live := 0
		for _, p := range procs {
			if s.attempts[p.Sid] != nil && p.State != 'Z' && p.State != 'X' {
				syscall.Kill(p.Pid, syscall.SIGKILL)
				live++
			}
		}
		for _, a := range s.attempts {
			s.noteEscaped(a, procs)
		}
		s.reap()
		if live == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	escaped := map[int]string{}
	for _, a := range s.attempts {
		for pid, cmd := range a.escaped {
			escaped[pid] = cmd
		}
	}
	// Orphans that left their session are our children now.
	for _, p := range s.procs() {
		if p.Ppid == s.self && p.Sid != s.sid {
			if _, ok := escaped[p.Pid]; !ok {
				escaped[p.Pid] = cmdline(p.Pid)
			}
		}
	}
	for _, p := range stillRunning(escaped) {
		os.Stderr.WriteString("lossexp: process " + strconv.Itoa(p.Pid) + " (" + p.Cmdline + "), started by a training command, left its session (setsid) and is still running\n")
	}
}

// stillRunning returns the processes of m that still run, by pid.
func stillRunning(m map[int]string) []Process {
	var out []Process
	for pid, cmd := range m {
		if st, ok := ReadStat(strconv.Itoa(pid)); ok && st.State != 'Z' && st.State != 'X' {
			out = append(out, Process{Pid: pid, Cmdline: cmd})
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

// ProcStat is what /proc/<pid>/stat says of a process.
type ProcStat struct {
	Pid, Ppid, Pgrp, Sid int
	State                byte // R, S, D, Z (zombie), X (dead), …
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
