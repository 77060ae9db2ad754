package flops

import (
	"errors"
	"runtime"
	"testing"
	"time"
)

// TestPeak_Sane: the measured peak of one core is positive and below what
// two 256-bit FMA pipes could reach at 10 GHz: 10e9 × 2 pipes × lanes × 2
// flops (4 float64 or 8 float32 lanes, typed here, not taken from
// RoundFLOPs, so that a miscounted round, a factor of 4 or more, fails).
func TestPeak_Sane(t *testing.T) {
	for _, f32 := range []bool{false, true} {
		p, err := Peak(f32, 1, 20*time.Millisecond)
		if errors.Is(err, ErrNoFMA) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		lanes := 4.0
		if f32 {
			lanes = 8
		}
		limit := 10e9 * 2 * lanes * 2
		if p <= 0 || p > limit {
			t.Errorf("float32=%v: peak %.3g FLOP/s, want in (0, %.3g]", f32, p, limit)
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
