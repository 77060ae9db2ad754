package sweep

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestMoveDir_KeepsUserFiles: keeping a retrained run's logs adds them to
// runs/logs/<run-id>/, replacing only a log file of lossexp's of the same
// name: earlier attempts' logs (attempt-3.stderr) and a user's notes.txt
// and folder stay; it never follows a link: a log folder, or
// a logs folder, that is a link out of the store is refused and what it
// points to is untouched.
func TestMoveDir_KeepsUserFiles(t *testing.T) {
	root := t.TempDir()
	put := func(p, body string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fresh := func() string {
		src, err := os.MkdirTemp(root, "new-")
		if err != nil {
			t.Fatal(err)
		}
		put(filepath.Join(src, "attempt-1.stdout"), "new")
		return src
	}
	names := func(dir string) []string {
		es, _ := os.ReadDir(dir)
		var n []string
		for _, e := range es {
			n = append(n, e.Name())
		}
		return n
	}

	dst := filepath.Join(root, "runs", "logs", "0123456789abcdef")
	put(filepath.Join(dst, "attempt-1.stdout"), "old")
	put(filepath.Join(dst, "attempt-3.stderr"), "old")
	put(filepath.Join(dst, "notes.txt"), "mine")
	put(filepath.Join(dst, "drafts", "thesis.tex"), "mine")
	src := fresh()
	if err := moveDir(src, dst); err != nil {
		t.Fatal(err)
	}
	if got, want := names(dst), []string{"attempt-1.stdout", "attempt-3.stderr", "drafts", "notes.txt"}; !slices.Equal(got, want) {
		t.Errorf("log folder holds %v, want %v", got, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "attempt-1.stdout")); string(b) != "new" {
		t.Errorf("attempt-1.stdout = %q, want the new log", b)
	}
	if _, err := os.Stat(src); !os.IsNotExist(err) {
		t.Errorf("source %s left (%v)", src, err)
	}

	outside := filepath.Join(root, "outside")
	put(filepath.Join(outside, "attempt-1.stdout"), "victim")
	put(filepath.Join(outside, "notes.txt"), "victim")
	for _, link := range []string{dst, filepath.Dir(dst)} {
		os.RemoveAll(link)
		if err := os.Symlink(outside, link); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(link, "0123456789abcdef")
		if link == dst {
			target = dst
		}
		if err := moveDir(fresh(), target); err == nil {
			t.Errorf("moveDir into %s, a link out of the store: accepted", link)
		}
		for _, f := range []string{"attempt-1.stdout", "notes.txt"} {
			if b, err := os.ReadFile(filepath.Join(outside, f)); string(b) != "victim" {
				t.Errorf("link %s: outside %s is %q (%v)", link, f, b, err)
			}
		}
		if got := names(outside); len(got) != 2 {
			t.Errorf("link %s: outside holds %v", link, got)
		}
		os.Remove(link)
		os.MkdirAll(link, 0o755)
	}
}

// TestMoveDir_KeepsUserLinkUnderLogName: a link of the user's standing
// under a log file's name in the log folder is theirs: moving new logs in
// keeps the link (and what it points to) instead of replacing it.
func TestMoveDir_KeepsUserLinkUnderLogName(t *testing.T) {
	root := t.TempDir()
	dst := filepath.Join(root, "runs", "logs", "0123456789abcdef")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(root, "mine.txt")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dst, "attempt-1.stdout")
	if err := os.Symlink(mine, link); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(root, "new")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "attempt-1.stdout"), []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := moveDir(src, dst); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the user's link %s was replaced (%v)", link, err)
	}
	if b, _ := os.ReadFile(mine); string(b) != "mine" {
		t.Errorf("the link's target holds %q, want the user's text", b)
	}
}
