package study

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lossexp/lossexp/sweep"
)

// TestSweepScratch_Rules: a shard's sweep (all = false) removes only the
// scratch folders whose owner is gone (their .owner lock is free), never
// a live owner's, a folder being born, or a file; a sweep's (all = true)
// removes everything. Links inside are removed, never followed.
func TestSweepScratch_Rules(t *testing.T) {
	root := filepath.Join(t.TempDir(), "runs", ScratchDir)
	outside := filepath.Join(t.TempDir(), "outside")
	writeFile(t, filepath.Join(outside, "victim.txt"), "victim")
	live, err := OpenScratch(root, "")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	writeFile(t, filepath.Join(live.Dir(), "0123456789abcdef-a1-x", "params.json"), "{}")
	dead := filepath.Join(root, "4242-dead")
	writeFile(t, filepath.Join(dead, scratchOwnerFile), "") // its owner is gone: the lock is free
	writeFile(t, filepath.Join(dead, "0123456789abcdef-a2-y", "metrics.jsonl"), "{}")
	symlink(t, outside, filepath.Join(dead, "0123456789abcdef-a2-y", "out"))
	symlink(t, filepath.Join(outside, "victim.txt"), filepath.Join(dead, "0123456789abcdef-logs-z"))
	born := filepath.Join(root, ".4243-born")
	writeFile(t, filepath.Join(born, scratchOwnerFile), "")
	writeFile(t, filepath.Join(root, "notes.txt"), "by hand")
	names := func() []string {
		es, _ := os.ReadDir(root)
		var n []string
		for _, e := range es {
			n = append(n, e.Name())
		}
		return n
	}

	n, err := SweepScratch(root, "", false)
	if err != nil || n != 1 {
		t.Fatalf("shard's sweep: removed %d, %v; want 1", n, err)
	}
	want := []string{".4243-born", filepath.Base(live.Dir()), "notes.txt"}
	if got := names(); !slices.Equal(got, want) {
		t.Errorf("after a shard's sweep: %v, want %v (the dead owner's folder removed, nothing else)", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(outside, "victim.txt")); err != nil || string(b) != "victim" {
		t.Errorf("a link was followed: victim.txt %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(live.Dir(), "0123456789abcdef-a1-x", "params.json")); err != nil {
		t.Errorf("a live owner's run folder was touched: %v", err)
	}

	// A folder not named with the prefix is never looked at.
	if n, _ := SweepScratch(filepath.Dir(root), "lossexp-run-", false); n != 0 {
		t.Errorf("removed %d entries without the prefix", n)
	}

	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(live.Dir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Close left its folder: %v", err)
	}
	writeFile(t, filepath.Join(root, "9-dead", "sub", "x"), "")
	symlink(t, outside, filepath.Join(root, "link"))
	if n, err := SweepScratch(root, "", true); err != nil || n != 4 {
		t.Errorf("sweep's sweep: removed %d, %v; want 4", n, err)
	}
	if got := names(); len(got) != 0 {
		t.Errorf("after a sweep's sweep: %v, want nothing", got)
	}
	if b, err := os.ReadFile(filepath.Join(outside, "victim.txt")); err != nil || string(b) != "victim" {
		t.Errorf("a link was followed: victim.txt %q, %v", b, err)
	}
}

// TestSweep_ScratchLeftovers: what a killed sweep left in runs/tmp is
// removed by the next sweep of the folder (and runs/tmp with it), after
// the lock is taken; the folder is not refused for it.
func TestSweep_ScratchLeftovers(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	st := planTiny(t, tinySpec, root)
	if _, err := Sweep(context.Background(), st, SweepOptions{Out: out, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(out, "runs", ScratchDir)
	if _, err := os.Lstat(tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a built-in sweep left runs/tmp: %v", err)
	}
	writeFile(t, filepath.Join(tmp, "4242-x", scratchOwnerFile), "")
	writeFile(t, filepath.Join(tmp, "4242-x", "0123456789abcdef-a1-y", "metrics.jsonl"), "{}")
	if _, err := Sweep(context.Background(), st, SweepOptions{Out: out, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("runs/tmp after the next sweep: %v; want it removed", err)
	}
}

// TestInventory_Scratch: runs/tmp is lossexp's whatever it holds (not
// foreign, so a folder with a killed sweep's scratch is accepted), and a
// runs/tmp that is a link is one lossexp refuses.
func TestInventory_Scratch(t *testing.T) {
	out := t.TempDir()
	writeFile(t, filepath.Join(out, "runs", ScratchDir, "4242-x", "0123456789abcdef-a1-y", "whatever.bin"), "")
	writeFile(t, filepath.Join(out, "runs", ScratchDir, "notes.txt"), "")
	inv, err := takeInventory(out)
	if err != nil {
		t.Fatal(err)
	}
	if !inv.Scratch || len(inv.Foreign) != 0 || len(inv.Links) != 0 {
		t.Errorf("scratch %v, foreign %v, links %v; want scratch and nothing else", inv.Scratch, inv.Foreign, inv.Links)
	}
	os.RemoveAll(filepath.Join(out, "runs", ScratchDir))
	symlink(t, t.TempDir(), filepath.Join(out, "runs", ScratchDir))
	if inv, err = takeInventory(out); err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("runs", ScratchDir); !slices.Equal(inv.Links, []string{want}) {
		t.Errorf("links %v, want [%s]", inv.Links, want)
	}
}

// TestShard_ScratchOfLiveShardKept: a shard removes from runs/tmp what a
// shard that is gone left, never the folder of a shard that lives (whose
// .owner is locked); the merge, which holds the exclusive lock, removes
// the rest and runs/tmp.
func TestShard_ScratchOfLiveShardKept(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	tmp := filepath.Join(out, "runs", ScratchDir)
	live, err := OpenScratch(tmp, "")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	writeFile(t, filepath.Join(live.Dir(), "0123456789abcdef-a1-x", "metrics.jsonl"), "{}")
	writeFile(t, filepath.Join(tmp, "4242-dead", scratchOwnerFile), "")
	st := planTiny(t, tinySpec, root)
	if _, err := Shard(context.Background(), st, ShardOptions{SweepOptions: SweepOptions{Out: out, Workers: 1}, Shard: sweep.Shard{Index: 0, Count: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(live.Dir(), "0123456789abcdef-a1-x", "metrics.jsonl")); err != nil {
		t.Errorf("the shard removed a live shard's run folder: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(tmp, "4242-dead")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the shard left a dead shard's folder: %v", err)
	}
	live.Close()
	writeFile(t, filepath.Join(tmp, "4243-dead", "x"), "")
	if _, err := Merge(context.Background(), MergeOptions{Dirs: []string{out}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("runs/tmp after the merge: %v; want it removed", err)
	}
}
