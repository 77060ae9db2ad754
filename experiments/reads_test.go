package experiments

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/spec"
)

// TestOpenDataContext_CancelStopsTheCSVLoad: a CSV load under a cancelled
// context stops with the context's cause instead of reading the whole
// file (Ctrl-C during `lossexp validate` on a large CSV).
func TestOpenDataContext_CancelStopsTheCSVLoad(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("a,b,y\n")
	for i := range 200_000 { // about 3 MB, more than saferead's check interval
		b.WriteString("0.25,0.75,")
		b.WriteByte(byte('0' + i%2))
		b.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "data.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "name: c\ndataset:\n  csv: data.csv\n  target: y\nmodel: {kind: linear}\ntrain: {epochs: 1}\n"
	s, err := spec.Parse(strings.NewReader(src), filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDataContext(t.Context(), s, Folders{}); err != nil {
		t.Fatalf("uncancelled load: %v", err)
	}
	cause := errors.New("interrupted by the test")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	start := time.Now()
	_, err = OpenDataContext(ctx, s, Folders{})
	if !errors.Is(err, cause) {
		t.Fatalf("cancelled load = %v, want the cause", err)
	}
	t.Logf("stopped after %v: %v", time.Since(start), err)
}

// TestHashInputs_LinksOutOfAFolder: a folder input is walked without
// following links out of it. A link to a file inside is hashed by the
// file's content; a link to a file outside by where it points (changing
// the outside file does not change the hash, retargeting the link does);
// a link to /dev/zero or to a FIFO is refused, not read.
func TestHashInputs_LinksOutOfAFolder(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "model")
	os.MkdirAll(dir, 0o755)
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "a.py"), "a")
	write(filepath.Join(root, "outside.txt"), "v1")
	write(filepath.Join(root, "other.txt"), "v1")
	os.Symlink("a.py", filepath.Join(dir, "in-link"))
	os.Symlink("../outside.txt", filepath.Join(dir, "out-link"))
	bad := func(i int, err error) error { return err }
	hash := func() string {
		t.Helper()
		h, err := spec.HashInputs(t.Context(), root, []string{"model"}, bad)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	h0 := hash()
	write(filepath.Join(root, "outside.txt"), "v2, changed outside the folder")
	if h := hash(); h != h0 {
		t.Errorf("the hash followed a link out of the folder")
	}
	write(filepath.Join(dir, "a.py"), "a changed")
	h1 := hash()
	if h1 == h0 {
		t.Errorf("the hash did not follow a link inside the folder")
	}
	os.Remove(filepath.Join(dir, "out-link"))
	os.Symlink("../other.txt", filepath.Join(dir, "out-link"))
	if h := hash(); h == h1 {
		t.Errorf("retargeting a link out of the folder left the hash unchanged")
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "zero"))
	done := make(chan error, 1)
	go func() { _, err := spec.HashInputs(t.Context(), root, []string{"model"}, bad); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "zero is a link to /dev/zero, which is a character device, not a regular file") {
			t.Errorf("link to /dev/zero: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("HashInputs read /dev/zero")
	}
}
