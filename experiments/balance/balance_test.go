package balance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) { // NaN fails
		t.Errorf("%s = %.15g, want %.15g", what, got, want)
	}
}

// TestMinNorm2_HandValues: g1 = (2, 0), g2 = (−1, 1): g11 = 4, g12 = −2,
// g22 = 2, α = (2+2)/(4+4+2) = 0.4, the point (0.2, 0.6). The clipped
// cases return the end whose gradient is the shorter one along the other.
func TestMinNorm2_HandValues(t *testing.T) {
	for _, tc := range []struct {
		name          string
		g11, g12, g22 float64
		want          float64
	}{
		{"interior", 4, -2, 2, 0.4},
		{"orthogonal unit", 1, 0, 1, 0.5},
		{"g1 inside (g1·g2 ≥ ‖g1‖²)", 1, 2, 5, 1},
		{"g2 inside", 5, 2, 1, 0},
		{"equal", 2, 2, 2, 0.5},
		{"both zero", 0, 0, 0, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MinNorm2(tc.g11, tc.g12, tc.g22)
			near(t, "α", got, tc.want, 1e-15)
			// No α on a fine grid does better.
			f := func(a float64) float64 { return a*a*tc.g11 + 2*a*(1-a)*tc.g12 + (1-a)*(1-a)*tc.g22 }
			for i := 0; i <= 1000; i++ {
				if a := float64(i) / 1000; f(a) < f(got)-1e-12 {
					t.Errorf("α = %g gives %g < %g at α = %g", a, f(a), f(got), got)
				}
			}
		})
	}
}

func gramOf(g [][]float64) []float64 {
	k := len(g)
	out := make([]float64, k*k)
	for i := range g {
		for j := range g {
			for m := range g[i] {
				out[i*k+j] += g[i][m] * g[j][m]
			}
		}
	}
	return out
}

// TestMinNorm_ThreeGradients: the three vertices of a triangle around the
// origin in the plane, (1, 0), (−1, 1), (−1, −1): the origin is inside
// their hull, at α = (1/2, 1/4, 1/4), so the min norm is 0; two gradients
// take the closed form.
func TestMinNorm_ThreeGradients(t *testing.T) {
	g := [][]float64{{1, 0}, {-1, 1}, {-1, -1}}
	alpha, work := make([]float64, 3), make([]float64, MinNormWorkLen(3))
	MinNorm(alpha, gramOf(g), 3, work)
	want := []float64{0.5, 0.25, 0.25}
	for i := range alpha {
		near(t, "α", alpha[i], want[i], 1e-12)
	}
	var s float64
	for _, a := range alpha {
		s += a
	}
	near(t, "Σα", s, 1, 1e-12)
	two := make([]float64, 2)
	MinNorm(two, gramOf([][]float64{{2, 0}, {-1, 1}}), 2, work[:MinNormWorkLen(2)])
	near(t, "α_1", two[0], 0.4, 1e-15)
	near(t, "α_2", two[1], 0.6, 1e-15)
}

// TestPCGrad_HandValues: g1 = (1, 0), g2 = (−1, 1) conflict (g1·g2 = −1).
// g1^PC = g1 − (−1/2)·g2 = (0.5, 0.5); g2^PC = g2 − (−1/1)·g1 = (0, 1);
// the sum (0.5, 1.5) = 2·g1 + 1.5·g2. Without conflict nothing moves.
func TestPCGrad_HandValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	w, coef, perm := make([]float64, 2), make([]float64, 4), make([]int, 2)
	n := PCGradWeights(w, gramOf([][]float64{{1, 0}, {-1, 1}}), 2, coef, perm, rng)
	near(t, "w_1", w[0], 2, 1e-15)
	near(t, "w_2", w[1], 1.5, 1e-15)
	if n != 2 {
		t.Errorf("%d projections, want 2", n)
	}
	n = PCGradWeights(w, gramOf([][]float64{{1, 0}, {1, 1}}), 2, coef, perm, rng)
	if w[0] != 1 || w[1] != 1 || n != 0 { // exact: nothing is projected
		t.Errorf("no conflict: w = %v, %d projections; want [1 1], 0", w, n)
	}
	// Three gradients: the coefficients reproduce the projections done
	// on the vectors themselves, in the order the generator draws.
	g := [][]float64{{1, 0, 0.5}, {-1, 1, 0}, {0.2, -1, 1}}
	r1, r2 := rand.New(rand.NewPCG(7, 7)), rand.New(rand.NewPCG(7, 7))
	w3, c3, p3 := make([]float64, 3), make([]float64, 9), make([]int, 3)
	PCGradWeights(w3, gramOf(g), 3, c3, p3, r1)
	sum := make([]float64, 3)
	for i := range g {
		v := append([]float64(nil), g[i]...)
		perm := []int{0, 1, 2}
		r2.Shuffle(3, func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
		for _, j := range perm {
			if j == i {
				continue
			}
			var d, nn float64
			for m := range v {
				d += v[m] * g[j][m]
				nn += g[j][m] * g[j][m]
			}
			if d < 0 {
				for m := range v {
					v[m] -= d / nn * g[j][m]
				}
			}
		}
		for m := range v {
			sum[m] += v[m]
		}
	}
	for m := range sum {
		var got float64
		for j := range g {
			got += w3[j] * g[j][m]
		}
		near(t, "PCGrad direction", got, sum[m], 1e-12)
	}
}

// TestGradNorm_HandStep: K = 2, w = (1, 1), n = (2, 1), L = (0.5, 0.8),
// L(0) = (1, 1), α = 1. L̃ = (0.5, 0.8), mean 0.65, r = (0.5/0.65,
// 0.8/0.65); Ḡ = 1.5; targets 1.5·r = (1.153846…, 1.846153…). G_1 = 2
// is above its target, G_2 = 1 below: ∂L_grad/∂w = (2, −1), L_grad =
// 2·0.846153… . An SGD step of 0.1 gives (0.8, 1.1), renormalized to sum
// 2: (0.8·2/1.9, 1.1·2/1.9).
func TestGradNorm_HandStep(t *testing.T) {
	w := []float64{1, 1}
	dst := []float64{math.NaN(), math.NaN()}
	lg := GradNormGrad(dst, w, []float64{2, 1}, []float64{0.5, 0.8}, []float64{1, 1}, 1)
	near(t, "∂/∂w_1", dst[0], 2, 0)
	near(t, "∂/∂w_2", dst[1], -1, 0)
	near(t, "L_grad", lg, 2*(2-1.5*0.5/0.65), 1e-14)
	for i := range w {
		w[i] -= 0.1 * dst[i]
	}
	Renormalize(w, 2)
	near(t, "w_1", w[0], 0.8*2/1.9, 1e-15)
	near(t, "w_2", w[1], 1.1*2/1.9, 1e-15)

	// The gradient is that of L_grad with the targets held fixed
	// (central differences away from the kinks).
	norms, loss, loss0 := []float64{2, 1, 0.5}, []float64{0.5, 0.8, 0.3}, []float64{1, 1, 0.6}
	w3 := []float64{0.7, 1.4, 0.9}
	target := make([]float64, 3)
	GradNormGrad(make([]float64, 3), w3, norms, loss, loss0, 1.5)
	var gbar, rbar float64
	for i := range w3 {
		gbar += w3[i] * norms[i] / 3
		rbar += loss[i] / loss0[i] / 3
	}
	for i := range target {
		target[i] = gbar * math.Pow(loss[i]/loss0[i]/rbar, 1.5)
	}
	f := func(x []float64) float64 {
		var s float64
		for i := range x {
			s += math.Abs(x[i]*norms[i] - target[i])
		}
		return s
	}
	gradcheck.Check(t, f, func(dst, x []float64) { GradNormGrad(dst, x, norms, loss, loss0, 1.5) }, w3, 0)

	// Renormalize floors a weight pushed below zero.
	v := []float64{-0.5, 2.5}
	Renormalize(v, 2)
	if !(v[0] > 0) || math.Abs(v[0]+v[1]-2) > 1e-15 {
		t.Errorf("Renormalize(-0.5, 2.5) = %v: want a positive floor and sum 2", v)
	}
}

// TestUncertainty_Gradient checks ∂U/∂s by central differences and by
// hand: s = (0, ln 2), L = (1, 4): U = ½·1 + 0 + ¼·4 + ½ln2, ∂U/∂s =
// (½ − ½, ½ − ¼·4) = (0, −½).
func TestUncertainty_Gradient(t *testing.T) {
	loss := []float64{1, 4}
	s := []float64{0, math.Ln2}
	dst := make([]float64, 2)
	u := UncertaintyGrad(dst, s, loss)
	near(t, "U", u, 1.5+0.5*math.Ln2, 1e-15)
	near(t, "∂U/∂s_1", dst[0], 0, 1e-15)
	near(t, "∂U/∂s_2", dst[1], -0.5, 1e-15)
	w := make([]float64, 2)
	UncertaintyWeights(w, s)
	near(t, "w_2", w[1], 0.25, 1e-15)

	loss3 := []float64{0.7, 2.5, 0.05}
	f := func(x []float64) float64 { return UncertaintyGrad(make([]float64, 3), x, loss3) }
	gradcheck.Check(t, f, func(dst, x []float64) { UncertaintyGrad(dst, x, loss3) }, gradcheck.Random(3, 3, -1, 1), 0)
}

// TestDWA_HandValues: prev = (0.5, 1), prev2 = (1, 1), T = 2: r/T =
// (0.25, 0.5), w = 2·e^{r/T}/Σ = 2·(e^0.25, e^0.5)/(e^0.25 + e^0.5).
func TestDWA_HandValues(t *testing.T) {
	w := make([]float64, 2)
	DWAWeights(w, []float64{0.5, 1}, []float64{1, 1}, 2)
	den := math.Exp(0.25) + math.Exp(0.5)
	near(t, "w_1", w[0], 2*math.Exp(0.25)/den, 1e-15)
	near(t, "w_2", w[1], 2*math.Exp(0.5)/den, 1e-15)
	DWAWeights(w, []float64{0.5, 1}, []float64{0, 1}, 2) // a zero mean counts as ratio 1
	near(t, "w_1 (ratio 1)", w[0], 1, 1e-15)
}

// TestRLW_SoftmaxOfNormals: the weights are softmax(z) of the next K
// normal draws of the generator, so a run's stream fixes them.
func TestRLW_SoftmaxOfNormals(t *testing.T) {
	r1, r2 := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(5, 6))
	w := make([]float64, 3)
	for range 4 {
		RLWWeights(w, r1)
		z := []float64{r2.NormFloat64(), r2.NormFloat64(), r2.NormFloat64()}
		den := math.Exp(z[0]) + math.Exp(z[1]) + math.Exp(z[2])
		for i := range w {
			near(t, "w", w[i], math.Exp(z[i])/den, 1e-15)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	gram := gramOf([][]float64{{1, 0, 0.5}, {-1, 1, 0}, {0.2, -1, 1}})
	w, work, coef, perm := make([]float64, 3), make([]float64, 3), make([]float64, 9), make([]int, 3)
	mnWork := make([]float64, MinNormWorkLen(3))
	if a := testing.AllocsPerRun(50, func() {
		MinNorm(w, gram, 3, mnWork)
		PCGradWeights(w, gram, 3, coef, perm, rng)
		RLWWeights(w, rng)
		GradNormGrad(work, w, w, w, w, 1.5)
		Renormalize(w, 3)
		UncertaintyGrad(work, w, w)
		DWAWeights(w, work, work, 2)
	}); a != 0 {
		t.Errorf("%v allocations per call", a)
	}
}
