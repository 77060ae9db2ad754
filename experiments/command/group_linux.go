//go:build linux

package command

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// sysProcAttr starts the program as the leader of a new process group,
// and has the kernel SIGKILL it if lossexp dies without stopping it: the
// settings of an attempt run without a supervisor (runDirect).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// procStat is what /proc/<pid>/stat says of a process.
type procStat struct {
	pid, ppid, pgrp, sid int
	state                byte   // R, S, D, Z (zombie), X (dead), …
	cmdline              string // filled by the supervisor for escaped processes
}

// readStat reads /proc/<pid>/stat.
func readStat(pid string) (procStat, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return procStat{}, false
	}
	// pid (comm) state ppid pgrp session …; comm may hold spaces and parens.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 4 || len(f[0]) != 1 {
		return procStat{}, false
	}
	st := procStat{state: f[0][0]}
	var err1, err2, err3, err4 error
	st.pid, err1 = strconv.Atoi(pid)
	st.ppid, err2 = strconv.Atoi(string(f[1]))
	st.pgrp, err3 = strconv.Atoi(string(f[2]))
	st.sid, err4 = strconv.Atoi(string(f[3]))
	return st, err1 == nil && err2 == nil && err3 == nil && err4 == nil
}

// forEachProc calls fn for every process in /proc.
func forEachProc(fn func(procStat)) bool {
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
		if st, ok := readStat(n); ok {
			fn(st)
		}
	}
	return true
}

// groupMembers returns the pids of the live (not zombie) processes of
// process group pgid, from /proc.
func groupMembers(pgid int) []int {
	var out []int
	if !forEachProc(func(st procStat) {
		if st.pgrp == pgid && st.state != 'Z' && st.state != 'X' {
			out = append(out, st.pid)
		}
	}) {
		return []int{pgid} // cannot tell: assume alive
	}
	return out
}
