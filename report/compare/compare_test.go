package compare

import (
	"errors"
	"fmt"
	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Reference values below come from an independent computation with
// mpmath at 30 digits, testdata/reference.py (the t distribution through
// the regularized incomplete beta function), on the samples
//
//	A = 0.80 0.82 0.85 0.79 0.84   B = 0.83 0.86 0.84 0.85 0.88
//
// paired by repeat (d = B − A = 0.03 0.04 −0.01 0.06 0.04):
//
//	paired:  mean 0.032, t 2.76437896186035, p 0.0506217625492602,
//	         95% CI [−0.000139675707319918, 0.0641396757073199]
//	Welch:   diff 0.032, t 2.24044813444482, df 7.43939935645334,
//	         p 0.0578343033749634, 95% CI [−0.00137338472544419, 0.0653733847254442]
//	paired without repeat 2 (4 pairs): mean 0.0425, t 6.75511502103172,
//	         p 0.00662717748772528
var (
	sampleA = []float64{0.80, 0.82, 0.85, 0.79, 0.84}
	sampleB = []float64{0.83, 0.86, 0.84, 0.85, 0.88}
)

// tol is the agreement asked of the reference values: the inputs are
// decimal fractions rounded to binary, and the t quantile and tail are
// gonum's; 1e-9 absolute is far below any digit printed.
const tol = 1e-9

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.15g, want %.15g", what, got, want)
	}
}

// side describes one study's runs.csv: its seed, the λ of its grid, the
// test.accuracy of each repeat at λ = 0.1 (the other λ get base values),
// and repeats left out at λ = 0.1.
type side struct {
	seed    string
	lambdas []float64
	at01    []float64
	skip    map[int]bool
	metric  string
	noise   float64 // added to the base values, varying by repeat
}

// study writes runs.csv for s into a temporary folder and reads it as
// study.Compare does.
func study(t *testing.T, label string, s side) *Study {
	t.Helper()
	if s.metric == "" {
		s.metric = "test.accuracy"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "run_id,repeat,seed,status,lambda.l2,%s,reason\n", s.metric)
	id := 0
	for _, l := range s.lambdas {
		for r := range 5 {
			v := 0.7 + 0.01*float64(r) + l*float64((r*7)%5)/10 + s.noise*float64((r*r)%5)/100
			if l == 0.1 {
				if s.skip[r] {
					continue
				}
				v = s.at01[r]
			}
			id++
			fmt.Fprintf(&b, "%s%d,%d,%s,ok,%g,%g,\n", label, id, r, s.seed, l, v)
		}
	}
	dir := filepath.Join(t.TempDir(), label)
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, table.RunsFile), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	runs, err := table.ReadRuns(filepath.Join(dir, table.RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	sum := table.Summarize(runs)
	an, err := table.Analyze(dir, runs, sum)
	if err != nil {
		t.Fatal(err)
	}
	return &Study{Label: label, Name: label, Dir: dir, Runs: runs, Summary: sum, Analysis: an, Stored: len(runs.Runs)}
}

func rowAt(t *testing.T, c *Comparison, metric string, l2 float64) Row {
	t.Helper()
	for _, r := range c.Rows {
		if r.Metric == metric && r.Lambdas[0] == l2 {
			return r
		}
	}
	t.Fatalf("no row %s at l2=%g", metric, l2)
	return Row{}
}

func TestCompare_PairedAgainstReference(t *testing.T) {
	grid := []float64{0, 0.1}
	c, err := Compare(study(t, "A", side{seed: "1", lambdas: grid, at01: sampleA}), study(t, "B", side{seed: "1", lambdas: grid, at01: sampleB}))
	if err != nil {
		t.Fatal(err)
	}
	r := rowAt(t, c, "test.accuracy", 0.1)
	if r.Test != TestPaired || r.Pairs != 5 {
		t.Fatalf("test %q with %d pairs, want paired with 5", r.Test, r.Pairs)
	}
	// B − A, not A − B: B is larger here.
	near(t, "diff", r.Diff, 0.032)
	near(t, "d_mean", r.DMean, 0.032)
	near(t, "t", r.T, 2.76437896186035)
	near(t, "p", r.P, 0.0506217625492602)
	near(t, "d_ci_low", r.DLow, -0.000139675707319918)
	near(t, "d_ci_high", r.DHigh, 0.0641396757073199)
	if r.DF != 4 || r.A.N != 5 || r.B.N != 5 {
		t.Errorf("df %g, n %d and %d; want 4, 5 and 5", r.DF, r.A.N, r.B.N)
	}
}

func TestCompare_WelchWhenRunsDoNotPair(t *testing.T) {
	grid := []float64{0, 0.1}
	// Another seed: no run of B pairs with one of A.
	c, err := Compare(study(t, "A", side{seed: "1", lambdas: grid, at01: sampleA}), study(t, "B", side{seed: "2", lambdas: grid, at01: sampleB}))
	if err != nil {
		t.Fatal(err)
	}
	r := rowAt(t, c, "test.accuracy", 0.1)
	if r.Test != TestWelch || r.Pairs != 0 {
		t.Fatalf("test %q with %d pairs, want welch with 0", r.Test, r.Pairs)
	}
	near(t, "diff", r.Diff, 0.032)
	near(t, "t", r.T, 2.24044813444482)
	near(t, "df", r.DF, 7.43939935645334)
	near(t, "p", r.P, 0.0578343033749634)
	near(t, "d_ci_low", r.DLow, -0.00137338472544419)
	near(t, "d_ci_high", r.DHigh, 0.0653733847254442)
}

func TestCompare_MissingPairDropsOnlyThatPair(t *testing.T) {
	grid := []float64{0, 0.1}
	c, err := Compare(study(t, "A", side{seed: "1", lambdas: grid, at01: sampleA}),
		study(t, "B", side{seed: "1", lambdas: grid, at01: sampleB, skip: map[int]bool{2: true}}))
	if err != nil {
		t.Fatal(err)
	}
	r := rowAt(t, c, "test.accuracy", 0.1)
	if r.Test != TestPaired || r.Pairs != 4 || r.B.N != 4 || r.A.N != 5 {
		t.Fatalf("test %q, %d pairs, n %d and %d; want paired, 4 pairs, n 5 and 4", r.Test, r.Pairs, r.A.N, r.B.N)
	}
	near(t, "d_mean", r.DMean, 0.0425)
	near(t, "t", r.T, 6.75511502103172)
	near(t, "p", r.P, 0.00662717748772528)
	if r0 := rowAt(t, c, "test.accuracy", 0); r0.Pairs != 5 {
		t.Errorf("λ = 0 has %d pairs, want 5: a missing run drops only its own pair", r0.Pairs)
	}
}

// TestCompare_Holm checks the Holm step over the λ of a metric: with the
// finite p-values sorted, p̃(j) = max over i ≤ j of min(1, (m − i + 1)·p(i)),
// so adjusted values follow the order of the raw ones and are never
// below them.
func TestCompare_Holm(t *testing.T) {
	grid := []float64{0, 0.01, 0.1, 1}
	c, err := Compare(study(t, "A", side{seed: "1", lambdas: grid, at01: sampleA}), study(t, "B", side{seed: "1", lambdas: grid, at01: sampleB, noise: 1}))
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	for _, r := range c.Rows {
		if r.Metric == "test.accuracy" && !math.IsNaN(r.P) {
			rows = append(rows, r)
		}
	}
	if len(rows) < 2 {
		t.Fatalf("%d tested rows, want at least 2", len(rows))
	}
	slices.SortFunc(rows, func(a, b Row) int { return cmpF(a.P, b.P) })
	m, run := len(rows), 0.0
	for i, r := range rows {
		run = max(run, min(1, float64(m-i)*r.P))
		near(t, fmt.Sprintf("p_holm at l2=%g", r.Lambdas[0]), r.PHolm, run)
		if r.PHolm < r.P || i > 0 && r.PHolm < rows[i-1].PHolm {
			t.Errorf("p_holm %g at p %g: below p or not monotone", r.PHolm, r.P)
		}
	}
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestCompare_Incomparable(t *testing.T) {
	tests := []struct {
		name string
		a, b side
		want string
	}{
		{"only λ = 0 in common", side{seed: "1", lambdas: []float64{0, 0.1}, at01: sampleA}, side{seed: "1", lambdas: []float64{0, 0.2}},
			"no λ besides λ = 0 is common"},
		{"no metric in common", side{seed: "1", lambdas: []float64{0, 0.1}, at01: sampleA}, side{seed: "1", lambdas: []float64{0, 0.1}, at01: sampleB, metric: "test.r2"},
			"no metric is common"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compare(study(t, "A", tt.a), study(t, "B", tt.b))
			if !errors.Is(err, ErrIncomparable) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrIncomparable saying %q", err, tt.want)
			}
		})
	}
}

func TestCompare_LeftOutNamed(t *testing.T) {
	c, err := Compare(study(t, "A", side{seed: "1", lambdas: []float64{0, 0.1, 1}, at01: sampleA}),
		study(t, "B", side{seed: "1", lambdas: []float64{0, 0.1, 0.5}, at01: sampleB}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.LeftOut.PointsA, []string{"l2=1"}) || !slices.Equal(c.LeftOut.PointsB, []string{"l2=0.5"}) {
		t.Errorf("left out %v and %v, want [l2=1] and [l2=0.5]", c.LeftOut.PointsA, c.LeftOut.PointsB)
	}
	if n := len(c.Rows); n != 2 {
		t.Errorf("%d rows, want 2 (λ = 0 and 0.1)", n)
	}
}

// TestDocs_EveryColumn checks that docs/compare.md documents every
// column of compare.csv.
func TestDocs_EveryColumn(t *testing.T) {
	b, err := os.ReadFile("../../docs/compare.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range slices.Concat(Head, Tail, []string{"lambda.<term>", "axis.<field>"}) {
		if !strings.Contains(string(b), "`"+col+"`") {
			t.Errorf("docs/compare.md does not document column %s", col)
		}
	}
}

// TestWrite_HostileMetricName writes the files of metrics whose names
// are paths: every file lands in the output folder, named as the report
// names its figures.
func TestWrite_HostileMetricName(t *testing.T) {
	grid := []float64{0, 0.1, 1}
	const metric = "../val/acc"
	c, err := Compare(study(t, "A", side{seed: "1", lambdas: grid, at01: sampleA, metric: metric}),
		study(t, "B", side{seed: "1", lambdas: grid, at01: sampleB, metric: metric}))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	files, err := c.Write(t.Context(), out)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(out, figure.FigureFileName("compare_"+metric+".png"))
	if !slices.Contains(files, want) {
		t.Errorf("files %v lack %s", files, want)
	}
	for _, f := range files {
		if filepath.Dir(f) != out {
			t.Errorf("%s written outside %s", f, out)
		}
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
}

// studyCSV reads runs.csv text as study does.
func studyCSV(t *testing.T, label, text string) *Study {
	t.Helper()
	dir := filepath.Join(t.TempDir(), label)
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, table.RunsFile), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	runs, err := table.ReadRuns(filepath.Join(dir, table.RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	sum := table.Summarize(runs)
	return &Study{Label: label, Name: label, Dir: dir, Runs: runs, Summary: sum, Stored: len(runs.Runs)}
}

// TestCompare_FullTuple matches multi-term grids by the whole λ tuple; a
// term one study does not sweep is at λ = 0 there.
func TestCompare_FullTuple(t *testing.T) {
	var a, b strings.Builder
	a.WriteString("run_id,repeat,seed,status,lambda.l2,lambda.l1,test.accuracy,reason\n")
	b.WriteString("run_id,repeat,seed,status,lambda.l2,test.accuracy,reason\n")
	for i, p := range [][2]float64{{0, 0}, {0.1, 0}, {0, 0.1}, {0.1, 0.1}} {
		for r := range 3 {
			fmt.Fprintf(&a, "a%d%d,%d,1,ok,%g,%g,%g,\n", i, r, r, p[0], p[1], 0.8+0.01*float64(r))
		}
	}
	for i, l := range []float64{0, 0.1, 1} {
		for r := range 3 {
			fmt.Fprintf(&b, "b%d%d,%d,1,ok,%g,%g,\n", i, r, r, l, 0.81+0.02*float64(r))
		}
	}
	c, err := Compare(studyCSV(t, "A", a.String()), studyCSV(t, "B", b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Terms, []string{"l2", "l1"}) {
		t.Errorf("terms %v, want [l2 l1]", c.Terms)
	}
	var got []string
	for _, r := range c.Rows {
		got = append(got, c.label(r.Lambdas, r.Axes))
	}
	if want := []string{"l2=0, l1=0", "l2=0.1, l1=0"}; !slices.Equal(got, want) {
		t.Errorf("rows at %v, want %v", got, want)
	}
	if want := []string{"l2=0, l1=0.1", "l2=0.1, l1=0.1"}; !slices.Equal(c.LeftOut.PointsA, want) {
		t.Errorf("left out of A %v, want %v", c.LeftOut.PointsA, want)
	}
	if want := []string{"l2=1, l1=0"}; !slices.Equal(c.LeftOut.PointsB, want) {
		t.Errorf("left out of B %v, want %v", c.LeftOut.PointsB, want)
	}
	if r := c.Rows[1]; r.Test != TestPaired || r.Pairs != 3 {
		t.Errorf("l2=0.1: test %q with %d pairs, want paired with 3", r.Test, r.Pairs)
	}
}
