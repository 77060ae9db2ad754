package experiments

import (
	"context"

	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/spec"
)

// Devices of a training command (trainer.devices): every attempt takes a
// slot of the sweep's device pool before its run folder is made and its
// command starts, and gives it back when runAttempt returns, whatever the
// outcome (ok, failed, timeout, ctx cancelled). The command gets the slot
// as {devices} and CUDA_VISIBLE_DEVICES (command.EnvDevices: unless
// trainer.env sets that variable itself), and attempt-<k>.cmd.json
// records it ("devices").

type (
	devicePoolKey struct{}
	slotKey       struct{}
)

// WithDevices returns ctx carrying the device pool that the attempts
// trained under it share (a sweep's: one for all its workers). It never
// changes a result.
func WithDevices(ctx context.Context, pool *command.DevicePool) context.Context {
	return context.WithValue(ctx, devicePoolKey{}, pool)
}

// acquireDevices takes a slot for one attempt of a run of s: from the
// pool WithDevices stored, or, without one (`lossexp run`: a single
// run), the first slot of a pool of its own. It returns ctx carrying the
// slot (for commandLine) and the function that gives it back. Without
// trainer.devices it takes nothing. It waits for a free slot until ctx
// ends.
func acquireDevices(ctx context.Context, s *spec.Spec) (context.Context, func(), error) {
	if s.DeviceSlots() == 0 {
		return ctx, func() {}, nil
	}
	pool, _ := ctx.Value(devicePoolKey{}).(*command.DevicePool)
	if pool == nil {
		pool = command.NewDevicePool(s.Trainer.Devices, s.Trainer.PerRun())
	}
	slot, err := pool.Acquire(ctx)
	if err != nil {
		return ctx, nil, err
	}
	return context.WithValue(ctx, slotKey{}, slot), func() { pool.Release(slot) }, nil
}

// attemptDevices returns the slot acquireDevices put in ctx, nil when
// none.
func attemptDevices(ctx context.Context) []string {
	slot, _ := ctx.Value(slotKey{}).([]string)
	return slot
}

// devicesValue is the {devices} of the attempt under ctx: its slot,
// comma-joined; not known (false) when it holds none.
func devicesValue(ctx context.Context) (string, bool) {
	slot := attemptDevices(ctx)
	return command.JoinDevices(slot), slot != nil
}

// deviceEnv returns the variables an attempt holding devices gets besides
// trainer.env: CUDA_VISIBLE_DEVICES, unless trainer.env sets it.
func deviceEnv(ctx context.Context, trainerEnv map[string]string) []string {
	slot := attemptDevices(ctx)
	if slot == nil {
		return nil
	}
	if _, set := trainerEnv[command.EnvDevices]; set {
		return nil
	}
	return []string{command.EnvDevices + "=" + command.JoinDevices(slot)}
}
