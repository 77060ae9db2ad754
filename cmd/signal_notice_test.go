package cmd

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// interruptSelf sends SIGINT to this process under notifyContext and
// waits for the context to be cancelled by it.
func interruptSelf(t *testing.T, notice *lockedBuffer, after time.Duration) (stop func()) {
	t.Helper()
	ctx, stop := notifyContext(context.Background(), notice, after)
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		stop()
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		stop()
		t.Fatal("SIGINT did not cancel the context")
	}
	return stop
}

// TestNotifyContext_StoppingNotice: a command still running a while
// after the first Ctrl-C (training commands have their grace period to
// exit) says that it is stopping and that Ctrl-C again stops at once;
// one that ends before says nothing more.
func TestNotifyContext_StoppingNotice(t *testing.T) {
	var slow lockedBuffer
	stop := interruptSelf(t, &slow, 20*time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for slow.String() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	got := slow.String()
	for _, want := range []string{"stopping after SIGINT (Ctrl-C)", "the finished runs are kept", "Ctrl-C again stops at once"} {
		if !strings.Contains(got, want) {
			t.Errorf("notice %q lacks %q", got, want)
		}
	}
	if strings.Count(got, "\n") != 1 {
		t.Errorf("notice printed %d times, want once: %q", strings.Count(got, "\n"), got)
	}

	var quick lockedBuffer
	stop = interruptSelf(t, &quick, 300*time.Millisecond)
	stop() // the command ended before the notice was due
	time.Sleep(600 * time.Millisecond)
	if s := quick.String(); s != "" {
		t.Errorf("a command that ended at once still printed %q", s)
	}
}
