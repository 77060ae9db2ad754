package optim

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// LBFGSResult summarises an LBFGS run.
type LBFGSResult struct {
	F           float64 // objective at the returned point
	Iterations  int     // major iterations: accepted steps from the start
	Evaluations int     // calls of fg
	// Status is why the run stopped: gonum's status name
	// ("GradientThreshold", "FunctionConvergence", "IterationLimit", …) or
	// StatusStalled.
	Status string
}

// StatusStalled is the LBFGSResult.Status of a run whose line search could
// make no more progress at a point whose gradient was already within
// rounding noise of zero (see LBFGS).
const StatusStalled = "Stalled"

// stallGradTol is the relative gradient size, ‖∇f‖∞ ≤ stallGradTol·max(1, |f|),
// below which a line-search failure is taken as convergence: there the
// decrease a step can bring, of order ‖∇f‖²/curvature, is lost in the
// rounding of f.
const stallGradTol = 1e-6

// LBFGS minimises f over x (full batch) with gonum's L-BFGS, starting at x
// and overwriting x with the best point found.
//
// fg must return f(x) and overwrite grad with ∇f(x); it must not modify x.
// It is called once per distinct point (gonum asks for f and ∇f separately;
// the last evaluation is cached).
//
// The run stops when ‖∇f‖∞ < gradTol (gradTol ≤ 0: gonum's default 1e-12),
// after maxIter major iterations (maxIter ≤ 0: no limit), or when f has not
// decreased for 20 iterations; these end with a nil error and the reason in
// Status. If the line search fails (no progress in floating point, which
// happens when gradTol asks for more than double precision can give) at a
// point with ‖∇f‖∞ ≤ 1e-6·max(1, |f|), that point is returned with
// StatusStalled and a nil error; a failure farther from a stationary point
// is an error.
//
// When ctx is cancelled LBFGS stops at the next evaluation and returns
// ctx.Err() itself; a NaN or infinite f or gradient is an error. In both
// cases x holds the best point of the completed iterations.
func LBFGS(ctx context.Context, fg func(grad, x []float64) float64, x []float64, maxIter int, gradTol float64) (LBFGSResult, error) {
	n := len(x)
	if n == 0 {
		panic("optim: lbfgs: empty x")
	}
	if err := ctx.Err(); err != nil {
		return LBFGSResult{F: math.NaN(), Status: optimize.Failure.String()}, err
	}
	c := &fgCache{fg: fg, x: make([]float64, n), g: make([]float64, n)}
	prob := optimize.Problem{
		Func: c.f,
		Grad: c.grad,
		// Status runs after every evaluation (and once before the first),
		// in the goroutine that received the evaluation's result, so
		// reading c.err here is ordered after the write in fg.
		Status: func() (optimize.Status, error) {
			if err := ctx.Err(); err != nil {
				return optimize.Failure, err
			}
			if c.err != nil {
				return optimize.Failure, c.err
			}
			return optimize.NotTerminated, nil
		},
	}
	settings, thr := lbfgsSettings(maxIter, gradTol)
	res, err := optimize.Minimize(prob, x, settings, &optimize.LBFGS{GradStopThreshold: thr})
	if res == nil { // failed before the first evaluation
		if err == nil {
			err = errors.New("optim: lbfgs: no result")
		}
		return LBFGSResult{F: math.NaN(), Status: optimize.Failure.String()}, err
	}
	out := LBFGSResult{
		F:           res.F,
		Iterations:  max(res.MajorIterations-1, 0),
		Evaluations: c.evals,
		Status:      res.Status.String(),
	}
	if res.MajorIterations > 0 { // else res.X was never set
		copy(x, res.X)
	}
	if cerr := ctx.Err(); cerr != nil {
		return out, cerr
	}
	if c.err != nil {
		return out, c.err
	}
	if err != nil {
		if stalledAtOptimum(res, err) {
			out.Status = StatusStalled
			return out, nil
		}
		return out, fmt.Errorf("optim: lbfgs after %d iterations (f = %g): %w", out.Iterations, out.F, err)
	}
	return out, nil
}

// lbfgsSettings are gonum's settings for at most maxIter iterations
// (0: no bound) down to a gradient norm of gradTol, and the threshold.
func lbfgsSettings(maxIter int, gradTol float64) (*optimize.Settings, float64) {
	thr := gradTol
	if !(thr > 0) {
		thr = 0 // gonum: Settings unchecked, LBFGS.GradStopThreshold defaults to 1e-12
	}
	settings := &optimize.Settings{
		GradientThreshold: thr,
		Converger:         &optimize.FunctionConverge{Iterations: 20},
	}
	if maxIter > 0 {
		settings.MajorIterations = maxIter + 1 // gonum counts the starting point
	}
	return settings, thr
}

// stalledAtOptimum reports whether gonum's error err says the line search
// stalled where the gradient is already negligible.
func stalledAtOptimum(res *optimize.Result, err error) bool {
	stalled := errors.Is(err, optimize.ErrLinesearcherFailure) ||
		errors.Is(err, optimize.ErrNoProgress) ||
		errors.Is(err, optimize.ErrNonDescentDirection)
	return stalled && res.Gradient != nil && normInf(res.Gradient) <= stallGradTol*math.Max(1, math.Abs(res.F))
}

func normInf(v []float64) float64 {
	var m float64
	for _, a := range v {
		m = math.Max(m, math.Abs(a))
	}
	return m
}

// fgCache evaluates fg once per distinct point and serves f and ∇f from
// the last evaluation. gonum runs the evaluations one at a time (one
// concurrent task), so it needs no lock.
type fgCache struct {
	fg    func(grad, x []float64) float64
	x, g  []float64 // last point and its gradient
	fx    float64
	valid bool
	evals int
	err   error // first non-finite value seen
}

func (c *fgCache) eval(x []float64) {
	if c.valid && equalBits(c.x, x) {
		return
	}
	copy(c.x, x)
	c.fx = c.fg(c.g, c.x)
	c.valid = true
	c.evals++
	if c.err != nil {
		return
	}
	if math.IsNaN(c.fx) || math.IsInf(c.fx, 0) {
		c.err = fmt.Errorf("optim: lbfgs: objective is %v at evaluation %d", c.fx, c.evals)
		return
	}
	for i, v := range c.g {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			c.err = fmt.Errorf("optim: lbfgs: gradient[%d] is %v at evaluation %d", i, v, c.evals)
			return
		}
	}
}

func (c *fgCache) f(x []float64) float64 {
	c.eval(x)
	return c.fx
}

func (c *fgCache) grad(grad, x []float64) {
	c.eval(x)
	copy(grad, c.g)
}

// equalBits reports whether a and b hold the same float64 bit patterns:
// the cache must serve exactly the point it evaluated.
func equalBits(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
