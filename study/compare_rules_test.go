package study

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareRules_OutRefused: an output folder is refused before
// anything is written when it holds a picture that is not a comparison's
// (photo.png), a link where compare writes (compare.csv → a file of the
// user's), or when it is inside A reached through a link to A.
func TestCompareRules_OutRefused(t *testing.T) {
	root := t.TempDir()
	a := compareFolder(t, root, "a", []float64{0, 0.1}, 0)
	b := compareFolder(t, root, "b", []float64{0, 0.1}, 0.02)
	photos := filepath.Join(root, "photos")
	os.MkdirAll(photos, 0o755)
	os.WriteFile(filepath.Join(photos, "photo.png"), []byte("png"), 0o644)
	linked := filepath.Join(root, "linked")
	os.MkdirAll(linked, 0o755)
	precious := filepath.Join(root, "precious.csv")
	os.WriteFile(precious, []byte("mine"), 0o644)
	if err := os.Symlink(precious, filepath.Join(linked, "compare.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(a, filepath.Join(root, "alias")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, out, want string }{
		{"a picture of the user's", photos, "photo.png"},
		{"a link where compare writes", linked, "compare.csv"},
		{"inside A through a link", filepath.Join(root, "alias", "cmp"), "inside it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := treeHash(t, root)
			_, err := Compare(t.Context(), a, b, tc.out)
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want an InputError naming %q", err, tc.want)
			}
			if treeHash(t, root) != before {
				t.Error("a refused compare wrote something")
			}
		})
	}
	if b, err := os.ReadFile(precious); err != nil || string(b) != "mine" {
		t.Errorf("the file behind the link: %q %v", b, err)
	}
	if _, err := Compare(t.Context(), a, b, filepath.Join(root, "fresh", "cmp")); err != nil {
		t.Errorf("a new output folder: %v", err)
	}
}

// TestCompareRules_OutNameBounded: a folder's base name enters the
// default output folder's name cut to 60 bytes.
func TestCompareRules_OutNameBounded(t *testing.T) {
	long := strings.Repeat("a", 100)
	if got, want := CompareOut(long, "b"), filepath.Join("results", "compare-"+strings.Repeat("a", 60)+"-b"); got != want {
		t.Errorf("CompareOut of a 100-byte name = %q, want %q", got, want)
	}
}
