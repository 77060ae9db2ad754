//go:build linux

package command

import (
	"os"
	"syscall"

	"github.com/lossexp/lossexp/internal/supervise"
)

// sysProcAttr starts the program as the leader of a new process group,
// and has the kernel SIGKILL it if lossexp dies without stopping it: the
// settings of an attempt run without a supervisor (runDirect).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// groupMembers returns the pids of the live (not zombie) processes of
// process group pgid, from /proc.
func groupMembers(pgid int) []int {
	var out []int
	if !supervise.ForEachProc(func(st supervise.ProcStat) {
		if st.Pgrp == pgid && st.State != 'Z' && st.State != 'X' {
			out = append(out, st.Pid)
		}
	}) {
		return []int{pgid} // cannot tell: assume alive
	}
	return out
}

// noexecMount reports whether p is on a file system mounted noexec.
func noexecMount(p string) bool {
	var fs syscall.Statfs_t
	const stNoexec = 8 // ST_NOEXEC
	return syscall.Statfs(p, &fs) == nil && fs.Flags&stNoexec != 0
}

// otherFormats reports whether binfmt_misc has handlers registered (qemu
// for other processors, Java, Wine…): exec may then run files that are
// neither ELF for this machine nor #! scripts.
func otherFormats() bool {
	names, err := os.ReadDir("/proc/sys/fs/binfmt_misc")
	if err != nil {
		return false
	}
	for _, n := range names {
		if n.Name() != "register" && n.Name() != "status" {
			return true
		}
	}
	return false
}
