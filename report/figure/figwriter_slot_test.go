package figure

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lossexp/lossexp/internal/atomicfile"
)

// figFunc is a figure that writes what its function writes.
type figFunc func(io.Writer) (int64, error)

func (f figFunc) WriteTo(w io.Writer) (int64, error) { return f(w) }

// TestWriter_SyncOutsideSlot: with 2 workers, a figure's file is synced
// and renamed after it gives back its slot, so a third figure is drawn
// while the first two wait on the disk (a sync is a journal commit, 5–10
// ms on the VMs of issue 28, with a core idle if the slot were held).
// The first two syncs here wait for the third figure's drawing; if the
// slots were held through the sync, they would wait in vain. Every file
// holds its own figure's bytes.
func TestWriter_SyncOutsideSlot(t *testing.T) {
	dir := t.TempDir()
	thirdDrawn := make(chan struct{})
	var mu sync.Mutex
	waited, timedOut := 0, false
	defer atomicfile.SetHook(func(s, p string) error {
		if s != "sync" {
			return nil
		}
		mu.Lock()
		first := waited < 2
		waited++
		mu.Unlock()
		if first {
			select {
			case <-thirdDrawn:
			case <-time.After(5 * time.Second):
				mu.Lock()
				timedOut = true
				mu.Unlock()
			}
		}
		return nil
	})()
	fw := NewWriter(dir, 2)
	var written []string
	for i, name := range []string{"a.png", "b.png", "c.png"} {
		fig := figFunc(func(w io.Writer) (int64, error) {
			if i == 2 {
				close(thirdDrawn)
			}
			n, err := io.WriteString(w, name)
			return int64(n), err
		})
		if err := fw.write(name, fig, &written); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Wait(); err != nil {
		t.Fatal(err)
	}
	if timedOut {
		t.Error("the first figures' syncs held their slots: the third figure was not drawn meanwhile")
	}
	for _, name := range []string{"a.png", "b.png", "c.png"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != name {
			t.Errorf("%s holds %q (%v), want its own bytes", name, b, err)
		}
	}
}

// TestWriter_DrawError: a figure that cannot be drawn on a worker fails
// Wait with its error and the file's name, and leaves no file, as on the
// caller's goroutine.
func TestWriter_DrawError(t *testing.T) {
	for _, workers := range []int{1, 2} {
		dir := t.TempDir()
		fw := NewWriter(dir, workers)
		var written []string
		bad := figFunc(func(io.Writer) (int64, error) { return 0, io.ErrShortWrite })
		err := fw.write("bad.png", bad, &written)
		if werr := fw.Wait(); err == nil {
			err = werr
		}
		if err == nil || !errors.Is(err, io.ErrShortWrite) || !strings.Contains(err.Error(), "bad.png") {
			t.Errorf("%d workers: error %v, want the draw's, naming bad.png", workers, err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%d workers: %d files left", workers, len(entries))
		}
	}
}
