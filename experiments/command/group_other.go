//go:build !linux

package command

import "syscall"

// sysProcAttr starts the program as the leader of a new process group.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// groupMembers reports the group as alive while a signal can reach it
// (without /proc, zombies cannot be told apart).
func groupMembers(pgid int) []int {
	if syscall.Kill(-pgid, 0) == nil {
		return []int{pgid}
	}
	return nil
}
