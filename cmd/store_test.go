package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/sweep"
)

// TestSweep_StoreReuse: a second sweep reuses every stored run; a grown
// grid and more repeats reuse the runs they share (ids do not depend on
// the grid); a name change is the same study; a corrupt record is
// retrained with a note; --fresh retrains all; another spec needs
// --force, which replaces the old results.
func TestSweep_StoreReuse(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "o")
	spec := writeSpec(t, tinySpec)
	sweepOK := func(spec string, extra ...string) string {
		t.Helper()
		code, _, stderr := run(t, append([]string{"sweep", spec, "--out", out, "-q", "--workers", "2"}, extra...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return stderr
	}
	sweepOK(spec)
	first, _ := os.ReadFile(filepath.Join(out, "runs.csv"))

	if msg := sweepOK(spec); !strings.Contains(msg, "all reused from the run store") {
		t.Errorf("second sweep retrained:\n%s", msg)
	}
	again, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
	if !bytes.Equal(first, again) {
		t.Error("runs.csv changed when every run came from the store")
	}

	grown := writeSpec(t, strings.NewReplacer("name: tiny", "name: tiny-renamed", "repeats: 2", "repeats: 3", "num: 3", "num: 5").Replace(tinySpec))
	msg := sweepOK(grown)
	// 3 λ values of 1e-3…1e-1 (num 3) are among those of num 5; plus λ = 0:
	// 4 points × 2 repeats = 8 runs shared.
	if !strings.Contains(msg, "resuming: 8 of 18 runs") {
		t.Errorf("grown grid did not reuse the 8 shared runs:\n%s", msg)
	}

	// One record damaged (a metric edited in its segment).
	segs := mustGlob(t, filepath.Join(out, "runs", "seg-*.jsonl"))
	b, _ := os.ReadFile(segs[0])
	os.WriteFile(segs[0], bytes.Replace(b, []byte(`"metrics":[`), []byte(`"metrics":[1,`), 1), 0o644)
	if msg := sweepOK(grown); !strings.Contains(msg, "note: 1 damaged record in the run store ignored") || !strings.Contains(msg, "resuming: 17 of 18 runs") {
		t.Errorf("corrupt record not retrained:\n%s", msg)
	}
	if msg := sweepOK(grown, "--fresh"); strings.Contains(msg, "resuming") || !strings.Contains(msg, "18 trained") {
		t.Errorf("--fresh reused runs:\n%s", msg)
	}

	other := writeSpec(t, strings.Replace(tinySpec, "epochs: 5", "epochs: 6", 1))
	code, _, stderr := run(t, "sweep", other, "--out", out, "-q")
	if code != ExitInput || !strings.Contains(stderr, "holds the results of another spec") || !strings.Contains(stderr, "in train") {
		t.Fatalf("another spec: exit %d: %s", code, stderr)
	}
	sweepOK(other, "--force")
	if n := sweep.CountRecords(filepath.Join(out, "runs")); n != 8 {
		t.Errorf("after --force the store holds %d runs, want the new spec's 8", n)
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSweep_UnwritableOutput: a folder that cannot be written is an input
// error before any training, naming the folder. Root writes anywhere on an
// ordinary filesystem, so the test uses paths that refuse root too: one
// under a regular file (not a directory), and, as root, one on sysfs;
// as another user, a read-only folder.
func TestSweep_UnwritableOutput(t *testing.T) {
	spec := writeSpec(t, tinySpec)
	file := filepath.Join(t.TempDir(), "results")
	os.WriteFile(file, nil, 0o644)
	cases := map[string]string{"under a file": filepath.Join(file, "o")}
	if os.Geteuid() == 0 {
		cases["sysfs"] = "/sys/lossexp-unwritable/o"
	} else {
		parent := t.TempDir()
		if err := os.Chmod(parent, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(parent, 0o755)
		cases["read-only folder"] = filepath.Join(parent, "o")
	}
	for name, out := range cases {
		t.Run(name, func(t *testing.T) {
			if name == "sysfs" {
				if err := os.MkdirAll(out, 0o755); err == nil {
					os.RemoveAll(filepath.Dir(out))
					t.Skip("sysfs is writable here")
				}
			}
			code, _, stderr := run(t, "sweep", spec, "--out", out, "-q")
			want := "lossexp: create output folder " + out + ": "
			if name == "under a file" && !strings.HasSuffix(stderr, "not a directory\n") {
				t.Errorf("stderr %q: want not a directory", stderr)
			}
			if code != ExitInput || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want %d, one line starting %q", code, stderr, ExitInput, want)
			}
			if name == "read-only folder" && !strings.HasSuffix(stderr, "permission denied\n") {
				t.Errorf("stderr %q: want permission denied", stderr)
			}
		})
	}
}
