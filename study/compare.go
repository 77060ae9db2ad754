package study

import (
	"context"
	"errors"
	"github.com/lossexp/lossexp/report/table"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lossexp/lossexp/report/compare"
)

// Comparison is what Compare found and wrote.
type Comparison = compare.Comparison

// Compared is a comparison and the files written.
type Compared struct {
	*Comparison
	Out   string
	Files []string
}

// CompareOut is the default output folder of `lossexp compare A B`:
// results/compare-<a>-<b>, a and b the folders' base names made safe.
func CompareOut(a, b string) string {
	return filepath.Join("results", "compare-"+safeBase(a)+"-"+safeBase(b))
}

// safeBase is dir's base name with every character but letters, digits,
// '.', '_' and '-' replaced by '_', no leading '.', at most 60 bytes.
func safeBase(dir string) string {
	base := filepath.Base(filepath.Clean(dir))
	b := []byte(base)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' && i > 0
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) > 60 {
		b = b[:60]
	}
	if s := strings.Trim(string(b), "_"); s == "" || s == "." {
		return "study"
	}
	return string(b)
}

// Compare compares the results folders a and b (B − A) and writes
// compare.csv, the figures and compare.html to out (CompareOut when "").
// Neither folder is written or locked: a sweep running there goes on,
// and its runs are compared as stored; ctx stops the drawing (Ctrl-C).
// Folders that cannot be compared,
// and an out that is a, b, inside either or another folder with files of
// the user's, are an InputError before anything is written.
func Compare(ctx context.Context, a, b, out string) (*Compared, error) {
	sa, err := readCompared(a, "A")
	if err != nil {
		return nil, err
	}
	sb, err := readCompared(b, "B")
	if err != nil {
		return nil, err
	}
	c, err := compare.Compare(sa, sb)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	if out == "" {
		out = CompareOut(a, b)
	}
	if err := claimCompareOut(out, a, b); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, inputf("output folder %s: %w", out, err)
	}
	files, err := c.Write(ctx, out)
	if err != nil {
		os.Remove(out) // only if this left it empty (interrupted while drawing)
		return nil, err
	}
	return &Compared{Comparison: c, Out: out, Files: files}, nil
}

// readCompared reads the results folder dir, side label of a comparison,
// as the report reads it: runs.csv (folds pooled), its summary and
// analysis, and the manifest's count of runs.
func readCompared(dir, label string) (*compare.Study, error) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, inputf("%s: %s is not a folder", label, dir)
	}
	path := filepath.Join(dir, RunsFile)
	runs, err := table.ReadRuns(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && Running(dir):
		return nil, inputf("%s: %s has no %s yet (a sweep is running there): write a partial report with lossexp report %s --out DIR and compare DIR", label, dir, RunsFile, dir)
	case errors.Is(err, fs.ErrNotExist):
		return nil, inputf("%s: no %s: is %s a results folder written by lossexp sweep?", label, path, dir)
	case err != nil:
		return nil, inputf("%s: %w", label, err)
	}
	runs = table.PoolFolds(runs)
	if len(runs.Runs) == 0 {
		return nil, inputf("%s: %s holds no runs of the λ grid", label, path)
	}
	s := table.Summarize(runs)
	an, err := table.Analyze(dir, runs, s)
	if err != nil {
		return nil, inputf("%s: %s: %w", label, dir, err)
	}
	cs := &compare.Study{Label: label, Name: filepath.Base(filepath.Clean(dir)), Dir: dir, Runs: runs, Summary: s, Analysis: an, Stored: len(runs.Runs)}
	if an.Spec != nil {
		cs.Spec = an.Spec.Name
	}
	if m, err := ReadManifest(dir); err == nil && m.Runs > 0 && !m.Complete {
		cs.Stored, cs.Planned = m.Finished, m.Runs
	}
	return cs, nil
}

// claimCompareOut refuses an output folder that is a compared folder or
// inside one, holds results, a link where lossexp writes, or files that
// are not an earlier comparison's (study's folder rules: nothing of the
// user's is ever overwritten).
func claimCompareOut(out string, dirs ...string) error {
	ao := realAbs(out)
	for _, d := range dirs {
		rel, err := filepath.Rel(realAbs(d), ao)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return inputf("output folder %s is %s or inside it: compare never writes into a compared folder; choose another --out", out, d)
		}
	}
	inv, err := takeInventory(out)
	if err != nil {
		return err
	}
	if inv.Results {
		return inputf("output folder %s holds results (%s): choose another --out", out, strings.Join(firstN(inv.Ours, 3), ", "))
	}
	var foreign []string
	for _, n := range inv.Foreign {
		if !isCompareFile(n) {
			foreign = append(foreign, n)
		} else if st, err := os.Lstat(filepath.Join(out, n)); err == nil && !st.Mode().IsRegular() {
			inv.Links = append(inv.Links, n) // a comparison's name, not a file it wrote: never replaced
		}
	}
	if err := inv.refuseLinks(out); err != nil {
		return err
	}
	if len(foreign) > 0 {
		return inputf("output folder %s is not empty and holds no comparison (found %s); choose another --out", out, strings.Join(firstN(foreign, 3), ", "))
	}
	return nil
}

// isCompareFile reports whether name is one compare writes.
func isCompareFile(name string) bool {
	return name == compare.CSVFile || name == compare.HTMLFile ||
		strings.HasPrefix(name, "compare_") && strings.HasSuffix(name, ".png") || isTemp(name)
}

// realAbs is path absolute, its links resolved as far as it exists.
func realAbs(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	rest := ""
	for p := abs; ; p = filepath.Dir(p) {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(r, rest)
		}
		if filepath.Dir(p) == p {
			return abs
		}
		rest = filepath.Join(filepath.Base(p), rest)
	}
}
