package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lossexp/lossexp/sweep"
)

// shardEnv are the variables --shard auto reads; tests clear them all so
// that the machine running the tests (a CI job on Kubernetes or Slurm)
// does not leak into them.
var shardEnv = []string{sweep.EnvK8sIndex, sweep.EnvShards, sweep.EnvSlurmID, sweep.EnvSlurmCount,
	sweep.EnvSlurmMin, sweep.EnvSlurmMax, sweep.EnvSlurmStep, "LOSSEXP_SHARD"}

func clearShardEnv(t *testing.T) {
	t.Helper()
	for _, k := range shardEnv {
		t.Setenv(k, "")
	}
}

// TestSweep_ShardRefused: bad --shard values and environments are input
// errors (exit 2) with these exact messages, and nothing is written.
func TestSweep_ShardRefused(t *testing.T) {
	spec := writeSpec(t, tinySpec)
	tests := []struct {
		name  string
		shard string
		env   map[string]string
		force bool
		want  string
	}{
		{"index beyond count", "3/2", nil, false, "lossexp: --shard 3/2: shard index 3 is out of range: 2 shards are numbered 0 to 1\n"},
		{"index equal to count", "2/2", nil, false, "lossexp: --shard 2/2: shard index 2 is out of range: 2 shards are numbered 0 to 1\n"},
		{"no shards", "0/0", nil, false, "lossexp: --shard 0/0: the number of shards must be at least 1, got 0\n"},
		{"negative", "-1/4", nil, false, "lossexp: --shard -1/4: the shard index must be at least 0, got -1\n"},
		{"letters", "x/y", nil, false, "lossexp: --shard x/y: want i/n with whole numbers 0 ≤ i < n (e.g. 0/4), or auto\n"},
		{"one number", "3", nil, false, "lossexp: --shard 3: want i/n with whole numbers 0 ≤ i < n (e.g. 0/4), or auto\n"},
		{"with --force", "0/2", nil, true, "lossexp: --force cannot be used with --shard: shards share the output folder and never clear it; empty it before starting the shards, or choose another --out\n"},
		{"auto without an engine", "auto", nil, false,
			"lossexp: --shard auto: no shard in the environment: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job, with LOSSEXP_SHARDS) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set; give --shard i/n\n"},
		{"auto, engines conflict", "auto", map[string]string{"JOB_COMPLETION_INDEX": "1", "LOSSEXP_SHARDS": "3", "SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"}, false,
			"lossexp: --shard auto: the Kubernetes variables say shard 1/3 (JOB_COMPLETION_INDEX=1, LOSSEXP_SHARDS=3) but the Slurm variables say shard 2/3 (SLURM_ARRAY_TASK_ID=2, LOSSEXP_SHARDS=3): unset one engine's variables, or give --shard i/n\n"},
		{"auto, kubernetes without the count", "auto", map[string]string{"JOB_COMPLETION_INDEX": "1"}, false,
			"lossexp: --shard auto: JOB_COMPLETION_INDEX=1 is set (a Kubernetes Indexed Job) but LOSSEXP_SHARDS is not: set it to the Job's completions\n"},
		{"auto, slurm index beyond the array", "auto", map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"}, false,
			"lossexp: --shard auto: SLURM_ARRAY_TASK_ID=5, SLURM_ARRAY_TASK_COUNT=3, SLURM_ARRAY_TASK_MIN=1: shard index 4 is out of range: 3 shards are numbered 0 to 2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearShardEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			out := filepath.Join(t.TempDir(), "out")
			args := []string{"sweep", spec, "--out", out, "-q", "--shard", tt.shard}
			if tt.force {
				args = append(args, "--force")
			}
			code, _, stderr := run(t, args...)
			if code != ExitInput {
				t.Errorf("exit %d, want %d", code, ExitInput)
			}
			if stderr != tt.want {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, tt.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was created", out)
			}
		})
	}
}

// TestSweep_ShardAuto: --shard auto takes the shard from each engine's
// variables (Slurm's with an array starting at 1) and writes only that
// shard's runs and manifest.
func TestSweep_ShardAuto(t *testing.T) {
	spec := writeSpec(t, tinySpec) // 4 points × 2 repeats = 8 runs
	tests := []struct {
		name string
		env  map[string]string
		want sweep.Shard
		runs int
	}{
		{"kubernetes", map[string]string{"JOB_COMPLETION_INDEX": "1", "LOSSEXP_SHARDS": "3"}, sweep.Shard{Index: 1, Count: 3}, 3},
		{"slurm", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "3"}, sweep.Shard{Index: 2, Count: 3}, 2},
		{"slurm with LOSSEXP_SHARDS", map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "0", "LOSSEXP_SHARDS": "4"}, sweep.Shard{Index: 0, Count: 4}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearShardEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := run(t, "sweep", spec, "--out", out, "-q", "--workers", "2", "--shard", "auto")
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if !strings.Contains(stderr, "shard "+tt.want.String()+" (") {
				t.Errorf("stderr does not name shard %s and its source:\n%s", tt.want, stderr)
			}
			man := readShardManifest(t, out, tt.want)
			if man.Runs != tt.runs || man.Trained != tt.runs || !man.Complete || man.TotalRuns != 8 {
				t.Errorf("manifest: runs %d trained %d complete %v total %d; want %d runs, all trained, of 8",
					man.Runs, man.Trained, man.Complete, man.TotalRuns, tt.runs)
			}
			if got := countRecords(t, out); got != tt.runs {
				t.Errorf("%d run records, want %d", got, tt.runs)
			}
			// Only the store and the manifest: no tables a shard could
			// share with another.
			entries, _ := os.ReadDir(out)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if strings.Join(names, ",") != ".lossexp.lock,runs,shards" {
				t.Errorf("shard wrote %v, want only the lock file, runs and shards", names)
			}
		})
	}
}

func readShardManifest(t *testing.T, out string, sh sweep.Shard) *sweep.ShardRecord {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, sweep.ShardDir, sh.FileName()))
	if err != nil {
		t.Fatal(err)
	}
	var r sweep.ShardRecord
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func countRecords(t *testing.T, out string) int {
	t.Helper()
	return sweep.CountRecords(filepath.Join(out, sweep.StoreDir))
}

// identicalFiles are the files a merge must write byte for byte as a
// single sweep does: all but timings.csv, cost.csv, cost_vs_*.png and
// report.html (which quote seconds) and manifest.json (times).
var identicalFiles = []string{"runs.csv", "summary.csv", "curves.csv", "balance.csv", "paired.csv", "spec.yaml"}

func compareResults(t *testing.T, want, got string) {
	t.Helper()
	for _, f := range identicalFiles {
		a, err := os.ReadFile(filepath.Join(want, f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(got, f))
		if err != nil {
			t.Fatalf("merge did not write %s: %v", f, err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the single sweep's", f)
		}
	}
	pngs, _ := filepath.Glob(filepath.Join(want, "*.png"))
	for _, p := range pngs {
		if strings.HasPrefix(filepath.Base(p), "cost") {
			continue
		}
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(got, filepath.Base(p)))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the single sweep's (%v)", filepath.Base(p), err)
		}
	}
}

// TestShard_ThreeProcessesMerge runs a spec as one sweep and as three
// shard processes into one folder, merges, and compares: runs.csv,
// summary.csv, curves.csv, the balance and paired tables, spec.yaml and
// the plots but the cost plot are the same bytes. It also merges shards
// that wrote to three different folders.
func TestShard_ThreeProcessesMerge(t *testing.T) {
	bin := buildBinary(t)
	spec := writeSpec(t, tinySpec)
	dir := t.TempDir()
	single, shared := filepath.Join(dir, "single"), filepath.Join(dir, "shared")
	env := append(os.Environ(), "JOB_COMPLETION_INDEX=", "SLURM_ARRAY_TASK_ID=", "LOSSEXP_SHARD=")
	runBin := func(wantCode int, args ...string) string {
		t.Helper()
		c := exec.Command(bin, args...)
		c.Env = env
		out, err := c.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != wantCode {
			t.Fatalf("lossexp %s: exit %d, want %d\n%s", strings.Join(args, " "), code, wantCode, out)
		}
		return string(out)
	}
	runBin(0, "sweep", spec, "--out", single, "-q", "--workers", "2")

	// Three shard processes at once into one folder.
	var procs []*exec.Cmd
	var outs []*bytes.Buffer
	for i := 0; i < 3; i++ {
		c := exec.Command(bin, "sweep", spec, "--out", shared, "-q", "--workers", "1", "--shard", fmt.Sprintf("%d/3", i))
		c.Env = env
		var b bytes.Buffer
		c.Stdout, c.Stderr = &b, &b
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		procs, outs = append(procs, c), append(outs, &b)
	}
	for i, c := range procs {
		if err := c.Wait(); err != nil {
			t.Fatalf("shard %d/3: %v\n%s", i, err, outs[i])
		}
	}
	if n := countRecords(t, shared); n != 8 {
		t.Fatalf("%d records after three shards, want 8", n)
	}
	runBin(0, "merge", shared)
	compareResults(t, single, shared)

	// Shards in three folders, merged into a fourth.
	var dirs []string
	for i := 0; i < 3; i++ {
		d := filepath.Join(dir, fmt.Sprintf("part%d", i))
		runBin(0, "sweep", spec, "--out", d, "-q", "--workers", "1", "--shard", fmt.Sprintf("%d/3", i))
		dirs = append(dirs, d)
	}
	merged := filepath.Join(dir, "merged")
	runBin(0, append(append([]string{"merge"}, dirs...), "--out", merged)...)
	compareResults(t, single, merged)
	if n := countRecords(t, merged); n != 8 {
		t.Errorf("%d records copied into the merged store, want 8", n)
	}
}

// TestShard_KillRefill kills a shard process part way (SIGKILL), checks
// that merge refuses and names the shard and its missing runs, re-runs
// the shard and checks that it trains exactly the runs it lacked and
// leaves the stored ones untouched; the merged tables then match a
// single sweep's.
func TestShard_KillRefill(t *testing.T) {
	bin := buildBinary(t)
	spec := writeSpec(t, killSpec) // 10 points × 4 repeats
	dir := t.TempDir()
	out := filepath.Join(dir, "sharded")
	env := append(os.Environ(), "JOB_COMPLETION_INDEX=", "SLURM_ARRAY_TASK_ID=", "LOSSEXP_SHARD=")
	sh := sweep.Shard{Index: 1, Count: 3}

	c := exec.Command(bin, "sweep", spec, "--out", out, "-q", "--workers", "1", "--shard", sh.String())
	c.Env = env
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && countRecords(t, out) < 3 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := c.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the shard finished before it could be killed:\n%s", stderr.String())
	}
	// What the killed shard stored: its segment, never written again.
	before := map[string][]byte{}
	for _, f := range storeSegments(t, out) {
		before[f], _ = os.ReadFile(f)
	}
	kept := countRecords(t, out)
	man := readShardManifest(t, out, sh)
	if man.Complete || !man.Ended.IsZero() || man.Runs != 13 {
		t.Fatalf("manifest of the killed shard: complete %v, ended %v, runs %d", man.Complete, man.Ended, man.Runs)
	}
	if kept >= man.Runs {
		t.Fatalf("the shard stored all %d runs before it was killed", kept)
	}

	// Merge refuses, naming the shard and its missing runs, and writes
	// nothing.
	m := exec.Command(bin, "merge", out)
	m.Env = env
	mout, err := m.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("merge of an incomplete store: %v, want exit 1\n%s", err, mout)
	}
	for _, want := range []string{
		fmt.Sprintf("shard 0/3: 14 of its 14 runs missing (no manifest: the shard never started here)"),
		fmt.Sprintf("shard 1/3: %d of its 13 runs missing (started on ", 13-kept),
		"and never finished: still running, or killed)",
		fmt.Sprintf("lossexp sweep %s --shard 1/3 --out %s", spec, out),
		fmt.Sprintf("lossexp: merge kill: %d of 40 runs missing (shards 0/3, 1/3, 2/3); nothing written", 40-kept),
	} {
		if !strings.Contains(string(mout), want) {
			t.Errorf("merge output lacks %q:\n%s", want, mout)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "runs.csv")); err == nil {
		t.Error("merge wrote runs.csv with runs missing")
	}

	// Re-run the shard: it trains only its holes.
	r := exec.Command(bin, "sweep", spec, "--out", out, "--workers", "2", "--shard", sh.String())
	r.Env = env
	rout, err := r.CombinedOutput()
	if err != nil {
		t.Fatalf("re-run: %v\n%s", err, rout)
	}
	want := fmt.Sprintf("resuming: %d of 13 runs already in %s, %d to train", kept, filepath.Join(out, sweep.StoreDir), 13-kept)
	if !strings.Contains(string(rout), want) {
		t.Errorf("re-run output lacks %q:\n%s", want, rout)
	}
	man = readShardManifest(t, out, sh)
	if man.Trained != 13-kept || man.Reused != kept || !man.Complete {
		t.Errorf("manifest after the re-run: trained %d reused %d complete %v; want %d, %d, true", man.Trained, man.Reused, man.Complete, 13-kept, kept)
	}
	for f, b := range before {
		if now, err := os.ReadFile(f); err != nil || !bytes.Equal(now, b) {
			t.Errorf("segment %s was rewritten by the re-run", filepath.Base(f))
		}
	}

	// The other shards, the merge, and a single sweep to compare with.
	for _, i := range []string{"0/3", "2/3"} {
		c := exec.Command(bin, "sweep", spec, "--out", out, "-q", "--workers", "2", "--shard", i)
		c.Env = env
		if b, err := c.CombinedOutput(); err != nil {
			t.Fatalf("shard %s: %v\n%s", i, err, b)
		}
	}
	if b, err := exec.Command(bin, "merge", out).CombinedOutput(); err != nil {
		t.Fatalf("merge: %v\n%s", err, b)
	}
	single := filepath.Join(dir, "single")
	if b, err := exec.Command(bin, "sweep", spec, "--out", single, "-q", "--workers", "2").CombinedOutput(); err != nil {
		t.Fatalf("single sweep: %v\n%s", err, b)
	}
	compareResults(t, single, out)
}

// TestMerge_Partial: --partial writes the tables of the runs there are
// and says the merge is incomplete; without it nothing is written.
func TestMerge_Partial(t *testing.T) {
	clearShardEnv(t)
	spec := writeSpec(t, tinySpec)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q", "--shard", "0/2"); code != 0 {
		t.Fatalf("shard: exit %d\n%s", code, stderr)
	}
	code, _, stderr := run(t, "merge", out)
	if code != ExitFailure || !strings.Contains(stderr, "shard 1/2: 4 of its 4 runs missing (no manifest: the shard never started here)") {
		t.Fatalf("merge: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "runs.csv")); err == nil {
		t.Fatal("merge wrote runs.csv with runs missing")
	}
	code, _, stderr = run(t, "merge", out, "--partial")
	if code != 0 {
		t.Fatalf("merge --partial: exit %d\n%s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(b), "\n") - 1; rows != 4 {
		t.Errorf("runs.csv has %d rows, want the 4 of shard 0/2", rows)
	}
	var m Manifest
	mb, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(mb, &m); err != nil || m.Complete || m.Finished != 4 || m.Runs != 8 {
		t.Errorf("manifest: complete %v finished %d runs %d (%v)", m.Complete, m.Finished, m.Runs, err)
	}
}

// TestMerge_Refused: folders that are not shard results, and shards of two
// different studies, are input errors.
func TestMerge_Refused(t *testing.T) {
	clearShardEnv(t)
	spec := writeSpec(t, tinySpec)
	other := writeSpec(t, strings.Replace(tinySpec, "seed: 2", "seed: 3", 1))
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	run(t, "sweep", spec, "--out", a, "-q", "--shard", "0/2")
	run(t, "sweep", other, "--out", b, "-q", "--shard", "1/2")
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)

	code, _, stderr := run(t, "merge", a, b, "--out", filepath.Join(dir, "m"))
	if code != ExitInput || !strings.Contains(stderr, "come from different studies") {
		t.Errorf("two studies: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run(t, "merge", empty)
	want := fmt.Sprintf("lossexp: merge: %s holds no shard manifests (shards/) and no spec.yaml: is it a results folder written by lossexp sweep --shard?\n", empty)
	if code != ExitInput || stderr != want {
		t.Errorf("empty folder: exit %d\n%s\nwant\n%s", code, stderr, want)
	}
	code, _, stderr = run(t, "merge", filepath.Join(dir, "nope"))
	if code != ExitInput || !strings.Contains(stderr, "no such file or directory") {
		t.Errorf("missing folder: exit %d\n%s", code, stderr)
	}
	// A shard of another study into a folder holding shards of this one.
	code, _, stderr = run(t, "sweep", other, "--out", a, "-q", "--shard", "1/2")
	if code != ExitInput || !strings.Contains(stderr, "holds the results of another spec") || !strings.Contains(stderr, "in seed") {
		t.Errorf("shard of another study: exit %d\n%s", code, stderr)
	}
}
