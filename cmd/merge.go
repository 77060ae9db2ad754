package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/report"
	"github.com/lossexp/lossexp/sweep"
)

// MergeOptions are the settings of `lossexp merge`.
type MergeOptions struct {
	IO      *IO
	Dirs    []string
	Out     string // folder to write; default Dirs[0]
	Partial bool   // write the tables of the runs there are when some are missing
	DataDir string // only for folders without shard manifests
}

func newCmdMerge(streams *IO, runF func(context.Context, *MergeOptions) error) *cobra.Command {
	opts := &MergeOptions{IO: streams}
	c := &cobra.Command{
		Use:   "merge DIR [DIR...]",
		Short: "Build the tables and plots of a sweep run as shards",
		Long: `Collect the runs that "lossexp sweep SPEC --shard i/n" stored in DIR/runs
(several DIRs when shards wrote to different folders) and write, in DIR (or
--out), what a single-machine sweep of the same spec writes: runs.csv,
summary.csv, curves.csv, timings.csv, balance points, plots, report.html,
spec.yaml and manifest.json. Every file but timings.csv, cost.csv and the
cost plot is byte-identical to that of a single sweep.

The spec comes from the shards' manifests (DIR/shards/shard-<i>-of-<n>.json),
which carry the spec file as it ran; a folder without them (a plain sweep)
needs its spec.yaml and the data (--data-dir) to compute the run ids.

When runs are missing, merge lists them by shard and run id, writes nothing
and exits with status 1: re-run the shards named (each trains only the runs
it lacks) and merge again. --partial writes the tables of the runs there
are instead (manifest.json says complete: false). Records found only in the
other DIRs are copied into the output folder's run store.`,
		Example: `  lossexp merge results/l1-sparsity
  lossexp merge /scratch/a/l1 /scratch/b/l1 --out results/l1-sparsity
  lossexp merge results/l1-sparsity --partial     # tables of what finished so far`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Dirs = args
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return mergeRun(c.Context(), opts)
		},
	}
	c.Flags().StringVarP(&opts.Out, "out", "o", "", "folder to write (default: the first DIR)")
	c.Flags().BoolVar(&opts.Partial, "partial", false, "write the tables of the runs there are when some are missing (exit 0)")
	c.Flags().StringVar(&opts.DataDir, "data-dir", "", "folder of CSV datasets, for folders without shard manifests")
	return c
}

// mergeSource is one DIR: its run store and its shards' manifests.
type mergeSource struct {
	dir    string
	store  *sweep.Store
	shards []*sweep.ShardRecord
}

func mergeRun(ctx context.Context, o *MergeOptions) error {
	started := time.Now()
	out := o.Out
	if out == "" {
		out = o.Dirs[0]
	}
	var srcs []mergeSource
	for _, d := range o.Dirs {
		st, err := os.Stat(d)
		if err != nil {
			return inputError(fmt.Errorf("merge %s: %w", d, unwrapPathErr(err)))
		}
		if !st.IsDir() {
			return inputError(fmt.Errorf("merge %s: a file, not a results folder", d))
		}
		recs, err := sweep.LoadShardRecords(filepath.Join(d, sweep.ShardDir))
		if err != nil {
			return inputError(err)
		}
		srcs = append(srcs, mergeSource{dir: d, store: storeAt(d), shards: recs})
	}

	// The spec, the run base and the columns: from the first shard
	// manifest; every other must agree.
	var first *sweep.ShardRecord
	var firstPath string
	for _, src := range srcs {
		for _, r := range src.shards {
			if first == nil {
				first, firstPath = r, filepath.Join(src.dir, sweep.ShardDir, r.Of().FileName())
				continue
			}
			p := filepath.Join(src.dir, sweep.ShardDir, r.Of().FileName())
			switch {
			case r.RunBase != first.RunBase:
				return inputError(fmt.Errorf("merge: %s and %s come from different studies (run base %.12s, %.12s: another spec, data, tool numerics or BLAS backend); merge each on its own",
					firstPath, p, first.RunBase, r.RunBase))
			case !slices.Equal(r.MetricNames, first.MetricNames) || !slices.Equal(r.CurveNames, first.CurveNames):
				return inputError(fmt.Errorf("merge: %s and %s were written by tool versions with different metrics (%s, %s); re-run the older shards",
					firstPath, p, first.Tool, r.Tool))
			}
		}
	}
	// The spec as the shards ran it (its text, and its path, against
	// which a CSV dataset is resolved as it was there), else a plain
	// sweep's spec.yaml. The runs, their ids and the columns are then
	// derived exactly as the sweep derives them.
	var (
		s        *experiments.Spec
		specText []byte
		err      error
	)
	dataDir := o.DataDir
	if first != nil {
		specText = []byte(first.Spec)
		file := first.SpecFile
		if file == "" {
			file = firstPath
		}
		if s, err = experiments.Parse(strings.NewReader(first.Spec), file); err != nil {
			return inputError(fmt.Errorf("merge: the spec in %s: %w", firstPath, err))
		}
		if dataDir == "" {
			dataDir = first.DataDir
		}
	} else {
		path := ""
		for _, src := range srcs {
			if p := filepath.Join(src.dir, "spec.yaml"); fileExists(p) {
				path = p
				break
			}
		}
		if path == "" {
			return inputError(fmt.Errorf("merge: %s holds no shard manifests (%s/) and no spec.yaml: is it a results folder written by lossexp sweep --shard?",
				strings.Join(o.Dirs, ", "), sweep.ShardDir))
		}
		if s, err = loadSpec(path); err != nil {
			return err
		}
		if specText, err = os.ReadFile(path); err != nil {
			return inputError(err)
		}
	}
	st, err := setupSweep(s, dataDir)
	if err != nil {
		return fmt.Errorf("merge: open the data the runs were trained on (give --data-dir where it is): %w", err)
	}
	plans, grid, layout, base := st.plans, st.grid, st.layout, st.base
	if first != nil && base != first.RunBase {
		return inputError(fmt.Errorf("merge: the data found here (%s, sha256 %.12s) is not what the shards trained on (%s, sha256 %.12s), or this lossexp differs from theirs (numerics or BLAS); merge where the shards' data is, or with their build",
			datasetLabel(s, st.data), st.data.Checksum(), first.Dataset, first.DataSHA256))
	}
	// The output folder must not hold another study's results.
	if prev, prevPath, err := previousSpec(out); err == nil && prev.RunBase("") != s.RunBase("") {
		return inputError(fmt.Errorf("merge: output folder %s holds the results of another spec: %s (name %s) differs from the shards' (name %s) in %s; choose another --out",
			out, prevPath, prev.Name, s.Name, strings.Join(specDiff(prev, s), ", ")))
	}

	// Where each run's record is: the first DIR that holds one that fits.
	from := make([]int, len(plans))
	var missing []int
	notes := 0
	for i, p := range plans {
		from[i] = -1
		for k, src := range srcs {
			rec, err := src.store.Load(p.ID)
			if errors.Is(err, sweep.ErrNoRecord) {
				continue
			}
			if err != nil || !rec.Fits(p.Base, layout.Metrics, layout.Curves) {
				if notes < 5 {
					if err == nil {
						err = errors.New("written by another tool version")
					}
					fmt.Fprintf(o.IO.Err, "note: not using run %s: %v\n", p.ID, err)
				}
				notes++
				continue
			}
			from[i] = k
			break
		}
		if from[i] < 0 {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		reportMissing(o.IO.Err, s, plans, missing, srcs, out)
		if !o.Partial {
			return &exitError{ExitFailure, fmt.Errorf("merge %s: %d of %d runs missing (%s); nothing written: re-run those shards (each trains only the runs it lacks) and merge again, or pass --partial to write the tables of the %d runs there are",
				s.Name, len(missing), len(plans), strings.Join(missingShards(plans, missing, srcs, s), ", "), len(plans)-len(missing))}
		}
	}

	// Gather every record in the output folder's store.
	if err := os.MkdirAll(out, 0o755); err != nil {
		return inputError(fmt.Errorf("create output folder %s: %w", out, unwrapPathErr(err)))
	}
	dst := storeAt(out)
	if err := os.MkdirAll(dst.Dir(), 0o755); err != nil {
		return inputError(fmt.Errorf("create run store %s: %w", dst.Dir(), unwrapPathErr(err)))
	}
	copied := 0
	for i, p := range plans {
		if from[i] < 0 || sameDir(srcs[from[i]].dir, out) {
			continue
		}
		ok, err := dst.Import(srcs[from[i]].store, p.ID)
		if err != nil {
			return err
		}
		if ok {
			copied++
		}
	}
	for _, src := range srcs {
		if sameDir(src.dir, out) {
			continue
		}
		for _, r := range src.shards {
			to := filepath.Join(out, sweep.ShardDir, r.Of().FileName())
			if fileExists(to) {
				continue
			}
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				return err
			}
			if err := sweep.CopyFileAtomic(to, filepath.Join(src.dir, sweep.ShardDir, r.Of().FileName())); err != nil {
				return err
			}
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}

	// The same files, written the same way, as a single sweep's.
	if err := report.WriteFileAtomic(filepath.Join(out, "spec.yaml"), func(w io.Writer) error {
		_, err := w.Write(specText)
		return err
	}); err != nil {
		return err
	}
	finished, diverged, err := writeTables(out, layout, plans, dst)
	if err != nil {
		return err
	}
	files := []string{"runs.csv", "summary.csv", "curves.csv", "timings.csv", "spec.yaml"}
	if finished > 0 {
		if err := renderReport(out, s); err != nil {
			if len(missing) == 0 {
				return fmt.Errorf("render report: %w", err)
			}
			fmt.Fprintf(o.IO.Err, "note: plots of the partial merge: %v\n", err)
		}
		for _, name := range reportFiles {
			if fileExists(filepath.Join(out, name)) {
				files = append(files, name)
			}
		}
		pngs, _ := filepath.Glob(filepath.Join(out, "*.png"))
		for _, p := range pngs {
			files = append(files, filepath.Base(p))
		}
	}
	ended := time.Now()
	trained := 0
	for _, src := range srcs {
		for _, r := range src.shards {
			trained += r.Trained
		}
	}
	m := Manifest{
		Name: s.Name, Description: s.Description, SpecFile: filepath.Join(out, "spec.yaml"), SpecHash: s.Hash(),
		ResultHash: s.ResultHash(), RunBase: base, Numerics: experiments.NumericsVersion,
		Tool: Version, GoVersion: runtime.Version(), BLAS: model.BLASBackend(),
		Dataset: datasetLabel(s, st.data), DataSHA256: st.data.Checksum(),
		GridPoints: len(grid), Repeats: s.Repeats, Runs: len(plans),
		Complete: finished == len(plans), Finished: finished, Trained: 0, Reused: finished,
		Diverged: diverged, Started: started.UTC(), Ended: ended.UTC(), Seconds: ended.Sub(started).Seconds(),
		Files: files,
	}
	if err := report.WriteFileAtomic(filepath.Join(out, "manifest.json"), func(wr io.Writer) error {
		enc := json.NewEncoder(wr)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}); err != nil {
		return err
	}
	nshards := 0
	for _, src := range srcs {
		nshards += len(src.shards)
	}
	fmt.Fprintf(o.IO.Err, "merge %s: %d of %d runs, from %s in %s", s.Name, finished, len(plans), plural(nshards, "shard manifest"), plural(len(srcs), "folder"))
	if copied > 0 {
		fmt.Fprintf(o.IO.Err, " (%d records copied into %s)", copied, dst.Dir())
	}
	if diverged > 0 {
		fmt.Fprintf(o.IO.Err, ", %d diverged (see runs.csv, column reason)", diverged)
	}
	fmt.Fprintf(o.IO.Err, "\nwrote %s: %s\n", out, strings.Join(files, ", "))
	if len(missing) > 0 {
		fmt.Fprintf(o.IO.Err, "merge %s: partial: %d of %d runs missing (manifest.json: complete false)\n", s.Name, len(missing), len(plans))
	}
	return nil
}

// reportFiles are the analysis files report.Render writes beside the PNGs.
var reportFiles = []string{report.BalanceFile, report.PairedFile, report.CostFile, report.HTMLFile}

// storeAt is the run store of a results folder, opened without creating
// it or removing temporary files (a shard may still be writing).
func storeAt(dir string) *sweep.Store { return sweep.StoreAt(filepath.Join(dir, sweep.StoreDir)) }

// shardCounts returns the numbers of shards the manifests of srcs name,
// ascending.
func shardCounts(srcs []mergeSource) []int {
	var ns []int
	for _, src := range srcs {
		for _, r := range src.shards {
			if !slices.Contains(ns, r.Shards) {
				ns = append(ns, r.Shards)
			}
		}
	}
	slices.Sort(ns)
	return ns
}

// shardOf returns, for each number of shards n the manifests name, the
// shard of every plan.
func shardOf(plans []sweep.Plan, srcs []mergeSource, s *experiments.Spec) map[int][]int {
	m := map[int][]int{}
	for _, n := range shardCounts(srcs) {
		m[n] = sweep.Assign(plans, n, sweep.PlanCost(s))
	}
	return m
}

// missingShards names the shards that lack runs: "1/3", "2/3".
func missingShards(plans []sweep.Plan, missing []int, srcs []mergeSource, s *experiments.Spec) []string {
	of := shardOf(plans, srcs, s)
	if len(of) == 0 {
		return []string{"no shard manifests: the shards never started, or wrote elsewhere"}
	}
	var names []string
	for _, n := range shardCounts(srcs) {
		for _, i := range missing {
			nm := sweep.Shard{Index: of[n][i], Count: n}.String()
			if !slices.Contains(names, nm) {
				names = append(names, nm)
			}
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		var ai, an, bi, bn int
		fmt.Sscanf(a, "%d/%d", &ai, &an)
		fmt.Sscanf(b, "%d/%d", &bi, &bn)
		if an != bn {
			return an - bn
		}
		return ai - bi
	})
	if len(names) == 1 {
		names[0] = "shard " + names[0]
	} else {
		names[0] = "shards " + names[0]
	}
	return names
}

// reportMissing lists the missing runs by shard (under every number of
// shards the manifests name), with what each shard's manifest says, and
// the command that fills the holes.
func reportMissing(w io.Writer, s *experiments.Spec, plans []sweep.Plan, missing []int, srcs []mergeSource, out string) {
	const maxListed = 20
	fmt.Fprintf(w, "merge %s: %d of %d runs missing:\n", s.Name, len(missing), len(plans))
	line := func(i int) string {
		p := plans[i]
		return fmt.Sprintf("      %s  %s, repeat %d", p.ID, lambdaLabel(s, p.Lambdas), p.Repeat)
	}
	of := shardOf(plans, srcs, s)
	if len(of) == 0 {
		for k, i := range missing {
			if k == maxListed {
				fmt.Fprintf(w, "      … and %d more\n", len(missing)-maxListed)
				break
			}
			fmt.Fprintln(w, line(i))
		}
		return
	}
	manifests := map[sweep.Shard]*sweep.ShardRecord{}
	specFile := ""
	for _, src := range srcs {
		for _, r := range src.shards {
			if _, ok := manifests[r.Of()]; !ok {
				manifests[r.Of()] = r
			}
			if specFile == "" {
				specFile = r.SpecFile
			}
		}
	}
	var rerun []sweep.Shard
	for _, n := range shardCounts(srcs) {
		byShard := make([][]int, n)
		for _, i := range missing {
			byShard[of[n][i]] = append(byShard[of[n][i]], i)
		}
		for sh, idx := range byShard {
			if len(idx) == 0 {
				continue
			}
			shard := sweep.Shard{Index: sh, Count: n}
			rerun = append(rerun, shard)
			runs := 0
			for _, a := range of[n] {
				if a == sh {
					runs++
				}
			}
			fmt.Fprintf(w, "  shard %s: %d of its %d runs missing (%s)\n", shard, len(idx), runs, shardState(manifests[shard]))
			for k, i := range idx {
				if k == maxListed {
					fmt.Fprintf(w, "      … and %d more\n", len(idx)-maxListed)
					break
				}
				fmt.Fprintln(w, line(i))
			}
		}
	}
	fmt.Fprintln(w, "fill the holes with (each trains only the runs its shard lacks), then merge again:")
	for _, sh := range rerun {
		fmt.Fprintf(w, "  lossexp sweep %s --shard %s --out %s\n", shellQuote(specFile), sh, shellQuote(out))
	}
}

// shardState says what a shard's manifest tells about it.
func shardState(r *sweep.ShardRecord) string {
	switch {
	case r == nil:
		return "no manifest: the shard never started here"
	case r.Error != "":
		return fmt.Sprintf("stopped after %d of %d runs on %s at %s: %s", r.Finished, r.Runs, hostOr(r.Host), r.Ended.Format(time.RFC3339), r.Error)
	case r.Ended.IsZero():
		return fmt.Sprintf("started on %s at %s and never finished: still running, or killed", hostOr(r.Host), r.Started.Format(time.RFC3339))
	case r.Complete:
		return fmt.Sprintf("finished on %s at %s, but records are gone since", hostOr(r.Host), r.Ended.Format(time.RFC3339))
	}
	return fmt.Sprintf("%d of %d runs finished on %s", r.Finished, r.Runs, hostOr(r.Host))
}

func hostOr(h string) string {
	if h == "" {
		return "an unknown host"
	}
	return h
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// sameDir reports whether a and b name the same folder.
func sameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 != nil || err2 != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(sa, sb)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
