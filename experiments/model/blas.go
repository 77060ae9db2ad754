package model

// Backend names reported by BLASBackend.
const (
	backendPureGo   = "pure Go"
	backendOpenBLAS = "openblas"
)

// BLASBackend reports which implementation the matrix products use: "pure
// Go" by default, "openblas" in a build with -tags openblas. It is part of
// every run id: the two builds round differently.
func BLASBackend() string { return kern.name() }

// BLASDetail describes the backend in use for logs and manifests, for
// example "pure Go, AVX2/FMA kernel, serial" or "OpenBLAS 0.3.21
// DYNAMIC_ARCH ... (core SkylakeX, 1 thread(s))".
func BLASDetail() string { return kern.detail() }
