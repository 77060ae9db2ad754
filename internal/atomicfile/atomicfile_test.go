package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWrite_FaultAtEveryStep: a write that fails at any step (a full disk
// at write or sync, a crash before the rename) leaves the destination as
// it was and no temporary file behind; without a fault the new bytes are
// in place.
func TestWrite_FaultAtEveryStep(t *testing.T) {
	for _, stepName := range []string{"write", "sync", "close", "rename"} {
		t.Run(stepName, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "runs.csv")
			if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			restore := SetHook(func(s, p string) error {
				if s == stepName {
					return errors.New("injected fault")
				}
				return nil
			})
			err := WriteBytes(path, []byte("new bytes"))
			restore()
			if err == nil {
				t.Fatalf("fault at %s: no error", stepName)
			}
			if b, _ := os.ReadFile(path); string(b) != "old" {
				t.Errorf("fault at %s: destination holds %q, want the old bytes", stepName, b)
			}
			if tmps, _ := filepath.Glob(filepath.Join(dir, TempPattern)); len(tmps) != 0 {
				t.Errorf("fault at %s: temporary files left: %v", stepName, tmps)
			}
			if err := WriteBytes(path, []byte("new bytes")); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(path); string(b) != "new bytes" {
				t.Errorf("after a clean write: %q", b)
			}
		})
	}
}

// TestWrite_ErrorOfTheCallback: the callback's error is returned and
// nothing is created.
func TestWrite_ErrorOfTheCallback(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	err := Write(path, func(w io.Writer) error {
		w.Write([]byte("half"))
		return errors.New("boom")
	})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v, want the callback's", err)
	}
	if _, serr := os.Stat(path); !errors.Is(serr, fs.ErrNotExist) {
		t.Errorf("destination exists after a failed write: %v", serr)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, TempPattern)); len(tmps) != 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
}

// TestRemoveTemps_OnlyItsFolder: a folder whose name is a glob pattern
// ("a*b") has its own temporary files removed and never those of a folder
// the pattern matches ("aXb").
func TestRemoveTemps_OnlyItsFolder(t *testing.T) {
	root := t.TempDir()
	own, other := filepath.Join(root, "a*b"), filepath.Join(root, "aXb")
	for _, d := range []string{own, other} {
		os.Mkdir(d, 0o755)
		os.WriteFile(filepath.Join(d, ".x.tmp-1"), nil, 0o644)
	}
	RemoveTemps(own)
	if _, err := os.Stat(filepath.Join(own, ".x.tmp-1")); err == nil {
		t.Error("its own temporary file is still there")
	}
	if _, err := os.Stat(filepath.Join(other, ".x.tmp-1")); err != nil {
		t.Errorf("removed another folder's file: %v", err)
	}
}

// TestWrite_PanicOfTheCallback: a callback that panics (a bug while
// drawing a figure, issue 21) leaves no temporary file and no destination;
// the panic goes on to the caller.
func TestWrite_PanicOfTheCallback(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.png")
	func() {
		defer func() {
			if r := recover(); r != "illegal range" {
				t.Errorf("recovered %v, want the callback's panic", r)
			}
		}()
		Write(path, func(w io.Writer) error {
			w.Write([]byte("half"))
			panic("illegal range")
		})
	}()
	if _, serr := os.Stat(path); !errors.Is(serr, fs.ErrNotExist) {
		t.Errorf("destination exists after a panicking write: %v", serr)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, TempPattern)); len(tmps) != 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
}
