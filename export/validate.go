package export

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// What the exported files accept. Every value that reaches a shell script
// is either checked against one of these patterns or single-quoted (paths),
// and a path must not hold a control character: a newline would end a
// comment, a directive or the here-document that carries the job script.
var (
	// specName is experiments' rule for spec names (letters, digits, '.',
	// '-', '_'); names reach #SBATCH lines and comments unquoted.
	specName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]*$`)
	// slurmMem is sbatch --mem: a size in megabytes or with a unit.
	slurmMem = regexp.MustCompile(`^[1-9][0-9]*[KMGT]?$`)
	// slurmTime is sbatch --time: minutes, minutes:seconds,
	// hours:minutes:seconds, days-hours, days-hours:minutes or
	// days-hours:minutes:seconds.
	slurmTime = regexp.MustCompile(`^([0-9]+|[0-9]+:[0-5]?[0-9]|[0-9]+:[0-5]?[0-9]:[0-5]?[0-9]|[0-9]+-[0-9]+|[0-9]+-[0-9]+:[0-5]?[0-9]|[0-9]+-[0-9]+:[0-5]?[0-9]:[0-5]?[0-9])$`)
	// slurmPartition is a partition name or a comma-separated list.
	slurmPartition = regexp.MustCompile(`^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$`)
	// dns1123 is a Kubernetes object name (namespace, claim).
	dns1123 = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)
)

// MaxShards bounds --shards beyond the number of runs: a Slurm array or an
// Indexed Job of more tasks than that is a typo.
const MaxShards = 100000

// checkShards validates --shards against the sweep's number of runs
// (runs ≤ 0: unknown).
func checkShards(shards, runs int) error {
	switch {
	case shards < 1:
		return fmt.Errorf("--shards must be ≥ 1, got %d", shards)
	case runs > 0 && shards > runs:
		return fmt.Errorf("--shards %d is more than the sweep's %d runs: a shard would have nothing to train (use at most %d)", shards, runs, runs)
	case shards > MaxShards:
		return fmt.Errorf("--shards %d is more than %d", shards, MaxShards)
	}
	return nil
}

// checkName validates a spec name.
func checkName(name string) error {
	if len(name) > 100 || !specName.MatchString(name) {
		return fmt.Errorf("spec name %s: use letters, digits, '-', '_' and '.', not starting with '.' or '-'", Clip(name))
	}
	return nil
}

// checkPath refuses a path that holds a control character (it would end a
// line of the script whatever the quoting).
func checkPath(flag, p string) error {
	if i := strings.IndexFunc(p, unicode.IsControl); i >= 0 {
		return fmt.Errorf("%s %s: holds a control character (%U at byte %d); a path for a shell script must not", flag, Clip(p), []rune(p[i:])[0], i)
	}
	return nil
}

// Clip quotes v for a message, cut to 60 bytes.
func Clip(v string) string {
	const max = 60
	if len(v) > max {
		cut := max
		for cut > 0 && !utf8Start(v[cut]) {
			cut--
		}
		return fmt.Sprintf("%q… (%d bytes)", v[:cut], len(v))
	}
	return fmt.Sprintf("%q", v)
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
