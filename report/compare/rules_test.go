package compare

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/report/table"
)

// analyzedCSV is studyCSV with the study's analysis (its task metric,
// its balance points), as study.Compare reads a folder.
func analyzedCSV(t *testing.T, label, text string) *Study {
	t.Helper()
	s := studyCSV(t, label, text)
	an, err := table.Analyze(s.Dir, s.Runs, s.Summary)
	if err != nil {
		t.Fatal(err)
	}
	s.Analysis = an
	return s
}

// TestCompareRules_Welch pins Welch's test on a hand case (mpmath, as
// testdata/reference.py): a = 1 ± 1 (n 2), b = 3 ± 2 (n 4): se² = 1/2 +
// 4/4 = 1.5, df = 1.5² / (0.25/1 + 1/3) = 27/7, t = 2/√1.5, two-sided p
// 0.1804349339, 95% CI 2 ± 3.4506865295. Without variance: no test.
func TestCompareRules_Welch(t *testing.T) {
	w := Welch(1, 1, 2, 3, 2, 4)
	near(t, "diff", w.Diff, 2)
	near(t, "df", w.DF, 27.0/7)
	near(t, "t", w.T, 1.63299316185545206546)
	near(t, "p", w.P, 0.180434933900489382)
	near(t, "ci_low", w.CILow, -1.45068652951207249)
	near(t, "ci_high", w.CIHigh, 5.45068652951207249)
	w = Welch(0.8, 0, 3, 0.9, 0, 5)
	if !math.IsNaN(w.T) || !math.IsNaN(w.P) || !strings.Contains(w.Note, "no variance") {
		t.Errorf("no variance on either side: t %v, p %v, note %q; want no test", w.T, w.P, w.Note)
	}
}

// TestCompareRules_OnePairIsWelch: one pair is no paired test (no
// degrees of freedom): A's repeats 0-2 and B's repeats 0 and 3 at λ = 0.1
// pair once, so the row is Welch's on 3 and 2 values (mpmath: t
// 0.944911182523068, df 2.99808795411090, p 0.414454515169093). One value
// on a side and no pair: no test, and the note says why.
func TestCompareRules_OnePairIsWelch(t *testing.T) {
	grid := []float64{0, 0.1}
	a := study(t, "A", side{seed: "1", lambdas: grid, at01: sampleA, skip: map[int]bool{3: true, 4: true}})
	c, err := Compare(a, study(t, "B", side{seed: "1", lambdas: grid, at01: sampleB, skip: map[int]bool{1: true, 2: true, 4: true}}))
	if err != nil {
		t.Fatal(err)
	}
	r := rowAt(t, c, "test.accuracy", 0.1)
	if r.Test != TestWelch || r.Pairs != 1 || r.A.N != 3 || r.B.N != 2 {
		t.Fatalf("test %q, %d pairs, n %d and %d; want welch, 1 pair, 3 and 2", r.Test, r.Pairs, r.A.N, r.B.N)
	}
	near(t, "t", r.T, 0.944911182523068068)
	near(t, "df", r.DF, 2.99808795411089866)
	near(t, "p", r.P, 0.414454515169092761)
	c, err = Compare(a, study(t, "B", side{seed: "1", lambdas: grid, at01: sampleB, skip: map[int]bool{0: true, 1: true, 2: true, 4: true}}))
	if err != nil {
		t.Fatal(err)
	}
	r = rowAt(t, c, "test.accuracy", 0.1)
	if r.Test != "" || r.Pairs != 0 || r.B.N != 1 || !math.IsNaN(r.P) || !strings.Contains(r.Note, "no test") {
		t.Errorf("one value in B, no pair: test %q, %d pairs, n %d, p %v, note %q; want no test", r.Test, r.Pairs, r.B.N, r.P, r.Note)
	}
}

// TestCompareRules_PairsOkRunsOnce: a diverged run does not pair (its
// value is not an outcome of the same training), and of two rows with
// the same seed, repeat and fold at a point the first pairs: at λ = 0.1 B's
// repeat 2 diverged and repeat 0 is written twice (0.90 then 0.10), so 2
// pairs with differences 0.90 − 0.80 and 0.86 − 0.82 (mean 0.07).
func TestCompareRules_PairsOkRunsOnce(t *testing.T) {
	head := "run_id,repeat,seed,status,lambda.l2,test.accuracy,reason\n"
	a := analyzedCSV(t, "A", head+"a1,0,1,ok,0,0.7,\na2,1,1,ok,0,0.71,\na3,2,1,ok,0,0.72,\n"+
		"a4,0,1,ok,0.1,0.80,\na5,1,1,ok,0.1,0.82,\na6,2,1,ok,0.1,0.85,\n")
	b := analyzedCSV(t, "B", head+"b1,0,1,ok,0,0.7,\nb2,1,1,ok,0,0.72,\nb3,2,1,ok,0,0.73,\n"+
		"b4,0,1,ok,0.1,0.90,\nb5,1,1,ok,0.1,0.86,\nb6,2,1,diverged,0.1,0.99,loss is nan\nb7,0,1,ok,0.1,0.10,\n")
	c, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	r := rowAt(t, c, "test.accuracy", 0.1)
	if r.Test != TestPaired || r.Pairs != 2 {
		t.Fatalf("test %q with %d pairs, want paired with 2", r.Test, r.Pairs)
	}
	near(t, "d_mean", r.DMean, 0.07)
}

// TestCompareRules_MetricWithoutValues: a metric both have but A never
// measured at a common point is left out of the rows and named.
func TestCompareRules_MetricWithoutValues(t *testing.T) {
	head := "run_id,repeat,seed,status,lambda.l2,test.accuracy,test.f1,reason\n"
	a := analyzedCSV(t, "A", head+"a1,0,1,ok,0,0.7,,\na2,1,1,ok,0,0.71,,\na3,0,1,ok,0.1,0.8,,\na4,1,1,ok,0.1,0.82,,\n")
	b := analyzedCSV(t, "B", head+"b1,0,1,ok,0,0.7,0.5,\nb2,1,1,ok,0,0.72,0.6,\nb3,0,1,ok,0.1,0.9,0.7,\nb4,1,1,ok,0.1,0.86,0.6,\n")
	c, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Metrics, []string{"test.accuracy"}) || !slices.Equal(c.LeftOut.NoValues, []string{"test.f1"}) {
		t.Errorf("metrics %v, without values %v; want [test.accuracy] and [test.f1]", c.Metrics, c.LeftOut.NoValues)
	}
	for _, r := range c.Rows {
		if r.Metric != "test.accuracy" {
			t.Errorf("a row of %s", r.Metric)
		}
	}
}

// TestCompareRules_Notes: a study holding fewer runs than its sweep plans
// is noted (6 of 10), one holding all of them is not; studies choosing
// their balance points on different task metrics are noted and compare
// no task metric, the same one is the comparison's.
func TestCompareRules_Notes(t *testing.T) {
	grid := []float64{0, 0.1}
	a := study(t, "A", side{seed: "1", lambdas: grid, at01: sampleA})
	b := study(t, "B", side{seed: "1", lambdas: grid, at01: sampleB})
	a.Stored, a.Planned = 6, 10
	b.Stored, b.Planned = 10, 10
	c, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"A (A) holds 6 of 10 runs: compared as stored"}; !slices.Equal(c.Notes, want) || c.Task != "test.accuracy" {
		t.Errorf("notes %q, task %q; want %q and test.accuracy", c.Notes, c.Task, want)
	}
	head := "run_id,repeat,seed,status,lambda.l2,test.accuracy,validation.accuracy,reason\n"
	v := analyzedCSV(t, "B", head+"b1,0,1,ok,0,0.7,0.6,\nb2,1,1,ok,0,0.72,0.62,\nb3,0,1,ok,0.1,0.9,0.7,\nb4,1,1,ok,0.1,0.86,0.6,\n")
	c, err = Compare(study(t, "A", side{seed: "1", lambdas: grid, at01: sampleA}), v)
	if err != nil {
		t.Fatal(err)
	}
	if c.Task != "" || len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "different task metrics (A (A): test.accuracy, B (B): validation.accuracy)") {
		t.Errorf("task %q, notes %q; want none and a note naming both", c.Task, c.Notes)
	}
}

// TestCompareRules_BalanceSideBySide: a term only B sweeps (l1) gets its
// balance rows with A NaN, "term not swept"; a balance point a study
// could not define (the knee of a two-point curve) is NaN with the
// study's reason, not a λ.
func TestCompareRules_BalanceSideBySide(t *testing.T) {
	a := study(t, "A", side{seed: "1", lambdas: []float64{0, 0.1}, at01: sampleA})
	head := "run_id,repeat,seed,status,lambda.l2,lambda.l1,test.accuracy,reason\n"
	b := analyzedCSV(t, "B", head+"b1,0,1,ok,0,0,0.7,\nb2,1,1,ok,0,0,0.72,\nb3,0,1,ok,0.1,0,0.9,\nb4,1,1,ok,0.1,0,0.86,\nb5,0,1,ok,0,0.5,0.8,\nb6,1,1,ok,0,0.5,0.81,\n")
	c, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]BalanceRow{}
	for _, r := range c.Balance {
		got[r.Term+"|"+r.Fixed+"|"+r.Point] = r
	}
	best := got["l1|l2=0|"+table.BalanceBest]
	if !math.IsNaN(best.A) || best.NoteA != "term not swept" || best.B != 0.5 {
		t.Errorf("l1's λ_best: %+v; want A NaN (term not swept), B 0.5", best)
	}
	knee := got["l2||"+table.BalanceKnee]
	if !math.IsNaN(knee.A) || !strings.Contains(knee.NoteA, "fewer than 3 points") {
		t.Errorf("A's knee on two points: %+v; want NaN and the reason", knee)
	}
	if r := got["l2||"+table.BalanceBest]; r.A != 0.1 || r.B != 0.1 || r.NoteB != "" {
		t.Errorf("l2's λ_best A %v, B %v (%q); want 0.1 both: B's l2 slice at l1=0 is A's l2 curve", r.A, r.B, r.NoteB)
	}
	for k := range got {
		if strings.HasPrefix(k, "l2|l1=0|") {
			t.Errorf("B's l2 slice at l1=0 has a row of its own (%s): it is A's l2 curve", k)
		}
	}
}
