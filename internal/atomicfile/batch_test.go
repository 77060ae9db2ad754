package atomicfile

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// countDirSyncs counts the folder syncs after renames, per folder, until
// the test ends.
func countDirSyncs(t *testing.T) func(dir string) int {
	t.Helper()
	var mu sync.Mutex
	n := map[string]int{}
	t.Cleanup(SetHook(func(s, p string) error {
		if s == "syncdir" {
			mu.Lock()
			n[p]++
			mu.Unlock()
		}
		return nil
	}))
	return func(dir string) int {
		mu.Lock()
		defer mu.Unlock()
		return n[dir]
	}
}

// TestDeferDirSync: while a deferral is open for a folder, files written
// into it (on several goroutines) are whole and in place at once, and
// the folder is synced once, when the deferral ends; a nested deferral
// does not sync early; another folder is synced after each rename as
// before; a deferral with nothing written syncs nothing.
func TestDeferDirSync(t *testing.T) {
	syncs := countDirSyncs(t)
	dir, other := t.TempDir(), t.TempDir()
	flush := DeferDirSync(dir)
	inner := DeferDirSync(dir + string(filepath.Separator)) // the same folder, spelt otherwise
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if err := WriteBytes(filepath.Join(dir, string(rune('a'+i))), []byte{byte(i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range 8 {
		if b, err := os.ReadFile(filepath.Join(dir, string(rune('a'+i)))); err != nil || len(b) != 1 || b[0] != byte(i) {
			t.Errorf("file %d before the folder sync: %v %v", i, b, err)
		}
	}
	if err := WriteBytes(filepath.Join(other, "x"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	if n := syncs(other); n != 1 {
		t.Errorf("another folder synced %d times after one write, want 1", n)
	}
	inner()
	inner() // a second call does nothing
	if n := syncs(dir); n != 0 {
		t.Errorf("folder synced %d times while a deferral is open, want 0", n)
	}
	flush()
	if n := syncs(dir); n != 1 {
		t.Errorf("folder synced %d times for 8 files, want 1", n)
	}
	if err := WriteBytes(filepath.Join(dir, "after"), nil); err != nil {
		t.Fatal(err)
	}
	if n := syncs(dir); n != 2 {
		t.Errorf("after the deferral a write syncs the folder: %d syncs, want 2", n)
	}
	empty := t.TempDir()
	DeferDirSync(empty)()
	if n := syncs(empty); n != 0 {
		t.Errorf("a deferral with nothing written synced %d times", n)
	}
}
