package command

import (
	"context"
	"fmt"
	"strings"
)

// Devices: the runs of a sweep share the devices of trainer.devices (GPUs,
// usually). The devices are cut into slots of trainer.devices_per_run, in
// the order written (devices[0:n], devices[n:2n], …; a remainder smaller
// than a slot is never used). An attempt takes a free slot before its
// command starts and gives it back when the attempt ends, whatever the
// end (exit, failure, timeout, Ctrl-C): two attempts running at the same
// time never share a device, and at most Slots() attempts run at once
// whatever the number of workers. The command sees its slot as
// {devices} and as CUDA_VISIBLE_DEVICES (EnvDevices), comma-joined.

// DevicePool hands out slots of devices, each to one attempt at a time.
// It is safe for use by several goroutines.
type DevicePool struct {
	free  chan []string
	slots int
}

// NewDevicePool cuts devices into slots of perRun. It panics unless
// 1 ≤ perRun ≤ len(devices) (the spec's validation refuses the rest).
func NewDevicePool(devices []string, perRun int) *DevicePool {
	if perRun < 1 || perRun > len(devices) {
		panic(fmt.Sprintf("command: %d devices per run of %d devices", perRun, len(devices)))
	}
	n := len(devices) / perRun
	p := &DevicePool{free: make(chan []string, n), slots: n}
	for i := range n {
		p.free <- devices[i*perRun : (i+1)*perRun : (i+1)*perRun]
	}
	return p
}

// Slots returns the number of attempts that can hold devices at once.
func (p *DevicePool) Slots() int { return p.slots }

// Acquire waits for a free slot and takes it; it returns ctx's error,
// holding nothing, when ctx ends first. The caller gives the slot back
// with Release once the attempt has ended.
func (p *DevicePool) Acquire(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case slot := <-p.free:
		return slot, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Release gives back a slot Acquire returned.
func (p *DevicePool) Release(slot []string) {
	select {
	case p.free <- slot:
	default:
		panic("command: a device slot released twice")
	}
}

// JoinDevices is the {devices} and CUDA_VISIBLE_DEVICES value of a slot.
func JoinDevices(slot []string) string { return strings.Join(slot, ",") }
