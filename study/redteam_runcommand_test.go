package study

import (
	"path/filepath"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/sweep"
)

// TestRunCommand_Dash (round 6, red team): the fail-fast message's "try
// one run by hand" command named a spec -study.yaml as it is, which
// lossexp's flag parser reads as options; now ./-study.yaml.
func TestRunCommand_Dash(t *testing.T) {
	dir := t.TempDir()
	st, err := Plan(t.Context(), []byte(tinySpec), filepath.Join(dir, "s.yaml"), experiments.Folders{}, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	st.SpecPath = "-study.yaml"
	p := sweep.Plan{Lambdas: []float64{0.5}, Repeat: 1}
	if got, want := st.runCommand(p), "lossexp run ./-study.yaml --set l2=0.5 --repeat 1"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
