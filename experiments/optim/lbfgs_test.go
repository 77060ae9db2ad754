package optim

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// regData returns n rows of d features and targets y = X·w* + b* + noise,
// from a fixed seed.
func regData(n, d int, logistic bool) (x [][]float64, y []float64) {
	r := rand.New(rand.NewPCG(7, 11))
	wStar := []float64{1.5, -2, 0.5, 3}[:d]
	for range n {
		row := make([]float64, d)
		z := 0.7 // b*
		for j := range row {
			row[j] = 2*r.Float64() - 0.5 // off-centre on purpose: the bias matters
			z += wStar[j] * row[j]
		}
		x = append(x, row)
		if logistic {
			t := 0.0
			if r.Float64() < 1/(1+math.Exp(-z)) {
				t = 1
			}
			y = append(y, t)
		} else {
			y = append(y, z+0.3*r.NormFloat64())
		}
	}
	return x, y
}

// ridge returns f and its gradient for (1/n)Σ(x_i·w+b−y_i)² + λ‖w‖² over
// p = (w, b).
func ridge(x [][]float64, y []float64, lambda float64) func(grad, p []float64) float64 {
	n, d := len(x), len(x[0])
	return func(grad, p []float64) float64 {
		w, b := p[:d], p[d]
		for i := range grad {
			grad[i] = 0
		}
		var f float64
		for i, row := range x {
			r := floats.Dot(row, w) + b - y[i]
			f += r * r
			floats.AddScaled(grad[:d], 2*r/float64(n), row)
			grad[d] += 2 * r / float64(n)
		}
		f /= float64(n)
		for j, v := range w {
			f += lambda * v * v
			grad[j] += 2 * lambda * v
		}
		return f
	}
}

func TestLBFGS_RidgeMatchesClosedForm(t *testing.T) {
	const n, d, lambda = 200, 3, 0.05
	x, y := regData(n, d, false)

	// Closed form: centre X and y; w = (XcᵀXc/n + λI)⁻¹ Xcᵀyc/n, b = ȳ − x̄·w.
	xbar := make([]float64, d)
	var ybar float64
	for i, row := range x {
		floats.Add(xbar, row)
		ybar += y[i]
	}
	floats.Scale(1/float64(n), xbar)
	ybar /= n
	xc := mat.NewDense(n, d, nil)
	yc := mat.NewVecDense(n, nil)
	for i, row := range x {
		for j := range row {
			xc.Set(i, j, row[j]-xbar[j])
		}
		yc.SetVec(i, y[i]-ybar)
	}
	var a mat.Dense
	a.Mul(xc.T(), xc)
	a.Scale(1.0/n, &a)
	for j := range d {
		a.Set(j, j, a.At(j, j)+lambda)
	}
	var rhs, wv mat.VecDense
	rhs.MulVec(xc.T(), yc)
	rhs.ScaleVec(1.0/n, &rhs)
	if err := wv.SolveVec(&a, &rhs); err != nil {
		t.Fatalf("closed form: %v", err)
	}
	want := make([]float64, d+1)
	for j := range d {
		want[j] = wv.AtVec(j)
	}
	want[d] = ybar - floats.Dot(xbar, want[:d])

	fg := ridge(x, y, lambda)
	g := make([]float64, d+1)
	fWant := fg(g, want)

	p := make([]float64, d+1)
	res, err := LBFGS(t.Context(), fg, p, 200, 1e-12)
	if err != nil {
		t.Fatalf("LBFGS: %v (result %+v)", err, res)
	}
	t.Logf("result %+v, x %v, closed form %v", res, p, want)
	for j := range p {
		if math.Abs(p[j]-want[j]) > 1e-8 {
			t.Errorf("p[%d] = %.12g, closed form %.12g", j, p[j], want[j])
		}
	}
	if math.Abs(res.F-fWant) > 1e-10*math.Abs(fWant) {
		t.Errorf("f = %.15g, closed form %.15g", res.F, fWant)
	}
	if f := fg(g, p); f != res.F { // exact: F must be f at the returned point
		t.Errorf("res.F = %v but f(x) = %v", res.F, f)
	}
}

func TestLBFGS_LogisticStationary(t *testing.T) {
	const n, d, lambda = 300, 4, 1e-3
	x, y := regData(n, d, true)
	fg := func(grad, p []float64) float64 {
		w, b := p[:d], p[d]
		for i := range grad {
			grad[i] = 0
		}
		var f float64
		for i, row := range x {
			z := floats.Dot(row, w) + b
			f += math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - y[i]*z
			s := 1 / (1 + math.Exp(-z))
			floats.AddScaled(grad[:d], (s-y[i])/n, row)
			grad[d] += (s - y[i]) / n
		}
		f /= n
		for j, v := range w {
			f += lambda * v * v
			grad[j] += 2 * lambda * v
		}
		return f
	}
	p := make([]float64, d+1)
	calls := 0
	counted := func(grad, p []float64) float64 { calls++; return fg(grad, p) }
	res, err := LBFGS(t.Context(), counted, p, 500, 1e-10)
	if err != nil {
		t.Fatalf("LBFGS: %v (result %+v)", err, res)
	}
	g := make([]float64, d+1)
	fg(g, p)
	nrm := floats.Norm(g, 2)
	t.Logf("‖∇f‖₂ = %g", nrm)
	if nrm >= 1e-8 {
		t.Errorf("‖∇f‖ = %g at the end (result %+v)", nrm, res)
	}
	if res.Evaluations != calls {
		t.Errorf("Evaluations = %d, fg called %d times", res.Evaluations, calls)
	}
	t.Logf("result %+v", res)
}

// rosenbrock is the classic banana, minimised at (1, 1).
func rosenbrock(grad, x []float64) float64 {
	a, b := 1-x[0], x[1]-x[0]*x[0]
	grad[0] = -2*a - 400*x[0]*b
	grad[1] = 200 * b
	return a*a + 100*b*b
}

func TestLBFGS_IterationLimit(t *testing.T) {
	x := []float64{-1.2, 1}
	res, err := LBFGS(t.Context(), rosenbrock, x, 3, 1e-10)
	if err != nil {
		t.Fatalf("LBFGS: %v", err)
	}
	if res.Status != "IterationLimit" || res.Iterations != 3 {
		t.Errorf("result %+v, want IterationLimit after 3 iterations", res)
	}
	if res.F >= 24.2 { // f(−1.2, 1) = 24.2: progress was made and x kept it
		t.Errorf("f = %v, no progress", res.F)
	}
	g := make([]float64, 2)
	if f := rosenbrock(g, x); f != res.F { // exact: x is the point F was computed at
		t.Errorf("x %v has f %v, result says %v", x, f, res.F)
	}

	x = []float64{-1.2, 1}
	res, err = LBFGS(t.Context(), rosenbrock, x, 0, 1e-9)
	if err != nil || math.Abs(x[0]-1) > 1e-6 || math.Abs(x[1]-1) > 1e-6 {
		t.Errorf("unlimited run: x %v, result %+v, err %v", x, res, err)
	}
}

func TestLBFGS_Cancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	x := []float64{-1.2, 1}
	_, err := LBFGS(ctx, rosenbrock, x, 100, 1e-10)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before start: err = %v, want context.Canceled", err)
	}
	if x[0] != -1.2 || x[1] != 1 { // exact: x must be untouched
		t.Errorf("x changed to %v", x)
	}

	// Cancelled during the run: stops at the next evaluation and keeps the
	// best point of the completed iterations.
	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	calls := 0
	fg := func(grad, x []float64) float64 {
		calls++
		if calls == 10 {
			cancel()
		}
		return rosenbrock(grad, x)
	}
	x = []float64{-1.2, 1}
	res, err := LBFGS(ctx, fg, x, 1000, 1e-10)
	if err != context.Canceled { // exact: LBFGS returns ctx.Err() itself
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if calls > 11 {
		t.Errorf("%d evaluations after cancelling at 10", calls)
	}
	if res.F > 24.2 || math.IsNaN(x[0]) || math.IsNaN(x[1]) {
		t.Errorf("result %+v, x %v", res, x)
	}
}

func TestLBFGS_NonFinite(t *testing.T) {
	cases := []struct {
		name string
		fg   func(grad, x []float64) float64
	}{
		{"nan at start", func(grad, x []float64) float64 { grad[0], grad[1] = 1, 1; return math.NaN() }},
		{"inf in a line search", func() func(grad, x []float64) float64 {
			calls := 0
			return func(grad, x []float64) float64 {
				calls++
				if calls > 3 {
					return math.Inf(1)
				}
				return rosenbrock(grad, x)
			}
		}()},
		{"nan gradient", func(grad, x []float64) float64 { grad[0], grad[1] = math.NaN(), 0; return 1 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := []float64{-1.2, 1}
			_, err := LBFGS(t.Context(), c.fg, x, 100, 1e-10)
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
		})
	}
}
