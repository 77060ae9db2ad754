package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExport_OutIsTheResultsFolder: -o/--out means the results folder, as
// in sweep and merge; export writes its file into it, --out - prints it,
// and an -o FILE of earlier versions is refused with the cure.
func TestExport_OutIsTheResultsFolder(t *testing.T) {
	spec := writeSpec(t, tinySpec)
	dir := t.TempDir()
	out := filepath.Join(dir, "res")
	code, _, stderr := run(t, "export", "slurm", spec, "--shards", "2", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "submit.sh"))
	if err != nil {
		t.Fatalf("no submit.sh in --out: %v (stderr %s)", err, stderr)
	}
	if !strings.Contains(string(b), "--out "+out) || !strings.Contains(stderr, "bash "+filepath.Join(out, "submit.sh")) {
		t.Errorf("script does not write to --out %s, or stderr does not say how to submit:\n%s\n%s", out, b, stderr)
	}
	code, _, stderr = run(t, "export", "k8s", spec, "--shards", "2", "--image", "i:1", "--out", out)
	if code != 0 {
		t.Fatalf("k8s: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "job.yaml")); err != nil {
		t.Errorf("no job.yaml in --out: %v", err)
	}
	code, stdout, stderr := run(t, "export", "k8s", spec, "--shards", "2", "--image", "i:1", "--out", "-")
	if code != 0 || !strings.Contains(stdout, "kind: Job") {
		t.Errorf("--out -: exit %d, stdout %.200s, stderr %s", code, stdout, stderr)
	}
	// The default is results/<name>, relative to the working folder as
	// for lossexp sweep.
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	os.Chdir(dir)
	if code, _, stderr := run(t, "export", "slurm", spec, "--shards", "2"); code != 0 {
		t.Fatalf("default --out: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "results", "tiny", "submit.sh")); err != nil {
		t.Errorf("default: %v", err)
	}
	// The deprecated --output FILE still writes the file, with a warning.
	file := filepath.Join(dir, "old.sh")
	code, _, stderr = run(t, "export", "slurm", spec, "--shards", "2", "--output", file)
	if code != 0 || !strings.Contains(stderr, "deprecated") {
		t.Errorf("--output: exit %d, stderr %s", code, stderr)
	}
	if _, err := os.Stat(file); err != nil {
		t.Errorf("--output: %v", err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "submit.sh"}, "looks like a file name"},
		{[]string{"-o", file}, "is a file"},
		{[]string{"--cpus", "-4"}, "--cpus must be ≥ 1"},
		{[]string{"--cpus", "0"}, "--cpus must be ≥ 1"},
		{[]string{"--time", "forever"}, "--time"},
		{[]string{"--mem", "4G\n#SBATCH --wrap=evil"}, "--mem"},
		{[]string{"--shards", "100000000"}, "more than the sweep's"},
	} {
		args := append([]string{"export", "slurm", spec, "--shards", "2"}, tt.args...)
		code, _, stderr := run(t, args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 naming %q", tt.args, code, stderr, tt.want)
		}
	}
}
