package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/export"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/study"
)

// ExportOptions are the settings of `lossexp export k8s|slurm`.
type ExportOptions struct {
	IO     *IO
	Spec   string
	Out    string // results folder; the file is written into it ("-" = standard output)
	Output string // deprecated --output: the file to write
	K8s    export.K8sOptions
	Slurm  export.SlurmOptions
}

func newCmdExport(streams *IO) *cobra.Command {
	c := &cobra.Command{
		Use:   "export",
		Short: "Write the files that run a sweep as shards on Kubernetes or Slurm",
		Long: `Write what a batch engine needs to run SPEC's sweep as n shards, each
running "lossexp sweep SPEC --shard auto" into a shared results folder, and
then "lossexp merge" to build the tables and plots.

  export k8s     a ConfigMap with the spec and a batch/v1 Indexed Job
  export slurm   a bash driver that sbatch-es a job array and a merge job
                 that depends on it (afterok)`,
		Example: `  lossexp export k8s configs/l1-sparsity.yaml --shards 8 --image ghcr.io/me/lossexp:0.1 --pvc lossexp-results
  lossexp export slurm configs/l1-sparsity.yaml --shards 8 --out /shared/results/l1`,
	}
	c.AddCommand(newCmdExportK8s(streams), newCmdExportSlurm(streams))
	return c
}

func newCmdExportK8s(streams *IO) *cobra.Command {
	o := &ExportOptions{IO: streams}
	c := &cobra.Command{
		Use:   "k8s SPEC",
		Short: "Write a Kubernetes Indexed Job (and a ConfigMap with the spec)",
		Long: `Write a ConfigMap holding SPEC and a batch/v1 Job with completionMode
Indexed: one pod index per shard (completions = --shards), --parallelism at
once, --backoff-per-index retries of a failed index. Each pod runs
"lossexp sweep /etc/lossexp/spec.yaml --shard auto --out /results/<name>";
Kubernetes sets JOB_COMPLETION_INDEX and the Job sets LOSSEXP_SHARDS. Mount
a ReadWriteMany PersistentVolumeClaim with --pvc so the shards' run files
land in one folder; without it results live in an emptyDir and are lost.

The manifest is written to OUT/job.yaml (--out, default results/<name>, the
folder lossexp sweep would use); --out - writes it to standard output.`,
		Example: `  lossexp export k8s configs/quickstart.yaml --shards 4 --image ghcr.io/me/lossexp:0.1 --pvc lossexp-results --out - | kubectl apply -f -`,
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Spec = args[0]
			return exportRun(c.Context(), o, true)
		},
	}
	f := c.Flags()
	f.IntVar(&o.K8s.Shards, "shards", 0, "number of shards (Job completions)")
	f.IntVar(&o.K8s.Parallelism, "parallelism", 0, "pods running at once (default: --shards)")
	f.StringVar(&o.K8s.Image, "image", "", "container image with the lossexp binary (see Dockerfile)")
	f.StringVar(&o.K8s.PVC, "pvc", "", "PersistentVolumeClaim mounted at /results")
	f.StringVar(&o.K8s.DataDir, "data-dir", "", "--data-dir inside the container, e.g. /results/data")
	f.StringVar(&o.K8s.CPU, "cpu", "2", "CPU request and limit per pod (also --workers)")
	f.StringVar(&o.K8s.Memory, "memory", "1Gi", "memory request and limit per pod")
	f.Int32Var(&o.K8s.BackoffPerIndex, "backoff-per-index", 2, "retries of a failed shard (backoffLimitPerIndex)")
	f.StringVar(&o.K8s.Namespace, "namespace", "", "namespace of the objects")
	exportOutFlags(c, o, exportK8sFile)
	return c
}

func newCmdExportSlurm(streams *IO) *cobra.Command {
	o := &ExportOptions{IO: streams}
	c := &cobra.Command{
		Use:   "slurm SPEC",
		Short: "Write a Slurm driver: a job array of shards and a dependent merge",
		Long: `Write a bash script that submits SPEC's sweep as a Slurm job array
(--array=0-(n-1), one shard per task, SLURM_ARRAY_TASK_ID selecting it) and a
merge job with --dependency=afterok on the array. Paths must be on a
filesystem that every node sees.

--out is the results folder the shards write to (default results/<name>,
as for lossexp sweep); the script is written into it as OUT/submit.sh
(--out - prints it instead). The jobs run in OUT and log to OUT/slurm-logs/;
the shards accept the folder and --force keeps these files. SPEC must be a
file the nodes can read ("-" is refused). Every path in the script is
single-quoted and --mem, --time, --cpus, --partition and --shards (at most
the number of runs) are checked before anything is written.

When a task fails or is cancelled, Slurm cancels the merge once the array
has ended (--kill-on-invalid-dep=yes). "bash OUT/submit.sh 5" re-submits
shard 5 alone (also 3,5 or 2-4) with a new merge after it; a re-run shard
trains only the runs it lacks.`,
		Example: `  lossexp export slurm configs/l1-sparsity.yaml --shards 8 --out /shared/results/l1 && bash /shared/results/l1/submit.sh
  bash /shared/results/l1/submit.sh 5   # after task 5 failed or was cancelled: shard 5 again, then the merge`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Spec = args[0]
			return exportRun(c.Context(), o, false)
		},
	}
	f := c.Flags()
	f.IntVar(&o.Slurm.Shards, "shards", 0, "number of shards (array tasks)")
	f.StringVar(&o.Slurm.DataDir, "data-dir", "", "--data-dir for the shards")
	f.StringVar(&o.Slurm.Binary, "binary", "lossexp", "path of the lossexp binary on the cluster")
	f.StringVar(&o.Slurm.Partition, "partition", "", "Slurm partition")
	f.StringVar(&o.Slurm.Time, "time", "", "time limit per shard, e.g. 01:00:00")
	f.IntVar(&o.Slurm.CPUs, "cpus", 2, "CPUs per shard (also --workers)")
	f.StringVar(&o.Slurm.Memory, "mem", "", "memory per shard, e.g. 4G")
	f.IntVar(&o.Slurm.MaxAtOnce, "max-at-once", 0, "run at most this many shards at once (%N)")
	exportOutFlags(c, o, exportSlurmFile)
	return c
}

// exportOutFlags adds --out (-o), the results folder as in every other
// command, and the deprecated --output FILE of earlier versions.
func exportOutFlags(c *cobra.Command, o *ExportOptions, file string) {
	f := c.Flags()
	f.StringVarP(&o.Out, "out", "o", "", "results folder; writes OUT/"+file+" (default results/<name>; - for standard output)")
	f.StringVar(&o.Output, "output", "", "file to write (deprecated: use --out FOLDER)")
	f.MarkHidden("output")
}

// exportFiles are the names export writes into the results folder.
const (
	exportK8sFile   = study.ExportK8sFile
	exportSlurmFile = study.ExportSlurmFile
)

func exportRun(ctx context.Context, o *ExportOptions, k8s bool) error {
	if !k8s && o.Spec == study.Stdin {
		// The shards read the spec on the nodes, long after this command
		// has gone: a spec on standard input is nowhere they could read it.
		return inputError(errors.New("export slurm -: the shards read the spec from a file on the filesystem every node sees (relative paths in it resolve against its folder); save it there and pass its path, e.g. lossexp export slurm /shared/specs/study.yaml"))
	}
	// The spec's text goes into the Job's ConfigMap as it is: read it
	// once (standard input too: the pods read the ConfigMap, not a path).
	raw, err := readSpecText(ctx, o.IO, o.Spec)
	if err != nil {
		return err
	}
	s, err := study.OutlineOf(raw, specName(o.Spec))
	if err != nil {
		return inputError(err)
	}
	if !k8s && o.Slurm.CPUs < 1 {
		return inputError(fmt.Errorf("--cpus must be ≥ 1, got %d", o.Slurm.CPUs))
	}
	if err := checkExportOut(o.Out, k8s); err != nil {
		return err
	}
	out := o.Out
	if out == "" || out == "-" {
		out = filepath.Join("results", s.Name)
	}
	target := ""
	switch {
	case o.Output != "":
		target = o.Output
		fmt.Fprintf(o.IO.Err, "note: --output is deprecated: -o/--out is the results folder (export writes %s into it); --out - prints to standard output\n", map[bool]string{true: exportK8sFile, false: exportSlurmFile}[k8s])
	case o.Out != "-":
		target = filepath.Join(out, map[bool]string{true: exportK8sFile, false: exportSlurmFile}[k8s])
		if err := refuseUserExportFile(target); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if k8s {
		o.K8s.Name, o.K8s.SpecYAML, o.K8s.Runs, o.K8s.Trainer = s.Name, raw, s.Runs, s.Trainer
		err = export.WriteK8s(&buf, o.K8s)
		if err != nil {
			return inputError(err)
		}
	} else if err := writeSlurmScript(&buf, o, s, out, target); err != nil {
		return err
	}
	return saveExport(o.IO, buf.Bytes(), target, k8s)
}

// checkExportOut refuses an --out that is a file: --out is a folder now;
// a name that looks like the file of earlier versions' -o FILE is almost
// surely one.
func checkExportOut(out string, k8s bool) error {
	if out == "" || out == "-" {
		return nil
	}
	if st, err := os.Stat(out); err == nil && !st.IsDir() {
		return inputError(fmt.Errorf("--out %s is a file: --out is the results folder (the script goes into it); use --out - for standard output", out))
	}
	if ext := filepath.Ext(out); ext == ".sh" || ext == ".yaml" || ext == ".yml" {
		return inputError(fmt.Errorf("--out %s looks like a file name: -o/--out is the results folder now (export writes %s into it); use --out - for standard output", out, map[bool]string{true: exportK8sFile, false: exportSlurmFile}[k8s]))
	}
	return nil
}

// writeSlurmScript writes the Slurm script of spec s into buf, for the
// results folder out and the script's own path target ("" for standard
// output). The jobs run in the results folder (their logs go to
// OUT/slurm-logs): every path they use must be absolute.
func writeSlurmScript(buf *bytes.Buffer, o *ExportOptions, s *study.Outline, out, target string) error {
	abs, err := filepath.Abs(o.Spec)
	if err != nil {
		return inputError(err)
	}
	if out, err = filepath.Abs(out); err != nil {
		return inputError(err)
	}
	if o.Slurm.DataDir != "" {
		if o.Slurm.DataDir, err = filepath.Abs(o.Slurm.DataDir); err != nil {
			return inputError(err)
		}
	}
	if strings.Contains(o.Slurm.Binary, "/") {
		if o.Slurm.Binary, err = filepath.Abs(o.Slurm.Binary); err != nil {
			return inputError(err)
		}
	}
	o.Slurm.Name, o.Slurm.SpecPath, o.Slurm.Out, o.Slurm.Runs, o.Slurm.LogDir = s.Name, abs, out, s.Runs, study.ExportLogDir
	o.Slurm.Trainer = s.Trainer
	if target != "" {
		if o.Slurm.Script, err = filepath.Abs(target); err != nil {
			return inputError(err)
		}
	}
	if err := export.WriteSlurm(buf, o.Slurm); err != nil {
		return inputError(err)
	}
	return nil
}

// saveExport writes the script or manifest b to target (standard output
// when target is "") and tells how to submit it.
func saveExport(streams *IO, b []byte, target string, k8s bool) error {
	if target == "" {
		_, err := streams.Out.Write(b)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return inputError(fmt.Errorf("create %s: %w", filepath.Dir(target), atomicfile.UnwrapPath(err)))
	}
	if err := atomicfile.WriteBytes(target, b); err != nil {
		return err
	}
	if !k8s {
		if err := os.Chmod(target, 0o755); err != nil {
			return err
		}
		fmt.Fprintf(streams.Err, "wrote %s; submit with: bash %s\n", target, shellPath(target))
		return nil
	}
	fmt.Fprintf(streams.Err, "wrote %s; apply with: kubectl apply -f %s\n", target, shellPath(target))
	return nil
}
