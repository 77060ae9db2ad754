package check_test

import (
	"fmt"
	"github.com/lossexp/lossexp/report/table"
	"math"
	"strings"

	"github.com/lossexp/lossexp/report/check"
)

// Two fronts of a trade-off, larger being better on both axes: the second
// gives up the high-accuracy end of the curve for a little more of the
// other objective. Scored in the same box it dominates a little less, and
// the ε indicator shows that the high-accuracy end is lost by 30 % of the
// accuracy range.
func ExampleHypervolumes() {
	accuracy := []float64{0.90, 0.85, 0.70}
	sparsity := []float64{0.10, 0.60, 0.90}
	accuracy2 := []float64{0.80, 0.84, 0.70}
	sparsity2 := []float64{0.10, 0.62, 0.92}
	a, b := check.Hypervolumes(accuracy, sparsity, accuracy2, sparsity2)
	eps := check.FrontEpsilon(accuracy, sparsity, accuracy2, sparsity2)
	fmt.Printf("hypervolume: baseline %.3f, new %.3f; ε %.2f\n", a, b, eps)
	// Output: hypervolume: baseline 0.549, new 0.516; ε 0.30
}

// Check compares a sweep's summary with a baseline's. Here accuracy at
// λ = 1 fell by 0.1, far beyond its band of max(0.01, 1 % × 0.6,
// 2 × combined standard error).
func ExampleCheck() {
	base := strings.NewReader("lambda.l2,n,diverged,test.accuracy.mean,test.accuracy.std\n0,5,0,0.80,0.01\n0.1,5,0,0.85,0.01\n1,5,0,0.60,0.02\n")
	cur := strings.NewReader("lambda.l2,n,diverged,test.accuracy.mean,test.accuracy.std\n0,5,0,0.80,0.01\n0.1,5,0,0.85,0.01\n1,5,0,0.50,0.02\n")
	b, _ := table.ParseSummary(base, "baseline")
	c, _ := table.ParseSummary(cur, "results")
	rep, err := check.Check(b, c, check.CheckOptions{Metrics: []string{"test.accuracy"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range rep.Points {
		if p.Regressed {
			fmt.Printf("%s at %s: %.2f → %.2f (band %.4f)\n", p.Metric, p.Label, p.Base, p.New, p.Band)
		}
	}
	fmt.Println(rep.Regressions(), "of", rep.Total(), "checks regressed;", math.IsNaN(rep.Points[0].Delta))
	// Output:
	// test.accuracy at l2=1: 0.60 → 0.50 (band 0.0253)
	// 1 of 11 checks regressed; false
}
