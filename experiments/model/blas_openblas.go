//go:build openblas

package model

// gonum.org/v1/netlib/blas/netlib declares the CBLAS functions but links
// no library: the binary that uses it must. Debian's libopenblas-dev puts
// libopenblas.so, which exports the cblas_* symbols, on the default linker
// path, so -lopenblas is all that is needed.

/*
#cgo LDFLAGS: -lopenblas
#include <stdlib.h>
#include <string.h>

char *openblas_get_corename(void);
char *openblas_get_config(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);
void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);

// lossexp_fix_coretype re-selects OpenBLAS's kernels when its CPU detection
// fell back to the generic Prescott (SSE3) kernels on a CPU that has AVX2 and
// FMA, or AVX-512: Debian's DYNAMIC_ARCH build does that on virtual machines
// whose CPU reports an unknown model, and runs 3-4x slower. It does what
// OPENBLAS_CORETYPE would have done at load time, and nothing when that
// variable is set.
static void lossexp_fix_coretype(void) {
	const char *core = openblas_get_corename();
	if (getenv("OPENBLAS_CORETYPE") != NULL || core == NULL || strcmp(core, "Prescott") != 0) {
		return;
	}
	__builtin_cpu_init();
	const char *want = NULL;
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
	    __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
		want = "SkylakeX";
	} else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
		want = "Haswell";
	}
	if (want == NULL) {
		return;
	}
	setenv("OPENBLAS_CORETYPE", want, 0);
	gotoblas_dynamic_quit();
	gotoblas_dynamic_init();
	unsetenv("OPENBLAS_CORETYPE");
}
*/
import "C"

import (
	"fmt"
	"os"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/netlib/blas/netlib"

	"github.com/lossexp/lossexp/internal/kernel"
)

func init() {
	C.lossexp_fix_coretype()
	// A sweep runs one training run per core; OpenBLAS's own threads would
	// oversubscribe the machine. An explicit OPENBLAS_NUM_THREADS wins.
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" {
		C.openblas_set_num_threads(1)
	}
	kern = openBLAS{}
}

// openBLAS is the backend of an openblas build: cblas_dgemm through
// gonum.org/v1/netlib's cgo binding for the large products, internal/kernel's
// AVX2/FMA kernel for the small ones, where a cgo call and OpenBLAS's own
// set-up cost more than the arithmetic (measured on the digits network:
// 74 µs per forward+backward of a batch of 32 with the kernel, 99 µs with
// OpenBLAS; on 784-256-256-10 with batch 128 OpenBLAS's AVX-512 kernels win,
// 8.1 ms against 12.1 ms). On a CPU without AVX2/FMA every product goes to
// OpenBLAS.
type openBLAS struct{}

// smallGemm is the largest m·n·k the Go kernel takes in an openblas build:
// above every product of the digits network (32·128·64 = 2^18), below
// every product of the MNIST one.
const smallGemm = 1 << 20

func small(m, n, k int) bool { return kernel.HasKernel() && m*n*k <= smallGemm }

func (openBLAS) name() string { return backendOpenBLAS }

func (openBLAS) detail() string {
	return fmt.Sprintf("%s (core %s, %d thread(s)); products up to %d multiply-adds: %s",
		C.GoString(C.openblas_get_config()), C.GoString(C.openblas_get_corename()),
		int(C.openblas_get_num_threads()), smallGemm, kernel.Kernel())
}

// OpenBLAS has kernels for every transpose; the Go kernel wants a copy.
func (openBLAS) transposeB(m, n, k int) bool { return small(m, n, k) }

func (openBLAS) gemm(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if !tb && small(m, n, k) {
		kernel.Dgemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if ta {
		tA = blas.Trans
	}
	if tb {
		tB = blas.Trans
	}
	netlib.Implementation{}.Dgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
}
