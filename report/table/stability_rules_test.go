package table

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
)

// TestStabilityRules_DivergedDrawn: a resample that draws the diverged
// run of λ = 1 leaves λ = 1 out of its choice, as the study does; one
// that does not draw it chooses λ = 1 (0.7 > 0.5 at every repeat).
func TestStabilityRules_DivergedDrawn(t *testing.T) {
	runs := &Runs{Terms: []string{"l2"}, Metrics: []string{"validation.accuracy"}}
	add := func(l, v float64, r int, status string) {
		runs.Runs = append(runs.Runs, Run{RunID: strconv.Itoa(len(runs.Runs)), Repeat: r, Status: status, Lambdas: []float64{l}, Metrics: []float64{v}})
	}
	for r := range 3 {
		add(0, 0.5, r, experiments.StatusOK)
	}
	add(1, 0.7, 0, experiments.StatusOK)
	add(1, 0.7, 1, experiments.StatusOK)
	add(1, math.NaN(), 2, experiments.StatusDiverged)
	a, err := Analyze(t.TempDir(), runs, Summarize(runs))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := newResampler(a)
	if err != nil {
		t.Fatal(err)
	}
	best := rs.stabilityOf([][]int{{0, 1, 2}, {0, 0, 1}, {2, 1, 1}})[0][0]
	if best.Counts[0] != 2 || best.Counts[1] != 1 {
		t.Errorf("λ_best counts %v, want [2 1] (the draws with repeat 2 leave λ = 1 out)", best.Counts)
	}
}

// TestStabilityRules_CSVRows: a clear winner (λ = 1 better at every
// repeat) gives exactly one row per point: λ_best and λ_1se chosen in
// every resample (no row for λ = 0 that none chose), the knee undefined
// in all (two λ), and its line "90% at 1".
func TestStabilityRules_CSVRows(t *testing.T) {
	a := stabilityFixture(t, []float64{0, 1}, [][]float64{{0.5, 0.6, 0.7}, {0.8, 0.9, 1.0}})
	path := filepath.Join(t.TempDir(), StabilityFile)
	if err := a.WriteStability(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	want := "term,point,lambda,share,lo90,hi90\nl2,lambda_best,1,1,1,1\nl2,lambda_1se,1,1,1,1\nl2,knee,,1,,\n"
	if string(b) != want {
		t.Errorf("stability.csv:\n%s\nwant:\n%s", b, want)
	}
	lines := a.Terms[0].StabilityLines()
	if len(lines) != 3 || lines[0] != "λ_best = 1, chosen in 100% of resamples; 90% at 1" {
		t.Errorf("lines %q", lines)
	}
}

// TestStabilityRules_NeedRepeats: λ_best's share at the study's repeats
// of exactly 0.8 is enough (0 more); below it, the repeats said are a
// level times the study's 3 (the paired differences 0.1, 0.05, −0.08:
// 7 draws in 27 of three repeats prefer λ = 0, share ≈ 0.74), and the
// sentence names the n′ tried (6, 12, 24, 48).
func TestStabilityRules_NeedRepeats(t *testing.T) {
	a := stabilityFixture(t, []float64{0, 1}, [][]float64{{0.60, 0.70, 0.80}, {0.70, 0.75, 0.72}})
	if err := a.computeStability(); err != nil {
		t.Fatal(err)
	}
	st := a.Terms[0].Stability
	if st.NeedRepeats <= 0 || st.NeedRepeats%3 != 0 {
		t.Fatalf("need %d repeats, want a multiple of the study's 3 (share at 3: %v)", st.NeedRepeats, st.Points[0].Counts)
	}
	lines := a.PowerLines(&a.Terms[0])
	want := "About " + strconv.Itoa(st.NeedRepeats) + " repeats would make λ_best's share reach 0.8 (estimated by resampling at larger n: n′ = 6, 12, 24, 48 repeats drawn with replacement from the study's 3, 200 resamples at each"
	if len(lines) != 2 || !strings.HasPrefix(lines[1], want) {
		t.Errorf("lines %q\nwant %q…", lines, want)
	}
	rs, err := newResampler(a)
	if err != nil {
		t.Fatal(err)
	}
	best := a.Terms[0].Balance.Best.Point
	counts := make([]int, len(a.Terms[0].Points))
	for i, pi := range a.Terms[0].Points {
		if pi == best {
			counts[i] = 4
		} else {
			counts[i] = 1
		}
	}
	if got := rs.needRepeats(1, 5, [][]Stability{{{Counts: counts, B: 5}}}); got[0] != 0 {
		t.Errorf("share 4 of 5 = 0.8: need %d, want 0", got[0])
	}
}

// TestStabilityRules_PowerPooling: δ pools the SD of the task metric's
// paired differences over the λ with at least two pairs (another
// metric's, one pair, a NaN SD left out), with n the fewest pairs:
// s_d = √((0.1² + 0.3²)/2) = √0.05, n = 3.
func TestStabilityRules_PowerPooling(t *testing.T) {
	a := &Analysis{Task: MetricChoice{Name: "validation.accuracy"}}
	pr := func(metric string, n int, sd float64) Paired {
		return Paired{Metric: metric, PairedDiff: PairedDiff{N: n, Std: sd}}
	}
	ta := &TermAnalysis{Paired: []Paired{pr("validation.accuracy", 4, 0.1), pr("validation.accuracy", 3, 0.3),
		pr("weight_l2", 2, 9), pr("validation.accuracy", 1, 5), pr("validation.accuracy", 5, math.NaN())}}
	p := a.powerOf(ta)
	if p.N != 3 || math.Abs(p.SD-math.Sqrt(0.05)) > 1e-12 || math.Abs(p.Delta-DetectableDiff(3, math.Sqrt(0.05))) > 1e-12 {
		t.Errorf("power %+v, want n 3, sd %g", p, math.Sqrt(0.05))
	}
}

// TestLeftOutRules_Notes: the left-out list and the partly failed points
// of a balance.csv note, written and split back.
func TestLeftOutRules_Notes(t *testing.T) {
	ex := []string{"λ=1: all 3 runs failed", "λ=3: 1 of 3 runs diverged"}
	list := "λ=1 (all 3 runs failed), λ=3 (1 of 3 runs diverged)"
	if got := withLeftOut("", ex); got != "left out: "+list {
		t.Errorf("no note: %q", got)
	}
	note := withLeftOut("tie", ex)
	if note != "tie; left out: "+list {
		t.Errorf("with a note: %q", note)
	}
	if own, lo := splitLeftOut(note); own != "tie" || lo != list {
		t.Errorf("split: %q, %q", own, lo)
	}
	partly := []string{"λ=2: 1 of 3 runs failed", "λ=4: 2 of 3 runs failed"}
	if got := withPartlyFailed("", partly); got != "λ=2: 1 of 3 runs failed; λ=4: 2 of 3 runs failed" {
		t.Errorf("partly failed, no note: %q", got)
	}
	full := withPartlyFailed(note, partly)
	if rest, p := splitPartlyFailed(full); rest != note || p != strings.Join(partly, "; ") {
		t.Errorf("split partly failed: %q, %q", rest, p)
	}
	if rest, p := splitPartlyFailed("tie"); rest != "tie" || p != "" {
		t.Errorf("nothing partly failed: %q, %q", rest, p)
	}
}

// TestStabilityRules_EmptyFileRefused: an empty stability.csv beside a
// good balance.csv is an error naming the file, not a panic (it sliced
// the rows after the header of a file without one).
func TestStabilityRules_EmptyFileRefused(t *testing.T) {
	a := stabilityFixture(t, []float64{0, 1}, [][]float64{{0.5, 0.6, 0.7}, {0.8, 0.9, 1.0}})
	dir := t.TempDir()
	if err := WriteBalance(filepath.Join(dir, BalanceFile), a); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, StabilityFile)
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadAnswer(dir)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "header") {
		t.Errorf("empty stability.csv: %v, want an error naming %s and its header", err, path)
	}
}
