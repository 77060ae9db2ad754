//go:build !linux

package command

import (
	"context"
	"os"
	"syscall"
	"time"
)

// execute runs the attempt directly (runDirect): without /proc there is no
// supervisor to stop the processes a program leaves behind.
func execute(ctx context.Context, a Attempt, grace time.Duration, outW, errW *os.File) (Outcome, error) {
	return runDirect(ctx, a, grace, outW, errW)
}

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

// noexecMount cannot tell here.
func noexecMount(string) bool { return false }

// otherFormats: exec's formats cannot be told here; do not judge them.
func otherFormats() bool { return true }
