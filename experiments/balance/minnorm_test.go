package balance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// exactMinNorm is the reference for MinNorm, independent of it: it
// enumerates every support S of the simplex, takes the point of the affine
// hull of {g_i : i ∈ S} nearest the origin from the gradients themselves
// (least squares g_s0 + Σ ν_i (g_si − g_s0) by an SVD pseudo-inverse, so an
// affinely dependent S still gives its point), keeps it when its weights
// are all ≥ 0, and returns the smallest ‖d‖² found, with the size of the
// support that gave it. The minimum over the simplex lies in the relative
// interior of the hull of some affinely independent support, where it is
// that support's affine minimizer, so the smallest feasible candidate is
// the minimum.
func exactMinNorm(g [][]float64) (best float64, support int) {
	k, dim := len(g), len(g[0])
	best = math.Inf(1)
	for mask := 1; mask < 1<<k; mask++ {
		var idx []int
		for i := range k {
			if mask&(1<<i) != 0 {
				idx = append(idx, i)
			}
		}
		n := len(idx)
		mu := make([]float64, n)
		mu[0] = 1
		if n > 1 {
			d := mat.NewDense(dim, n-1, nil)
			b := mat.NewVecDense(dim, nil)
			for r := range dim {
				b.SetVec(r, -g[idx[0]][r])
				for c := 1; c < n; c++ {
					d.Set(r, c-1, g[idx[c]][r]-g[idx[0]][r])
				}
			}
			var svd mat.SVD
			if !svd.Factorize(d, mat.SVDThin) {
				continue
			}
			sv := svd.Values(nil)
			var u, v mat.Dense
			svd.UTo(&u)
			svd.VTo(&v)
			nu := make([]float64, n-1)
			for j, s := range sv {
				if s <= 1e-12*sv[0] {
					continue
				}
				var ub float64
				for r := range dim {
					ub += u.At(r, j) * b.AtVec(r)
				}
				for c := range n - 1 {
					nu[c] += v.At(c, j) * ub / s
				}
			}
			for c := range n - 1 {
				mu[c+1] = nu[c]
				mu[0] -= nu[c]
			}
		}
		feasible := true
		for _, m := range mu {
			if m < -1e-12 {
				feasible = false
			}
		}
		if !feasible {
			continue
		}
		var nn float64
		for r := range dim {
			var x float64
			for c, i := range idx {
				x += mu[c] * g[i][r]
			}
			nn += x * x
		}
		if nn < best {
			best, support = nn, n
		}
	}
	return best, support
}

// normOf returns ‖Σ α_i g_i‖² from the gradients, and the Frank–Wolfe gap
// ‖d‖² − min_j g_j·d, which bounds ‖d‖² − (the minimum) by twice itself.
func normOf(g [][]float64, alpha []float64) (nn, gap float64) {
	d := make([]float64, len(g[0]))
	for i, a := range alpha {
		for r, x := range g[i] {
			d[r] += a * x
		}
	}
	for _, x := range d {
		nn += x * x
	}
	low := math.Inf(1)
	for _, gi := range g {
		var s float64
		for r, x := range gi {
			s += x * d[r]
		}
		low = min(low, s)
	}
	return nn, nn - low
}

func meanSq(g [][]float64) float64 {
	var s float64
	for _, gi := range g {
		for _, x := range gi {
			s += x * x
		}
	}
	return s / float64(len(g))
}

// checkSimplex fails unless alpha is a point of the simplex.
func checkSimplex(t *testing.T, alpha []float64) {
	t.Helper()
	var s float64
	for _, a := range alpha {
		if !(a >= 0) {
			t.Fatalf("α = %v has a negative or NaN weight", alpha)
		}
		s += a
	}
	if math.Abs(s-1) > 1e-12 {
		t.Fatalf("α = %v sums to %.17g", alpha, s)
	}
}

// randomGradients draws k gradients of dimension dim of one of several
// shapes, chosen so that the minimum lands on vertices, edges, faces and
// interiors of the simplex, and on degenerate sets.
func randomGradients(rng *rand.Rand, k, dim int, shape string) [][]float64 {
	g := make([][]float64, k)
	common := make([]float64, dim)
	for r := range common {
		common[r] = rng.NormFloat64()
	}
	shift := math.Pow(10, 2*rng.Float64()-1) // 0.1 … 10: a common direction pushes the hull off the origin
	for i := range g {
		g[i] = make([]float64, dim)
		for r := range dim {
			switch shape {
			case "collinear":
				g[i][r] = common[r]
			default:
				g[i][r] = rng.NormFloat64()
				if shape == "shifted" {
					g[i][r] += shift * common[r]
				}
			}
		}
		if shape == "collinear" {
			c := 3 * rng.NormFloat64()
			for r := range g[i] {
				g[i][r] *= c
			}
		}
	}
	switch shape {
	case "duplicate":
		copy(g[k-1], g[rng.IntN(k-1)])
	case "near-duplicate": // two gradients 1e-10 … 1e-4 apart, relatively
		copy(g[k-1], g[rng.IntN(k-1)])
		e := math.Pow(10, -4-6*rng.Float64())
		for r := range g[k-1] {
			g[k-1][r] += e * rng.NormFloat64()
		}
	case "zero":
		clear(g[rng.IntN(k)])
	case "huge", "tiny":
		s := 1e150
		if shape == "tiny" {
			s = 1e-150
		}
		for i := range g {
			for r := range g[i] {
				g[i][r] = (g[i][r] + shift*common[r]) * s
			}
		}
	}
	return g
}

// TestMinNorm_Exact: the contract of issue 21: for 3–5 losses, MinNorm's
// ‖Σα_i g_i‖² is within 1e-8 × mean‖g_i‖² of the exact minimum over the
// simplex (exactMinNorm, every support enumerated), on random sets whose
// minimum lies on vertices, edges, faces and interiors, and on degenerate
// sets (collinear, duplicate, nearly duplicate and zero gradients, huge
// and tiny scales).
// Frank–Wolfe (the former MinNorm) leaves up to 30% on the first case.
func TestMinNorm_Exact(t *testing.T) {
	t.Run("issue example", func(t *testing.T) {
		g := [][]float64{{1, 0.1}, {-1, 0.1}, {0, 1}}
		alpha := make([]float64, 3)
		MinNorm(alpha, gramOf(g), 3, make([]float64, MinNormWorkLen(3)))
		for i, want := range []float64{0.5, 0.5, 0} {
			near(t, fmt.Sprintf("α_%d", i), alpha[i], want, 1e-12)
		}
		nn, _ := normOf(g, alpha)
		near(t, "‖d‖²", nn, 0.01, 1e-14)
	})
	rng := rand.New(rand.NewPCG(21, 6))
	supports := map[string]int{}
	worst := 0.0 // the largest (‖d‖² − exact)/mean‖g_i‖² seen
	for _, shape := range []string{"gaussian", "shifted", "collinear", "duplicate", "near-duplicate", "zero", "huge", "tiny"} {
		for k := 3; k <= 5; k++ {
			for dim := 1; dim <= 6; dim++ {
				for rep := range 40 {
					g := randomGradients(rng, k, dim, shape)
					alpha := make([]float64, k)
					MinNorm(alpha, gramOf(g), k, make([]float64, MinNormWorkLen(k)))
					name := fmt.Sprintf("%s/k=%d/dim=%d/%d", shape, k, dim, rep)
					checkSimplex(t, alpha)
					want, s := exactMinNorm(g)
					got, _ := normOf(g, alpha)
					// The contract's tolerance, 1e-8 × mean‖g_i‖².
					if tol := 1e-8 * meanSq(g); got-want > tol {
						t.Errorf("%s: ‖d‖² = %.17g, exact %.17g (support %d): %.3g over, tolerance %.3g; α = %v",
							name, got, want, s, got-want, tol, alpha)
					}
					worst = max(worst, (got-want)/meanSq(g))
					switch {
					case s == 1:
						supports["vertex"]++
					case s == k:
						supports["interior"]++
					case s == 2:
						supports["edge"]++
					default:
						supports["face"]++
					}
				}
			}
		}
	}
	// The sets above reach every kind of optimum often.
	for _, kind := range []string{"vertex", "edge", "face", "interior"} {
		if supports[kind] < 50 {
			t.Errorf("only %d minima on a %s of the simplex: %v", supports[kind], kind, supports)
		}
	}
	t.Logf("minima by support: %v; worst excess %.3g × mean‖g_i‖²", supports, worst)
	// What the solver delivers, well inside the contract (3e-14 seen): a
	// solver that stalls near a near-duplicate gradient stays under 1e-8
	// but not under this.
	if worst > 1e-11 {
		t.Errorf("worst excess %.3g × mean‖g_i‖², want ≤ 1e-11", worst)
	}
}

// TestMinNorm_ManyLosses: up to 32 losses, MinNorm stays on the simplex and
// certifies its own optimality: the Frank–Wolfe gap ‖d‖² − min_j g_j·d,
// computed from the gradients, bounds the distance to the minimum and is
// at most 1e-9 × mean‖g_i‖².
func TestMinNorm_ManyLosses(t *testing.T) {
	rng := rand.New(rand.NewPCG(32, 1))
	for _, shape := range []string{"gaussian", "shifted", "collinear", "duplicate", "near-duplicate", "zero", "huge"} {
		for _, k := range []int{6, 8, 12, 20, 32} {
			for _, dim := range []int{2, 5, 10, 40} {
				for rep := range 5 {
					g := randomGradients(rng, k, dim, shape)
					alpha := make([]float64, k)
					MinNorm(alpha, gramOf(g), k, make([]float64, MinNormWorkLen(k)))
					checkSimplex(t, alpha)
					_, gap := normOf(g, alpha)
					if tol := 1e-9 * meanSq(g); gap > tol {
						t.Errorf("%s/k=%d/dim=%d/%d: gap %.3g > %.3g", shape, k, dim, rep, gap, tol)
					}
				}
			}
		}
	}
}

// TestMinNorm_TwoLossesClosedForm: two losses take MinNorm2 bit for bit
// (== on purpose: stored studies with two losses must not change).
func TestMinNorm_TwoLossesClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	alpha, work := make([]float64, 2), make([]float64, MinNormWorkLen(2))
	for range 1000 {
		g := randomGradients(rng, 2, 3, "shifted")
		gram := gramOf(g)
		MinNorm(alpha, gram, 2, work)
		a := MinNorm2(gram[0], gram[1], gram[3])
		if alpha[0] != a || alpha[1] != 1-a {
			t.Fatalf("MinNorm = %v, MinNorm2 gives %v", alpha, []float64{a, 1 - a})
		}
	}
}

func BenchmarkMinNorm(b *testing.B) {
	for _, k := range []int{3, 8, 32} {
		b.Run(fmt.Sprint(k), func(b *testing.B) {
			g := randomGradients(rand.New(rand.NewPCG(1, 1)), k, 50, "shifted")
			gram, alpha, work := gramOf(g), make([]float64, k), make([]float64, MinNormWorkLen(k))
			for b.Loop() {
				MinNorm(alpha, gram, k, work)
			}
		})
	}
}
