package figure

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// linTicks labels a linear axis at 5 to 10 round values (steps of 1, 2,
// 2.5 or 5 × 10^k) with an unlabelled tick between each two: gonum's
// default gives three labels (0.5, 0.7, 0.9), too few to read a value off.
// Any finite range gets ticks, never a panic (gonum's DefaultTicks panics
// on an empty range): a single value (a metric constant at 1e17, where
// gonum's ±1 padding is lost to rounding) gets one label, and a range too
// wide or too narrow for round steps in float64 (±1e308, subnormals) gets
// its two ends.
type linTicks struct{}

func (linTicks) Ticks(lo, hi float64) []plot.Tick {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || hi < lo {
		return nil
	}
	if hi == lo {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}
	step := niceStep(lo, hi)
	// Round steps need lo/step and hi/step exact enough to count on, and
	// a step that float64 holds (a subnormal range has none).
	if n := hi/step - lo/step; !(step > 0) || math.IsInf(step, 0) || !(n >= 1 && n <= 100) ||
		math.Abs(lo/step) > 1e15 || math.Abs(hi/step) > 1e15 {
		return []plot.Tick{
			{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)},
			{Value: hi, Label: strconv.FormatFloat(hi, 'g', 4, 64)},
		}
	}
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
		if math.IsInf(v, 0) { // k·step overflows on an axis near ±MaxFloat64
			v = 2 * (first/2 + float64(k)*(step/2))
		}
		if v > hi+1e-9*step || math.IsInf(v, 0) || k > 100 { // hi+… is +Inf near MaxFloat64
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
// A span that overflows (±1e308) is taken in halves, and one that
// underflows (subnormals) without dividing.
func niceStep(lo, hi float64) float64 {
	e := math.Log10((hi - lo) / 5)
	if math.IsInf(e, 0) {
		e = math.Log10(hi/2-lo/2) + math.Log10(2.0/5)
	}
	mag := math.Pow10(int(math.Floor(e)))
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

// padFlat widens an axis holding a single value that gonum's own padding
// (±1) cannot widen in float64 (|v| ≥ 2^53: a metric constant at 1e17) to
// v ± |v|/2, so that the axis has a range to draw and to tick. Other
// ranges are left as they are.
func padFlat(a *plot.Axis) {
	if v := a.Min; v == a.Max && v-1 == v && !math.IsInf(v, 0) {
		a.Min, a.Max = v-math.Abs(v)/2, v+math.Abs(v)/2
	}
}
