package report

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// linTicks labels a linear axis at 5 to 10 round values (steps of 1, 2,
// 2.5 or 5 × 10^k) with an unlabelled tick between each two: gonum's
// default gives three labels (0.5, 0.7, 0.9), too few to read a value off.
type linTicks struct{}

func (linTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	step := niceStep(lo, hi)
	decimals := 0
	if e := -int(math.Floor(math.Log10(step) + 1e-9)); e > 0 {
		decimals = e
		if m := step / math.Pow10(-e); math.Abs(m-2.5) < 1e-9 {
			decimals++
		}
	}
	big := math.Max(math.Abs(lo), math.Abs(hi)) >= 1e6 || step < 1e-4
	var ticks []plot.Tick
	first := math.Ceil(lo/step-1e-9) * step
	for k := 0; ; k++ {
		v := first + float64(k)*step
		if v > hi+1e-9*step {
			break
		}
		if math.Abs(v) < 1e-12*step {
			v = 0 // not -1.2e-17
		}
		label := strconv.FormatFloat(v, 'f', decimals, 64)
		if big {
			label = strconv.FormatFloat(v, 'g', 4, 64)
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
		if m := v + step/2; m <= hi {
			ticks = append(ticks, plot.Tick{Value: m})
		}
		if k == 0 && v-step/2 >= lo {
			ticks = append(ticks, plot.Tick{Value: v - step/2})
		}
	}
	return ticks
}

// niceStep is the step of 1, 2, 2.5 or 5 × 10^k that puts closest to 7
// labels on [lo, hi], and at least 5 (so at most 11).
func niceStep(lo, hi float64) float64 {
	mag := math.Pow10(int(math.Floor(math.Log10((hi - lo) / 5))))
	best, bestD := mag, math.Inf(1)
	for _, k := range []float64{0.1, 1, 10} {
		for _, m := range []float64{1, 2, 2.5, 5} {
			step := m * mag * k
			n := math.Floor(hi/step+1e-9) - math.Ceil(lo/step-1e-9) + 1
			if d := math.Abs(n - 7); n >= 5 && d <= bestD { // ties: the larger step
				best, bestD = step, d
			}
		}
	}
	return best
}
