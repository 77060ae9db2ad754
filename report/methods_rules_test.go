package report

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The rules of methods.csv pinned (issue 26): what a method "beats" (a
// Pareto-optimal static λ only, at p < DominanceAlpha, in the metrics'
// directions) and which split the methods are compared on.

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

// TestMethods_BeatsParetoOptimalOnly: three static λ of a fairness term,
// accuracy higher is better, dp_diff lower: λ = 0 (0.85, 0.40) and λ = 1
// (0.80, 0.20) are Pareto-optimal, λ = 10 (0.70, 0.30) is not (λ = 1
// dominates it). A method at (0.83, 0.29) dominates λ = 10 alone: it
// beats nothing on the front, so it lies on it. A method at (0.86,
// 0.39) dominates λ = 0: it beats 0 and lies beyond. A method at (0.84,
// 0.41) is dominated by λ = 0 (behind). Under cross-validation the
// comparison is on the test split: the cv columns, which would say
// otherwise, are not read.
func TestMethods_BeatsParetoOptimalOnly(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("run_id,repeat,fold,status,method,lambda.fairness,cv.accuracy,cv.dp_diff,test.accuracy,test.dp_diff,reason\n")
	wob := []float64{0.004, -0.003, 0.001, -0.002}
	id := 0
	row := func(r int, method, lambda string, acc, dp float64) {
		j := 0.001 * float64(r%2) // the methods' own wobble: paired differences that vary
		if method == "static" {
			j = 0
		}
		// the cv columns are reversed: a method chosen on them would look
		// the opposite
		fmt.Fprintf(&b, "r%d,%d,0,ok,%s,%s,%g,%g,%g,%g,\n", id, r, method, lambda, 1-acc, 1-dp, acc+wob[r]+j, dp+wob[r]+j)
		id++
	}
	stat := map[string][2]float64{"0": {0.85, 0.40}, "1": {0.80, 0.20}, "10": {0.70, 0.30}}
	for _, l := range []string{"0", "1", "10"} {
		for r := range 4 {
			row(r, "static", l, stat[l][0], stat[l][1])
		}
	}
	meth := map[string][2]float64{"onfront": {0.83, 0.29}, "past0": {0.86, 0.39}, "under0": {0.84, 0.41}}
	for _, m := range []string{"onfront", "past0", "under0"} {
		for r := range 4 {
			row(r, m, "", meth[m][0], meth[m][1])
		}
	}
	if err := os.WriteFile(filepath.Join(dir, RunsFile), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Render(dir, PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, MethodsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	want := map[string][3]string{ // position, beats, dominated_by
		"onfront": {"on", "", ""},
		"past0":   {"beyond", "0", ""},
		"under0":  {"behind", "", "0"},
	}
	pareto := map[string]string{"0": "1", "1": "1", "10": "0"}
	seen := 0
	for _, r := range rows[1:] {
		if r[0] == "static" {
			if r[col["pareto"]] != pareto[r[col["lambda"]]] {
				t.Errorf("static λ = %s: pareto %s, want %s", r[col["lambda"]], r[col["pareto"]], pareto[r[col["lambda"]]])
			}
			continue
		}
		seen++
		w := want[r[0]]
		if got := [3]string{r[col["position"]], r[col["beats"]], r[col["dominated_by"]]}; got != w {
			t.Errorf("%s: position, beats, dominated_by = %q, want %q", r[0], got, w)
		}
	}
	if seen != 3 {
		t.Fatalf("%d method rows, want 3:\n%v", seen, rows)
	}
	if _, ok := col["test.accuracy.mean"]; !ok {
		t.Errorf("methods.csv columns %v: want the test split's", rows[0])
	}
}
