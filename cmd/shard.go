package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/lossexp/lossexp/study"
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
	sh, err := study.ParseShard(o.Shard, os.LookupEnv)
	switch {
	case err != nil && o.Shard == "auto":
		return inputError(fmt.Errorf("--shard auto: %w", err))
	case errors.Is(err, study.ErrShardSyntax):
		return inputError(fmt.Errorf("--shard %s: want i/n with whole numbers 0 ≤ i < n (e.g. 0/4), or auto", o.Shard))
	case err != nil:
		return inputError(fmt.Errorf("--shard %s: %w", o.Shard, err))
	}
	o.shard = &sh
	return nil
}

// shardRun is `lossexp sweep SPEC --shard i/n`: it trains the runs of one
// shard that the store lacks and writes only their records and the
// shard's manifest; `lossexp merge` writes the tables and plots once
// every shard is done.
func shardRun(ctx context.Context, o *SweepOptions, st *study.Study, sopt study.SweepOptions) error {
	var so study.ShardOptions
	if o.shard != nil {
		so = *o.shard
	}
	so.SweepOptions = sopt
	sh := so.Shard
	oc, err := study.Shard(ctx, st, so)
	if oc == nil {
		return err
	}
	w, s, out := o.IO.Err, st.Spec, sopt.Out
	resume := resumeCommand(o, out) + " --shard " + sh.String()
	store := filepath.Join(out, study.StoreDir)
	switch {
	case oc.Interrupted:
		fmt.Fprintf(w, "sweep %s: shard %s interrupted: %d of its %d runs finished and kept in %s\n",
			s.Name, sh, oc.Finished, oc.Manifest.Runs, store)
		fmt.Fprintf(w, "resume with: %s\n", resume)
		return err
	case err != nil:
		return fmt.Errorf("%w; resume with: %s", err, resume)
	}
	fmt.Fprintf(w, "sweep %s: shard %s: %d runs in %.1fs (%d trained, %d reused from the run store)",
		s.Name, sh, oc.Manifest.Runs, oc.Seconds, oc.Stats.Trained, oc.Stats.Reused)
	if oc.Stats.Diverged > 0 {
		fmt.Fprintf(w, ", %d diverged", oc.Stats.Diverged)
	}
	fmt.Fprintf(w, "\nwrote %s and %s; when every shard is done: lossexp merge %s\n",
		filepath.Join(out, study.ShardDir, sh.FileName()), store, shellPath(out))
	return nil
}
