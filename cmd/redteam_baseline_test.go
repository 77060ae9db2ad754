package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBaseline_UserFilesKept (round 6, red team): `lossexp baseline
// RESULTS --to DIR` wrote its summary.csv, spec.yaml and baseline.json over
// files of the user's in DIR (a summary.csv of their own, beside notes):
// now it refuses (exit 2, naming them) and writes nothing; a link there is
// refused too. An earlier baseline is replaced, and a file of another name
// beside it (a README) is left alone.
func TestBaseline_UserFilesKept(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "s.yaml")
	os.WriteFile(spec, []byte(okSpec), 0o644)
	out := filepath.Join(dir, "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	to := filepath.Join(dir, "b")
	os.Mkdir(to, 0o755)
	mine := filepath.Join(to, "summary.csv")
	os.WriteFile(mine, []byte("mine"), 0o644)
	code, _, stderr := run(t, "baseline", out, "--to", to)
	if code != 2 || !strings.Contains(stderr, "holds summary.csv but no baseline stored by lossexp") {
		t.Errorf("baseline over the user's summary.csv: exit %d, %q; want 2 naming it", code, stderr)
	}
	if b, _ := os.ReadFile(mine); string(b) != "mine" {
		t.Errorf("the user's summary.csv was replaced: %q", b)
	}
	if _, err := os.Stat(filepath.Join(to, "baseline.json")); err == nil {
		t.Error("the refused baseline wrote baseline.json")
	}

	os.Remove(mine)
	os.WriteFile(filepath.Join(to, "README.md"), []byte("mine"), 0o644)
	for i := range 2 { // a new baseline, then replaced
		if code, _, stderr := run(t, "baseline", out, "--to", to); code != 0 {
			t.Fatalf("baseline %d: exit %d\n%s", i+1, code, stderr)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(to, "README.md")); string(b) != "mine" {
		t.Errorf("README.md beside the baseline changed: %q", b)
	}

	target := filepath.Join(dir, "target.yaml")
	os.WriteFile(target, []byte("mine"), 0o644)
	link := filepath.Join(to, "spec.yaml")
	os.Remove(link)
	os.Symlink(target, link)
	code, _, stderr = run(t, "baseline", out, "--to", to)
	if fi, err := os.Lstat(link); code != 2 || !strings.Contains(stderr, "spec.yaml is a symbolic link") || err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("baseline over a link: exit %d, %q, %v; want 2 and the link kept", code, stderr, err)
	}
	if b, _ := os.ReadFile(target); string(b) != "mine" {
		t.Errorf("the link's target changed: %q", b)
	}
}
