package model

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Backend names reported by BLASBackend.
const (
	backendGonum    = "gonum (pure Go)"
	backendOpenBLAS = "openblas"
)

// openblas is set by blas_openblas.go (build tag openblas), whose init
// installs gonum.org/v1/netlib's cgo implementation with blas64.Use.
var openblas bool

// BLASBackend reports which BLAS implementation the matrix products use:
// "gonum (pure Go)" by default, "openblas" in a build with -tags openblas.
func BLASBackend() string {
	if openblas {
		return backendOpenBLAS
	}
	return backendGonum
}

// blasDetail is replaced by blas_openblas.go.
var blasDetail = func() string { return backendGonum + ", serial" }

// BLASDetail describes the BLAS in use for logs and manifests, for example
// "OpenBLAS 0.3.21 DYNAMIC_ARCH ... (core SkylakeX, 1 thread(s))".
func BLASDetail() string { return blasDetail() }

// Tile sizes for the pure-Go backend. gonum's Dgemm splits C into 64×64
// blocks and, from 4 blocks up, hands them to new goroutines over channels:
// that allocates on every call, and inside a sweep (which already runs one
// run per core) it only oversubscribes the CPUs. Calling it on C tiles of at
// most 64×192 (1×3 blocks) keeps every product serial and allocation-free.
//
// Products with a transposed A (the weight gradients Aᵀ·δ) get row tiles of
// 16: gonum's kernel sweeps all of C once per row of A, and a 16×192 tile
// stays in L1 where a 64×192 one does not (measured: 6% on the digits
// network, 9% on 784-256-256-10). Narrower column tiles were slower.
const (
	tileRows  = 64
	tileRowsT = 16
	tileCols  = 192
)

// gemm sets the m×n matrix c (row stride ldc) to op(a)·op(b), where op(a) is
// m×k and op(b) is k×n; a and b are row-major with strides lda and ldb and
// are transposed when ta or tb is true.
func gemm(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	aRows, aCols := m, k
	if ta {
		tA, aRows, aCols = blas.Trans, k, m
	}
	bRows, bCols := k, n
	if tb {
		tB, bRows, bCols = blas.Trans, n, k
	}
	tr := tileRows
	if ta {
		tr = tileRowsT
	}
	if openblas || (m <= tr && n <= tileCols) {
		blas64.Gemm(tA, tB, 1,
			blas64.General{Rows: aRows, Cols: aCols, Stride: lda, Data: a},
			blas64.General{Rows: bRows, Cols: bCols, Stride: ldb, Data: b},
			0,
			blas64.General{Rows: m, Cols: n, Stride: ldc, Data: c})
		return
	}
	for i0 := 0; i0 < m; i0 += tr {
		mi := min(tr, m-i0)
		// Rows i0.. of op(a): rows of a, or columns of a when transposed.
		var sa blas64.General
		if ta {
			sa = blas64.General{Rows: k, Cols: mi, Stride: lda, Data: a[i0:]}
		} else {
			sa = blas64.General{Rows: mi, Cols: k, Stride: lda, Data: a[i0*lda:]}
		}
		for j0 := 0; j0 < n; j0 += tileCols {
			nj := min(tileCols, n-j0)
			// Columns j0.. of op(b): columns of b, or rows of b when transposed.
			var sb blas64.General
			if tb {
				sb = blas64.General{Rows: nj, Cols: k, Stride: ldb, Data: b[j0*ldb:]}
			} else {
				sb = blas64.General{Rows: k, Cols: nj, Stride: ldb, Data: b[j0:]}
			}
			blas64.Gemm(tA, tB, 1, sa, sb, 0,
				blas64.General{Rows: mi, Cols: nj, Stride: ldc, Data: c[i0*ldc+j0:]})
		}
	}
}
