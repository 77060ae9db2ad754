package study

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
)

// snapshot records every path under root (links not followed) with its
// content (a link's target, a folder's "/"), skipping the folder skip.
func snapshot(t *testing.T, root, skip string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == skip {
			return filepath.SkipDir
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			snap[p] = "-> " + l
		case d.IsDir():
			snap[p] = "/"
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			snap[p] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	os.RemoveAll(link)
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestFolder_Hostile is a catalogue of hostile results folders: a user's
// files in every folder lossexp owns (runs/, runs/logs/, a run's log
// folder, shards/) and links out of the folder at each level. A sweep of
// another spec with --force, and one of the same spec with --fresh, must
// either succeed without touching the user's files or refuse with a
// message naming the culprit; in every case nothing outside the study
// folder is created, changed or deleted, and the user's files inside it
// are all still there.
func TestFolder_Hostile(t *testing.T) {
	const runID = "0123456789abcdef"
	logs := filepath.Join("runs", "logs")
	cases := []struct {
		name string
		// plant prepares out (a finished sweep of tinySpec) and outside
		// (victims beside it); it returns the user's files in out.
		plant func(t *testing.T, out, outside string) []string
		// refused: the substring the refusal names ("" = accepted)
		force, fresh string
	}{
		{"notes in a run's log folder", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, logs, runID, "attempt-1.stdout"), "log")
			writeFile(t, filepath.Join(out, logs, runID, "notes.txt"), "mine")
			return []string{filepath.Join(logs, runID, "notes.txt")}
		}, "notes.txt", ""},
		{"thesis in a folder named like a run id", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, logs, "fedcba9876543210", "thesis", "thesis.tex"), "mine")
			return []string{filepath.Join(logs, "fedcba9876543210", "thesis", "thesis.tex")}
		}, "thesis", ""},
		{"file in runs/logs", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, logs, "README"), "mine")
			return []string{filepath.Join(logs, "README")}
		}, "README", ""},
		{"file in runs", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, "runs", "important.txt"), "mine")
			return []string{filepath.Join("runs", "important.txt")}
		}, "important.txt", ""},
		{"file in shards", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, "shards", "plan.md"), "mine")
			return []string{filepath.Join("shards", "plan.md")}
		}, "plan.md", ""},
		{"runs/logs links out", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, runID, "attempt-1.stdout"), "victim")
			writeFile(t, filepath.Join(outside, runID, "thesis.tex"), "victim")
			symlink(t, outside, filepath.Join(out, logs))
			return nil
		}, "runs/logs", "runs/logs"},
		{"a run's log folder links out", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, "attempt-1.stdout"), "victim")
			symlink(t, outside, filepath.Join(out, logs, runID))
			return nil
		}, runID, runID},
		{"a log file links out", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, "victim.txt"), "victim")
			symlink(t, filepath.Join(outside, "victim.txt"), filepath.Join(out, logs, runID, "attempt-2.stderr"))
			return nil
		}, "attempt-2.stderr", "attempt-2.stderr"},
		{"runs links out", func(t *testing.T, out, outside string) []string {
			if err := os.Rename(filepath.Join(out, "runs"), filepath.Join(outside, "runs")); err != nil {
				t.Fatal(err)
			}
			symlink(t, filepath.Join(outside, "runs"), filepath.Join(out, "runs"))
			return nil
		}, "runs", "runs"},
		{"a store segment links out", func(t *testing.T, out, outside string) []string {
			segs, _ := filepath.Glob(filepath.Join(out, "runs", "seg-*.jsonl"))
			if len(segs) == 0 {
				t.Fatal("no segment")
			}
			if err := os.Rename(segs[0], filepath.Join(outside, "seg.jsonl")); err != nil {
				t.Fatal(err)
			}
			symlink(t, filepath.Join(outside, "seg.jsonl"), segs[0])
			return nil
		}, "seg-", "seg-"},
		{"shards links out", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, "shard-0-of-2.json"), "victim")
			symlink(t, outside, filepath.Join(out, "shards"))
			return nil
		}, "shards", "shards"},
		{"a shard manifest links out", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, "shard.json"), "victim")
			symlink(t, filepath.Join(outside, "shard.json"), filepath.Join(out, "shards", "shard-0-of-2.json"))
			return nil
		}, "shard-0-of-2.json", "shard-0-of-2.json"},
		{"the manifest links out", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, "m.json"), `{"files": ["../outside/m.json"]}`)
			symlink(t, filepath.Join(outside, "m.json"), filepath.Join(out, ManifestFile))
			return nil
		}, ManifestFile, ManifestFile},
		{"the lock file links out", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, "victim.txt"), "victim")
			symlink(t, filepath.Join(outside, "victim.txt"), filepath.Join(out, LockFile))
			return nil
		}, LockFile, LockFile},
		{"a table links out", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, "victim.csv"), "victim")
			symlink(t, filepath.Join(outside, "victim.csv"), filepath.Join(out, "runs.csv"))
			return nil
		}, "runs.csv", "runs.csv"},
		{"a link of the user's elsewhere", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, "data", "x.csv"), "victim")
			symlink(t, filepath.Join(outside, "data"), filepath.Join(out, "data"))
			return []string{"data"}
		}, "data", ""},
		{"runs/tmp links out", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, "1-x", scratchOwnerFile), "")
			writeFile(t, filepath.Join(outside, "thesis.tex"), "victim")
			symlink(t, outside, filepath.Join(out, "runs", ScratchDir))
			return nil
		}, "runs/tmp", "runs/tmp"},
		{"a killed sweep's scratch with links out", func(t *testing.T, out, outside string) []string {
			writeFile(t, filepath.Join(outside, "data", "x.csv"), "victim")
			writeFile(t, filepath.Join(outside, "victim.txt"), "victim")
			owner := filepath.Join(out, "runs", ScratchDir, "4242-x")
			writeFile(t, filepath.Join(owner, scratchOwnerFile), "")
			writeFile(t, filepath.Join(owner, runID+"-a1-y", "params.json"), "{}")
			symlink(t, filepath.Join(outside, "data"), filepath.Join(owner, runID+"-a1-y", "data"))
			symlink(t, filepath.Join(outside, "victim.txt"), filepath.Join(owner, runID+"-logs-z", "attempt-1.stdout"))
			symlink(t, outside, filepath.Join(out, "runs", ScratchDir, "link"))
			writeFile(t, filepath.Join(out, "runs", ScratchDir, "notes.txt"), "scratch, removed")
			return nil
		}, "", ""},
		{"only lossexp's logs", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, logs, runID, "attempt-1.stdout"), "log")
			writeFile(t, filepath.Join(out, logs, runID, "attempt-1.metrics.jsonl"), "log")
			return nil
		}, "", ""},
	}
	other := strings.Replace(tinySpec, "seed: 1", "seed: 2", 1)
	done := filepath.Join(t.TempDir(), "done") // a finished sweep, copied for each case
	if _, err := Sweep(context.Background(), planTiny(t, tinySpec, t.TempDir()), SweepOptions{Out: done, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(done, LockFile))
	for _, c := range cases {
		for _, mode := range []string{"force", "fresh"} {
			t.Run(c.name+"/"+mode, func(t *testing.T) {
				root := t.TempDir()
				out, outside := filepath.Join(root, "study"), filepath.Join(root, "outside")
				if err := os.MkdirAll(outside, 0o755); err != nil {
					t.Fatal(err)
				}
				st := planTiny(t, tinySpec, root)
				if err := os.CopyFS(out, os.DirFS(done)); err != nil {
					t.Fatal(err)
				}
				mine := c.plant(t, out, outside)
				before := snapshot(t, root, out)
				userBefore := map[string]string{}
				for _, f := range mine {
					userBefore[f] = snapshot(t, filepath.Join(out, f), "")[filepath.Join(out, f)]
				}
				opt, want := SweepOptions{Out: out, Workers: 1, Force: true}, c.force
				if mode == "fresh" {
					opt, want = SweepOptions{Out: out, Workers: 1, Fresh: true}, c.fresh
				} else {
					st = planTiny(t, other, root)
				}
				_, err := Sweep(context.Background(), st, opt)
				var ie *InputError
				switch {
				case want == "" && err != nil:
					t.Errorf("refused: %v", err)
				case want != "" && (!errors.As(err, &ie) || !strings.Contains(err.Error(), want)):
					t.Errorf("err = %v; want a refusal naming %q", err, want)
				}
				after := snapshot(t, root, out)
				if !maps.Equal(before, after) {
					t.Errorf("outside the study folder:\nbefore %v\nafter  %v", slices.Sorted(maps.Keys(before)), slices.Sorted(maps.Keys(after)))
				}
				for f, body := range userBefore {
					p := filepath.Join(out, f)
					if got := snapshot(t, p, "")[p]; got != body {
						t.Errorf("user's %s: %q after the sweep, was %q", f, got, body)
					}
				}
			})
		}
	}
}

func planTiny(t *testing.T, spec, dir string) *Study {
	t.Helper()
	st, err := Plan(t.Context(), []byte(spec), filepath.Join(dir, "s.yaml"), experiments.Folders{}, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestLockAccepted_NoLockInRefusedFolder: a sweep, a shard and a merge
// refused a folder (the user's files, no results: `--out /` or $HOME)
// leave no .lossexp.lock in it, and a folder they accept gets one.
func TestLockAccepted_NoLockInRefusedFolder(t *testing.T) {
	root := t.TempDir()
	home := filepath.Join(root, "home")
	writeFile(t, filepath.Join(home, "thesis.tex"), "mine")
	st := planTiny(t, tinySpec, root)
	_, err := Sweep(context.Background(), st, SweepOptions{Out: home, Workers: 1, Force: true})
	if err == nil || !strings.Contains(err.Error(), "thesis.tex") {
		t.Fatalf("sweep into the user's folder: %v", err)
	}
	if _, err := Merge(context.Background(), MergeOptions{Dirs: []string{home}, Out: home}); err == nil {
		t.Fatal("merge into the user's folder accepted")
	}
	if _, err := os.Lstat(filepath.Join(home, LockFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s left in a refused folder (%v)", LockFile, err)
	}
	refused := errors.New("refused")
	calls := 0
	if _, err := LockAccepted(home, "test", true, func() error { calls++; return refused }); !errors.Is(err, refused) || calls != 1 {
		t.Fatalf("LockAccepted: %v after %d calls", err, calls)
	}
	if _, err := os.Lstat(filepath.Join(home, LockFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LockAccepted left %s in a refused folder (%v)", LockFile, err)
	}
	// accepted, then refused under the lock (the folder changed between
	// the two looks): refused, and the lock released
	calls = 0
	if _, err := LockAccepted(home, "test", true, func() error {
		if calls++; calls == 2 {
			return refused
		}
		return nil
	}); !errors.Is(err, refused) {
		t.Fatalf("second look: %v", err)
	}
	l, err := LockFolder(home, "after", true)
	if err != nil {
		t.Fatalf("lock not released after the second look refused: %v", err)
	}
	l.Unlock()
}

// TestLockFolder_LinkRefused: a .lossexp.lock that is a link (to a file
// outside, or dangling) is refused with a message naming it, and never
// followed: the file it points to keeps its content, a dangling link
// creates nothing (lossexp report locks the folder this way).
func TestLockFolder_LinkRefused(t *testing.T) {
	root := t.TempDir()
	dir, victim := filepath.Join(root, "study"), filepath.Join(root, "victim.txt")
	writeFile(t, victim, "victim")
	for _, target := range []string{victim, filepath.Join(root, "created.txt")} {
		symlink(t, target, filepath.Join(dir, LockFile))
		l, err := LockFolder(dir, "report", true)
		if err == nil {
			l.Unlock()
		}
		if err == nil || !strings.Contains(err.Error(), LockFile) {
			t.Errorf("lock file a link to %s: %v, want a refusal naming it", target, err)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "victim" {
		t.Errorf("the file behind the link: %q", b)
	}
	if _, err := os.Lstat(filepath.Join(root, "created.txt")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a dangling link was followed: %v", err)
	}
}
