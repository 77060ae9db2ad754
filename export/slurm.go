package export

import (
	"fmt"
	"io"
	"strings"
	"text/template"
)

// SlurmOptions describe a Slurm job array for one sharded sweep.
type SlurmOptions struct {
	Name      string // spec name
	SpecPath  string // path of the spec on the cluster's shared filesystem
	Shards    int    // array tasks 0..Shards-1
	Out       string // results folder on the shared filesystem
	DataDir   string // --data-dir ("" = none)
	Binary    string // lossexp binary on the cluster (default "lossexp")
	Partition string
	Time      string // per task, e.g. "01:00:00"
	CPUs      int    // --cpus-per-task (also --workers); 0 = 1
	Memory    string // --mem, e.g. "4G"
	MaxAtOnce int    // %N throttle on the array (0 = none)
	Runs      int    // runs of the sweep: --shards may not exceed it (0 = unknown)
	Script    string // where the script is written, for its own comment ("" = submit.sh)
	LogDir    string // the jobs' log folder, relative to Out ("" = slurm-logs)
	// Trainer is the program of the spec's training command (trainer:),
	// "" for the built-in trainer.
	Trainer string
}

var slurmTmpl = template.Must(template.New("slurm").Funcs(template.FuncMap{"q": shellQuote}).Parse(`#!/bin/bash
# lossexp sweep {{.Name}} as a Slurm job array: {{.Shards}} shards, then a merge
# that runs when every shard has succeeded (afterok dependency).
# Run this script on a login node:  bash {{q .Script}}
# When a shard fails or is cancelled, the merge is cancelled with it
# (--kill-on-invalid-dep=yes). Re-submit that shard alone, with a new merge
# after it (the shard trains only the runs it lacks):
#   bash {{q .Script}} 3        (or 3,5 or 2-4: array task ids = shard numbers)
# or run it anywhere, then merge:
#   {{q .Binary}} sweep {{q .SpecPath}} --shard <i>/{{.Shards}} --out {{q .Out}}
#   {{q .Binary}} merge {{q .Out}}
# The jobs run in the results folder; their logs go to {{.LogDir}}/ there.
{{- if .Trainer}}
# The spec runs a training command (trainer:, program {{.Trainer}}): every node
# must have it and the files the command and trainer.inputs name; relative
# paths resolve against the spec's folder on the shared filesystem.
{{- end}}
set -euo pipefail

tasks=${1:-0-{{.Last}}}
if ! [[ $tasks =~ ^(0|[1-9][0-9]*)(-(0|[1-9][0-9]*))?(,(0|[1-9][0-9]*)(-(0|[1-9][0-9]*))?)*$ ]]; then
	echo "usage: bash $0 [TASKS]: TASKS are the shards to submit, e.g. 3, 3,5 or 2-4 (default 0-{{.Last}}, all)" >&2
	exit 2
fi
for t in ${tasks//[-,]/ }; do
	if ((t > {{.Last}})); then
		echo "bash $0 $tasks: shard $t does not exist (shards 0-{{.Last}})" >&2
		exit 2
	fi
done
cd -- {{q .Out}}
mkdir -p {{.LogDir}}

array_id=$(sbatch --parsable --array="${tasks}{{if .MaxAtOnce}}%{{.MaxAtOnce}}{{end}}" <<'SBATCH'
#!/bin/bash
#SBATCH --job-name=lossexp-{{.Name}}
#SBATCH --cpus-per-task={{.CPUs}}
{{- if .Memory}}
#SBATCH --mem={{.Memory}}{{end}}
{{- if .Time}}
#SBATCH --time={{.Time}}{{end}}
{{- if .Partition}}
#SBATCH --partition={{.Partition}}{{end}}
#SBATCH --output=/dev/null
# The log is opened here, not by Slurm (--output): Slurm expands % in the
# whole path of a log, the results folder's name included.
cd -- {{q .Out}} || exit 1
exec >>"{{.LogDir}}/lossexp-{{.Name}}-${SLURM_ARRAY_JOB_ID:-}_${SLURM_ARRAY_TASK_ID:-}.log" 2>&1
# The shard is SLURM_ARRAY_TASK_ID of LOSSEXP_SHARDS: re-submitting one task
# (bash submit.sh 3) runs shard 3 again, filling only its missing runs.
export LOSSEXP_SHARDS={{.Shards}}
exec {{q .Binary}} sweep {{q .SpecPath}} --shard auto --out {{q .Out}} --workers {{.CPUs}} --quiet{{if .DataDir}} --data-dir {{q .DataDir}}{{end}}
SBATCH
)
echo "submitted shard array ${array_id} (tasks ${tasks})"

merge_id=$(sbatch --parsable --dependency=afterok:${array_id} --kill-on-invalid-dep=yes <<'SBATCH'
#!/bin/bash
#SBATCH --job-name=lossexp-{{.Name}}-merge
#SBATCH --cpus-per-task=1
{{- if .Partition}}
#SBATCH --partition={{.Partition}}{{end}}
#SBATCH --output=/dev/null
cd -- {{q .Out}} || exit 1
exec >>"{{.LogDir}}/lossexp-{{.Name}}-merge-${SLURM_JOB_ID:-}.log" 2>&1
exec {{q .Binary}} merge {{q .Out}}
SBATCH
)
echo "submitted merge ${merge_id}, after ${array_id} succeeds; results in "{{q .Out}}
`))

// WriteSlurm writes a bash driver that submits the shard array and the
// dependent merge job with sbatch.
func WriteSlurm(w io.Writer, o SlurmOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	if o.Binary == "" {
		o.Binary = "lossexp"
	}
	if o.CPUs == 0 {
		o.CPUs = 1
	}
	if o.Script == "" {
		o.Script = "submit.sh"
	}
	if o.LogDir == "" {
		o.LogDir = "slurm-logs"
	}
	data := struct {
		SlurmOptions
		Last int
	}{o, o.Shards - 1}
	return slurmTmpl.Execute(w, data)
}

// validate checks every value that reaches the script: names and flag
// values against what sbatch accepts, paths for control characters (they
// are single-quoted in the script).
func (o *SlurmOptions) validate() error {
	if err := checkName(o.Name); err != nil {
		return err
	}
	if err := checkShards(o.Shards, o.Runs); err != nil {
		return err
	}
	switch {
	case o.CPUs < 0:
		return fmt.Errorf("--cpus must be ≥ 1, got %d", o.CPUs)
	case o.CPUs > 4096:
		return fmt.Errorf("--cpus %d: more than 4096 CPUs per task", o.CPUs)
	case o.MaxAtOnce < 0:
		return fmt.Errorf("--max-at-once must be ≥ 0, got %d", o.MaxAtOnce)
	case o.Memory != "" && !slurmMem.MatchString(o.Memory):
		return fmt.Errorf("--mem %s: want a size such as 4G, 512M or 4096 (megabytes)", Clip(o.Memory))
	case o.Time != "" && !slurmTime.MatchString(o.Time):
		return fmt.Errorf("--time %s: want minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. 01:30:00)", Clip(o.Time))
	case o.Partition != "" && !slurmPartition.MatchString(o.Partition):
		return fmt.Errorf("--partition %s: want a partition name (letters, digits, '.', '-', '_'; a list separated by commas)", Clip(o.Partition))
	}
	if o.LogDir != "" && !specName.MatchString(o.LogDir) {
		return fmt.Errorf("log folder %s: want a plain name", Clip(o.LogDir))
	}
	for _, p := range []struct{ flag, v string }{{"spec", o.SpecPath}, {"--out", o.Out}, {"--data-dir", o.DataDir}, {"--binary", o.Binary}, {"script", o.Script}, {"trainer", o.Trainer}} {
		if err := checkPath(p.flag, p.v); err != nil {
			return err
		}
	}
	return nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:@+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
