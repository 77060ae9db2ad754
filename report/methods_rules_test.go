package report

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
)

// The rules of methods.csv pinned (issue 26): what a method "beats" (a
// Pareto-optimal static λ only, at p < DominanceAlpha, in the metrics'
// directions) and which split the methods are compared on.

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
	if err := os.WriteFile(filepath.Join(dir, table.RunsFile), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Render(dir, figure.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, table.MethodsFile))
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
