package study

import (
	"context"
	"fmt"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/spec"
)

// deviceLimits returns lim for spec s: with trainer.devices and no worker
// count asked for, one worker per device slot (len(devices) /
// devices_per_run), so that every slot is busy and no worker waits for one.
func deviceLimits(s *spec.Spec, lim Limits) Limits {
	if n := s.DeviceSlots(); n > 0 && lim.Workers <= 0 {
		lim.Workers = n
	}
	return lim
}

// withDevicePool returns ctx carrying the device pool of a training pass
// of s, which all its workers share (experiments.WithDevices); ctx itself
// without trainer.devices.
func withDevicePool(ctx context.Context, s *spec.Spec) context.Context {
	if s.DeviceSlots() == 0 {
		return ctx
	}
	return experiments.WithDevices(ctx, command.NewDevicePool(s.Trainer.Devices, s.Trainer.PerRun()))
}

// deviceWarnings says when workers will wait for devices (more workers
// asked for than device slots) and when devices are never used (a
// remainder smaller than a slot).
func (st *Study) deviceWarnings() []string {
	s := st.Spec
	slots := s.DeviceSlots()
	if slots == 0 {
		return nil
	}
	var w []string
	per, n := s.Trainer.PerRun(), len(s.Trainer.Devices)
	if workers := st.limits.workers(); workers > slots {
		w = append(w, fmt.Sprintf("%d workers but trainer.devices makes %d device slots (%d devices, %d per run): at most %d runs train at once, the other workers wait for a device", workers, slots, n, per, slots))
	}
	if rest := n - slots*per; rest > 0 {
		w = append(w, fmt.Sprintf("trainer.devices: %d of the %d devices are never used (%d per run): %v", rest, n, per, s.Trainer.Devices[slots*per:]))
	}
	return w
}
