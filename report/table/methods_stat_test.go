package table

import (
	"github.com/lossexp/lossexp/experiments"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHolm_HandValues: p = (0.01, 0.04, 0.03), m = 3: sorted 0.01·3 =
// 0.03, 0.03·2 = 0.06, max(0.06, 0.04·1) = 0.06.
func TestHolm_HandValues(t *testing.T) {
	got := holm([]float64{0.01, 0.04, 0.03})
	want := []float64{0.03, 0.06, 0.06}
	for i := range want {
		if d := got[i] - want[i]; d > 1e-15 || d < -1e-15 {
			t.Errorf("holm = %v, want %v", got, want)
		}
	}
	if i := holmBest([]float64{0.2, 0.01, 0.04}); i != 1 { // adjusted 0.2, 0.03, 0.08
		t.Errorf("holmBest = %d, want 1", i)
	}
	if i := holmBest([]float64{0.2, 0.03, 0.04}); i != -1 { // adjusted 0.2, 0.09, 0.09
		t.Errorf("holmBest = %d, want -1", i)
	}
}

// TestDominanceP: a is better on axis 0 by 1 ± a small wobble and equal
// on axis 1 (exact ties, no p): the p is that of axis 0, doubled; worse
// on average on one axis means no dominance (1).
func TestDominanceP(t *testing.T) {
	a := [2]map[int]float64{{0: 2, 1: 3.1, 2: 4}, {0: 1, 1: 1, 2: 1}}
	b := [2]map[int]float64{{0: 1, 1: 2, 2: 3}, {0: 1, 1: 1, 2: 1}}
	d := PairedTest([]float64{2, 3.1, 4}, []float64{1, 2, 3})
	if got := dominanceP(a, b); got != min(1, 2*d.P) || !(got < 0.05) {
		t.Errorf("dominanceP = %v, want 2·%v", got, d.P)
	}
	if got := dominanceP(b, a); got != 1 {
		t.Errorf("reverse dominanceP = %v, want 1", got)
	}
}

// TestWriter_MethodColumn: with Layout.Method, runs.csv has a method
// column after status ("static" for a run without a BalanceResult, the
// label otherwise; the balanced term's λ empty), and ReadRuns keeps the
// static rows in Runs and the adaptive ones in Methods. (The header without
// it is what the golden tests of the writer pin.)
func TestWriter_MethodColumn(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, Layout{Terms: []string{"fairness"}, Metrics: []string{"test.accuracy"}, Method: true})
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	for i, r := range []experiments.Result{
		{RunID: "a", Lambdas: []float64{1}, Status: "ok", Metrics: []float64{0.8}},
		{RunID: "b", Lambdas: []float64{nan}, Status: "ok", Metrics: []float64{0.7}, Balance: &experiments.BalanceResult{Method: "gradnorm(alpha=1)"}},
	} {
		r.Index = i
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, RunsFile))
	want := "run_id,repeat,seed,status,method,lambda.fairness,test.accuracy,reason\na,0,0,ok,static,1,0.8,\nb,0,0,ok,gradnorm(alpha=1),,0.7,\n"
	if string(b) != want {
		t.Errorf("runs.csv:\n%s\nwant:\n%s", b, want)
	}
	runs, err := ReadRuns(filepath.Join(dir, RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !runs.HasMethod || len(runs.Runs) != 1 || runs.Runs[0].RunID != "a" || len(runs.Methods) != 1 || runs.Methods[0].Method != "gradnorm(alpha=1)" || !math.IsNaN(runs.Methods[0].Lambdas[0]) {
		t.Errorf("ReadRuns: %+v", runs)
	}
	// An empty λ stays an error for a static row.
	bad := strings.Replace(want, "static,1,", "static,,", 1)
	if _, err := parseRuns(strings.NewReader(bad), "runs.csv"); err == nil || !strings.Contains(err.Error(), "empty λ") {
		t.Errorf("empty static λ: err = %v", err)
	}
}

// TestTestAxis: a metric chosen on the validation split or on the
// cross-validation folds is compared on the test split when the runs
// have test values; otherwise, and for any other split, it is kept.
func TestTestAxis(t *testing.T) {
	s := &Summary{Metrics: []string{"validation.accuracy", "cv.accuracy", "test.accuracy", "train.loss", "test.loss", "cv.r2", "test.r2"}}
	nan := math.NaN()
	s.Points = []Point{{Stats: []Stat{{Mean: 0.8}, {Mean: 0.8}, {Mean: 0.7}, {Mean: 1}, {Mean: 2}, {Mean: 0.5}, {Mean: nan}}}}
	for _, c := range []struct {
		in, want string
		index    int
	}{
		{"validation.accuracy", "test.accuracy", 2},
		{"cv.accuracy", "test.accuracy", 2},
		{"test.accuracy", "test.accuracy", 2},
		{"train.loss", "train.loss", 3},
		{"cv.r2", "cv.r2", 5}, // test.r2 has no values
	} {
		in := MetricChoice{Name: c.in, Index: indexOf(s.Metrics, c.in), Higher: true, Why: "w"}
		got := testAxis(s, in)
		if got.Name != c.want || got.Index != c.index || !got.Higher || got.Why != "w" {
			t.Errorf("testAxis(%s) = %+v, want %s at %d", c.in, got, c.want, c.index)
		}
	}
}

func indexOf(names []string, n string) int {
	for i, m := range names {
		if m == n {
			return i
		}
	}
	return -1
}

// TestHolmBest_AtAlpha: an adjusted p equal to DominanceAlpha is not
// below it; one just under is.
func TestHolmBest_AtAlpha(t *testing.T) {
	if i := holmBest([]float64{DominanceAlpha}); i != -1 {
		t.Errorf("p = α: holmBest = %d, want -1", i)
	}
	if i := holmBest([]float64{0.0499}); i != 0 {
		t.Errorf("p = 0.0499: holmBest = %d, want 0", i)
	}
	if i := holmBest([]float64{0.025, 0.9}); i != -1 { // adjusted 0.05
		t.Errorf("p = (0.025, 0.9): holmBest = %d, want -1 (0.025·2 = α)", i)
	}
	if DominanceAlpha != 0.05 {
		t.Errorf("DominanceAlpha = %v, want 0.05", DominanceAlpha)
	}
}
