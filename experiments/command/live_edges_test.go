package command

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLastEpoch_HostileFile: the metrics.jsonl a running trainer left is
// read for lossexp status without ever blocking (a named pipe there held
// the sweep's live publisher in open(2) forever, and the sweep with it,
// Ctrl-C included) nor reading more than its tail: a FIFO, a link to
// /dev/zero and a folder give no epoch line; a huge last line or binary
// bytes give none either, and an epoch line before binary junk is found.
func TestLastEpoch_HostileFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.jsonl")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	epoch := `{"epoch": 3, "train.loss": 0.5}` + "\n"
	huge := write("huge.jsonl", epoch+`{"epoch": 4, "x": "`+strings.Repeat("a", 1<<20)+`"}`+"\n")
	binary := write("binary.jsonl", epoch+"\x00\xff\xfe\n\x01garbage\n")
	for _, tc := range []struct {
		name, path string
		want       bool
	}{{"fifo", fifo, false}, {"link to /dev/zero", zero, false}, {"folder", dir, false},
		{"huge last line", huge, false}, {"binary after an epoch line", binary, true}} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan bool, 1)
			go func() {
				_, ok := LastEpoch(tc.path)
				done <- ok
			}()
			select {
			case ok := <-done:
				if ok != tc.want {
					t.Errorf("LastEpoch(%s) ok = %v, want %v", tc.name, ok, tc.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("LastEpoch(%s) still blocked after 5s", tc.name)
			}
		})
	}
}
