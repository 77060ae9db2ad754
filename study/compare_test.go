package study

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// compareFolder writes a results folder holding only runs.csv: λ of l2
// in grid, 3 repeats of seed 1, test.accuracy shifted by shift.
func compareFolder(t *testing.T, root, name string, grid []float64, shift float64) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("run_id,repeat,seed,status,lambda.l2,test.accuracy,reason\n")
	for i, l := range grid {
		for r := range 3 {
			fmt.Fprintf(&b, "%s%d%d,%d,1,ok,%g,%g,\n", name, i, r, r, l, 0.8+shift+0.01*float64(r*r)+l/10)
		}
	}
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, RunsFile), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// treeHash hashes every path, mode and content under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v\n", p, info.Mode())
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestCompare_FoldersReadOnly(t *testing.T) {
	root := t.TempDir()
	a := compareFolder(t, root, "a", []float64{0, 0.1, 1}, 0)
	b := compareFolder(t, root, "b", []float64{0, 0.1, 1}, 0.02)
	ha, hb := treeHash(t, a), treeHash(t, b)
	out := filepath.Join(root, "out")
	c, err := Compare(t.Context(), a, b, out)
	if err != nil {
		t.Fatal(err)
	}
	if treeHash(t, a) != ha || treeHash(t, b) != hb {
		t.Fatal("compare changed a compared folder")
	}
	for _, f := range []string{"compare.csv", "compare.html", "compare_test.accuracy.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if len(c.Files) < 3 {
		t.Errorf("files %v", c.Files)
	}
	// Again into the same folder: an earlier comparison is replaced.
	if _, err := Compare(t.Context(), a, b, out); err != nil {
		t.Fatalf("compare into an earlier comparison: %v", err)
	}
}

func TestCompare_Refused(t *testing.T) {
	root := t.TempDir()
	a := compareFolder(t, root, "a", []float64{0, 0.1}, 0)
	b := compareFolder(t, root, "b", []float64{0, 0.1}, 0.02)
	c := compareFolder(t, root, "c", []float64{0, 0.2}, 0.02)
	os.WriteFile(filepath.Join(c, LockFile), nil, 0o644) // what shows lossexp wrote c
	user := filepath.Join(root, "mine")
	os.MkdirAll(user, 0o755)
	os.WriteFile(filepath.Join(user, "notes.txt"), []byte("mine"), 0o644)
	bad := filepath.Join(root, "bad")
	os.MkdirAll(bad, 0o755)
	os.WriteFile(filepath.Join(bad, RunsFile), []byte("run_id,repeat,seed,status,lambda.l2,test.accuracy,reason\n1,x,1,ok,0,0.8,\n"), 0o644)
	notResults := filepath.Join(root, "empty")
	os.MkdirAll(notResults, 0o755)
	tests := []struct {
		name, a, b, out, want string
	}{
		{"out is A", a, b, a, "inside it"},
		{"out inside A", a, b, filepath.Join(a, "cmp"), "inside it"},
		{"out inside B", a, b, filepath.Join(b, "x", "y"), "inside it"},
		{"out holds user files", a, b, user, "notes.txt"},
		{"out holds results", a, b, c, "holds results"},
		{"A is no results folder", notResults, b, filepath.Join(root, "o1"), filepath.Join(notResults, RunsFile)},
		{"B's runs.csv does not read", a, bad, filepath.Join(root, "o4"), filepath.Join(bad, RunsFile) + `: line 2, column "repeat"`},
		{"A is missing", filepath.Join(root, "nope"), b, filepath.Join(root, "o2"), "is not a folder"},
		{"no common λ but 0", a, c, filepath.Join(root, "o3"), "no λ besides λ = 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := treeHash(t, root)
			_, err := Compare(t.Context(), tt.a, tt.b, tt.out)
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want an InputError saying %q", err, tt.want)
			}
			if treeHash(t, root) != before {
				t.Error("a refused compare wrote something")
			}
		})
	}
}

func TestCompareOut_HostileNames(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"results/quickstart", "results/q-small/", filepath.Join("results", "compare-quickstart-q-small")},
		{"../x/..", "a b/c:d", filepath.Join("results", "compare-study-c_d")},
		{".hidden", "λ", filepath.Join("results", "compare-_hidden-study")},
		{"/", ".", filepath.Join("results", "compare-study-study")},
	}
	for _, tt := range tests {
		if got := CompareOut(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareOut(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestCompare_RunningSweep compares a folder whose sweep holds its lock
// and has stored 6 of its 10 runs: compare takes no lock, reads what is
// stored and says so.
func TestCompare_RunningSweep(t *testing.T) {
	root := t.TempDir()
	a := compareFolder(t, root, "a", []float64{0, 0.1}, 0)
	b := compareFolder(t, root, "b", []float64{0, 0.1}, 0.02)
	if err := os.WriteFile(filepath.Join(a, ManifestFile), []byte(`{"runs": 10, "complete": false, "runs_finished": 6}`), 0o644); err != nil {
		t.Fatal(err)
	}
	lock, err := LockFolder(a, "sweep a", true)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	c, err := Compare(t.Context(), a, b, filepath.Join(root, "out"))
	if err != nil {
		t.Fatalf("compare of a locked folder: %v", err)
	}
	if !strings.Contains(strings.Join(c.Notes, "\n"), "holds 6 of 10 runs") {
		t.Errorf("notes %q do not say 6 of 10 runs", c.Notes)
	}
}
