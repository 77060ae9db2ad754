package check

import (
	"github.com/lossexp/lossexp/report/table"
	"math"
	"strings"
	"testing"
)

func mustSummary(t *testing.T, src string) *table.Summary {
	t.Helper()
	s, err := table.ParseSummary(strings.NewReader(src), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// l1 study shape: accuracy rises then falls, sparsity rises with λ. The
// stds are large, so every point's band is wide (2 × SE ≈ 0.13).
const frontBase = `lambda.l1,n,diverged,test.accuracy.mean,test.accuracy.std,sparsity.mean,sparsity.std
0,4,0,0.80,0.1,0.00,0.1
0.01,4,0,0.86,0.1,0.40,0.1
0.1,4,0,0.84,0.1,0.80,0.1
1,4,0,0.60,0.1,0.98,0.1
`

func TestCheck_Bands(t *testing.T) {
	base := mustSummary(t, frontBase)
	tests := []struct {
		name    string
		cur     string
		metric  string
		tol     Tolerance
		regress []string // labels regressed on metric
	}{
		{"identical", frontBase, "test.accuracy", DefaultTolerance, nil},
		{"within k·SE", strings.Replace(frontBase, "0.84,0.1", "0.74,0.1", 1), "test.accuracy", DefaultTolerance, nil},
		{"beyond abs with k = 0", strings.Replace(frontBase, "0.84,0.1", "0.82,0.1", 1), "test.accuracy", Tolerance{Abs: 0.01}, []string{"l1=0.1"}},
		{"right way never regresses", strings.Replace(frontBase, "0.84,0.1", "0.99,0.1", 1), "test.accuracy", Tolerance{Abs: 0.01}, nil},
		{"two-sided moves either way", strings.Replace(frontBase, "0.60,0.1,0.98", "0.60,0.1,0.90", 1), "sparsity", Tolerance{Abs: 0.01}, []string{"l1=1"}},
		{"relative band", strings.Replace(frontBase, "0.60,0.1", "0.55,0.1", 1), "test.accuracy", Tolerance{Rel: 0.1}, nil},
		{"lost value", strings.Replace(frontBase, "0.60,0.1", ",", 1), "test.accuracy", DefaultTolerance, []string{"l1=1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Check(base, mustSummary(t, tt.cur), CheckOptions{Metrics: []string{tt.metric}, Default: tt.tol})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range rep.Points {
				if p.Regressed && p.Metric == tt.metric {
					got = append(got, p.Label)
				}
			}
			if strings.Join(got, ";") != strings.Join(tt.regress, ";") {
				t.Errorf("regressed at %v, want %v", got, tt.regress)
			}
		})
	}
}

// TestCheck_FrontTradesEnds: every point stays inside its (wide) band, but
// the new curve gives up the sparse end for a little more accuracy in the
// middle; the front check catches it, the point checks cannot.
func TestCheck_FrontTradesEnds(t *testing.T) {
	base := mustSummary(t, frontBase)
	cur := mustSummary(t, `lambda.l1,n,diverged,test.accuracy.mean,test.accuracy.std,sparsity.mean,sparsity.std
0,4,0,0.80,0.1,0.00,0.1
0.01,4,0,0.88,0.1,0.45,0.1
0.1,4,0,0.85,0.1,0.78,0.1
1,4,0,0.50,0.1,0.88,0.1
`)
	opt := CheckOptions{Metrics: []string{"test.accuracy", "sparsity"}, Default: Tolerance{Abs: 0.01, K: 2}}
	rep, err := Check(base, cur, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Points {
		if p.Regressed {
			t.Errorf("point %s %s regressed (band %.3g): the test wants every point inside its band", p.Metric, p.Label, p.Band)
		}
	}
	if len(rep.Fronts) != 1 {
		t.Fatalf("%d front checks, want 1 (warnings %v)", len(rep.Fronts), rep.Warnings)
	}
	f := rep.Fronts[0]
	if !f.Regressed {
		t.Fatalf("front not flagged: hypervolume %.3f → %.3f, ε %.3f", f.Base, f.New, f.Epsilon)
	}
	t.Logf("front: hypervolume %.3f → %.3f, ε %.3f: %s", f.Base, f.New, f.Epsilon, f.Note)
	// And the same front against itself is fine.
	rep, _ = Check(base, base, opt)
	if rep.Regressions() != 0 || rep.Fronts[0].Epsilon != 0 { // exactly 0: the same numbers
		t.Errorf("a front regresses against itself: %+v", rep.Fronts)
	}
}

func TestCheck_BalanceMoved(t *testing.T) {
	base := mustSummary(t, frontBase)
	// The best λ moves from 0.01 to 1: three grid steps.
	cur := mustSummary(t, strings.Replace(frontBase, "0.60,0.1", "0.95,0.1", 1))
	rep, err := Check(base, cur, CheckOptions{Metrics: []string{"test.accuracy"}})
	if err != nil {
		t.Fatal(err)
	}
	var best *BalanceCheck
	for i := range rep.Balance {
		if rep.Balance[i].Which == table.BalanceBest {
			best = &rep.Balance[i]
		}
	}
	if best == nil || !best.Regressed || best.Steps != 2 || best.Base != 0.01 || best.New != 1 {
		t.Fatalf("lambda_best check = %+v, want moved 2 steps from 0.01 to 1 and regressed", best)
	}
}

func TestHypervolumes_Bounds(t *testing.T) {
	x := []float64{0, 1, math.NaN()}
	y := []float64{1, 0, 5}
	a, b := Hypervolumes(x, y, x, y)
	if a != b || a <= 0 || a > 1 {
		t.Errorf("hypervolumes %v %v", a, b)
	}
	// Scale-free: the same fronts at ±1e308 (where hi − lo overflows)
	// score as they do at their own scale, and a point at the best corner
	// of both axes never scores above the whole box.
	big := func(v []float64) []float64 {
		out := make([]float64, len(v))
		for i := range v {
			out[i] = (2*v[i] - 1) * 1e308
		}
		return out
	}
	if c, _ := Hypervolumes(big(x), big(y), big(x), big(y)); !(math.Abs(c-a) <= 1e-12) {
		t.Errorf("hypervolume at ±1e308 = %v, at [0, 1] = %v", c, a)
	}
	if e := FrontEpsilon(big(x), big(y), big([]float64{0.5, 0}), big([]float64{0, 1})); !(math.Abs(e-0.5) <= 1e-12) {
		t.Errorf("ε at ±1e308 = %v, want 0.5", e)
	}
	if a, b := Hypervolumes(nil, nil, nil, nil); a != 0 || b != 0 {
		t.Errorf("empty: %v %v", a, b)
	}
	if e := FrontEpsilon(x, y, nil, nil); !math.IsInf(e, 1) {
		t.Errorf("ε against an empty front = %v, want +Inf", e)
	}
}

func TestCheck_BalanceStepsOption(t *testing.T) {
	base := mustSummary(t, frontBase)
	// lambda_best moves one step, from 0.01 to 0.1.
	cur := mustSummary(t, strings.Replace(frontBase, "0.84,0.1", "0.87,0.1", 1))
	for _, tt := range []struct {
		steps   int
		regress bool
	}{{0, false}, {1, false}, {-1, true}} {
		rep, err := Check(base, cur, CheckOptions{Metrics: []string{"test.accuracy"}, BalanceSteps: tt.steps})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range rep.Balance {
			if b.Which == table.BalanceBest && b.Regressed != tt.regress {
				t.Errorf("BalanceSteps %d: lambda_best %v → %v regressed = %v, want %v", tt.steps, b.Base, b.New, b.Regressed, tt.regress)
			}
		}
	}
}

// TestCheck_PooledSEBand: a cv.<metric> pooled over folds gets its band
// from the pooled SE (the .se column), defined with one repeat where std
// is not: a drop of 0.05 with pooled SE 0.05 stays inside 2·√2·0.05; the
// same drop without the column (no SE) leaves the 0.01 band.
func TestCheck_PooledSEBand(t *testing.T) {
	const head = "lambda.l2,n,diverged,cv.accuracy.mean,cv.accuracy.std,cv.accuracy.ci_low,cv.accuracy.ci_high"
	for _, tc := range []struct {
		name, head, base, cur string
		regressed             bool
	}{
		{"pooled", head + ",cv.accuracy.se", "0,1,0,0.80,,,,0.05\n", "0,1,0,0.75,,,,0.05\n", false},
		{"no se column", head, "0,1,0,0.80,,,\n", "0,1,0,0.75,,,\n", true},
	} {
		base := mustSummary(t, tc.head+"\n"+tc.base)
		cur := mustSummary(t, tc.head+"\n"+tc.cur)
		rep, err := Check(base, cur, CheckOptions{Metrics: []string{"cv.accuracy"}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range rep.Points {
			if p.Metric == "cv.accuracy" {
				found = true
				if p.Regressed != tc.regressed {
					t.Errorf("%s: %+v, want regressed %v", tc.name, p, tc.regressed)
				}
			}
		}
		if !found {
			t.Errorf("%s: no cv.accuracy check in %+v", tc.name, rep.Points)
		}
	}
}
