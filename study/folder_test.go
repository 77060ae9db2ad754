package study

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestInventory sorts a folder's files into lossexp's and the user's: a
// PNG is lossexp's only when the manifest lists it, a run record only when
// its name is a run id, and the lock and temporary files are neither
// results nor worth naming.
func TestInventory(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"runs.csv":                   "x",
		"spec.yaml":                  "x",
		"manifest.json":              `{"files": ["runs.csv", "test.accuracy_vs_l2.png"]}`,
		"test.accuracy_vs_l2.png":    "x",
		"holiday.png":                "x",
		".lossexp.lock":              "",
		".runs.csv.tmp-123":          "x",
		"runs/0123456789abcdef.json": "{}",
		"runs/important.txt":         "x",
		"runs/0123456789ABCDEF.json": "{}",
		"shards/shard-0-of-2.json":   "{}",
		"notes/plan.md":              "x",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inv, err := takeInventory(dir)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(inv.Ours)
	slices.Sort(inv.Foreign)
	wantOurs := []string{"manifest.json", "runs.csv", "runs/0123456789abcdef.json", "shards/shard-0-of-2.json", "spec.yaml", "test.accuracy_vs_l2.png"}
	wantForeign := []string{"holiday.png", "notes", "runs/0123456789ABCDEF.json", "runs/important.txt"}
	if !slices.Equal(inv.Ours, wantOurs) {
		t.Errorf("ours = %v, want %v", inv.Ours, wantOurs)
	}
	if !slices.Equal(inv.Foreign, wantForeign) {
		t.Errorf("foreign = %v, want %v", inv.Foreign, wantForeign)
	}
	if !inv.Results || !slices.Equal(inv.Records, []string{"runs/0123456789abcdef.json"}) {
		t.Errorf("results %v, records %v", inv.Results, inv.Records)
	}

	// ClearRecords (--fresh) removes the record and nothing else.
	if err := ClearRecords(dir); err != nil {
		t.Fatal(err)
	}
	for name := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		gone := errors.Is(err, os.ErrNotExist)
		if gone != (name == "runs/0123456789abcdef.json") {
			t.Errorf("%s: gone = %v after ClearRecords", name, gone)
		}
	}
}

// TestLockFolder: an exclusive lock refuses a second taker (exclusive or
// shared) with a *LockedError naming the holder; shared locks coexist;
// Unlock frees the folder.
func TestLockFolder(t *testing.T) {
	dir := t.TempDir()
	a, err := LockFolder(dir, "first", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, excl := range []bool{true, false} {
		_, err := LockFolder(dir, "second", excl)
		var le *LockedError
		if !errors.As(err, &le) || le.Holder == "" || !strings.Contains(le.Holder, "first") {
			t.Fatalf("second lock (exclusive %v): %v, want a LockedError naming the holder", excl, err)
		}
	}
	a.Unlock()
	s1, err := LockFolder(dir, "shard 0", false)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := LockFolder(dir, "shard 1", false)
	if err != nil {
		t.Fatalf("two shared locks: %v", err)
	}
	if _, err := LockFolder(dir, "merge", true); err == nil {
		t.Fatal("an exclusive lock beside shared ones")
	}
	s1.Unlock()
	s2.Unlock()
	c, err := LockFolder(dir, "after", true)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	c.Unlock()
}
