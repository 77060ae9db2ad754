//go:build openblas

package model

// gonum.org/v1/netlib/blas/netlib declares the CBLAS functions but links
// no library: the binary that uses it must. Debian's libopenblas-dev puts
// libopenblas.so, which exports the cblas_* symbols, on the default linker
// path, so -lopenblas is all that is needed.

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int num_threads);
import "C"

import (
	"os"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	blas64.Use(netlib.Implementation{})
	openblas = true
	// A sweep runs one training run per core; OpenBLAS's own threads would
	// oversubscribe the machine. An explicit OPENBLAS_NUM_THREADS wins.
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" {
		C.openblas_set_num_threads(1)
	}
}
