package sweep

import (
	"os"
	"path/filepath"
	"testing"
)

// TestGlobIn_FolderNameIsNoPattern: a results folder whose name holds glob
// syntax. Its shard manifests load (merge found none in "run [2] b\s"
// before), and opening its store removes its own temporary files only,
// never those of a folder the name would match as a pattern ("a*b"
// matching "aXb").
func TestGlobIn_FolderNameIsNoPattern(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{`run [2] b\s`, "a*b", "q?"} {
		dir := filepath.Join(root, name, ShardDir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if err := SaveShardRecord(dir, testManifest(i, 2)); err != nil {
				t.Fatal(err)
			}
		}
		if recs, err := LoadShardRecords(dir); err != nil || len(recs) != 2 {
			t.Errorf("%q: %d shard manifests, %v; want 2", name, len(recs), err)
		}
	}
	other := filepath.Join(root, "aXb", StoreDir)
	os.MkdirAll(other, 0o755)
	tmp := filepath.Join(other, ".rec.tmp-1")
	os.WriteFile(tmp, []byte("another folder's"), 0o644)
	s, err := OpenStore(filepath.Join(root, "a*b", StoreDir))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(tmp); err != nil {
		t.Errorf("opening the store of a*b removed %s: %v", tmp, err)
	}
}
