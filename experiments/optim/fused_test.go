package optim

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
	"github.com/lossexp/lossexp/internal/kernel"
)

// paths runs f with each code path of the Adam kernels this CPU has: the
// zmm kernel, the ymm kernel and the reference loop.
func paths(t *testing.T, f func(t *testing.T)) {
	for _, p := range []struct {
		name     string
		avx, zmm bool
	}{{"zmm", true, true}, {"ymm", true, false}, {"loop", false, false}} {
		if p.avx && !useAVX || p.zmm && !useAVX512 {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			defer func(a, z bool) { useAVX, useAVX512 = a, z }(useAVX, useAVX512)
			useAVX, useAVX512 = p.avx, p.zmm
			f(t)
		})
	}
}

// TestStepL2_BitIdentical: Adam's and AdamW's update with an L2 penalty's
// gradient fused in (StepL2) gives the bits of kernel.AddScaled into the
// gradient followed by Step, on every path and for every cut of the
// penalised weights (bit identity is the point: float64 results must not
// change), and leaves grad alone.
func TestStepL2_BitIdentical(t *testing.T) {
	paths(t, func(t *testing.T) {
		for _, n := range []int{1, 7, 9, 17, 1000} {
			for _, nw := range []int{0, 1, n / 2, n - 1, n} {
				for _, wd := range []float64{0, 0.01} {
					name := fmt.Sprintf("n=%d,nw=%d,wd=%v", n, nw, wd)
					mk := func() (Optimizer, StepperL2) {
						if wd == 0 {
							o := NewAdam(1e-2, 0.9, 0.999, 1e-8, n)
							return o, o
						}
						o := NewAdamW(1e-2, 0.9, 0.999, 1e-8, wd, n/3, n)
						return o, o
					}
					ref, _ := mk()
					_, fused := mk()
					const s = 2 * 3e-3
					p := gradcheck.Random(1, n, -1, 1)
					p2 := slices.Clone(p)
					for step := range 3 {
						g := gradcheck.Random(uint64(10+step), n, -2, 2)
						g0 := slices.Clone(g)
						fused.StepL2(p2, g, s, nw)
						if !slices.Equal(g, g0) {
							t.Fatalf("%s: StepL2 modified grad", name)
						}
						kernel.AddScaled(g[:nw], p[:nw], s)
						ref.Step(p, g)
					}
					for i := range p {
						if math.Float64bits(p[i]) != math.Float64bits(p2[i]) {
							t.Fatalf("%s: element %d: fused %v, AddScaled+Step %v", name, i, p2[i], p[i])
						}
					}
				}
			}
		}
	})
}

// TestStep32L2_BitIdentical is TestStepL2_BitIdentical for Adam32 and
// AdamW32 against kernel.AddScaled32 + Step32.
func TestStep32L2_BitIdentical(t *testing.T) {
	paths(t, func(t *testing.T) {
		for _, n := range []int{1, 7, 9, 17, 33, 1000} {
			for _, nw := range []int{0, 1, n / 2, n - 1, n} {
				for _, wd := range []float64{0, 0.01} {
					name := fmt.Sprintf("n=%d,nw=%d,wd=%v", n, nw, wd)
					mk := func() *Adam32 {
						if wd == 0 {
							return NewAdam32(1e-2, 0.9, 0.999, 1e-8, n)
						}
						return NewAdamW32(1e-2, 0.9, 0.999, 1e-8, wd, n/3, n)
					}
					ref, fused := mk(), mk()
					s := float32(2 * 3e-3)
					p := gradcheck.Float32s(gradcheck.Random(1, n, -1, 1))
					p2 := slices.Clone(p)
					for step := range 3 {
						g := gradcheck.Float32s(gradcheck.Random(uint64(10+step), n, -2, 2))
						g0 := slices.Clone(g)
						fused.Step32L2(p2, g, s, nw)
						if !slices.Equal(g, g0) {
							t.Fatalf("%s: Step32L2 modified grad", name)
						}
						kernel.AddScaled32(g[:nw], p[:nw], s)
						ref.Step32(p, g)
					}
					for i := range p {
						if math.Float32bits(p[i]) != math.Float32bits(p2[i]) {
							t.Fatalf("%s: element %d: fused %v, AddScaled32+Step32 %v", name, i, p2[i], p[i])
						}
					}
				}
			}
		}
	})
}

// BenchmarkAdamStepL2 is one Adam step of the digits MLP with the L2
// gradient fused in, against AddScaled over the weights and then Step.
func BenchmarkAdamStepL2(b *testing.B) {
	const n, nw = 17226, 17024 // the digits MLP 64-128-64-10
	for _, fused := range []bool{true, false} {
		b.Run(map[bool]string{true: "fused", false: "two-pass"}[fused], func(b *testing.B) {
			o := NewAdam(1e-3, 0.9, 0.999, 1e-8, n)
			p := gradcheck.Random(1, n, -1, 1)
			g := gradcheck.Random(2, n, -1, 1)
			b.ReportAllocs()
			for b.Loop() {
				if fused {
					o.StepL2(p, g, 2e-4, nw)
				} else {
					kernel.AddScaled(g[:nw], p[:nw], 2e-4)
					o.Step(p, g)
				}
			}
		})
	}
}

// BenchmarkAdam32StepL2 is BenchmarkAdamStepL2 in float32.
func BenchmarkAdam32StepL2(b *testing.B) {
	const n, nw = 17226, 17024
	for _, fused := range []bool{true, false} {
		b.Run(map[bool]string{true: "fused", false: "two-pass"}[fused], func(b *testing.B) {
			o := NewAdam32(1e-3, 0.9, 0.999, 1e-8, n)
			p := gradcheck.Float32s(gradcheck.Random(1, n, -1, 1))
			g := gradcheck.Float32s(gradcheck.Random(2, n, -1, 1))
			b.ReportAllocs()
			for b.Loop() {
				if fused {
					o.Step32L2(p, g, 2e-4, nw)
				} else {
					kernel.AddScaled32(g[:nw], p[:nw], 2e-4)
					o.Step32(p, g)
				}
			}
		})
	}
}
