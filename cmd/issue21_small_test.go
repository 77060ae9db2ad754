package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/lossexp/lossexp/datasets"
	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/model"
	"github.com/lossexp/lossexp/spec"
	"github.com/lossexp/lossexp/study"
)

// singleLambdaSpec is tinySpec with its terms replaced by terms.
func singleLambdaSpec(terms string) string {
	i := strings.Index(tinySpec, "loss:\n")
	j := strings.Index(tinySpec, "report:\n")
	return tinySpec[:i] + "loss:\n  terms:\n" + terms + tinySpec[j:]
}

// TestSweep_SingleLambdaTerm: a swept weight with one value (weight: [0],
// zero: false with one value) validated and trained, then failed at the
// plot stage (exit 1, no manifest). It now finishes: the tables and
// manifest are written, the λ figures are drawn against a term that
// takes two values or more, and none when no term does. Naming such a
// term in report.x is refused at validate.
func TestSweep_SingleLambdaTerm(t *testing.T) {
	tests := []struct {
		name, terms string
		figure      string // a figure that must be written, "" for none
	}{
		{"zero only", "    - {kind: l2, weight: [0]}\n", ""},
		{"one value without zero", "    - {kind: l2, weight: {values: [0.1], zero: false}}\n", ""},
		{"linspace of zeros", "    - {kind: l2, weight: {linspace: {from: 0, to: 0, num: 1}}}\n", ""},
		{"beside a swept term", "    - {kind: l2, weight: [0]}\n    - {kind: l1, weight: [0, 0.01]}\n", "test.accuracy_vs_l1.png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := writeSpec(t, singleLambdaSpec(tt.terms))
			out := filepath.Join(t.TempDir(), "out")
			if code, _, stderr := run(t, "sweep", spec, "--out", out, "--quiet"); code != 0 {
				t.Fatalf("sweep: exit %d: %s", code, stderr)
			}
			m, err := study.ReadManifest(out)
			if err != nil || !m.Complete {
				t.Fatalf("manifest: %+v, %v", m, err)
			}
			pngs, _ := filepath.Glob(filepath.Join(out, "*_vs_*.png"))
			if tt.figure == "" && len(pngs) > 0 {
				t.Errorf("figures against a term with one λ: %v", pngs)
			}
			if tt.figure != "" {
				if _, err := os.Stat(filepath.Join(out, tt.figure)); err != nil {
					t.Errorf("no %s: %v", tt.figure, err)
				}
			}
			if code, _, stderr := run(t, "report", out); code != 0 {
				t.Errorf("report: exit %d: %s", code, stderr)
			}
		})
	}
	t.Run("report.x names it", func(t *testing.T) {
		spec := writeSpec(t, singleLambdaSpec("    - {kind: l2, weight: [0]}\n    - {kind: l1, weight: [0, 0.01]}\n")+"  x: l2\n")
		code, _, stderr := run(t, "validate", spec)
		if code != 2 || !strings.Contains(stderr, "spec.yaml:16:6: report.x: term \"l2\" takes a single λ (0)") {
			t.Errorf("exit %d, want 2 naming file:line:col and report.x: %s", code, stderr)
		}
	})
}

// TestBaseline_StableSourceAndBackendName: baseline.json recorded the
// results folder as its source (a temporary path in every committed
// baseline); it now records the spec the sweep ran, relative to the
// working directory. And check printed a backend-mismatch note for the
// pure-Go backend under its former name, "gonum (pure Go)".
func TestBaseline_StableSourceAndBackendName(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("s.yaml", []byte(tinySpec), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r") // a temporary results folder
	if code, _, stderr := run(t, "sweep", "s.yaml", "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "baseline", out, "--to", "base"); code != 0 {
		t.Fatalf("baseline: exit %d: %s", code, stderr)
	}
	info, err := study.ReadBaselineInfo("base")
	if err != nil {
		t.Fatal(err)
	}
	if info.Source != "s.yaml" {
		t.Errorf("source = %q, want the spec the sweep ran, s.yaml", info.Source)
	}
	m, err := study.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		blas string
		note bool
	}{
		{m.BLAS, false},
		{formerName(m.BLAS), false},
		{"some other BLAS", true},
	} {
		info.BLAS = c.blas
		b, _ := json.Marshal(info)
		if err := os.WriteFile(filepath.Join("base", study.BaselineFile), b, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := run(t, "check", out, "--baseline", "base")
		if code != 0 {
			t.Fatalf("check: exit %d: %s", code, stderr)
		}
		if got := strings.Contains(stderr, "BLAS backend"); got != c.note {
			t.Errorf("baseline blas %q, results %q: backend note %v, want %v:\n%s", c.blas, m.BLAS, got, c.note, stderr)
		}
	}
}

// formerName is a former name of backend, or backend itself when it had
// none.
func formerName(backend string) string {
	if backend == "pure Go" {
		return "gonum (pure Go)"
	}
	return backend
}

// TestCommittedBaselines_Current: the committed baselines were stored by a
// stale binary (numerics_version 1, the pure-Go backend's former name, a
// /tmp source). They must be made by the numerics they are checked with
// and name a stable source.
func TestCommittedBaselines_Current(t *testing.T) {
	dirs, _ := filepath.Glob("../results/baselines/*")
	if len(dirs) == 0 {
		t.Fatal("no committed baselines")
	}
	for _, d := range dirs {
		info, err := study.ReadBaselineInfo(d)
		if err != nil {
			t.Fatal(err)
		}
		if info.Numerics != spec.NumericsVersion {
			t.Errorf("%s: numerics_version %d, this build %d: store it again", d, info.Numerics, spec.NumericsVersion)
		}
		if model.CanonicalBackend(info.BLAS) != info.BLAS {
			t.Errorf("%s: blas %q is a former name", d, info.BLAS)
		}
		if filepath.IsAbs(info.Source) || !filepath.IsLocal(info.Source) {
			t.Errorf("%s: source %q is not a path in the repository", d, info.Source)
		}
	}
}

// TestCacheDirSetting_ReachesData: the cache-dir setting (--cache-dir,
// LOSSEXP_CACHE_DIR, the config file's cache-dir) was read by lossexp
// datasets only; validate, sweep, run and merge looked at the environment
// alone, so a cache named by the flag or the config file was not found.
func TestCacheDirSetting_ReachesData(t *testing.T) {
	cache := t.TempDir()
	var csv strings.Builder
	csv.WriteString("a,b,target\n")
	for i := range 60 {
		fmt.Fprintf(&csv, "%d,%d,%d\n", i%7, i%5, i%2)
	}
	lib := filepath.Join(cache, "datasets", "compas", "compas.csv")
	if err := os.MkdirAll(filepath.Dir(lib), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lib, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := writeSpec(t, `name: cached
seed: 1
repeats: 1
dataset: {csv: compas/compas.csv, target: target}
model: {kind: linear}
train: {optimizer: adam, learning_rate: 0.05, epochs: 2, batch_size: 16}
loss:
  terms:
    - {kind: l2, weight: [0, 0.1]}
`)
	config := filepath.Join(t.TempDir(), "lossexp.yaml")
	if err := os.WriteFile(config, []byte("cache-dir: "+cache+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LOSSEXP_CACHE_DIR", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the default cache: empty
	for _, how := range []struct {
		name  string
		args  []string
		env   string
		fails bool
	}{
		{"flag", []string{"--cache-dir", cache}, "", false},
		{"environment", nil, cache, false},
		{"config file", []string{"--config", config}, "", false},
		{"none", nil, "", true},
	} {
		for _, cmd := range [][]string{
			{"validate", spec},
			{"sweep", spec, "--out", "$OUT", "-q"},
			{"run", spec, "--set", "l2=0.1"},
		} {
			t.Run(how.name+"/"+cmd[0], func(t *testing.T) {
				t.Setenv("LOSSEXP_CACHE_DIR", how.env)
				args := slices.Clone(cmd)
				for i, a := range args {
					if a == "$OUT" {
						args[i] = filepath.Join(t.TempDir(), "out")
					}
				}
				code, _, stderr := run(t, append(args, how.args...)...)
				switch {
				case how.fails && (code != 2 || !strings.Contains(stderr, "lossexp datasets fetch compas")):
					t.Errorf("exit %d, want 2 naming the fetch: %s", code, stderr)
				case !how.fails && code != 0:
					t.Errorf("exit %d: %s", code, stderr)
				}
			})
		}
	}
}

// TestDatasetsFetch_CachePathNotAFolder: a cache path on a file exited 1
// with "mkdir …: not a directory" after announcing the download. It is
// now exit 2 before any request, naming the path, what it is and the
// cure; nothing the user owns is touched.
func TestDatasetsFetch_CachePathNotAFolder(t *testing.T) {
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.Write([]byte("a,target\n1,0\n"))
	}))
	defer srv.Close()
	remotes := []datasets.Remote{{Name: "toy", Summary: "a toy", Terms: "none", Files: []datasets.RemoteFile{
		{Path: "toy/toy.csv", SHA256: strings.Repeat("0", 64), URL: srv.URL + "/toy.csv", URLSHA256: strings.Repeat("0", 64), Size: 13},
	}}}
	root := t.TempDir()
	file := filepath.Join(root, "notes.txt")
	mk := func(p string, dir bool) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if dir {
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(p, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk(file, false)
	mk(filepath.Join(root, "c2", "datasets"), false)
	mk(filepath.Join(root, "c3", "datasets", "toy"), false)
	mk(filepath.Join(root, "c4", "datasets", "toy", "toy.csv"), true)
	fifo := filepath.Join(root, "c5")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ cache, path, what string }{
		{file, file, "is a regular file, where a folder must go"},
		{filepath.Join(file, "sub"), file, "is a regular file, where a folder must go"},
		{filepath.Join(root, "c2"), filepath.Join(root, "c2", "datasets"), "is a regular file, where a folder must go"},
		{filepath.Join(root, "c3"), filepath.Join(root, "c3", "datasets", "toy"), "is a regular file, where a folder must go"},
		{filepath.Join(root, "c4"), filepath.Join(root, "c4", "datasets", "toy", "toy.csv"), "is a directory, where the downloaded file must go"},
		{fifo, fifo, "is a named pipe (FIFO), where a folder must go"},
	} {
		opts := &datasetsOptions{Names: []string{"toy"}, CacheDir: c.cache, Remotes: remotes, Client: srv.Client()}
		err := datasetsFetchRun(context.Background(), opts, io.Discard)
		want := "cache path " + c.path + " " + c.what + ": move it out of the way, or choose another cache folder (--cache-dir, LOSSEXP_CACHE_DIR"
		if code := exitCode(context.Background(), err); code != ExitInput || !strings.Contains(err.Error(), want) {
			t.Errorf("cache %s: exit %d, %v; want exit 2 with %q", c.cache, code, err, want)
		}
	}
	if requests != 0 {
		t.Errorf("%d downloads before the refusal", requests)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "mine" {
		t.Errorf("the user's file: %q, %v", b, err)
	}
}

// TestSweep_InterruptedAfterTraining: Ctrl-C that landed after the last
// run, before or while the report was drawn, was reported as "tables and
// plots written" when no plot was. The context is cancelled between
// training and rendering (the progress display's finish, which the sweep
// calls once training returns); the message must say what was written,
// name lossexp report, and be true of the folder.
func TestSweep_InterruptedAfterTraining(t *testing.T) {
	spec := writeSpec(t, tinySpec)
	out := filepath.Join(t.TempDir(), "out")
	st, err := study.Load(t.Context(), spec, experiments.Folders{}, study.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	oc, err := study.Sweep(ctx, st, study.SweepOptions{Out: out, Workers: 2, Log: io.Discard,
		Start: func(*study.Pass) (func(int, int, *experiments.Result), func()) { return nil, cancel }})
	if !errors.Is(err, context.Canceled) || oc == nil || !oc.Interrupted {
		t.Fatalf("sweep: %v, outcome %+v; want interrupted", err, oc)
	}
	var stderr bytes.Buffer
	o := &SweepOptions{IO: &IO{Out: io.Discard, Err: &stderr}, Spec: spec, Out: out}
	if err := o.printOutcome(oc, err); err != nil {
		t.Fatal(err)
	}
	msg := stderr.String()
	if strings.Contains(msg, "plots written") || strings.Contains(msg, "figures and report.html written") {
		t.Errorf("claims plots that were not drawn:\n%s", msg)
	}
	for _, want := range []string{"8 of 8 runs finished", "runs.csv, curves.csv, timings.csv written from them", "lossexp report " + out + " draws them"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "resume with") || strings.Contains(msg, "context canceled") {
		t.Errorf("every run finished: nothing to resume, no note about a cancelled context:\n%s", msg)
	}
	for _, f := range study.RunTableFiles {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("said written, but: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err == nil {
		t.Error("report.html exists: the test did not stop the drawing")
	}
	// What it names draws the rest.
	if code, _, stderr := run(t, "report", out); code != 0 {
		t.Fatalf("lossexp report: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
		t.Error(err)
	}
}

// TestResumeCommand_CacheDir: the command that resumes an interrupted
// sweep finds the data again: a cache folder other than the default is
// named in it.
func TestResumeCommand_CacheDir(t *testing.T) {
	def, err := datasets.DefaultCacheDir()
	if err != nil {
		t.Skip(err)
	}
	o := &SweepOptions{Spec: "s.yaml", Out: "o", Results: "results", Cache: "/data/cache"}
	if got, want := resumeCommand(o, "o"), "lossexp sweep s.yaml --out o --cache-dir /data/cache"; got != want {
		t.Errorf("resume = %q, want %q", got, want)
	}
	o.Cache = def
	if got, want := resumeCommand(o, "o"), "lossexp sweep s.yaml --out o"; got != want {
		t.Errorf("default cache: resume = %q, want %q", got, want)
	}
}
