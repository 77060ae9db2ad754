package spec

import (
	"strings"

	"github.com/lossexp/lossexp/experiments/command"
)

// PerRun returns trainer.devices_per_run, 1 when left out.
func (t *TrainerSpec) PerRun() int {
	if t.DevicesPerRun == 0 {
		return 1
	}
	return t.DevicesPerRun
}

// DeviceSlots returns how many attempts can hold devices at once:
// len(trainer.devices) / devices_per_run; 0 without trainer.devices (no
// limit).
func (s *Spec) DeviceSlots() int {
	if s.Trainer == nil || len(s.Trainer.Devices) == 0 || s.Trainer.PerRun() < 1 {
		return 0
	}
	return len(s.Trainer.Devices) / s.Trainer.PerRun()
}

// validateTrainerDevices checks trainer.devices and
// trainer.devices_per_run: names usable in a comma-joined list, each
// once, and a slot size the list can hold.
func (s *Spec) validateTrainerDevices(v *validator) {
	t := s.Trainer
	seen := map[string]int{}
	for i, d := range t.Devices {
		f := indexField("trainer.devices", i)
		switch {
		case strings.TrimSpace(d) == "":
			v.addf(f, "empty device name; write the device as CUDA_VISIBLE_DEVICES names it, e.g. \"0\"")
		case strings.ContainsAny(d, ", \t\n"):
			v.addf(f, "%q: a device name holds no comma or space (the {%s} of a run joins its devices with commas); list each device on its own", d, command.PlaceholderDevices)
		default:
			if j, dup := seen[d]; dup {
				v.addf(f, "device %q listed twice (also trainer.devices[%d]): a device is held by one run at a time", d, j)
			}
			seen[d] = i
		}
	}
	if s.has("trainer.devices") && len(t.Devices) == 0 {
		v.addf("trainer.devices", "empty list: name the devices the runs share, e.g. [\"0\", \"1\"], or remove trainer.devices")
	}
	if !s.has("trainer.devices_per_run") {
		return
	}
	switch n := t.DevicesPerRun; {
	case len(t.Devices) == 0:
		v.addf("trainer.devices_per_run", "needs trainer.devices, the devices the runs share")
	case n < 1:
		v.addf("trainer.devices_per_run", "must be at least 1, got %d", n)
	case n > len(t.Devices):
		v.addf("trainer.devices_per_run", "%d devices per run, but trainer.devices lists %d: no run could ever start", n, len(t.Devices))
	}
}

// devicesWithoutCommand reports trainer.devices in a spec that trains
// with the built-in trainer (a trainer: section holding devices but no
// command, beside dataset, model or train): the one message it gets.
func (s *Spec) devicesWithoutCommand(v *validator) bool {
	t := s.Trainer
	if len(t.Command) > 0 || !s.has("trainer.devices") && !s.has("trainer.devices_per_run") {
		return false
	}
	for _, sec := range []string{"dataset", "model", "train"} {
		if s.has(sec) {
			v.addf("trainer.devices", "devices are for a training command (trainer.command); the built-in trainer (dataset, model, train) runs on the CPU and takes no devices: remove the trainer: section, or give trainer.command")
			return true
		}
	}
	return false
}
