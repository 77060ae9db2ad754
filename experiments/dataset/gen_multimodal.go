package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// multimodalGenerator is the `multimodal` built-in (the adversarial
// term's dataset).
var multimodalGenerator = generator{
	info: GeneratorInfo{
		Name:    "multimodal",
		Task:    Regression,
		Summary: "y = ±f(x) + noise with the sign drawn per sample, f(x) = separation + ½·sin(πx), x ~ U(−1, 1): MSE predicts the mean 0, which no sample takes (adversarial term)",
		Params: []ParamInfo{
			{Name: "samples", Default: 600, Meaning: "number of rows", Integer: true, Min: 10},
			{Name: "separation", Default: 1.0, Meaning: "distance of each mode from 0 where sin(πx) = 0; above ½ the two modes never meet", Min: 0},
			{Name: "noise", Default: 0.1, Meaning: "standard deviation of the Gaussian noise added to the target", Min: 0},
			{Name: "positive", Default: 0.5, Meaning: "probability of the + sign (½: two equal modes)", Min: 0},
		},
	},
	check: func(p genParams) error {
		if p["separation"] <= 0.5 {
			return fmt.Errorf("parameter separation must be greater than 0.5 (the modes would cross), got %v", p["separation"])
		}
		if p["positive"] > 1 {
			return fmt.Errorf("parameter positive must be at most 1, got %v", p["positive"])
		}
		return nil
	},
	gen: genMultimodal,
}

// multimodalF is the magnitude of the target's modes at x.
func multimodalF(x, separation float64) float64 {
	return separation + 0.5*math.Sin(math.Pi*x)
}

// genMultimodal draws, per row, x ~ U(−1, 1), a sign s = +1 with
// probability `positive` (else −1) and y = s·f(x) + noise·N(0, 1) with
// f(x) = separation + ½·sin(πx) ≥ separation − ½ > 0. The conditional
// law of y given x has two modes, ±f(x); the conditional mean
// (2·positive − 1)·f(x), which MSE learns, is 0 for equal modes: between
// them, where no sample lies. One feature, x0 = x. The draws per row are
// x, then the sign, then the noise.
func genMultimodal(t *Table, p genParams, rng *rand.Rand) {
	n := p.int("samples")
	sep, noise, pos := p["separation"], p["noise"], p["positive"]
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range n {
		x[i] = 2*rng.Float64() - 1
		s := -1.0
		if rng.Float64() < pos {
			s = 1
		}
		y[i] = s*multimodalF(x[i], sep) + noise*rng.NormFloat64()
	}
	t.N, t.NumX, t.Y = n, x, y
}
