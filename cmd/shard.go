package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/sweep"
)

// resolveShard checks the --shard value v and sets o.shard: "i/n", or
// "auto" from the batch engine's environment. Its errors are input errors
// that quote the flag.
func (o *SweepOptions) resolveShard(v string) error {
	o.Shard = strings.TrimSpace(v)
	if o.Shard == "" {
		return nil
	}
	if o.Force {
		return inputError(fmt.Errorf("--force cannot be used with --shard: shards share the output folder and never clear it; empty it before starting the shards, or choose another --out"))
	}
	if o.Shard == "auto" {
		sh, source, err := sweep.ShardFromEnv(os.LookupEnv)
		if err != nil {
			return inputError(fmt.Errorf("--shard auto: %w", err))
		}
		o.shard, o.shardSource = sh, source
		return nil
	}
	sh, err := sweep.ParseShard(o.Shard)
	switch {
	case errors.Is(err, sweep.ErrShardSyntax):
		return inputError(fmt.Errorf("--shard %s: want i/n with whole numbers 0 ≤ i < n (e.g. 0/4), or auto", o.Shard))
	case err != nil:
		return inputError(fmt.Errorf("--shard %s: %w", o.Shard, err))
	}
	o.shard, o.shardSource = sh, ""
	return nil
}

// shardRun is `lossexp sweep SPEC --shard i/n`: it trains the runs of one
// shard that the store lacks and writes only their records and the
// shard's manifest (see sweep.ShardDir); `lossexp merge` writes the
// tables and plots once every shard is done.
func shardRun(ctx context.Context, o *SweepOptions) error {
	started := time.Now()
	sh := o.shard
	s, err := loadSpec(o.Spec)
	if err != nil {
		return err
	}
	specText, err := os.ReadFile(o.Spec)
	if err != nil {
		return inputError(fmt.Errorf("read spec: %w", err))
	}
	out := o.Out
	if out == "" {
		out = filepath.Join(o.Results, s.Name)
	}
	st, err := setupSweep(s, o.DataDir)
	if err != nil {
		return err
	}
	data, plans, layout, base := st.data, st.plans, st.layout, st.base
	workers := o.Workers
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	if err := checkShardOutput(out, o.Spec, s); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return inputError(fmt.Errorf("create output folder %s: %w", out, unwrapPathErr(err)))
	}

	specHash := s.ResultHash()
	mine := sh.Plans(plans, sweep.PlanCost(s))
	ids := make([]string, len(mine))
	for i, p := range mine {
		ids[i] = p.ID
	}
	store, err := sweep.OpenShardStore(filepath.Join(out, sweep.StoreDir), ids)
	if err != nil {
		return inputError(err)
	}
	if o.Fresh {
		if err := store.Remove(ids); err != nil {
			return inputError(err)
		}
	}
	stored := map[string]bool{}
	reused, diverged := 0, 0
	for _, p := range mine {
		rec, err := store.Load(p.ID)
		switch {
		case errors.Is(err, sweep.ErrNoRecord):
		case err != nil:
			fmt.Fprintf(o.IO.Err, "note: retraining run %s: %v\n", p.ID, err)
		case rec.Fits(p.Base, layout.Metrics, layout.Curves):
			stored[p.ID] = true
			reused++
			if rec.Status != experiments.StatusOK {
				diverged++
			}
		}
	}

	host, _ := os.Hostname()
	shardDir := filepath.Join(out, sweep.ShardDir)
	man := &sweep.ShardRecord{
		Shard: sh.Index, Shards: sh.Count, Host: host,
		SpecFile: absPath(o.Spec), DataDir: absPath(o.DataDir), Spec: string(specText), SpecHash: s.Hash(), ResultHash: specHash, RunBase: base,
		Tool: Version, Numerics: experiments.NumericsVersion, BLAS: model.BLASBackend(),
		Dataset: datasetLabel(s, data), DataSHA256: data.Checksum(),
		Terms: layout.Terms, MetricNames: layout.Metrics, CurveNames: layout.Curves,
		Runs: len(mine), TotalRuns: len(plans), Finished: reused, Reused: reused, Diverged: diverged,
		Complete: reused == len(mine), Workers: workers, Started: started.UTC(),
	}
	// Written before training, so merge can tell a shard that started and
	// died from one that never ran.
	if err := sweep.SaveShardRecord(shardDir, man); err != nil {
		return inputError(err)
	}

	toTrain := len(mine) - reused
	src := ""
	if o.shardSource != "" {
		src = " (" + o.shardSource + ")"
	}
	fmt.Fprintf(o.IO.Err, "sweep %s: shard %s%s: %d of %d runs on %d workers → %s\n",
		s.Name, sh, src, len(mine), len(plans), min(workers, max(toTrain, 1)), out)
	if reused > 0 {
		fmt.Fprintf(o.IO.Err, "sweep %s: shard %s: resuming: %d of %d runs already in %s, %d to train\n",
			s.Name, sh, reused, len(mine), store.Dir(), toTrain)
	}
	prog := newProgress(o.IO, s.Name+" "+sh.String(), toTrain, o.Quiet)
	trained := 0
	sink := sinkFunc(func(r experiments.Result) error {
		trained++
		if r.Status != experiments.StatusOK {
			diverged++
		}
		return nil
	})
	save := func(r *experiments.Result) error {
		p := mine[r.Index] // sweep.Run numbers the runs it is given
		rec := sweep.NewRecord(r, layout.Terms, layout.Metrics, layout.Curves, p.Base, specHash, Version)
		rec.LambdaEff = p.Effective
		return store.Save(rec)
	}
	runErr := sweep.Run(ctx, s, data, mine, sink, sweep.Options{
		Workers:  workers,
		Progress: prog.update,
		Skip:     func(p sweep.Plan) bool { return stored[p.ID] },
		Save:     save,
	})
	prog.finish()

	// Runs saved but not yet delivered in index order when the sweep
	// stopped are in the store too: count what is there.
	finished := 0
	for _, id := range ids {
		if _, err := os.Stat(store.Path(id)); err == nil {
			finished++
		}
	}
	ended := time.Now()
	man.Finished, man.Trained, man.Diverged = finished, finished-reused, diverged
	man.Complete = finished == len(mine)
	man.Ended = ended.UTC()
	if runErr != nil {
		man.Error = runErr.Error()
	}
	if err := sweep.SaveShardRecord(shardDir, man); err != nil {
		return errors.Join(runErr, err)
	}
	interrupted := runErr != nil && errors.Is(runErr, context.Canceled) && ctx.Err() != nil
	resume := resumeCommand(o, out) + " --shard " + sh.String()
	if interrupted {
		fmt.Fprintf(o.IO.Err, "sweep %s: shard %s interrupted: %d of its %d runs finished and kept in %s\n",
			s.Name, sh, finished, len(mine), store.Dir())
		fmt.Fprintf(o.IO.Err, "resume with: %s\n", resume)
		return fmt.Errorf("sweep %s shard %s interrupted after %d of %d runs: %w", s.Name, sh, finished, len(mine), runErr)
	}
	if runErr != nil {
		return fmt.Errorf("%w (shard %s: the %d runs finished are kept in %s; resume with: %s)", runErr, sh, finished, store.Dir(), resume)
	}
	fmt.Fprintf(o.IO.Err, "sweep %s: shard %s: %d runs in %.1fs (%d trained, %d reused from the run store)",
		s.Name, sh, len(mine), ended.Sub(started).Seconds(), trained, reused)
	if diverged > 0 {
		fmt.Fprintf(o.IO.Err, ", %d diverged", diverged)
	}
	fmt.Fprintf(o.IO.Err, "\nwrote %s and %s; when every shard is done: lossexp merge %s\n",
		filepath.Join(out, sweep.ShardDir, sh.FileName()), store.Dir(), shellQuote(out))
	return nil
}

// checkShardOutput decides whether a shard of s may write to out. Shards
// never replace results (another shard may be writing beside them), so
// a folder holding another study's results, or other files only, is
// refused with no --force.
func checkShardOutput(out, specPath string, s *experiments.Spec) error {
	st, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return inputError(fmt.Errorf("output folder %s: %w", out, unwrapPathErr(err)))
	}
	if !st.IsDir() {
		return inputError(fmt.Errorf("output folder %s is a file, not a folder", out))
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return inputError(fmt.Errorf("output folder %s: %w", out, unwrapPathErr(err)))
	}
	var ours, foreign []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp-"):
		case slices.Contains(outputFiles, n), n == sweep.StoreDir, n == sweep.ShardDir, strings.HasSuffix(n, ".png"):
			ours = append(ours, n)
		default:
			foreign = append(foreign, n)
		}
	}
	if len(ours) == 0 {
		if len(foreign) == 0 {
			return nil
		}
		return inputError(fmt.Errorf("output folder %s is not empty and holds no lossexp results (found %s); choose another --out",
			out, strings.Join(firstN(foreign, 3), ", ")))
	}
	prev, prevPath, err := previousSpec(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // only runs so far: a shard that started a moment ago
	}
	if err != nil {
		return inputError(fmt.Errorf("output folder %s holds results of a spec that cannot be read (%v); choose another --out", out, err))
	}
	if prev.RunBase("") == s.RunBase("") {
		return nil
	}
	return inputError(fmt.Errorf("output folder %s holds the results of another spec: %s (name %s, result hash %.12s) differs from %s (name %s, result hash %.12s) in %s; a shard never replaces results: choose another --out, or empty the folder before starting the shards",
		out, prevPath, prev.Name, prev.ResultHash(), specPath, s.Name, s.ResultHash(), strings.Join(specDiff(prev, s), ", ")))
}

// previousSpec returns the spec whose results a folder holds: its
// spec.yaml (written by sweep and merge), else the spec a shard manifest
// carries. fs.ErrNotExist when there is neither; path names spec.yaml
// then.
func previousSpec(out string) (*experiments.Spec, string, error) {
	path := filepath.Join(out, "spec.yaml")
	s, err := experiments.Load(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return s, path, err
	}
	recs, lerr := sweep.LoadShardRecords(filepath.Join(out, sweep.ShardDir))
	if lerr != nil {
		return nil, path, lerr
	}
	if len(recs) == 0 {
		return nil, path, err
	}
	mpath := filepath.Join(out, sweep.ShardDir, recs[0].Of().FileName())
	s, err = experiments.Parse(strings.NewReader(recs[0].Spec), mpath)
	return s, mpath, err
}

// absPath makes p absolute ("" stays ""), for paths another process reads.
func absPath(p string) string {
	if p == "" {
		return ""
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
