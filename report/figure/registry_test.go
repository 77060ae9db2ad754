package figure

import (
	"path/filepath"
	"testing"
)

// TestFamilies_FileNames: every file a registered family draws matches the
// family's Files pattern, so the registry tells the truth about the names.
// The balancing-methods study draws the trade-off, comparison and methods
// families (no curves.csv, timings.csv or samples.csv: the others draw none).
func TestFamilies_FileNames(t *testing.T) {
	a := balancingStudy(t)
	fw := NewWriter(t.TempDir(), 1)
	drew := 0
	for _, fam := range Families {
		paths, err := fam.Draw(a, fw, PlotOptions{})
		if err != nil {
			t.Fatalf("%s: %v", fam.Name, err)
		}
		if len(paths) > 0 {
			drew++
		}
		for _, p := range paths {
			if ok, err := filepath.Match(fam.Files, filepath.Base(p)); !ok || err != nil {
				t.Errorf("%s wrote %s, which does not match its pattern %q", fam.Name, filepath.Base(p), fam.Files)
			}
		}
	}
	if err := fw.Wait(); err != nil {
		t.Fatal(err)
	}
	if drew < 2 {
		t.Errorf("%d families drew a figure, want at least 2", drew)
	}
}
