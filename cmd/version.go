package cmd

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/study"
)

// Version is the tool version, set at build time with
// -ldflags "-X github.com/lossexp/lossexp/cmd.Version=…".
var Version = "0.1.0-dev"

// versionString is what `lossexp version` and `lossexp --version` print.
func versionString() string {
	return fmt.Sprintf("lossexp %s (%s, %s/%s, BLAS: %s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH, study.BLAS())
}

func newCmdVersion(streams *IO) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, Go version and BLAS backend",
		Long:    `Print lossexp's version, the Go toolchain it was built with and the BLAS backend its matrix products use (pure-Go gonum, or OpenBLAS when built with -tags openblas).`,
		Example: `  lossexp version`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(streams.Out, versionString())
			return err
		},
	}
}
