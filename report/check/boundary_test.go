package check

import (
	"errors"
	"github.com/lossexp/lossexp/report/table"
	"math"
	"strings"
	"testing"
)

// onePoint is a summary of one grid point (λ = 0.1) with one metric.
func onePoint(metric string, mean, std float64, n int) *table.Summary {
	return &table.Summary{Terms: []string{"l2"}, Metrics: []string{metric}, Points: []table.Point{{
		Lambdas: []float64{0.1}, N: n,
		Stats: []table.Stat{{N: n, Mean: mean, Std: std, CILow: math.NaN(), CIHigh: math.NaN()}},
	}}}
}

// TestCheck_BandBoundary probes each kind of band just inside and just
// outside its edge, in the wrong direction and the right one: the band is
// max(abs, rel·|mean|, k·√(se_b² + se_n²)), computed here by hand. A band
// 10× too loose or too tight, a √ dropped, n for n−1, or a flipped
// direction each fail one of these cases.
func TestCheck_BandBoundary(t *testing.T) {
	const eps = 1e-6 // relative step across the edge
	for _, tt := range []struct {
		name     string
		metric   string
		mean     float64
		std      float64
		n        int
		tol      Tolerance
		band     float64 // by hand
		worseDir float64 // −1: down is worse, +1: up is worse
	}{
		// abs dominates: rel·0.8 = 0.008, k·SE = 0.
		{"abs", "test.accuracy", 0.8, 0, 4, Tolerance{Abs: 0.05, Rel: 0.01, K: 2}, 0.05, -1},
		// rel dominates: 0.1·0.8 = 0.08 > abs 0.01.
		{"rel", "test.accuracy", 0.8, 0, 4, Tolerance{Abs: 0.01, Rel: 0.1, K: 2}, 0.08, -1},
		// k·SE dominates: SE of each = 0.2/√4 = 0.1, combined √2·0.1, k = 3.
		{"k·SE", "test.accuracy", 0.8, 0.2, 4, Tolerance{Abs: 0.01, Rel: 0.01, K: 3}, 3 * math.Sqrt2 * 0.1, -1},
		// lower is better: loss regresses upwards; SE = 0.3/√9 = 0.1.
		{"k·SE lower-better", "test.loss", 2.0, 0.3, 9, Tolerance{Abs: 0.01, Rel: 0.01, K: 2}, 2 * math.Sqrt2 * 0.1, +1},
		// rel of a negative mean uses |mean|.
		{"rel negative mean", "test.loss", -2.0, 0, 4, Tolerance{Rel: 0.05}, 0.1, +1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := onePoint(tt.metric, tt.mean, tt.std, tt.n)
			for _, c := range []struct {
				name    string
				move    float64 // × band, in the worse direction
				regress bool
			}{
				{"just inside", 1 - eps, false},
				{"just outside", 1 + eps, true},
				{"right way, far", -10, false},
				{"no move", 0, false},
			} {
				cur := onePoint(tt.metric, tt.mean+tt.worseDir*c.move*tt.band, tt.std, tt.n)
				rep, err := Check(base, cur, CheckOptions{Metrics: []string{tt.metric}, Default: tt.tol})
				if err != nil {
					t.Fatal(err)
				}
				pc := rep.Points[0]
				if math.Abs(pc.Band-tt.band) > 1e-12*tt.band {
					t.Errorf("%s: band %.15g, want %.15g by hand", c.name, pc.Band, tt.band)
				}
				if pc.Regressed != c.regress {
					t.Errorf("%s (moved %.9g, band %.9g): regressed = %v, want %v", c.name, pc.Delta, pc.Band, pc.Regressed, c.regress)
				}
			}
		})
	}
}

// TestCheck_DivergedBoundary: one more diverged run than the baseline
// regresses; as many does not.
func TestCheck_DivergedBoundary(t *testing.T) {
	base := onePoint("test.accuracy", 0.8, 0.01, 4)
	base.Points[0].Diverged = 1
	for _, tt := range []struct {
		diverged int
		regress  bool
	}{{0, false}, {1, false}, {2, true}} {
		cur := onePoint("test.accuracy", 0.8, 0.01, 4)
		cur.Points[0].Diverged = tt.diverged
		rep, err := Check(base, cur, CheckOptions{Metrics: []string{"test.accuracy"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range rep.Points {
			if p.Metric == MetricDiverged && p.Regressed != tt.regress {
				t.Errorf("%d diverged against 1: regressed = %v", tt.diverged, p.Regressed)
			}
		}
	}
}

// TestUsableSummary: each reason a summary cannot support a comparison,
// named with its line and point; a results summary whose runs diverged
// is usable (Check calls that a regression).
func TestUsableSummary(t *testing.T) {
	ok := "lambda.l2,n,diverged,test.accuracy.mean,test.accuracy.std,test.accuracy.ci_low,test.accuracy.ci_high\n0,3,0,0.8,0.01,0.77,0.83\n0.1,3,0,0.82,0.01,0.79,0.85\n"
	for _, tt := range []struct {
		name, src string
		base      bool
		want      string // "" = usable
	}{
		{"ok", ok, true, ""},
		{"n = 0", strings.Replace(ok, "0.1,3,0", "0.1,0,0", 1), false, "line 3 (grid point 2, l2=0.1): n = 0"},
		{"std +Inf", strings.Replace(ok, "0.82,0.01", "0.82,+Inf", 1), false, "test.accuracy.std is +Inf"},
		{"std negative", strings.Replace(ok, "0.82,0.01", "0.82,-0.01", 1), false, "test.accuracy.std is -0.01"},
		{"mean -Inf", strings.Replace(ok, "0.82,0.01", "-Inf,0.01", 1), false, "test.accuracy.mean is -Inf"},
		{"interval", strings.Replace(ok, "0.79,0.85", "0.9,0.95", 1), false, "does not hold the mean"},
		{"all diverged base", strings.NewReplacer("0,3,0,0.8,0.01,0.77,0.83", "0,3,3,,,,", "0.1,3,0,0.82,0.01,0.79,0.85", "0.1,3,3,,,,").Replace(ok), true, "every run of every grid point diverged"},
		{"all diverged results", strings.NewReplacer("0,3,0,0.8,0.01,0.77,0.83", "0,3,3,,,,", "0.1,3,0,0.82,0.01,0.79,0.85", "0.1,3,3,,,,").Replace(ok), false, ""},
		{"empty column base", strings.NewReplacer("0.8,0.01,0.77,0.83", ",,,", "0.82,0.01,0.79,0.85", ",,,").Replace(ok), true, "empty at every grid point"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := mustSummary(t, tt.src)
			err := UsableSummary(s, "s.csv", CheckedMetrics(s, nil), tt.base)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !errors.Is(err, ErrUnusable) || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want ErrUnusable naming %q", err, tt.want)
			}
		})
	}
}
