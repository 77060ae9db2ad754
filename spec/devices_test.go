package spec

import (
	"strings"
	"testing"
)

// devicesSpec is a trainer spec with extra lines in its trainer: section.
func devicesSpec(trainer string) string {
	return "name: x\ntrainer:\n  command: [prog, \"--d={devices}\"]\n  metrics: {test.pen: lower}\n" + trainer +
		"loss:\n  terms:\n    - {kind: external, name: f, weight: [0, 1], metric: test.pen}\n"
}

// TestSpec_Devices: bad trainer.devices and devices_per_run are refused
// naming the field and line; {devices} needs trainer.devices; the devices
// never enter a run id or the result hash.
func TestSpec_Devices(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"empty name", devicesSpec("  devices: [\"0\", \"\"]\n"), `t.yaml:5:`},
		{"empty name field", devicesSpec("  devices: [\"0\", \"\"]\n"), "trainer.devices[1]: empty device name"},
		{"duplicate", devicesSpec("  devices: [0, 1, 0]\n"), `trainer.devices[2]: device "0" listed twice (also trainer.devices[0])`},
		{"comma", devicesSpec("  devices: [\"0,1\"]\n"), `trainer.devices[0]: "0,1": a device name holds no comma`},
		{"empty list", devicesSpec("  devices: []\n"), "trainer.devices: empty list"},
		{"per run zero", devicesSpec("  devices: [0, 1]\n  devices_per_run: 0\n"), "t.yaml:6:20: trainer.devices_per_run: must be at least 1, got 0"},
		{"per run too many", devicesSpec("  devices: [0, 1]\n  devices_per_run: 3\n"), "trainer.devices_per_run: 3 devices per run, but trainer.devices lists 2"},
		{"per run alone", devicesSpec("  devices_per_run: 1\n"), "trainer.devices_per_run: needs trainer.devices"},
		{"placeholder without devices", strings.Replace(devicesSpec(""), "", "", 1), "unknown placeholder {devices}"},
		{"built-in trainer", "name: x\ntrainer:\n  devices: [\"0\"]\ndataset: {kind: synthetic-regression}\nloss:\n  terms:\n    - {kind: l2, weight: [0, 1]}\n",
			"trainer.devices: devices are for a training command (trainer.command); the built-in trainer (dataset, model, train) runs on the CPU"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.text), "t.yaml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v\nwant %q", err, c.want)
			}
		})
	}

	plain := mustParse(t, strings.Replace(devicesSpec(""), `, "--d={devices}"`, "", 1))
	dev := mustParse(t, strings.Replace(devicesSpec("  devices: [\"0\", \"1\", \"2\"]\n  devices_per_run: 1\n"), `, "--d={devices}"`, "", 1))
	if dev.DeviceSlots() != 3 || plain.DeviceSlots() != 0 {
		t.Errorf("slots %d and %d, want 3 and 0", dev.DeviceSlots(), plain.DeviceSlots())
	}
	if plain.RunBase("x") != dev.RunBase("x") {
		t.Error("trainer.devices changes the run base: the same runs would be trained again on other devices")
	}
	if plain.ResultHash() != dev.ResultHash() {
		t.Error("trainer.devices changes the result hash")
	}
}
