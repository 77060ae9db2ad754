package experiments

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments/command"
)

// TestCommandLine_ProtocolNames: every LOSSEXP_ variable the runner sets
// for an attempt is one the trainer protocol names (command.ChildEnv and
// its prefixes, which cmd/settings.go accepts from a parent lossexp), and
// every name the protocol lists is set: the runner and the settings read
// one list.
func TestCommandLine_ProtocolNames(t *testing.T) {
	s := trainerSpec(t, "ok", "  params: {lr: 0.1}\n  max_epochs: 7")
	_, env, err := commandLine(context.Background(), prepareRun(t, s, []float64{0.5}, 1), "0123456789abcdef", 0, t.TempDir(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	inherited := len(os.Environ())
	set := map[string]bool{}
	for _, kv := range env[inherited:] {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "LOSSEXP_") {
			continue
		}
		set[name] = true
		known := slices.Contains(command.ChildEnv(), name)
		for _, p := range command.ChildEnvPrefixes() {
			known = known || strings.HasPrefix(name, p)
		}
		if !known {
			t.Errorf("the runner sets %s, which the trainer protocol (experiments/command/protocol.go) does not name", name)
		}
	}
	for _, name := range append(command.ChildEnv(), command.EnvLambda+"L2", command.EnvParam+"LR") {
		if !set[name] {
			t.Errorf("the protocol names %s but the runner does not set it (set: %v)", name, set)
		}
	}
}
