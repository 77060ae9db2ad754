package study

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/report"
	"github.com/lossexp/lossexp/report/table"
	"github.com/lossexp/lossexp/sweep"
)

// PartialDir is where `lossexp report DIR` writes the partial report of
// a sweep still running in DIR (unless --out).
const PartialDir = "partial"

// Partial is a partial report: K of the study's N runs were stored when
// it was drawn.
type Partial struct {
	Out   string
	K, N  int
	Files []string
	// Note says what the partial report could not draw yet ("": all of
	// it), for instance no figure against a λ the stored runs all share.
	Note string
}

// Running reports whether a sweep (or a shard) publishes a live state in
// the results folder dir: it trains there now.
func Running(dir string) bool {
	live, _ := readLiveStates(dir)
	return len(live) > 0
}

// PartialReport writes to out (dir/partial when "") the tables, figures
// and report.html of the runs that the sweep training dir has stored so
// far, titled "k of n runs". It reads dir (its spec.yaml, its run store)
// and never writes there but out; it takes no lock of dir's, so the
// sweep goes on, and out's own lock. The study is planned as the sweep
// planned it: its spec.yaml, read against the spec file and data folders
// the sweep's live state names.
func PartialReport(ctx context.Context, dir, out string, o ReportOptions) (*Partial, error) {
	st, err := partialStudy(ctx, dir)
	if err != nil {
		return nil, err
	}
	store, err := sweep.ReadStore(filepath.Join(dir, sweep.StoreDir))
	if err != nil {
		return nil, input(err)
	}
	if out == "" {
		out = filepath.Join(dir, PartialDir)
		// lossexp's name in the results folder: a link there would carry
		// the report out of it (a --out link is the user's choice).
		if fi, err := os.Lstat(out); err == nil && !fi.IsDir() {
			return nil, inputf("%s is %s, not a folder: lossexp never follows a link out of its results folder nor writes into a special file; remove it, or choose --out", out, saferead.Kind(fi.Mode()))
		}
	}
	lock, err := LockAccepted(out, "lossexp report (partial) "+dir, true, func() error { return acceptable(out, "") })
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	atomicfile.RemoveTemps(out)
	k, _, err := st.WriteTables(out, store)
	if err != nil {
		return nil, err
	}
	// The spec beside the tables, as in a sweep's folder: compare and
	// report read the task metric and the directions from it.
	if err := atomicfile.WriteBytes(filepath.Join(out, SpecFile), st.SpecText); err != nil {
		return nil, err
	}
	pr := &Partial{Out: out, K: k, N: st.Plans.Len()}
	if k == 0 {
		if n := sweep.CountRecords(store.Dir()); n > 0 && st.Spec.Sweep.Halving != nil {
			return nil, inputf("%s: no run of the sweep has reached the full budget or been pruned yet (0 of %d runs; %d stored at the lower halving rungs, which the tables leave out until their point is decided): nothing to report yet", dir, pr.N, n)
		}
		return nil, inputf("%s: no run of the sweep is stored yet (0 of %d runs): nothing to report", dir, pr.N)
	}
	if o.Workers == 0 {
		o.Workers = runtime.NumCPU()
	}
	opt := plotOptions(st.Spec, o)
	opt.Title = fmt.Sprintf("%s (partial: %d of %d runs)", st.Spec.Name, k, pr.N)
	if opt.X, pr.Note, err = partialX(out, opt.X); err != nil {
		return nil, err
	}
	if err := report.RenderContext(ctx, out, opt); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, inputf("partial report of %s (%d of %d runs): %w", dir, k, pr.N, err)
	}
	pr.Files = reportWritten(out, append(append([]string{}, TableFiles...), SpecFile)...)
	return pr, nil
}

// partialX is the x axis of a partial report in out whose runs.csv is
// written: x, unless the runs stored so far all share its λ (the first
// runs of a sweep are λ = 0's): then "" (the renderer takes the first
// term they do not share, or draws no figure against λ) and a note
// saying so, since a report of the runs stored is still of use.
func partialX(out, x string) (string, string, error) {
	if x == "" {
		return "", "", nil
	}
	s, _, _, err := table.SummarizeRuns(filepath.Join(out, table.RunsFile))
	if err != nil {
		return "", "", err
	}
	xi := slices.Index(s.Terms, x)
	if xi < 0 || len(s.Points) == 0 || table.Distinct(s, xi) > 1 {
		return x, "", nil
	}
	return "", fmt.Sprintf("no figure against %s yet: the runs stored so far all have %s = %s", x, x, table.FormatLambda(s.Points[0].Lambdas[xi])), nil
}

// partialStudy plans the study of the sweep training dir.
func partialStudy(ctx context.Context, dir string) (*Study, error) {
	text, err := saferead.ReadFile(filepath.Join(dir, SpecFile), 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, inputf("%s has no %s: is it a results folder written by lossexp sweep?", dir, SpecFile)
	}
	if err != nil {
		return nil, input(err)
	}
	file, dirs := filepath.Join(dir, SpecFile), experiments.Folders{}
	live, stale := readLiveStates(dir)
	if s := append(live, stale...); len(s) > 0 && s[0].SpecPath != "" {
		file, dirs = s[0].SpecPath, experiments.Folders{Data: s[0].Data, Cache: s[0].Cache}
	}
	st, err := Plan(ctx, text, file, dirs, DefaultLimits())
	if err != nil {
		return nil, fmt.Errorf("plan the study of %s: %w", dir, err)
	}
	return st, nil
}
