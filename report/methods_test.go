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

// TestMethods_Positions builds a runs.csv by hand: three static λ of a
// fairness term (accuracy falls, dp_diff falls: all three Pareto-optimal)
// over four repeats, and three methods, each a fixed offset from a static
// λ on every repeat plus a small repeat-dependent wobble, so the paired
// tests are decisive:
//
//	behind: λ = 1's values with accuracy 0.02 lower → dominated by λ = 1
//	beyond: λ = 1's values with dp_diff 0.03 lower → beats λ = 1
//	on:     accuracy 0.03 higher and dp_diff 0.05 higher than λ = 1,
//	        between λ = 0 and λ = 1 → neither
func TestMethods_Positions(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("run_id,repeat,status,method,lambda.fairness,test.accuracy,test.dp_diff,reason\n")
	acc := map[float64]float64{0: 0.85, 1: 0.80, 10: 0.70}
	dp := map[float64]float64{0: 0.40, 1: 0.20, 10: 0.05}
	wob := []float64{0.004, -0.003, 0.001, -0.002}
	id := 0
	for _, l := range []float64{0, 1, 10} {
		for r := range 4 {
			fmt.Fprintf(&b, "r%d,%d,ok,static,%g,%g,%g,\n", id, r, l, acc[l]+wob[r], dp[l]+wob[r])
			id++
		}
	}
	for _, m := range []struct {
		name   string
		da, dd float64
		jitter float64
	}{{"behind", -0.02, 0, 0.001}, {"beyond", 0, -0.03, 0.001}, {"on", 0.03, 0.05, 0.001}} {
		for r := range 4 {
			j := m.jitter * float64(r%2)
			fmt.Fprintf(&b, "r%d,%d,ok,%s,,%g,%g,\n", id, r, m.name, acc[1]+wob[r]+m.da+j, dp[1]+wob[r]+m.dd+j)
			id++
		}
	}
	rows := renderMethods(t, dir, map[string]string{table.RunsFile: b.String()})
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if len(rows) != 7 {
		t.Fatalf("%d rows, want header + 3 static + 3 methods:\n%v", len(rows), rows)
	}
	want := map[string][2]string{"behind": {"behind", "1"}, "beyond": {"beyond", ""}, "on": {"on", ""}}
	for _, r := range rows[4:] {
		w := want[r[0]]
		if r[col["position"]] != w[0] || r[col["dominated_by"]] != w[1] {
			t.Errorf("%s: position %q, dominated_by %q; want %q, %q", r[0], r[col["position"]], r[col["dominated_by"]], w[0], w[1])
		}
		if r[col["n"]] != "4" {
			t.Errorf("%s: n = %s", r[0], r[col["n"]])
		}
	}
	// 0.80 − 0.02, plus the mean wobble (−0.0000) and jitter (0.0005).
	if got := rows[4][col["test.accuracy.mean"]]; got != "0.7805" {
		t.Errorf("behind: accuracy mean %s, want 0.7805", got)
	}
	// The static tables see the static runs only.
	s, err := os.ReadFile(filepath.Join(dir, table.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(s), "\n"); n != 4 {
		t.Errorf("summary.csv has %d lines, want header + 3 static points", n)
	}
	for _, fig := range []string{"methods_front.png"} {
		if _, err := os.Stat(filepath.Join(dir, fig)); err != nil {
			t.Errorf("no %s: %v", fig, err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, table.HTMLFile))
	for _, want := range []string{"behind lies behind the static front", "beyond lies beyond the static front", "on lies on the static front"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

// TestMethods_Cost: a method's cost is its mean seconds per run over the
// mean seconds per static run of the same axis point (timings.csv's total
// rows): static runs take 1, 2 and 1 s by repeat, the method's 3 s, so
// 3 / (4/3) = 2.25.
func TestMethods_Cost(t *testing.T) {
	dir := t.TempDir()
	var runs, timings strings.Builder
	runs.WriteString("run_id,repeat,status,method,lambda.fairness,test.accuracy,test.dp_diff,reason\n")
	timings.WriteString("run_id,epoch,seconds\n")
	id := 0
	for _, l := range []float64{0, 1, 10} {
		for r := range 3 {
			fmt.Fprintf(&runs, "r%d,%d,ok,static,%g,%g,%g,\n", id, r, l, 0.8-0.01*l+0.001*float64(r), 0.4-0.03*l+0.002*float64(r))
			fmt.Fprintf(&timings, "r%d,1,%d\nr%d,total,%d\n", id, 1+r%2, id, 1+r%2)
			id++
		}
	}
	for r := range 3 {
		fmt.Fprintf(&runs, "r%d,%d,ok,gradnorm,,%g,%g,\n", id, r, 0.79+0.001*float64(r), 0.3+0.002*float64(r))
		fmt.Fprintf(&timings, "r%d,1,3\nr%d,total,3\n", id, id)
		id++
	}
	rows := renderMethods(t, dir, map[string]string{table.RunsFile: runs.String(), table.TimingsFile: timings.String()})
	last := rows[len(rows)-1]
	if last[0] != "gradnorm" || last[len(last)-1] != "2.25" {
		t.Errorf("method row %v: want gradnorm with cost 2.25 (3 s against 4/3 s per static run)", last)
	}
	for _, r := range rows[1 : len(rows)-1] {
		if c := r[len(r)-1]; c != "" {
			t.Errorf("static row %v: cost %q, want empty", r, c)
		}
	}
}

// renderMethods writes files (name to text) into dir, renders it and
// returns methods.csv's rows, header first.
func renderMethods(t *testing.T, dir string, files map[string]string) [][]string {
	t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
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
	return rows
}
