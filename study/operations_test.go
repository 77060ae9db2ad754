package study

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/spec"
)

// TestReadManifest_FIFONoHang: a named pipe where manifest.json belongs
// is refused at once. ReadManifest opened it with os.ReadFile, which
// blocks until a writer comes; a sweep into such a folder hung, deaf to
// SIGTERM, before it checked the folder.
func TestReadManifest_FIFONoHang(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, ManifestFile), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := ReadManifest(dir)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("ReadManifest on a FIFO: %v, want a not-a-regular-file error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ReadManifest blocked on a FIFO manifest.json")
	}
}

// TestPlotOptions: the one spec-to-plot-options step of Render and
// Report. What the user gives wins; the spec's report section fills the
// rest; the title and description are the spec's; without a spec the
// options are what was given.
func TestPlotOptions(t *testing.T) {
	s := &spec.Spec{Name: "n", Description: "d"}
	s.Report.X, s.Report.Metrics = "l2", []string{"test.accuracy"}
	got := plotOptions(s, ReportOptions{Workers: 3})
	if got.X != "l2" || !slices.Equal(got.Metrics, []string{"test.accuracy"}) || got.Title != "n" || got.Description != "d" || got.Workers != 3 {
		t.Errorf("spec only: %+v", got)
	}
	got = plotOptions(s, ReportOptions{X: "l1", Metrics: []string{"sparsity"}})
	if got.X != "l1" || !slices.Equal(got.Metrics, []string{"sparsity"}) || got.Title != "n" {
		t.Errorf("given over spec: %+v", got)
	}
	got = plotOptions(nil, ReportOptions{X: "l1", Workers: 2})
	if got.X != "l1" || got.Metrics != nil || got.Title != "" || got.Workers != 2 {
		t.Errorf("no spec: %+v", got)
	}
}

// TestOutlineOf: what export needs of a spec is its name, the runs of
// the whole grid (points × repeats) and the trainer's program.
func TestOutlineOf(t *testing.T) {
	spec := `name: o
repeats: 2
trainer:
  command: [python3, train.py, "{lambda.l2}"]
  metrics: {test.accuracy: higher}
loss:
  terms:
    - {kind: external, name: l2, weight: [0, 0.1, 1]}
`
	o, err := OutlineOf([]byte(spec), "o.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if *o != (Outline{Name: "o", Runs: 6, Trainer: "python3"}) {
		t.Errorf("outline %+v, want o, 6 runs, python3", *o)
	}
	if _, err := OutlineOf([]byte("name: o\nrepeatz: 2\n"), "o.yaml"); err == nil || !strings.Contains(err.Error(), "o.yaml:2") {
		t.Errorf("bad spec: %v, want an error naming o.yaml:2", err)
	}
}

// TestParseShard: "i/n" is parsed, "auto" is found in the engine's
// environment with where it was found, and anything else is
// ErrShardSyntax.
func TestParseShard(t *testing.T) {
	so, err := ParseShard("1/3", nil)
	if err != nil || so.Shard.Index != 1 || so.Shard.Count != 3 || so.Source != "" {
		t.Errorf(`ParseShard("1/3") = %+v, %v`, so, err)
	}
	env := map[string]string{"JOB_COMPLETION_INDEX": "2", EnvShards: "4"}
	so, err = ParseShard("auto", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil || so.Shard.Index != 2 || so.Shard.Count != 4 || !strings.Contains(so.Source, "JOB_COMPLETION_INDEX") {
		t.Errorf(`ParseShard("auto") = %+v, %v`, so, err)
	}
	if _, err := ParseShard("x", nil); !errors.Is(err, ErrShardSyntax) {
		t.Errorf(`ParseShard("x") = %v, want ErrShardSyntax`, err)
	}
}

// TestIsInput: the errors that are the input's fault, wrapped or not,
// whichever room made them; a plain failure and an interruption are not.
func TestIsInput(t *testing.T) {
	plain := errors.New("disk full")
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&InputError{Err: plain}, true},
		{&LockedError{Dir: "d"}, true},
		{fmt.Errorf("load: %w", &spec.FieldError{Field: "seed", Err: plain}), true},
		{fmt.Errorf("read data: %w", &dataset.CSVError{File: "d.csv", Row: 3, Err: plain}), true},
		{plain, false},
		{context.Canceled, false},
	} {
		if got := IsInput(c.err); got != c.want {
			t.Errorf("IsInput(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
