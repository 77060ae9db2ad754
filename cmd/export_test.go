package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/lossexp/lossexp/study"
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

// TestExport_ShardsAcceptTheFolder: the folder export writes into is one
// the shards accept (submit.sh, job.yaml and the Slurm jobs' logs are
// lossexp's), merge completes in it, and --force keeps export's files.
// Before, every shard refused it: "is not empty and holds no lossexp
// results (found submit.sh)". The folder's name holds glob syntax: merge
// found no shard manifests in it, and its manifest listed no figure.
func TestExport_ShardsAcceptTheFolder(t *testing.T) {
	spec := writeSpec(t, tinySpec)
	out := filepath.Join(t.TempDir(), `res [2] b\s*`)
	for _, args := range [][]string{
		{"export", "slurm", spec, "--shards", "2", "--out", out},
		{"export", "k8s", spec, "--shards", "2", "--image", "i:1", "--out", out},
	} {
		if code, _, stderr := run(t, args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
	}
	// Slurm opens a task's log before the task runs.
	logs := filepath.Join(out, "slurm-logs")
	os.Mkdir(logs, 0o755)
	os.WriteFile(filepath.Join(logs, "lossexp-tiny-7_0.log"), nil, 0o644)
	for _, args := range [][]string{
		{"sweep", spec, "--shard", "0/2", "--out", out, "--quiet"},
		{"sweep", spec, "--shard", "1/2", "--out", out, "--quiet"},
		{"merge", out},
	} {
		if code, _, stderr := run(t, args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
	}
	if m, err := study.ReadManifest(out); err != nil || !slices.ContainsFunc(m.Files, func(f string) bool { return strings.HasSuffix(f, ".png") }) {
		t.Errorf("merge's manifest lists no figure: %v", err)
	}
	other := writeSpec(t, strings.Replace(tinySpec, "seed: 2", "seed: 3", 1))
	if code, _, stderr := run(t, "sweep", other, "--out", out, "--force", "--quiet"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"submit.sh", "job.yaml", "slurm-logs/lossexp-tiny-7_0.log"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("--force removed export's %s: %v", f, err)
		}
	}
}

// TestExport_SlurmStdinRefused: the shards read the spec on the nodes, so
// a spec on standard input is refused (exit 2, naming the cure) before
// anything is read or written; it used to write a script that ran
// "lossexp sweep <cwd>/-".
func TestExport_SlurmStdinRefused(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	var o, e bytes.Buffer
	in := strings.NewReader(tinySpec)
	code := Main(context.Background(), []string{"export", "slurm", "-", "--shards", "2", "--out", out}, in, &o, &e)
	if code != 2 || !strings.Contains(e.String(), "save it there and pass its path") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming the cure", code, e.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("export slurm - wrote %s", out)
	}
}

// TestExport_K8sSpecFromStdin: the Job carries the spec's text in its
// ConfigMap, so `export k8s -` takes the spec from standard input (it
// failed with "open -"); a spec path that is a named pipe is refused, not
// read (the open would block).
func TestExport_K8sSpecFromStdin(t *testing.T) {
	var o, e bytes.Buffer
	code := Main(context.Background(), []string{"export", "k8s", "-", "--shards", "2", "--image", "x", "--out", "-"}, strings.NewReader(tinySpec), &o, &e)
	if code != 0 {
		t.Fatalf("export k8s -: exit %d: %s", code, e.String())
	}
	if !strings.Contains(o.String(), "repeats: 2") || !strings.Contains(o.String(), "kind: ConfigMap") {
		t.Errorf("the ConfigMap does not carry the spec read from standard input:\n%s", o.String())
	}
	fifo := filepath.Join(t.TempDir(), "spec.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "export", "k8s", fifo, "--shards", "2", "--image", "x", "--out", "-")
	if code != 2 || !strings.Contains(stderr, "named pipe") {
		t.Errorf("spec FIFO: exit %d, %q; want exit 2 naming the pipe", code, stderr)
	}
}

// TestExport_SlurmPathsAbsolute: the jobs run in the results folder, so a
// relative --binary or --data-dir is made absolute (against the folder
// export ran in) before it reaches the script.
func TestExport_SlurmPathsAbsolute(t *testing.T) {
	spec := writeSpec(t, tinySpec)
	dir := t.TempDir()
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	os.Chdir(dir)
	code, stdout, stderr := run(t, "export", "slurm", spec, "--shards", "2", "--binary", "./bin/lossexp", "--data-dir", "data", "--out", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"exec " + filepath.Join(dir, "bin", "lossexp") + " sweep", "--data-dir " + filepath.Join(dir, "data")} {
		if !strings.Contains(stdout, want) {
			t.Errorf("script lacks %q:\n%s", want, stdout)
		}
	}
}
