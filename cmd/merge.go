package cmd

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/lossexp/lossexp/study"
)

// MergeOptions are the settings of `lossexp merge`.
type MergeOptions struct {
	IO      *IO
	Dirs    []string
	Out     string // folder to write; default Dirs[0]
	Partial bool   // write the tables of the runs there are when some are missing
	DataDir string // only for folders without shard manifests
	Cache   string // the fetch cache, resolved by cacheDirSetting
	JSON    bool
}

func newCmdMerge(streams *IO, v *viper.Viper, runF func(context.Context, *MergeOptions) error) *cobra.Command {
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
			bind(v, c, "cache-dir")
			opts.Cache = cacheDirSetting(v)
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return mergeRun(c.Context(), opts)
		},
	}
	c.Flags().StringVarP(&opts.Out, "out", "o", "", "folder to write (default: the first DIR)")
	c.Flags().BoolVar(&opts.Partial, "partial", false, "write the tables of the runs there are when some are missing (exit 0)")
	c.Flags().StringVar(&opts.DataDir, "data-dir", "", "folder of CSV datasets, for folders without shard manifests")
	addCacheDirFlag(c)
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the final summary (runs, files, balance points per term, report path) as one JSON document on standard output")
	return c
}

func mergeRun(ctx context.Context, o *MergeOptions) error {
	oc, err := study.Merge(ctx, study.MergeOptions{
		Dirs: o.Dirs, Out: o.Out, Partial: o.Partial, DataDir: o.DataDir, Cache: o.Cache, Limits: study.DefaultLimits(),
		Log: o.IO.Err, Tool: Version, BLAS: study.BLAS(),
	})
	if err != nil {
		return err
	}
	w, m, s := o.IO.Err, oc.Manifest, oc.Study.Spec
	if o.JSON {
		return printSweepResult(o.IO.Out, w, true, newSweepResult(oc.Out, m))
	}
	fmt.Fprintf(w, "merge %s: %d of %d runs, from %s in %s", s.Name, m.Finished, m.Runs, plural(oc.Shards, "shard manifest"), plural(oc.Folders, "folder"))
	if oc.Copied > 0 {
		fmt.Fprintf(w, " (%d records copied into %s)", oc.Copied, filepath.Join(oc.Out, study.StoreDir))
	}
	if m.Diverged > 0 {
		fmt.Fprintf(w, ", %d diverged (see runs.csv, column reason)", m.Diverged)
	}
	fmt.Fprintf(w, "\nwrote %s: %s\n", oc.Out, strings.Join(append(slices.Clone(m.Files), study.ManifestFile), ", "))
	if oc.Missing > 0 {
		fmt.Fprintf(w, "merge %s: partial: %d of %d runs missing (manifest.json: complete false)\n", s.Name, oc.Missing, m.Runs)
	}
	ans, err := study.ReadAnswer(oc.Out)
	if err != nil {
		return err
	}
	return ans.WriteText(o.IO.Out)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
