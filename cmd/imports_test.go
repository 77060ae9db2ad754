package cmd

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestCmd_ImportsStudyOnly keeps the house rule of issue 22: cmd's own
// files import, of this module, only study (every spec, result and
// training need goes through it), export, datasets, lossterms (the
// catalogues of `lossexp datasets`, `terms` and `metrics`) and internal/.
func TestCmd_ImportsStudyOnly(t *testing.T) {
	const module = "github.com/lossexp/lossexp/"
	allowed := []string{"study", "export", "datasets", "lossterms"}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range ast.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			pkg, ours := strings.CutPrefix(path, module)
			if !ours || strings.HasPrefix(pkg, "internal/") || slices.Contains(allowed, pkg) {
				continue
			}
			t.Errorf("%s imports %s: cmd may import, of this module, only %s and internal/... (go through study)", f, path, strings.Join(allowed, ", "))
		}
	}
}
