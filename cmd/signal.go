package cmd

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
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
// atomically, so none is left half-written). stop releases the signals.
func NotifyContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			signal.Stop(ch) // a second signal has its default action
			cancel(&Interrupted{Signal: sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
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
