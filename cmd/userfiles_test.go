package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainer_UserFilesInLogsKept: the run logs a training command leaves
// in runs/logs/<run-id>/ are lossexp's; a user's notes.txt beside them,
// and a folder named like a run id holding thesis.tex, are not. A sweep
// --fresh retrains every run and keeps them; --force of another spec
// refuses the folder naming them; a runs/logs that is a link out of the
// folder is refused by both, and the files it points to are untouched.
// Once the user's files are gone, --force replaces the logs.
func TestTrainer_UserFilesInLogsKept(t *testing.T) {
	spec := fakeSpec(t, "ok", 1)
	root := t.TempDir()
	out := filepath.Join(root, "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	logs := filepath.Join(out, "runs", "logs")
	ids, _ := filepath.Glob(filepath.Join(logs, "????????????????"))
	if len(ids) != 5 {
		t.Fatalf("%d log folders, want 5", len(ids))
	}
	if _, err := os.Stat(filepath.Join(ids[0], "attempt-1.stdout")); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(ids[0], "notes.txt")
	thesis := filepath.Join(logs, "fedcba9876543210", "thesis.tex")
	os.Mkdir(filepath.Dir(thesis), 0o755)
	for _, f := range []string{notes, thesis} {
		if err := os.WriteFile(f, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kept := func(when string, files ...string) {
		t.Helper()
		for _, f := range files {
			if b, err := os.ReadFile(f); err != nil || string(b) != "mine" {
				t.Errorf("%s: %s is gone or changed (%q, %v)", when, f, b, err)
			}
		}
	}

	if code, _, stderr := run(t, "sweep", spec, "--out", out, "--fresh", "-q"); code != 0 {
		t.Fatalf("sweep --fresh: exit %d\n%s", code, stderr)
	}
	kept("--fresh", notes, thesis)
	if _, err := os.Stat(filepath.Join(ids[0], "attempt-1.stdout")); err != nil {
		t.Errorf("--fresh: the new logs are not kept: %v", err)
	}

	b, _ := os.ReadFile(spec)
	other := filepath.Join(filepath.Dir(spec), "other.yaml")
	if err := os.WriteFile(other, []byte(strings.Replace(string(b), `env: {`, `env: {OTHER: "1", `, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "sweep", other, "--out", out, "--force", "-q")
	if code != 2 || !strings.Contains(stderr, "notes.txt") || !strings.Contains(stderr, "fedcba9876543210") {
		t.Errorf("sweep --force with the user's files in the logs: exit %d, want 2 naming them:\n%s", code, stderr)
	}
	kept("--force", notes, thesis)

	// runs/logs a link out of the folder
	outside := filepath.Join(root, "outside")
	if err := os.Rename(logs, outside); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, logs); err != nil {
		t.Fatal(err)
	}
	victims, _ := filepath.Glob(filepath.Join(outside, "*", "*"))
	for _, args := range [][]string{{spec, "--fresh"}, {other, "--force"}} {
		code, _, stderr := run(t, append([]string{"sweep", "--out", out, "-q"}, args...)...)
		if code != 2 || !strings.Contains(stderr, "runs/logs") || !strings.Contains(stderr, "link") {
			t.Errorf("sweep %v with runs/logs a link: exit %d, want 2 naming the link:\n%s", args, code, stderr)
		}
	}
	if now, _ := filepath.Glob(filepath.Join(outside, "*", "*")); len(now) != len(victims) || len(victims) < 12 {
		t.Errorf("files behind the link: %d, were %d", len(now), len(victims))
	}
	os.Remove(logs)
	if err := os.Rename(outside, logs); err != nil {
		t.Fatal(err)
	}

	// without the user's files, --force replaces lossexp's logs
	os.Remove(notes)
	os.RemoveAll(filepath.Dir(thesis))
	if code, _, stderr := run(t, "sweep", other, "--out", out, "--force", "-q"); code != 0 {
		t.Fatalf("sweep --force: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(ids[0]); !os.IsNotExist(err) {
		t.Errorf("--force left the old log folder %s (%v)", ids[0], err)
	}
}

// TestSweep_NoLockInRefusedFolder: --out naming a folder of the user's
// files (like / or $HOME) is refused and gets no .lossexp.lock.
func TestSweep_NoLockInRefusedFolder(t *testing.T) {
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "thesis.tex"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--force"}, {"--shard", "1/2"}, {"--fresh"}} {
		code, _, stderr := run(t, append([]string{"sweep", "../configs/quickstart.yaml", "--out", home, "-q"}, args...)...)
		if code != 2 || !strings.Contains(stderr, "thesis.tex") {
			t.Errorf("sweep %v into the user's folder: exit %d, want 2:\n%s", args, code, stderr)
		}
		if _, err := os.Lstat(filepath.Join(home, ".lossexp.lock")); !os.IsNotExist(err) {
			t.Errorf("sweep %v left .lossexp.lock in a refused folder (%v)", args, err)
		}
	}
}
