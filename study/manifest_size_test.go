package study

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadManifest_Bounded: a manifest.json far larger than any lossexp
// writes is refused from its size, before it is read (a 300 MB file once
// took 13 s to fail in the JSON decoder), with the file named; one at the
// bound is read.
func TestReadManifest_Bounded(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ManifestFile)
	if err := os.WriteFile(path, []byte(`{"name": "q", "runs": 3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if m, err := ReadManifest(dir); err != nil || m.Name != "q" || m.Runs != 3 {
		t.Fatalf("small manifest: %+v, %v", m, err)
	}
	if err := os.Truncate(path, maxManifestBytes+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	_, err := ReadManifest(dir)
	if err == nil || !strings.Contains(err.Error(), "more than the") || !strings.Contains(err.Error(), path) {
		t.Fatalf("oversized manifest: err = %v, want a size refusal naming %s", err, path)
	}
}
