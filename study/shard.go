package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/spec"
	"github.com/lossexp/lossexp/sweep"
)

// ShardOptions configure Shard.
type ShardOptions struct {
	SweepOptions
	Shard  sweep.Shard
	Source string // where --shard auto found the shard ("" for i/n)
}

// ShardOutcome is what a shard did.
type ShardOutcome struct {
	Manifest    *sweep.ShardRecord
	Interrupted bool
	Stats       TrainStats
	Finished    int
	Seconds     float64
}

// Shard trains one shard of the study into opt.Out: the runs of the shard
// that the store lacks, saving their records and the shard's manifest
// (see sweep.ShardDir); Merge writes the tables and figures once every
// shard is done. Shards of one sweep share the folder (a shared lock):
// a sweep, merge or report of the same folder waits for none of them and
// is refused while they run.
func Shard(ctx context.Context, st *Study, opt ShardOptions) (*ShardOutcome, error) {
	started := time.Now()
	defer boundHeap(st.Memory.Sweep, processBytes+reportBytes)() // the runs and every repeat's splits, now
	sh, out, s := opt.Shard, opt.Out, st.Spec
	if s.Sweep.Halving != nil {
		return nil, inputf("--shard cannot be used with sweep.halving (%s): a rung needs every shard's previous rung, so shards cannot run apart; run the sweep without --shard (with more --workers), or remove sweep.halving", st.SpecPath)
	}
	if opt.Force {
		return nil, inputf("--force cannot be used with --shard: shards share the output folder and never clear it; empty it before starting the shards, or choose another --out")
	}
	claim := func() error { return Claim(out, st, ClaimOptions{Shard: true}) } // a shard's claim never removes anything
	lock, err := LockAccepted(out, fmt.Sprintf("lossexp sweep %s --shard %s", s.Name, sh), false, claim)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	scratch, err := openRunScratch(out, st, false, log) // never another live shard's
	if err != nil {
		return nil, err
	}
	defer closeRunScratch(out, scratch, false)
	ctx = withScratch(ctx, scratch)
	ctx, closeLive := openLive(ctx, out, fmt.Sprintf("sweep %s --shard %s", s.Name, sh), st)
	defer closeLive()
	mine, nMine := sh.Mine(st.Plans, sweep.PlanCost(s))
	store, err := sweep.OpenShardStore(filepath.Join(out, sweep.StoreDir))
	if err != nil {
		return nil, input(err)
	}
	defer store.Close()
	shardDir := filepath.Join(out, sweep.ShardDir)
	workers := st.limits.workersOr(opt.Workers)
	man := st.shardRecord(opt, nMine, workers, started)
	sp := &shardPass{st: st, opt: opt, man: man, dir: shardDir, nMine: nMine, workers: workers, store: store.Dir(), log: log}
	stats, runErr := st.TrainMissing(ctx, store, mine, TrainOptions{
		Workers: opt.Workers, Log: log, Tool: opt.Tool, Fresh: opt.Fresh, Start: sp.start,
	})
	if sp.finish != nil {
		sp.finish()
	}
	finished := st.countStored(store, mine)
	ended := time.Now()
	man.Finished, man.Trained, man.Diverged = finished, finished-stats.Reused, stats.Diverged+stats.Failed
	man.Complete = finished == nMine && stats.Failed == 0
	man.Ended = ended.UTC()
	if runErr != nil {
		man.Error = runErr.Error()
	}
	if err := sweep.SaveShardRecord(shardDir, man); err != nil {
		return nil, errors.Join(runErr, input(err))
	}
	oc := &ShardOutcome{Manifest: man, Stats: stats, Finished: finished, Seconds: ended.Sub(started).Seconds()}
	oc.Interrupted = runErr != nil && errors.Is(runErr, context.Canceled) && ctx.Err() != nil
	return oc, shardError(oc, runErr, s.Name, sh, nMine, store.Dir())
}

// shardPass starts a shard's training pass: it writes the shard's
// record before training (so merge can tell a shard that started and
// died from one that never ran), tells what the shard trains and starts
// the progress of opt.Start.
type shardPass struct {
	st      *Study
	opt     ShardOptions
	man     *sweep.ShardRecord
	dir     string // the folder of shard records
	nMine   int
	workers int
	store   string
	log     io.Writer
	finish  func() // opt.Start's, once started
}

func (sp *shardPass) start(pass *Pass) func(int, int, *experiments.Result) {
	s, sh, log := sp.st.Spec, sp.opt.Shard, sp.log
	reused, toTrain := pass.Reused, pass.ToTrain
	sp.man.Finished, sp.man.Reused, sp.man.Complete = reused, reused, reused == sp.nMine
	if err := sweep.SaveShardRecord(sp.dir, sp.man); err != nil {
		fmt.Fprintf(log, "note: shard manifest: %v\n", err)
	}
	src := ""
	if sp.opt.Source != "" {
		src = " (" + sp.opt.Source + ")"
	}
	fmt.Fprintf(log, "sweep %s: shard %s%s: %d of %d runs on %s → %s\n",
		s.Name, sh, src, sp.nMine, sp.st.Plans.Len(), workersLabel(min(sp.workers, max(toTrain, 1))), sp.opt.Out)
	if reused > 0 {
		fmt.Fprintf(log, "sweep %s: shard %s: resuming: %d of %d runs already in %s, %d to train\n",
			s.Name, sh, reused, sp.nMine, sp.store, toTrain)
	}
	if sp.opt.Start == nil {
		return nil
	}
	var progress func(int, int, *experiments.Result)
	pass.Label = s.Name + " " + sh.String()
	progress, sp.finish = sp.opt.Start(pass)
	return progress
}

// shardRecord is the shard's manifest as it starts: nMine of the
// study's runs on workers workers.
func (st *Study) shardRecord(opt ShardOptions, nMine, workers int, started time.Time) *sweep.ShardRecord {
	host, _ := os.Hostname()
	s, sh := st.Spec, opt.Shard
	return &sweep.ShardRecord{
		Shard: sh.Index, Shards: sh.Count, Host: host,
		SpecFile: absPath(st.SpecPath), DataDir: absPath(st.Dirs.Data), Spec: string(st.SpecText), SpecHash: s.Hash(), ResultHash: s.ResultHash(), RunBase: st.Base,
		Tool: opt.Tool, Numerics: spec.NumericsVersion, BLAS: opt.BLAS,
		Dataset: st.DatasetLabel(), DataSHA256: st.Data.Checksum(),
		Terms: st.Layout.Terms, MetricNames: st.Layout.Metrics, CurveNames: st.Layout.Curves,
		Runs: nMine, TotalRuns: st.Plans.Len(), Workers: workers, Started: started.UTC(),
	}
}

// countStored counts the runs of mine the store holds: runs saved but
// not counted when the sweep stopped are in the store too.
func (st *Study) countStored(store *sweep.Store, mine sweep.Bitset) int {
	n := 0
	for p := range st.Plans.All() {
		if mine.Has(p.Index) && store.Columns(p.ID, p.Base, st.Layout.Metrics, st.Layout.Curves) {
			n++
		}
	}
	return n
}

// shardError is the error Shard returns with its outcome: an
// interruption, what stopped training, or the runs that failed.
func shardError(oc *ShardOutcome, runErr error, name string, sh sweep.Shard, nMine int, storeDir string) error {
	switch {
	case oc.Interrupted:
		return fmt.Errorf("sweep %s shard %s interrupted after %d of %d runs: %w", name, sh, oc.Finished, nMine, runErr)
	case runErr != nil:
		return fmt.Errorf("%w (shard %s: %s)", runErr, sh, finishedKept(oc.Finished, storeDir))
	case oc.Stats.Failed > 0:
		return fmt.Errorf("shard %s: %d runs failed (their records and logs are in %s); run the same command again to retry only them", sh, oc.Stats.Failed, storeDir)
	}
	return nil
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

// EnvShards is the variable that gives "--shard auto" the shard count
// (set by the exported Kubernetes Job and Slurm script).
const EnvShards = sweep.EnvShards

// ErrShardSyntax is ParseShard's error for a value that is not i/n.
var ErrShardSyntax = sweep.ErrShardSyntax

// ParseShard reads which shard of the sweep to train: "auto" finds it in
// a batch engine's environment (lookup is os.LookupEnv in production;
// Source says which engine), anything else is "i/n". The options it
// returns carry the shard (SweepOptions still to fill) to Shard.
func ParseShard(v string, lookup func(string) (string, bool)) (ShardOptions, error) {
	if v == "auto" {
		sh, source, err := sweep.ShardFromEnv(lookup)
		return ShardOptions{Shard: sh, Source: source}, err
	}
	sh, err := sweep.ParseShard(v)
	return ShardOptions{Shard: sh}, err
}
