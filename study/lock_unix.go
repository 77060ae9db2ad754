//go:build unix

package study

import (
	"errors"
	"os"
	"syscall"
)

// flock takes an advisory lock on f without blocking: exclusive or
// shared. It reports errWouldBlock when another process holds a
// conflicting lock. The kernel drops the lock when the process exits,
// however it exits.
func flock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return errWouldBlock
		}
		return err
	}
}

// oNoFollow makes opening the lock file fail when it is a symbolic link.
const oNoFollow = syscall.O_NOFOLLOW

// locksWork says flock really locks here.
const locksWork = true
