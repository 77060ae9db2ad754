package flops

import (
	"errors"
	"golang.org/x/sys/cpu"
	"runtime"
	"testing"
	"time"
)

// TestPeak_Sane: the measured peak of one core is positive and below what
// two FMA pipes of VectorBits could reach at 10 GHz: 10e9 × 2 pipes ×
// lanes × 2 flops (4 float64 or 8 float32 lanes at 256 bits, twice that
// at 512, typed here, not taken from RoundFLOPs, so that a miscounted
// round, a factor of 4 or more, fails).
func TestPeak_Sane(t *testing.T) {
	for _, f32 := range []bool{false, true} {
		p, err := Peak(f32, 1, 20*time.Millisecond)
		if errors.Is(err, ErrNoFMA) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		lanes := 4.0 // 256-bit vectors
		if VectorBits() == 512 {
			lanes = 8
		}
		if f32 {
			lanes *= 2
		}
		limit := 10e9 * 2 * lanes * 2
		if p <= 0 || p > limit {
			t.Errorf("float32=%v: peak %.3g FLOP/s, want in (0, %.3g]", f32, p, limit)
		}
	}
}

// TestPeak_WidestVectors: the peak is measured on the widest vectors the
// CPU has, as the GEMM kernels use them (zmm blocks with AVX-512F): a
// 256-bit peak on an AVX-512 CPU would flatter training's share of it.
func TestPeak_WidestVectors(t *testing.T) {
	want := 0
	switch {
	case runtime.GOARCH != "amd64":
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasAVX512F:
		want = 512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		want = 256
	}
	if got := VectorBits(); got != want {
		t.Errorf("VectorBits() = %d, want %d", got, want)
	}
	lane := map[bool]float64{false: 64, true: 32}
	for _, f32 := range []bool{false, true} {
		if got, want := RoundFLOPs(f32), 12*2*float64(want)/lane[f32]; got != want {
			t.Errorf("RoundFLOPs(float32=%v) = %g, want %g", f32, got, want)
		}
	}
}

// BenchmarkPeak reports the FMA peak of all GOMAXPROCS cores (GFLOP/s).
func BenchmarkPeak(b *testing.B) {
	for _, c := range []struct {
		name string
		f32  bool
	}{{"float64", false}, {"float32", true}} {
		b.Run(c.name, func(b *testing.B) {
			var p float64
			for b.Loop() {
				var err error
				if p, err = Peak(c.f32, runtime.GOMAXPROCS(0), 100*time.Millisecond); err != nil {
					b.Skip(err)
				}
			}
			b.ReportMetric(p/1e9, "GFLOP/s")
		})
	}
}
