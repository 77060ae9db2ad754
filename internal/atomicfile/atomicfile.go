package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Perm is the permission of every file the package writes.
const Perm = 0o644

// TempPattern is the glob (relative to a folder) of the temporary files
// Write leaves behind when its process is killed mid-write.
const TempPattern = ".*.tmp-*"

// hook, when set (tests only), is called between the steps of a write
// with the step's name ("write", "sync", "close", "rename"); an error it
// returns fails the write at that step, as a full disk or a crash would.
var hook func(step, path string) error

// SetHook installs a fault hook (see hook) and returns the function that
// removes it. For tests, here and in the packages that write through
// atomicfile (a test there proves its saves stay whole when a write stops
// at any step); not safe to call while writes are in flight.
func SetHook(h func(step, path string) error) func() {
	old := hook
	hook = h
	return func() { hook = old }
}

func step(name, path string) error {
	if hook == nil {
		return nil
	}
	return hook(name, path)
}

// Write writes path through write. On error, or when write panics, the
// temporary file is removed and path is left as it was.
func Write(path string, write func(io.Writer) error) (err error) {
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if err != nil || !done { // !done: write panicked
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, UnwrapPath(err))
	}
	done = true
	return commit(f, path)
}

// WriteBytes writes b to path atomically.
func WriteBytes(path string, b []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// Copy copies the file src to dst atomically.
func Copy(dst, src string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, UnwrapPath(err))
	}
	return WriteBytes(dst, b)
}

// Create opens a temporary file beside path for a caller that streams
// into it and later calls Commit (or Discard). It is what Write does in
// one call, split for writers that hold several files open at once.
func Create(path string) (*os.File, error) { return createTemp(path) }

// Commit syncs, closes and renames f (from Create) to path and syncs the
// folder. f is closed whatever happens and removed on error.
func Commit(f *os.File, path string) error {
	if err := commit(f, path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// Discard closes and removes a temporary file from Create.
func Discard(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// GlobIn lists the entries of dir whose names match pattern, sorted; a
// missing dir holds none. Unlike filepath.Glob(filepath.Join(dir,
// pattern)), the folder's own name is never a pattern: a results folder
// named "run [2]" or "a*b" is read, and no other folder's files match.
func GlobIn(dir, pattern string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		ok, err := filepath.Match(pattern, e.Name())
		if err != nil {
			return nil, err
		}
		if ok {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	return files, nil
}

// RemoveTemps removes the temporary files a killed process left in dir.
func RemoveTemps(dir string) {
	tmps, _ := GlobIn(dir, TempPattern)
	for _, t := range tmps {
		if st, err := os.Lstat(t); err == nil && st.Mode().IsRegular() {
			os.Remove(t) // only a file: never a link or a folder of the user's
		}
	}
}

func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, UnwrapPath(err))
	}
	return f, nil
}

func commit(f *os.File, path string) error {
	if err := step("write", path); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(Perm); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, UnwrapPath(err))
	}
	if err := step("sync", path); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, UnwrapPath(err))
	}
	if err := step("close", path); err != nil {
		f.Close()
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, UnwrapPath(err))
	}
	if err := step("rename", path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, UnwrapPath(err))
	}
	syncAfterRename(filepath.Dir(path))
	return nil
}

// SyncDir makes a rename or a new file in dir durable. Not every platform
// can sync a folder, and the file itself is already synced, so failures
// here are not errors.
func SyncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// UnwrapPath drops the *fs.PathError wrapper of err, whose path (often a
// temporary name) the caller's message already names, and returns err
// unchanged otherwise: "create run store runs: permission denied" rather
// than "…: mkdir runs: permission denied".
func UnwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
