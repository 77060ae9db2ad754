package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// filePerm is the permission of every file the package writes.
const filePerm = 0o644

// WriteFileAtomic writes path through write: the bytes go to a temporary
// file in path's folder, which is flushed, synced, closed and renamed to
// path only if write and every step after it succeed. On error the
// temporary file is removed and path is left untouched.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return commitTemp(f, path)
}

// createTemp opens a temporary file beside path, named after it.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return f, nil
}

// commitTemp syncs, closes and renames the temporary file f to path, then
// syncs the folder so the rename survives a crash. f is closed whatever
// happens; the caller removes it on error.
func commitTemp(f *os.File, path string) error {
	if err := f.Chmod(filePerm); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a rename in dir durable. Not every platform can sync a
// folder (Windows cannot open one for writing), and the file itself is
// already synced, so failures here are not errors.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
