package cmd

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/lossexp/lossexp/study"
)

// workersGiven reports whether the user set the worker count (--workers,
// LOSSEXP_WORKERS or the config file) rather than leaving it to the
// default: a spec with trainer.devices then runs one worker per device
// slot instead of one per CPU (study.Plan).
func workersGiven(v *viper.Viper, c *cobra.Command) bool {
	if f := c.Flags().Lookup("workers"); f != nil && f.Changed {
		return true
	}
	return strings.TrimSpace(os.Getenv("LOSSEXP_WORKERS")) != "" || v.InConfig("workers")
}

// sweepWorkers is the worker count a sweep asks the study for: 0 (the
// study's default: the device slots of trainer.devices, else the CPUs)
// when the user set none.
func (o *SweepOptions) sweepWorkers() int {
	if o.limitFlags.workersDefault {
		return 0
	}
	return o.Workers
}

// describeDevices is validate's line on trainer.devices (none without).
func describeDevices(w io.Writer, s *study.Spec) {
	n := s.DeviceSlots()
	if n == 0 {
		return
	}
	runs := "1 run"
	if n > 1 {
		runs = fmt.Sprintf("%d runs", n)
	}
	per, devs := s.Trainer.PerRun(), s.Trainer.Devices
	fmt.Fprintf(w, "  devices: %s; %d per run: at most %s at once, each holding its own as {devices} and CUDA_VISIBLE_DEVICES", strings.Join(devs, ", "), per, runs)
	if rest := devs[n*per:]; len(rest) > 0 {
		fmt.Fprintf(w, " (%s never used)", strings.Join(rest, ", "))
	}
	fmt.Fprintln(w)
}
