package study

import (
	"context"
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/spec"
	"github.com/lossexp/lossexp/sweep"
)

// MergeOptions configure Merge.
type MergeOptions struct {
	Dirs    []string // folders the shards wrote
	Out     string   // folder to write; default Dirs[0]
	Partial bool     // write the tables of the runs there are when some are missing
	DataDir string   // for folders without shard manifests
	Cache   string   // the fetch cache (the command's cache-dir setting)
	Limits  Limits
	Log     io.Writer
	Tool    string
	BLAS    string
}

// MergeOutcome is what a merge did.
type MergeOutcome struct {
	Study    *Study
	Out      string
	Manifest Manifest
	Missing  int // runs missing (written anyway with Partial)
	Copied   int // records copied into Out's run store
	Shards   int // shard manifests read
	Folders  int
}

// mergeSource is one folder: its run store and its shards' manifests.
type mergeSource struct {
	dir    string
	store  *sweep.Store
	shards []*sweep.ShardRecord
}

// Merge collects the runs the shards of one sweep stored in opt.Dirs and
// writes, in opt.Out, what a single sweep of the same spec writes. The
// spec comes from the shards' manifests (every one must agree), else from
// a plain sweep's spec.yaml; the runs, their ids and the columns are then
// planned exactly as the sweep plans them. With runs missing it lists
// them by shard and writes nothing (an *IncompleteError), unless Partial.
func Merge(ctx context.Context, opt MergeOptions) (*MergeOutcome, error) {
	started := time.Now()
	out := opt.Out
	if out == "" {
		out = opt.Dirs[0]
	}
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	srcs, st, err := planMerge(ctx, opt)
	if err != nil {
		return nil, err
	}
	lock, err := LockAccepted(out, "lossexp merge "+st.Spec.Name, true, mergeAccept(out, st.Spec))
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	if err := sweepRunScratch(out, true, opt.Log); err != nil { // what killed shards left
		return nil, err
	}

	// The output folder's store first: opening it for writing moves the
	// records of the one-file-per-run layout into a segment.
	dst, err := sweep.OpenStore(filepath.Join(out, sweep.StoreDir))
	if err != nil {
		return nil, input(err)
	}
	defer dst.Close()
	closeSrcs, err := openSourceStores(srcs, out, dst, log)
	defer closeSrcs()
	if err != nil {
		return nil, err
	}
	oc, err := st.gatherMerge(srcs, dst, out, opt.Partial, log)
	if err != nil {
		return oc, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	counts, err := st.writeMerged(ctx, oc, dst, opt, started, log)
	if err != nil {
		return nil, err
	}
	if counts.Failed > 0 {
		return oc, &FailedRunsError{Failed: counts.Failed, Runs: st.Plans.Len(), IDs: counts.FailedIDs, Store: dst.Dir()}
	}
	return oc, nil
}

// gatherMerge copies into the store dst of out the runs srcs hold and it
// lacks; missing runs are listed on log and refused unless partial (the
// outcome then says how many).
func (st *Study) gatherMerge(srcs []mergeSource, dst *sweep.Store, out string, partial bool, log io.Writer) (*MergeOutcome, error) {
	idx := &mergeIndex{st: st, srcs: srcs, log: log}
	missing, have, nMissing := idx.survey(dst)
	oc := &MergeOutcome{Study: st, Out: out, Missing: nMissing, Folders: len(srcs)}
	for _, src := range srcs {
		oc.Shards += len(src.shards)
	}
	if nMissing > 0 {
		reportMissing(log, st, missing, nMissing, srcs, out)
		if !partial {
			return oc, st.incomplete(missing, nMissing, srcs)
		}
	}
	var err error
	if oc.Copied, err = idx.gather(dst, have); err != nil {
		return nil, err
	}
	if err := copyShardRecords(srcs, out); err != nil {
		return nil, err
	}
	return oc, nil
}

// planMerge opens the shard folders of opt and plans their study, which
// their manifests must agree on.
func planMerge(ctx context.Context, opt MergeOptions) ([]mergeSource, *Study, error) {
	srcs, err := openMergeSources(opt.Dirs)
	if err != nil {
		return nil, nil, err
	}
	first, firstPath, err := agreeingManifest(srcs)
	if err != nil {
		return nil, nil, err
	}
	st, err := mergeStudy(ctx, srcs, first, firstPath, opt)
	if err != nil {
		return nil, nil, err
	}
	return srcs, st, nil
}

// incomplete is the refusal of a merge with nMissing runs missing and
// no --partial: which shards to re-run.
func (st *Study) incomplete(missing sweep.Bitset, nMissing int, srcs []mergeSource) error {
	n := st.Plans.Len()
	return &IncompleteError{fmt.Errorf("merge %s: %d of %d runs missing (%s); nothing written: re-run those shards (each trains only the runs it lacks) and merge again, or pass --partial to write the tables of the %d runs there are",
		st.Spec.Name, nMissing, n, strings.Join(missingShards(st, missing, srcs), ", "), n-nMissing)}
}

// openMergeSources reads the shard records of each folder merged.
func openMergeSources(dirs []string) ([]mergeSource, error) {
	var srcs []mergeSource
	for _, d := range dirs {
		st, err := os.Stat(d)
		if err != nil {
			return nil, inputf("merge %s: %w", d, atomicfile.UnwrapPath(err))
		}
		if !st.IsDir() {
			return nil, inputf("merge %s: a file, not a results folder", d)
		}
		recs, err := sweep.LoadShardRecords(filepath.Join(d, sweep.ShardDir))
		if err != nil {
			return nil, input(err)
		}
		srcs = append(srcs, mergeSource{dir: d, shards: recs})
	}
	return srcs, nil
}

// mergeAccept is the check of the output folder under its lock: it must
// not hold another study's results, nor a link where the merge writes.
func mergeAccept(out string, s *spec.Spec) func() error {
	return func() error {
		if err := acceptable(out, "merge: "); err != nil {
			return err
		}
		if prev, prevPath, err := previousSpec(out); err == nil && prev.RunBase("") != s.RunBase("") {
			return inputf("merge: output folder %s holds the results of another spec: %s (name %s) differs from the shards' (name %s) in %s; choose another --out",
				out, prevPath, prev.Name, s.Name, strings.Join(SpecDiff(prev, s), ", "))
		}
		return nil
	}
}

// openSourceStores opens every source's store for reading (the output
// folder's is dst) and notes their conflicts; the returned function
// closes what it opened.
func openSourceStores(srcs []mergeSource, out string, dst *sweep.Store, log io.Writer) (func(), error) {
	var opened []*sweep.Store
	closeAll := func() {
		for _, s := range opened {
			s.Close()
		}
	}
	for k := range srcs {
		if sameDir(srcs[k].dir, out) {
			srcs[k].store = dst
			continue
		}
		s, err := sweep.ReadStore(filepath.Join(srcs[k].dir, sweep.StoreDir))
		if err != nil {
			return closeAll, input(err)
		}
		srcs[k].store = s
		opened = append(opened, s)
	}
	for k := range srcs {
		sweep.NoteConflicts(log, srcs[k].store)
	}
	return closeAll, nil
}

// mergeIndex finds where each run's record is: the first folder that
// holds one that fits. One pass over the plans, index lookups only.
type mergeIndex struct {
	st    *Study
	srcs  []mergeSource
	log   io.Writer
	notes int // records not used, noted (the first 5 are told)
}

// locate returns the source of run p's record, -1 when none fits; note
// tells why a record is not used.
func (x *mergeIndex) locate(p sweep.Plan, note bool) int {
	lay := x.st.Layout
	for k, src := range x.srcs {
		if !src.store.Has(p.ID) {
			continue
		}
		// A failed run's record fits the tables (its row says why):
		// the merge writes it and exits 1, like the sweep.
		if src.store.Columns(p.ID, p.Base, lay.Metrics, lay.Curves) {
			return k
		}
		if note {
			if x.notes < 5 {
				_, err := src.store.Load(p.ID)
				if err == nil {
					err = errors.New("written by another tool version")
				}
				fmt.Fprintf(x.log, "note: not using run %s: %v\n", p.ID, err)
			}
			x.notes++
		}
	}
	return -1
}

// survey returns the runs no source holds and those dst holds already.
func (x *mergeIndex) survey(dst *sweep.Store) (missing, have sweep.Bitset, nMissing int) {
	plans, lay := x.st.Plans, x.st.Layout
	missing, have = sweep.NewBitset(plans.Len()), sweep.NewBitset(plans.Len())
	for p := range plans.All() {
		if x.locate(p, true) < 0 {
			missing.Set(p.Index)
			nMissing++
		}
		if dst.Columns(p.ID, p.Base, lay.Metrics, lay.Curves) {
			have.Set(p.Index)
		}
	}
	return missing, have, nMissing
}

// gather copies every record dst lacks into it (no lookup in it between
// its saves: each would sort the index again) and syncs it.
func (x *mergeIndex) gather(dst *sweep.Store, have sweep.Bitset) (copied int, err error) {
	for p := range x.st.Plans.All() {
		if have.Has(p.Index) {
			continue
		}
		k := x.locate(p, false)
		if k < 0 || x.srcs[k].store == dst {
			continue
		}
		if err := dst.Copy(x.srcs[k].store, p.ID); err != nil {
			return copied, err
		}
		copied++
	}
	if err := dst.Sync(); err != nil {
		return copied, input(err)
	}
	return copied, nil
}

// copyShardRecords copies the shard records of the other folders into
// out's.
func copyShardRecords(srcs []mergeSource, out string) error {
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
			if err := atomicfile.Copy(to, filepath.Join(src.dir, sweep.ShardDir, r.Of().FileName())); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeMerged writes the same files, the same way, as a single sweep's:
// spec.yaml, the tables from dst, the report, the manifest (into
// oc.Manifest); it returns the tables' counts.
func (st *Study) writeMerged(ctx context.Context, oc *MergeOutcome, dst *sweep.Store, opt MergeOptions, started time.Time, log io.Writer) (Counts, error) {
	out, plans := oc.Out, st.Plans
	prevFiles := previousFiles(out)
	if err := atomicfile.WriteBytes(filepath.Join(out, SpecFile), st.SpecText); err != nil {
		return Counts{}, err
	}
	finished, counts, err := st.WriteTables(out, dst)
	if err != nil {
		return counts, err
	}
	renderStart := time.Now().Add(-time.Second)
	if finished > 0 {
		if err := st.Render(ctx, out); err != nil {
			if ctx.Err() != nil {
				return counts, fmt.Errorf("merge %s: interrupted while drawing the report (the tables are written; merge again to redraw): %w", st.Spec.Name, err)
			}
			if oc.Missing == 0 {
				return counts, fmt.Errorf("render report: %w", err)
			}
			fmt.Fprintf(log, "note: plots of the partial merge: %v\n", err)
		}
	}
	ended := time.Now()
	m := st.newManifest(filepath.Join(out, SpecFile), opt.Tool, opt.BLAS, started)
	m.Complete, m.Finished, m.Reused = finished == plans.Len() && counts.Failed == 0, finished, finished
	m.Diverged, m.Failed, m.Pruned = counts.Diverged, counts.Failed, counts.Pruned
	m.Ended, m.Seconds = ended.UTC(), ended.Sub(started).Seconds()
	m.Files = outputFiles(out, renderStart, prevFiles)
	if err := writeManifest(out, &m); err != nil {
		return counts, err
	}
	oc.Manifest = m
	return counts, nil
}

// agreeingManifest returns the first shard manifest of srcs (nil when
// there is none) after checking that every other one belongs to the same
// study and columns.
func agreeingManifest(srcs []mergeSource) (*sweep.ShardRecord, string, error) {
	var first *sweep.ShardRecord
	var firstPath string
	for _, src := range srcs {
		for _, r := range src.shards {
			p := filepath.Join(src.dir, sweep.ShardDir, r.Of().FileName())
			if first == nil {
				first, firstPath = r, p
				continue
			}
			switch {
			case r.RunBase != first.RunBase:
				return nil, "", inputf("merge: %s and %s come from different studies (run base %.12s, %.12s: another spec, data, tool numerics or BLAS backend); merge each on its own",
					firstPath, p, first.RunBase, r.RunBase)
			case !slices.Equal(r.MetricNames, first.MetricNames) || !slices.Equal(r.CurveNames, first.CurveNames):
				return nil, "", inputf("merge: %s and %s were written by tool versions with different metrics (%s, %s); re-run the older shards",
					firstPath, p, first.Tool, r.Tool)
			}
			if err := sweep.ShardsAgree(first, r); err != nil {
				return nil, "", inputf("merge: %s and %s disagree: %w; merge each study on its own, or re-run the shard whose manifest is wrong", firstPath, p, err)
			}
		}
	}
	return first, firstPath, nil
}

// mergeStudy plans the study the shards ran: from the spec a shard
// manifest carries (its text, and its path, against which a CSV dataset
// is resolved as it was there), else from a plain sweep's spec.yaml.
func mergeStudy(ctx context.Context, srcs []mergeSource, first *sweep.ShardRecord, firstPath string, opt MergeOptions) (*Study, error) {
	dirs := experiments.Folders{Data: opt.DataDir, Cache: opt.Cache}
	var text []byte
	var file string
	if first != nil {
		text, file = []byte(first.Spec), first.SpecFile
		if file == "" {
			file = firstPath
		}
		if dirs.Data == "" {
			dirs.Data = first.DataDir
		}
	} else {
		for _, src := range srcs {
			if p := filepath.Join(src.dir, SpecFile); fileExists(p) {
				file = p
				break
			}
		}
		if file == "" {
			return nil, inputf("merge: %s holds no shard manifests (%s/) and no spec.yaml: is it a results folder written by lossexp sweep --shard?",
				strings.Join(opt.Dirs, ", "), sweep.ShardDir)
		}
		var err error
		if text, err = readSpec(file); err != nil {
			return nil, err
		}
	}
	st, err := Plan(ctx, text, file, dirs, opt.Limits)
	if err != nil {
		var ie *InputError
		if first != nil && !errors.As(err, &ie) {
			return nil, fmt.Errorf("merge: the spec in %s: %w", firstPath, err)
		}
		return nil, inputf("merge: open the spec and the data the runs were trained on (give --data-dir where it is): %w", err)
	}
	if first != nil && st.Base != first.RunBase {
		here, theirs := table.DistinctHashes(st.Data.Checksum(), first.DataSHA256, 12)
		if st.Data.Checksum() == first.DataSHA256 {
			why := fmt.Sprintf("the data is the same (sha256 %.12s), but this lossexp differs from the shards' build", here)
			switch {
			case first.Numerics != spec.NumericsVersion:
				why += fmt.Sprintf(": numerics version %d here, %d in the shards", spec.NumericsVersion, first.Numerics)
			case first.BLAS != opt.BLAS:
				why += fmt.Sprintf(": BLAS %s here, %s in the shards", opt.BLAS, first.BLAS)
			case first.Tool != opt.Tool:
				why += fmt.Sprintf(": tool version %s here, %s in the shards", opt.Tool, first.Tool)
			}
			return nil, inputf("merge: %s; merge with the shards' build", why)
		}
		return nil, inputf("merge: the data found here (%s, sha256 %s) is not what the shards trained on (%s, sha256 %s); merge where the shards' data is",
			st.DatasetLabel(), here, first.Dataset, theirs)
	}
	return st, nil
}

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

// missingShards names the shards that lack runs: "1/3", "2/3".
func missingShards(st *Study, missing sweep.Bitset, srcs []mergeSource) []string {
	counts := shardCounts(srcs)
	if len(counts) == 0 {
		return []string{"no shard manifests: the shards never started, or wrote elsewhere"}
	}
	var shards []sweep.Shard
	for _, n := range counts {
		seen := make([]bool, n)
		sweep.AssignStream(st.Plans, n, sweep.PlanCost(st.Spec), func(i, sh int) bool {
			if missing.Has(i) && !seen[sh] {
				seen[sh] = true
				shards = append(shards, sweep.Shard{Index: sh, Count: n})
			}
			return true
		})
	}
	slices.SortFunc(shards, func(a, b sweep.Shard) int {
		if a.Count != b.Count {
			return a.Count - b.Count
		}
		return a.Index - b.Index
	})
	names := make([]string, len(shards))
	for i, sh := range shards {
		names[i] = sh.String()
	}
	if len(names) == 1 {
		names[0] = "shard " + names[0]
	} else {
		names[0] = "shards " + names[0]
	}
	return names
}

// reportMissing lists the missing runs by shard (under every number of
// shards the manifests name), with what each shard's manifest says, and
// the command that fills the holes. It lists at most 20 runs a shard and
// holds nothing per run.
func reportMissing(w io.Writer, st *Study, missing sweep.Bitset, nMissing int, srcs []mergeSource, out string) {
	m := &missingList{w: w, st: st, missing: missing}
	fmt.Fprintf(w, "merge %s: %d of %d runs missing:\n", st.Spec.Name, nMissing, st.Plans.Len())
	counts := shardCounts(srcs)
	if len(counts) == 0 {
		m.listUnsharded(nMissing)
		return
	}
	manifests, specFile := shardManifests(srcs)
	var rerun []sweep.Shard
	for _, n := range counts {
		rerun = append(rerun, m.listShards(n, manifests)...)
	}
	fmt.Fprintln(w, "fill the holes with (each trains only the runs its shard lacks), then merge again:")
	for _, sh := range rerun {
		fmt.Fprintf(w, "  lossexp sweep %s --shard %s --out %s\n", ShellPath(specFile), sh, ShellPath(out))
	}
}

// maxListed is the number of missing runs listed (per shard).
const maxListed = 20

// missingList writes the runs of st a merge misses to w.
type missingList struct {
	w       io.Writer
	st      *Study
	missing sweep.Bitset
}

// line is run i's line: id, λ, repeat.
func (m *missingList) line(i int) string {
	p := m.st.Plans.At(i)
	return fmt.Sprintf("      %s  %s, repeat %d", p.ID, LambdaLabel(m.st.Spec, p.Lambdas), p.Repeat)
}

// listUnsharded lists the first missing runs of the nMissing.
func (m *missingList) listUnsharded(nMissing int) {
	k := 0
	for i := range m.st.Plans.Len() {
		if !m.missing.Has(i) {
			continue
		}
		if k == maxListed {
			fmt.Fprintf(m.w, "      … and %d more\n", nMissing-maxListed)
			break
		}
		fmt.Fprintln(m.w, m.line(i))
		k++
	}
}

// listShards lists, for the n-shard split, each shard's missing runs and
// returns the shards to rerun.
func (m *missingList) listShards(n int, manifests map[sweep.Shard]*sweep.ShardRecord) []sweep.Shard {
	runs := make([]int, n)
	lost := make([]int, n)
	listed := make([][]int, n)
	sweep.AssignStream(m.st.Plans, n, sweep.PlanCost(m.st.Spec), func(i, sh int) bool {
		runs[sh]++
		if m.missing.Has(i) {
			lost[sh]++
			if len(listed[sh]) < maxListed {
				listed[sh] = append(listed[sh], i)
			}
		}
		return true
	})
	var rerun []sweep.Shard
	for sh := range n {
		if lost[sh] == 0 {
			continue
		}
		shard := sweep.Shard{Index: sh, Count: n}
		rerun = append(rerun, shard)
		fmt.Fprintf(m.w, "  shard %s: %d of its %d runs missing (%s)\n", shard, lost[sh], runs[sh], shardState(manifests[shard]))
		for _, i := range listed[sh] {
			fmt.Fprintln(m.w, m.line(i))
		}
		if lost[sh] > maxListed {
			fmt.Fprintf(m.w, "      … and %d more\n", lost[sh]-maxListed)
		}
	}
	return rerun
}

// shardManifests are the first manifest of each shard in srcs, and the
// spec file the first one names.
func shardManifests(srcs []mergeSource) (map[sweep.Shard]*sweep.ShardRecord, string) {
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
	return manifests, specFile
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

// sameDir reports whether a and b name the same folder.
func sameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 != nil || err2 != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(sa, sb)
}

// LambdaLabel names a λ tuple: "l2=0.01, l1=0.001".
func LambdaLabel(s *spec.Spec, lam []float64) string {
	if len(s.Loss.Terms) == 0 {
		return "no added terms"
	}
	return s.LambdaLabel(lam)
}

// LambdaList writes λ values for a person as LambdaLabel does
// (spec.LambdaList).
func LambdaList(vs []float64) string { return spec.LambdaList(vs) }

// ShellQuote quotes s for a POSIX shell when it needs quoting.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '+' || r == ':' || r == ',' || r == '=' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
