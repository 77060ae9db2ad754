package cmd

import (
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"
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
