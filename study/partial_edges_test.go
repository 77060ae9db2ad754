package study

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPartial_DefaultOutALink: `lossexp report DIR` on a running sweep
// writes DIR/partial, a name of lossexp's inside the results folder; a
// symbolic link there (to a folder outside) was followed and the whole
// partial report written outside the results folder. It is refused
// (input error, exit 2) and nothing is written where it points; a link
// named by --out is the user's choice, as for sweep --out.
func TestPartial_DefaultOutALink(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "res")
	sweepText(t, tinySpec, out, 1)
	outside := filepath.Join(root, "outside")
	if err := os.Mkdir(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(out, PartialDir)); err != nil {
		t.Fatal(err)
	}
	_, err := PartialReport(t.Context(), out, "", ReportOptions{Workers: 1})
	if err == nil || !IsInput(err) || !strings.Contains(err.Error(), PartialDir) {
		t.Errorf("partial report into a link at %s: %v, want an input error naming it", PartialDir, err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) > 0 {
		t.Errorf("the partial report wrote %d files where the link points, want none", len(ents))
	}
}

// TestPartial_SpecBeside: a partial report holds the spec beside its
// tables, as a sweep's folder does: `lossexp compare A DIR/partial` (what
// the docs advise for a running sweep) read no spec there and chose no
// task metric for a training command's study, or guessed the directions.
// A second partial report into the same folder is accepted.
func TestPartial_SpecBeside(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "res")
	sweepText(t, tinySpec, out, 1)
	for range 2 {
		pr, err := PartialReport(t.Context(), out, "", ReportOptions{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(filepath.Join(out, SpecFile))
		b, err := os.ReadFile(filepath.Join(pr.Out, SpecFile))
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("partial report's %s: %v; want the sweep's", SpecFile, err)
		}
	}
}
