package spec

import (
	"strings"
	"testing"
)

// TestDeviceRules_Slots: devices_per_run defaults to 1 (3 devices, 3
// slots); a remainder smaller than a slot is no slot (3 devices of 2 a
// run: 1 slot); a run may take every device listed; a device name with a
// space or a tab is refused like one with a comma.
func TestDeviceRules_Slots(t *testing.T) {
	for _, c := range []struct {
		trainer string
		per     int
		slots   int
	}{
		{"  devices: [\"0\", \"1\", \"2\"]\n", 1, 3},
		{"  devices: [\"0\", \"1\", \"2\"]\n  devices_per_run: 2\n", 2, 1},
		{"  devices: [\"0\", \"1\", \"2\"]\n  devices_per_run: 3\n", 3, 1},
		{"  devices: [\"0\", \"1\", \"2\", \"3\", \"4\"]\n  devices_per_run: 2\n", 2, 2},
	} {
		s, err := Parse(strings.NewReader(devicesSpec(c.trainer)), "t.yaml")
		if err != nil {
			t.Errorf("%q: %v", c.trainer, err)
			continue
		}
		if s.Trainer.PerRun() != c.per || s.DeviceSlots() != c.slots {
			t.Errorf("%q: %d per run, %d slots; want %d, %d", c.trainer, s.Trainer.PerRun(), s.DeviceSlots(), c.per, c.slots)
		}
	}
	for _, d := range []string{`"0 1"`, `"0\t1"`} {
		_, err := Parse(strings.NewReader(devicesSpec("  devices: ["+d+"]\n")), "t.yaml")
		if err == nil || !strings.Contains(err.Error(), "trainer.devices[0]:") || !strings.Contains(err.Error(), "holds no comma or space") {
			t.Errorf("device %s: %v", d, err)
		}
	}
}
