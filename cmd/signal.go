package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Interrupted is the cause of the context of Main's commands once SIGINT
// or SIGTERM arrived (context.Cause): errors.Is(err, context.Canceled)
// holds for it, and its exit status is 128 + the signal's number (130
// for SIGINT, 143 for SIGTERM), as a shell reports a process the signal
// killed.
type Interrupted struct{ Signal os.Signal }

func (e *Interrupted) Error() string { return "interrupted by " + signalName(e.Signal) }

// Is makes an interruption a cancellation for errors.Is.
func (e *Interrupted) Is(target error) bool { return target == context.Canceled }

// Code is the exit status of the interruption.
func (e *Interrupted) Code() int {
	if e.Signal == syscall.SIGTERM {
		return ExitTerminated
	}
	return ExitInterrupt
}

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT (Ctrl-C)"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// NotifyContext returns a context that the first SIGINT or SIGTERM
// cancels with an *Interrupted cause. After that first signal the two
// signals have their default action again, so a second Ctrl-C ends
// lossexp at once (status 130 or 143 all the same; files are written
// atomically, so none is left half-written). When lossexp has not ended
// stoppingAfter after the first signal (training commands get their
// grace period to exit, 10 s by default), it says on standard error that
// it is stopping and how to stop at once, so a wait never looks hung.
// stop releases the signals.
func NotifyContext(parent context.Context) (ctx context.Context, stop func()) {
	return notifyContext(parent, os.Stderr, stoppingAfter)
}

// stoppingAfter is how long after the first signal the stopping notice
// is printed if lossexp is still running.
const stoppingAfter = 2 * time.Second

func notifyContext(parent context.Context, notice io.Writer, after time.Duration) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			signal.Stop(ch) // a second signal has its default action
			cancel(&Interrupted{Signal: sig})
			t := time.NewTimer(after)
			defer t.Stop()
			select {
			case <-t.C:
				fmt.Fprintf(notice, "lossexp: stopping after %s: waiting for the runs under way to stop (a training command gets its trainer.grace to exit); the finished runs are kept; %s again stops at once\n",
					signalName(sig), againKey(sig))
			case <-done:
			}
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// againKey names what repeating sig is at a terminal.
func againKey(sig os.Signal) string {
	if sig == os.Interrupt {
		return "Ctrl-C"
	}
	return "SIGTERM"
}

// interruptedBy returns the interruption that cancelled ctx, or nil.
func interruptedBy(ctx context.Context) *Interrupted {
	if ctx.Err() == nil {
		return nil
	}
	var in *Interrupted
	if errors.As(context.Cause(ctx), &in) {
		return in
	}
	return nil
}
