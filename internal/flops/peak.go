package flops

import (
	"errors"
	"sync"
	"time"
)

// RoundFLOPs returns the floating-point operations of one round of the FMA
// loop: 12 FMAs on vectors of VectorBits (64-bit float64 or 32-bit float32
// lanes), two operations each.
func RoundFLOPs(float32 bool) float64 {
	lane := 64
	if float32 {
		lane = 32
	}
	return 12 * float64(VectorBits()/lane) * 2
}

// ErrNoFMA: the CPU (or architecture) has no AVX2/FMA loop to measure.
var ErrNoFMA = errors.New("flops: no AVX2/FMA on this CPU")

// Peak measures the fused multiply-add peak in FLOP/s of goroutines
// goroutines at once (one per core measured: run with GOMAXPROCS at
// least goroutines), each running the FMA loop for about d. It returns
// the total over all goroutines, the best of three tries (the least
// disturbed by other work on the machine).
func Peak(float32 bool, goroutines int, d time.Duration) (float64, error) {
	if !fmaRounds(float32, 1) {
		return 0, ErrNoFMA
	}
	// Calibrate: rounds that take about 10 ms on one goroutine.
	n := 1 << 16
	for {
		t0 := time.Now()
		fmaRounds(float32, n)
		if el := time.Since(t0); el > 5*time.Millisecond {
			n = int(float64(n) * float64(10*time.Millisecond) / float64(el))
			break
		}
		n *= 2
	}
	var best float64
	for try := 0; try < 3; try++ {
		var wg sync.WaitGroup
		rounds := make([]int, goroutines)
		t0 := time.Now()
		for g := range goroutines {
			wg.Go(func() {
				for time.Since(t0) < d {
					fmaRounds(float32, n)
					rounds[g] += n
				}
			})
		}
		wg.Wait()
		el := time.Since(t0).Seconds()
		total := 0
		for _, r := range rounds {
			total += r
		}
		best = max(best, float64(total)*RoundFLOPs(float32)/el)
	}
	return best, nil
}
