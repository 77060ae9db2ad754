package cmd

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/experiments/model"
)

// Version is the tool version, set at build time with
// -ldflags "-X github.com/lossexp/lossexp/cmd.Version=…".
var Version = "0.1.0-dev"

func newCmdVersion(streams *IO) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, Go version and BLAS backend",
		Long:    `Print lossexp's version, the Go toolchain it was built with and the BLAS backend its matrix products use (pure-Go gonum, or OpenBLAS when built with -tags openblas).`,
		Example: `  lossexp version`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(streams.Out, "lossexp %s (%s, %s/%s, BLAS: %s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH, model.BLASBackend())
			return err
		},
	}
}
