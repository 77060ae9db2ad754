package table

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// Power is the smallest paired difference from λ = 0 on the task metric
// that the study's repeats detect with 80% power in a two-sided paired
// t-test at α = 0.05:
//
//	δ = (t(0.975, n−1) + t(0.80, n−1)) · s_d / √n
//
// with n the pairs (repeats) and s_d the standard deviation of the paired
// differences, pooled over the λ of the slice: √(mean of s_d(λ)²) over the
// λ > 0 with at least two pairs. This is the usual t approximation of the
// power of the paired t-test (the noncentral t replaced by a shifted
// central one); it is exact in the limit of large n and slightly
// optimistic for a handful of repeats.
type Power struct {
	N     int     // pairs; 0 when there is no paired difference to use
	SD    float64 // pooled standard deviation of the paired differences
	Delta float64 // the detectable difference; NaN when N < 2
}

// PowerAlpha and PowerTarget are the test's level and the power asked.
const (
	PowerAlpha  = 0.05
	PowerTarget = 0.80
)

// DetectableDiff is δ for n pairs of standard deviation sd (NaN for n < 2).
func DetectableDiff(n int, sd float64) float64 {
	if n < 2 || !IsFinite(sd) {
		return math.NaN()
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}
	return (t.Quantile(1-PowerAlpha/2) + t.Quantile(PowerTarget)) * sd / math.Sqrt(float64(n))
}

// powerOf pools ta's paired differences on the task metric (see Power).
func (a *Analysis) powerOf(ta *TermAnalysis) Power {
	p := Power{Delta: math.NaN(), SD: math.NaN()}
	ss, k := 0.0, 0
	for _, pr := range ta.Paired {
		if pr.Metric != a.Task.Name || pr.N < 2 || !IsFinite(pr.Std) {
			continue
		}
		ss += pr.Std * pr.Std
		k++
		if p.N == 0 || pr.N < p.N {
			p.N = pr.N
		}
	}
	if k == 0 {
		return p
	}
	p.SD = math.Sqrt(ss / float64(k))
	p.Delta = DetectableDiff(p.N, p.SD)
	return p
}

// PowerLines say, for report.html, what the repeats detect and how many
// would make λ_best firm.
func (a *Analysis) PowerLines(ta *TermAnalysis) []string {
	st := ta.Stability
	if st == nil {
		return nil
	}
	var out []string
	if pw := st.Power; IsFinite(pw.Delta) {
		out = append(out, fmt.Sprintf("With n = %d paired repeats, the smallest difference from λ = 0 on %s that a two-sided paired t-test (α = 0.05) detects with 80%% power is %s: δ = (t(0.975, n−1) + t(0.80, n−1))·s_d/√n, s_d = %s the SD of the paired differences pooled over the slice's λ.",
			pw.N, a.Task.Name, FormatNum(pw.Delta), FormatNum(pw.SD)))
	}
	levels := make([]string, len(StabilityLevels))
	for i, l := range StabilityLevels {
		levels[i] = strconv.Itoa(l * st.Repeats)
	}
	how := fmt.Sprintf("estimated by resampling at larger n: n′ = %s repeats drawn with replacement from the study's %d, %d resamples at each, the first n′ where λ_best keeps its λ in 80%% of them",
		strings.Join(levels, ", "), st.Repeats, levelResamples)
	switch {
	case st.NeedRepeats == 0:
		out = append(out, "λ_best keeps its λ in at least 80% of the resamples already at the study's repeats.")
	case st.NeedRepeats > 0:
		out = append(out, fmt.Sprintf("About %d repeats would make λ_best's share reach 0.8 (%s).", st.NeedRepeats, how))
	case ta.Balance.Best.Point >= 0:
		out = append(out, fmt.Sprintf("Even %d repeats would not make λ_best's share reach 0.8 (%s): the curve is too flat near its best for the repeats to settle it.",
			StabilityLevels[len(StabilityLevels)-1]*st.Repeats, how))
	}
	return out
}
