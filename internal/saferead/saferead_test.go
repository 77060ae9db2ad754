package saferead

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within fails the test if f does not return within a few seconds: the
// point of the package is that nothing blocks.
func within(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("%s blocked", what)
		return nil
	}
}

// TestOpen_RefusesWhatIsNotARegularFile: a FIFO with no writer (an open
// without O_NONBLOCK blocks forever), /dev/zero (a read never ends), a
// link to either and a folder are refused at once, by name and kind; a
// regular file and a link to one are opened.
func TestOpen_RefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	reg := filepath.Join(dir, "reg")
	if err := os.WriteFile(reg, []byte("ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := func(name, to string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(to, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	toFifo, toZero, toReg := link("to-fifo", fifo), link("to-zero", "/dev/zero"), link("to-reg", reg)
	for _, tc := range []struct{ path, want string }{
		{fifo, "is a named pipe (FIFO), not a regular file"},
		{toFifo, "is a link to " + fifo + ", which is a named pipe (FIFO), not a regular file"},
		{"/dev/zero", "is a character device, not a regular file"},
		{toZero, "is a link to /dev/zero, which is a character device, not a regular file"},
		{dir, "is a directory, not a regular file"},
	} {
		err := within(t, "Open("+tc.path+")", func() error {
			f, err := Open(tc.path)
			if err == nil {
				f.Close()
			}
			return err
		})
		if !errors.Is(err, ErrNotRegular) || err.Error() != tc.path+" "+tc.want {
			t.Errorf("Open(%s) = %v, want %q", tc.path, err, tc.path+" "+tc.want)
		}
		if _, err := ReadFile(tc.path, 0); !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadFile(%s) = %v, want a refusal", tc.path, err)
		}
	}
	for _, p := range []string{reg, toReg} {
		b, err := ReadFile(p, 3)
		if err != nil || string(b) != "ok\n" {
			t.Errorf("ReadFile(%s) = %q, %v", p, b, err)
		}
	}
	if _, err := ReadFile(reg, 2); err == nil || !strings.Contains(err.Error(), "3 bytes, more than the 2 allowed") {
		t.Errorf("ReadFile over the bound = %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want not-exist", err)
	}
}

// TestOpen_ChecksTheOpenFile: what is read is the file that was checked.
// A FIFO swapped in between the stat and the open (simulated by calling
// the open path directly on one) neither blocks nor passes.
func TestOpen_ChecksTheOpenFile(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	err := within(t, "openChecked(fifo)", func() error {
		f, err := openChecked(fifo)
		if err == nil {
			f.Close()
		}
		return err
	})
	if !errors.Is(err, ErrNotRegular) {
		t.Errorf("openChecked(fifo) = %v, want a refusal", err)
	}
}

// blockingReader blocks in Read until released, like standard input fed
// by `sleep 30 |`.
type blockingReader struct{ release chan struct{} }

func (b blockingReader) Read([]byte) (int, error) { <-b.release; return 0, io.EOF }

// TestReadAll_CancelledWhileBlocked: a read that gets nothing returns as
// soon as the context is cancelled, with the context's cause.
func TestReadAll_CancelledWhileBlocked(t *testing.T) {
	r := blockingReader{make(chan struct{})}
	defer close(r.release)
	cause := errors.New("interrupted by test")
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(50*time.Millisecond, func() { cancel(cause) })
	err := within(t, "ReadAll", func() error { _, err := ReadAll(ctx, r, MaxSpecBytes); return err })
	if !errors.Is(err, cause) {
		t.Errorf("ReadAll = %v, want the cause", err)
	}
}

// TestReadAll_Bound: MaxSpecBytes is accepted, one byte more is refused.
func TestReadAll_Bound(t *testing.T) {
	ok := strings.Repeat("a", MaxSpecBytes)
	if b, err := ReadAll(t.Context(), strings.NewReader(ok), MaxSpecBytes); err != nil || len(b) != MaxSpecBytes {
		t.Errorf("ReadAll(%d bytes) = %d, %v", len(ok), len(b), err)
	}
	if _, err := ReadAll(t.Context(), strings.NewReader(ok+"a"), MaxSpecBytes); err == nil || !strings.Contains(err.Error(), "more than 4194304 bytes") {
		t.Errorf("ReadAll(one byte more) = %v, want a refusal", err)
	}
}

// TestReader_StopsOnCancel: a long read (/dev/zero stands for a huge
// file) stops once the context is cancelled, within a megabyte.
func TestReader_StopsOnCancel(t *testing.T) {
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	r := Reader(ctx, f)
	buf := make([]byte, 64<<10)
	err = within(t, "Reader", func() error {
		for {
			k, err := r.Read(buf)
			n += k
			if n >= 8<<20 {
				cancel()
			}
			if err != nil {
				return err
			}
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Read = %v, want context.Canceled", err)
	}
	if n > 8<<20+checkEvery+len(buf) {
		t.Errorf("read %d bytes after the cancel at 8 MiB, want at most %d more", n-8<<20, checkEvery+len(buf))
	}
}
