package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResumeCommand_DashAndSpace (round 6, red team): the command lines
// lossexp prints to be run again must run as printed. A spec named
// -study.yaml gave "resume with: lossexp sweep -study.yaml …", which the
// flag parser reads as options; now ./-study.yaml. Paths with a space are
// quoted.
func TestResumeCommand_DashAndSpace(t *testing.T) {
	o := &SweepOptions{Spec: "-study.yaml", Out: "-out dir", Results: "results"}
	if got, want := resumeCommand(o, o.Out), `lossexp sweep ./-study.yaml --out './-out dir'`; got != want {
		t.Errorf("resume command %q, want %q", got, want)
	}
	if got := shellPath("/abs/-x"); got != "/abs/-x" {
		t.Errorf("shellPath(/abs/-x) = %q", got)
	}
}

// TestFailFast_TryQuoted (round 6, red team, held): the fail-fast
// message's "try one run by hand: lossexp run SPEC …" runs as printed from
// a folder whose name holds a space.
func TestFailFast_TryQuoted(t *testing.T) {
	src := fakeSpec(t, "exit3", 2)
	dir := filepath.Join(t.TempDir(), "my study")
	os.Mkdir(dir, 0o755)
	for _, f := range []string{"spec.yaml", "train.py"} {
		b, _ := os.ReadFile(filepath.Join(filepath.Dir(src), f))
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	spec := filepath.Join(dir, "spec.yaml")
	code, _, stderr := run(t, "sweep", spec, "--out", filepath.Join(t.TempDir(), "o"), "--workers", "1", "-q")
	if want := "lossexp run '" + spec + "' --set"; code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, %q; want 1 and %q", code, stderr, want)
	}
}
