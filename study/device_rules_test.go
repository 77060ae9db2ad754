package study

import (
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/spec"
)

const devicesRulesSpec = `name: x
trainer:
  command: [prog]
  metrics: {validation.acc: higher}
  devices: ["0", "1", "2", "3", "4"]
  devices_per_run: 2
loss:
  terms:
    - {kind: external, name: f, weight: [0, 1], metric: validation.acc}
`

// TestDeviceRules_WorkersAndWarnings: 5 devices of 2 a run make 2 slots:
// the workers default to 2, a count asked for is kept; 2 workers get no
// warning, 3 are told that 1 waits; device "4" is never used (1 of 5).
func TestDeviceRules_WorkersAndWarnings(t *testing.T) {
	s, err := spec.Parse(strings.NewReader(devicesRulesSpec), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if w := deviceLimits(s, Limits{}).Workers; w != 2 {
		t.Errorf("default workers %d, want 2 (the slots)", w)
	}
	if w := deviceLimits(s, Limits{Workers: 5}).Workers; w != 5 {
		t.Errorf("workers asked 5, got %d", w)
	}
	never := "trainer.devices: 1 of the 5 devices are never used (2 per run): [4]"
	if w := (&Study{Spec: s, limits: Limits{Workers: 2}}).deviceWarnings(); !slices.Equal(w, []string{never}) {
		t.Errorf("2 workers: %q, want only %q", w, never)
	}
	w := (&Study{Spec: s, limits: Limits{Workers: 3}}).deviceWarnings()
	if len(w) != 2 || !strings.HasPrefix(w[0], "3 workers but trainer.devices makes 2 device slots (5 devices, 2 per run): at most 2 runs train at once") {
		t.Errorf("3 workers: %q", w)
	}
}
