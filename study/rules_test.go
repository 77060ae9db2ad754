package study

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/dataset"
)

// The rules of study/ pinned at their boundaries (issue 26): which names
// are lossexp's, the lock mode a second process sees, the --max-runs
// boundary, the memory estimate's factors.

// TestInventory_EveryKnownName: each name lossexp always writes is ours
// (the lock neither ours nor foreign), spec.yaml alone is not results,
// the export's files are kept aside, a near miss of any name is foreign.
func TestInventory_EveryKnownName(t *testing.T) {
	names := []string{"runs.csv", "summary.csv", "curves.csv", "timings.csv", "balance.csv", "paired.csv", "stability.csv", "cost.csv",
		"methods.csv", "weights.csv", "report.html", "manifest.json", "spec.yaml", ".lossexp.lock", "samples.csv"}
	if got := slices.Sorted(slices.Values(knownFiles())); !slices.Equal(got, slices.Sorted(slices.Values(names))) {
		t.Errorf("knownFiles() = %v, want %v", got, names)
	}
	for _, n := range names {
		dir := t.TempDir()
		// beside the lock file lossexp leaves in every folder it writes
		os.WriteFile(filepath.Join(dir, LockFile), nil, 0o644)
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644)
		inv, err := takeInventory(dir)
		if err != nil {
			t.Fatal(err)
		}
		wantOurs := []string{n}
		if n == LockFile {
			wantOurs = nil
		}
		if !slices.Equal(inv.Ours, wantOurs) || len(inv.Foreign) != 0 {
			t.Errorf("%s: ours %v, foreign %v; want ours %v", n, inv.Ours, inv.Foreign, wantOurs)
		}
		if want := n != SpecFile && n != LockFile; inv.Results != want {
			t.Errorf("%s: results %v, want %v", n, inv.Results, want)
		}
		// Alone (round 6), the name is not enough: it is the user's.
		if n == LockFile {
			continue
		}
		os.Remove(filepath.Join(dir, LockFile))
		if inv, err = takeInventory(dir); err != nil || len(inv.Ours) != 0 || !slices.Equal(inv.Foreign, []string{n}) || inv.Results {
			t.Errorf("%s alone: ours %v, foreign %v, results %v (%v); want it the user's", n, inv.Ours, inv.Foreign, inv.Results, err)
		}
	}

	dir := t.TempDir()
	files := []string{
		"submit.sh", "job.yaml", "slurm-logs/job-1.out", // export's: neither
		".runs.csv.tmp-42",                                 // a temp of an atomic write: neither
		"runs.csv.tmp-42", ".runs.csv.tmp", "runs.csv.bak", // near misses: foreign
		"shards/shard-0-of-2.json", "shards/shard-0-of-2.txt", "shards/notes.json",
	}
	for _, f := range files {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	os.Mkdir(filepath.Join(dir, "submit.sh.d"), 0o755)
	inv, err := takeInventory(dir)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(inv.Foreign)
	wantForeign := []string{".runs.csv.tmp", "runs.csv.bak", "runs.csv.tmp-42", "shards/notes.json", "shards/shard-0-of-2.txt", "submit.sh.d"}
	if !slices.Equal(inv.Ours, []string{"shards/shard-0-of-2.json"}) || !slices.Equal(inv.Foreign, wantForeign) {
		t.Errorf("ours %v, foreign %v; want ours [shards/shard-0-of-2.json], foreign %v", inv.Ours, inv.Foreign, wantForeign)
	}
	// A file named like the export's log folder is not the folder.
	dir2 := t.TempDir()
	os.WriteFile(filepath.Join(dir2, ExportLogDir), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir2, ExportSlurmFile), 0o755)
	inv, _ = takeInventory(dir2)
	slices.Sort(inv.Foreign)
	if want := []string{ExportLogDir, ExportSlurmFile}; !slices.Equal(inv.Foreign, want) {
		t.Errorf("slurm-logs a file, submit.sh a folder: foreign %v, want %v", inv.Foreign, want)
	}
}

// probeLock runs flock(1) in another process on dir's lock file, without
// waiting: true when it got the lock (shared or exclusive as asked).
func probeLock(t *testing.T, dir string, exclusive bool) bool {
	t.Helper()
	mode := "-s"
	if exclusive {
		mode = "-x"
	}
	err := exec.Command("flock", "-n", mode, filepath.Join(dir, LockFile), "true").Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Skipf("flock(1): %v", err)
	}
	return err == nil
}

// TestSweep_LockExclusiveSeenFromAnotherProcess: while a sweep trains, a
// second process can take neither a shared lock (a shard) nor an
// exclusive one (a merge, a report) of its folder; after it, both.
func TestSweep_LockExclusiveSeenFromAnotherProcess(t *testing.T) {
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("no flock(1)")
	}
	dir := t.TempDir()
	st, err := Plan(t.Context(), []byte(tinySpec), filepath.Join(dir, "s.yaml"), experiments.Folders{}, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o")
	passes := 0
	_, err = Sweep(context.Background(), st, SweepOptions{
		Out: out, Workers: 1,
		Start: func(*Pass) (func(int, int, *experiments.Result), func()) {
			passes++
			if probeLock(t, out, false) {
				t.Errorf("a second process took a shared lock of a sweeping folder")
			}
			if probeLock(t, out, true) {
				t.Errorf("a second process took an exclusive lock of a sweeping folder")
			}
			return nil, nil
		},
	})
	if err != nil || passes == 0 {
		t.Fatalf("sweep: %v (%d passes)", err, passes)
	}
	if !probeLock(t, out, true) {
		t.Errorf("the folder is still locked after the sweep")
	}
}

// TestReport_LockExclusive: lossexp report refuses a folder another
// process holds even a shared lock of (a shard still writing).
func TestReport_LockExclusive(t *testing.T) {
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("no flock(1)")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, RunsFile), []byte("run_id,repeat,status\n"), 0o644)
	os.WriteFile(filepath.Join(dir, LockFile), nil, 0o644)
	holdLock(t, dir)
	for i := 0; !probeLockHeld(t, dir); i++ {
		if i == 200 {
			t.Fatal("flock -s never took the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, err := Report(context.Background(), dir, ReportOptions{Workers: 1}, nil)
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("report beside a shared lock: %v, want a *LockedError", err)
	}
}

// holdLock starts flock(1) holding a shared lock of dir's lock file (its
// command, cat, waits on a pipe the test closes at the end, and does not
// inherit the lock: -o); killing the returned process drops the lock.
func holdLock(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	holder := exec.Command("flock", "-o", "-s", filepath.Join(dir, LockFile), "cat")
	in, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); holder.Process.Kill(); holder.Wait() })
	return holder
}

// probeLockHeld reports whether someone holds a lock of dir's lock file.
func probeLockHeld(t *testing.T, dir string) bool { return !probeLock(t, dir, true) }

// TestCountRuns_Boundary: --max-runs refuses one run over the limit and
// accepts exactly the limit; the field named is the one that drives the
// count; every adaptive method is one more point; folds multiply.
func TestCountRuns_Boundary(t *testing.T) {
	parse := func(text string) *Spec {
		t.Helper()
		s, err := ParseSpec([]byte(text), "s.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := parse(tinySpec) // 2 grid points × 2 repeats
	if n, err := countRuns(s, 2, 4); n != 4 || err != nil {
		t.Errorf("4 runs, limit 4: %d, %v; want 4 accepted", n, err)
	}
	_, err := countRuns(s, 2, 3)
	if err == nil || !strings.Contains(err.Error(), "repeats:") || !strings.Contains(err.Error(), "the study has 4 runs (2 grid points × 1 axis points × 2 repeats), more than the limit of 3") {
		t.Errorf("4 runs, limit 3: %v; want refused on repeats", err)
	}
	// More grid points than the limit: loss.terms is to blame.
	_, err = countRuns(s, 4, 3)
	if err == nil || !strings.Contains(err.Error(), "loss.terms:") {
		t.Errorf("4 grid points, limit 3: %v; want refused on loss.terms", err)
	}
	_, err = countRuns(s, 3, 3)
	if err == nil || !strings.Contains(err.Error(), "repeats:") {
		t.Errorf("3 grid points × 2 repeats, limit 3: %v; want refused on repeats (the grid alone fits)", err)
	}

	bal := parse(`name: bal
repeats: 2
dataset: {builtin: fair, params: {samples: 60}}
model: {kind: mlp, hidden: [4]}
train: {optimizer: sgd, epochs: 1}
loss:
  terms:
    - {kind: fairness, metric: demographic_parity, weight: [0, 1]}
sweep:
  balance: [static, dwa, gradnorm]
`)
	if n, err := countRuns(bal, 2, 8); n != 8 || err != nil { // (2 + 2 methods) × 2 repeats
		t.Errorf("2 points + 2 adaptive methods × 2 repeats, limit 8: %d, %v; want 8", n, err)
	}
	if _, err := countRuns(bal, 2, 7); err == nil {
		t.Errorf("8 runs under a limit of 7 accepted")
	}
	cv := parse(strings.Replace(tinySpec, "params: {samples: 60}}", "params: {samples: 60}, split: {cv: 3}}", 1))
	if n, err := countRuns(cv, 2, 12); n != 12 || err != nil {
		t.Errorf("2 points × 2 repeats × 3 folds, limit 12: %d, %v; want 12", n, err)
	}
	if _, err := countRuns(cv, 2, 11); err == nil || !strings.Contains(err.Error(), "× 3 folds") {
		t.Errorf("12 runs under a limit of 11: %v; want refused naming the folds", err)
	}
}

// TestEstimateMemory_RegressionTestFileFolds works a second shape by hand:
// regression with 2 targets and 1 auxiliary target, 2 numeric features,
// one wide categorical feature (3 levels), no group; a test file of 250
// rows; 3-fold cross-validation; 2 repeats; 3 workers; a linear model.
func TestEstimateMemory_RegressionTestFileFolds(t *testing.T) {
	spec := strings.NewReplacer("categorical: [c], group: g}", "categorical: [c], split: {cv: 3}}", "kind: mlp, hidden: [4]", "kind: linear").Replace(memSpec)
	s, err := ParseSpec([]byte(spec), "mem.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Folds() != 3 || s.Repeats != 2 {
		t.Fatalf("folds %d, repeats %d", s.Folds(), s.Repeats)
	}
	sh := &dataset.CSVShape{Rows: 1000, Numeric: 2, Categorical: 1, Levels: 3, Targets: 2, Aux: 1}
	got := EstimateMemory(s, sh, &dataset.CSVShape{Rows: 250}, 3)
	// table row: 8·2 + 20·1 + 8·2 targets + 0 class + 0 group + 8·1 aux
	// = 60; load row: both tables and their concatenation, 2·60 = 120;
	// split row: 8·(2+3) + 8·2 + 8·1 + 0 + 24 = 88. n = 1250 rows.
	// A run: sizes 5 → 2, 12 parameters, batch 8 < 512:
	// 8·(5·12 + 3·512·2 + 1250·2) = 45056.
	const perRun = 45056.0
	n := 1250.0
	validate := n * math.Max(120, 60+88)
	sweep := math.Max(validate, n*(60+2*3*88)+3*perRun)
	wantV := math.Ceil(1.3*validate) + 24<<20
	wantS := math.Ceil(1.3*sweep) + 48<<20
	if got.PerRun != perRun || got.Validate != wantV || got.Sweep != wantS || got.Workers != 3 {
		t.Errorf("estimate %+v, want per run %v, validate %v, sweep %v", got, perRun, wantV, wantS)
	}
	// Wider text: the load (two tables) outweighs a table and a split.
	wide := *sh
	wide.Categorical = 3
	got = EstimateMemory(s, &wide, &dataset.CSVShape{Rows: 250}, 3)
	// table row 60 + 40 = 100, load 200 > 100 + 88.
	if want := math.Ceil(1.3*n*200) + 24<<20; got.Validate != want {
		t.Errorf("wide: validate %v, want %v", got.Validate, want)
	}
}

// TestSweep_LockedFolderForcedAndKilledHolder is the short-mode guard of
// cmd's TestSweep_LockedFolder: a sweep with --force into a folder
// another process holds (flock(1), shared, as a shard does) is refused
// with a *LockedError and removes nothing; once the holder is killed with
// SIGKILL the kernel drops its lock and the same sweep runs.
func TestSweep_LockedFolderForcedAndKilledHolder(t *testing.T) {
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("no flock(1)")
	}
	dir := t.TempDir()
	st, err := Plan(t.Context(), []byte(tinySpec), filepath.Join(dir, "s.yaml"), experiments.Folders{}, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o")
	os.MkdirAll(out, 0o755)
	// Another spec's results: --force would replace them, unlocked.
	other := "name: other\nrepeats: 1\ndataset: {builtin: moons}\nmodel: {kind: linear}\ntrain: {optimizer: sgd, epochs: 1}\nloss:\n  terms:\n    - {kind: l2, weight: [0.5]}\n"
	os.WriteFile(filepath.Join(out, SpecFile), []byte(other), 0o644)
	os.WriteFile(filepath.Join(out, RunsFile), []byte("run_id,repeat,status\n"), 0o644)
	os.WriteFile(filepath.Join(out, LockFile), nil, 0o644)
	holder := holdLock(t, out)
	for i := 0; !probeLockHeld(t, out); i++ {
		if i == 200 {
			t.Fatal("flock -s never took the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, err = Sweep(context.Background(), st, SweepOptions{Out: out, Workers: 1, Force: true})
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("forced sweep into a locked folder: %v, want a *LockedError", err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, SpecFile)); string(b) != other {
		t.Errorf("the refused sweep changed spec.yaml")
	}
	if _, err := os.Stat(filepath.Join(out, RunsFile)); err != nil {
		t.Errorf("the refused sweep removed runs.csv: %v", err)
	}
	holder.Process.Kill() // SIGKILL: the kernel drops the lock
	holder.Wait()
	// flock -o forks the command after taking the lock and the child closes
	// its inherited descriptor only when it runs: on a loaded machine the
	// killed holder's child can still hold the lock for a moment. Wait for
	// the kernel to show it free (what this test checks is that lossexp
	// then takes it, not how fast flock(1)'s child runs).
	for i := 0; probeLockHeld(t, out); i++ {
		if i == 500 {
			t.Fatal("the lock stayed held 5 s after its holder was killed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := Sweep(context.Background(), st, SweepOptions{Out: out, Workers: 1, Force: true}); err != nil {
		t.Fatalf("sweep after the holder was killed: %v", err)
	}
}
