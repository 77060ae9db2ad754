package spec

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoad_RefusesNonRegularFiles: a FIFO with no writer (which would
// block an open forever) and a device are refused at once, by name.
func TestLoad_RefusesNonRegularFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "spec.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for path, want := range map[string]string{fifo: "is a named pipe (FIFO), not a regular file", "/dev/null": "is a character device"} {
		done := make(chan error, 1)
		go func() { _, err := Load(path); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), path+" "+want) {
				t.Errorf("Load(%s) = %v, want %q", path, err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Load(%s) blocked", path)
		}
	}
}

// TestParse_LongNameIsClipped: a 1 MB name is not echoed whole.
func TestParse_LongNameIsClipped(t *testing.T) {
	_, err := Parse(strings.NewReader("name: "+strings.Repeat("n", 1<<20)+"\n"), "big.yaml")
	if err == nil || len(err.Error()) > 400 || !strings.Contains(err.Error(), "(1048576 bytes)") {
		t.Errorf("err of %d bytes: %.300v", len(fmt.Sprint(err)), err)
	}
}
