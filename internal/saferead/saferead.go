package saferead

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxSpecBytes bounds a spec, from a file or from standard input: a spec
// is a page of YAML, 4 MiB is far beyond any real one.
const MaxSpecBytes = 4 << 20

// NotRegularError is the error of Open for a path that is not a regular
// file: "data.csv is a named pipe (FIFO), not a regular file".
type NotRegularError struct {
	Path string
	Mode fs.FileMode // of the file Path names, after following links
	// Link is where Path points when it is a symbolic link ("" if not):
	// "weights.bin is a link to /dev/zero, which is a character device".
	Link string
}

func (e *NotRegularError) Error() string {
	if e.Link != "" {
		return fmt.Sprintf("%s is a link to %s, which is %s, not a regular file", e.Path, e.Link, Kind(e.Mode))
	}
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, Kind(e.Mode))
}

// notRegular is the error for path, whose (followed) mode is m.
func notRegular(path string, m fs.FileMode) *NotRegularError {
	e := &NotRegularError{Path: path, Mode: m}
	if l, err := os.Readlink(path); err == nil {
		e.Link = l
	}
	return e
}

// ErrNotRegular matches every *NotRegularError with errors.Is.
var ErrNotRegular = errors.New("saferead: not a regular file")

// Is makes errors.Is(err, ErrNotRegular) true.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// Kind names the type of a file mode for messages: "a directory",
// "a named pipe (FIFO)", "a character device", "a device", "a
// socket", "a symbolic link", "a regular file".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a plain file (" + m.Type().String() + ")"
}

// Check stats path (following a symbolic link) and returns its FileInfo
// if it is a regular file, else a *NotRegularError. Stat errors are
// returned as they are (errors.Is(err, fs.ErrNotExist) works).
func Check(path string) (fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(path, st.Mode())
	}
	return st, nil
}

// Open opens path for reading if it is a regular file (a symbolic link to
// one is followed), else returns a *NotRegularError. It stats before the
// open, opens with O_NONBLOCK so that a FIFO swapped in after the stat
// cannot block the open, and checks the open file again (fstat), so that
// what is read is the regular file that was checked.
func Open(path string) (*os.File, error) {
	if _, err := Check(path); err != nil {
		return nil, err
	}
	return openChecked(path)
}

// openChecked is Open after the stat: the open that cannot block and the
// check of what was opened.
func openChecked(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close() // read-only
		return nil, err
	}
	if !st.Mode().IsRegular() { // swapped in after the stat
		f.Close() // read-only
		return nil, notRegular(path, st.Mode())
	}
	return f, nil
}

// ReadFile reads the regular file at path (see Open), refusing one larger
// than max bytes (max <= 0: no bound) with an error naming both sizes
// (not the path: the caller's message names it).
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() // read-only: a close error cannot lose data
	if max > 0 {
		if st, err := f.Stat(); err == nil && st.Size() > max {
			return nil, fmt.Errorf("%d bytes, more than the %d allowed", st.Size(), max)
		}
		b, err := io.ReadAll(io.LimitReader(f, max+1))
		if err == nil && int64(len(b)) > max {
			err = fmt.Errorf("more than the %d bytes allowed", max)
		}
		return b, err
	}
	return io.ReadAll(f)
}

// checkEvery is how many bytes Reader passes between two looks at its
// context: a read of a regular file returns at most a buffer's worth, so
// a cancelled load stops within a few milliseconds.
const checkEvery = 1 << 20

// Reader returns r, checking ctx every megabyte or so read: once ctx is
// done, Read returns its cause (context.Cause), so that a long parse
// stops on Ctrl-C. It does not interrupt a Read that blocks (use ReadAll
// for a pipe).
func Reader(ctx context.Context, r io.Reader) io.Reader {
	if ctx == nil || ctx.Done() == nil {
		return r
	}
	return &ctxReader{ctx: ctx, r: r}
}

type ctxReader struct {
	ctx  context.Context
	r    io.Reader
	left int
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		if c.ctx.Err() != nil {
			return 0, context.Cause(c.ctx)
		}
		c.left = checkEvery
	}
	n, err := c.r.Read(p)
	c.left -= n
	return n, err
}

// ReadAll reads r to its end, at most max bytes (more is an error), and
// returns as soon as ctx is done even if a Read blocks (standard input
// fed by `sleep 30 |`): the read then goes on in a goroutine that ends
// with the process or with the writer.
func ReadAll(ctx context.Context, r io.Reader, max int64) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(Reader(ctx, r), max+1))
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			return nil, res.err
		}
		if int64(len(res.b)) > max {
			return nil, fmt.Errorf("more than %d bytes", max)
		}
		return res.b, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}
