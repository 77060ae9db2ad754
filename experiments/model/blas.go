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

// formerNames maps the names backends had in earlier versions, which
// older manifests and baselines still carry, to their names now.
var formerNames = map[string]string{
	"gonum (pure Go)": backendPureGo, // before the AVX2/FMA kernel (270658c)
}

// CanonicalBackend returns the current name of the backend a manifest
// or baseline names: a former name of a backend becomes its name now,
// any other name is returned unchanged.
func CanonicalBackend(name string) string {
	if n, ok := formerNames[name]; ok {
		return n
	}
	return name
}
