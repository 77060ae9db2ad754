package table

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
)

// stabilityFixture is a one-term study: acc[i][r] is validation.accuracy
// at lambdas[i] in repeat r, and the term's metric falls with λ.
func stabilityFixture(t *testing.T, lambdas []float64, acc [][]float64) *Analysis {
	t.Helper()
	runs := &Runs{Terms: []string{"l2"}, Metrics: []string{"validation.accuracy", "weight_l2"}}
	for i, l := range lambdas {
		for r, v := range acc[i] {
			runs.Runs = append(runs.Runs, Run{RunID: strconv.Itoa(len(runs.Runs)), Repeat: r, Status: experiments.StatusOK,
				Lambdas: []float64{l}, Metrics: []float64{v, 10 / (1 + l) * (1 + 0.01*float64(r))}})
		}
	}
	a, err := Analyze(t.TempDir(), runs, Summarize(runs))
	if err != nil {
		t.Fatal(err)
	}
	if a.Task.Name != "validation.accuracy" || len(a.Terms) != 1 {
		t.Fatalf("fixture: task %q, %d terms", a.Task.Name, len(a.Terms))
	}
	return a
}

// independentChoice recomputes λ_best and λ_1se of one resample from the
// definitions alone (means and SE of the drawn repeats at each λ, larger
// λ on a tie), for the tests to compare with the report's code.
func independentChoice(acc [][]float64, draw []int) (best, oneSE int) {
	means, ses := make([]float64, len(acc)), make([]float64, len(acc))
	for i, row := range acc {
		var x []float64
		for _, r := range draw {
			x = append(x, row[r])
		}
		sum := 0.0
		for _, v := range x {
			sum += v
		}
		m := sum / float64(len(x))
		ss := 0.0
		for _, v := range x {
			ss += (v - m) * (v - m)
		}
		means[i], ses[i] = m, math.Sqrt(ss/float64(len(x)-1))/math.Sqrt(float64(len(x)))
	}
	tie := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b))) }
	best = 0
	for i := range means {
		if means[i] > means[best] || tie(means[i], means[best]) {
			best = i
		}
	}
	thr := means[best] - ses[best]
	oneSE = best
	for i := range means {
		if (means[i] >= thr || tie(means[i], thr)) && i > oneSE {
			oneSE = i
		}
	}
	return best, oneSE
}

// TestStability_HandExample: three resamples worked by hand. λ = 0 has
// 0.5, 0.7, 0.9 over the repeats, λ = 1 has 0.6 in each. Draw {0,0,0}:
// means 0.5 < 0.6, λ_best = λ_1se = 1. Draw {2,2,2}: 0.9 > 0.6 with no
// spread, λ_best = λ_1se = 0. Draw {0,1,2}: 0.7 > 0.6, λ_best = 0, SE =
// 0.2/√3 = 0.115, so 0.6 ≥ 0.7 − 0.115 and λ_1se = 1. Two points: no knee.
func TestStability_HandExample(t *testing.T) {
	a := stabilityFixture(t, []float64{0, 1}, [][]float64{{0.5, 0.7, 0.9}, {0.6, 0.6, 0.6}})
	rs, err := newResampler(a)
	if err != nil {
		t.Fatal(err)
	}
	got := rs.stabilityOf([][]int{{0, 0, 0}, {2, 2, 2}, {0, 1, 2}})[0]
	want := []struct {
		counts    []int
		undefined int
	}{{[]int{2, 1}, 0}, {[]int{1, 2}, 0}, {[]int{0, 0}, 3}}
	for j, w := range want {
		if !slices.Equal(got[j].Counts, w.counts) || got[j].Undefined != w.undefined || got[j].B != 3 {
			t.Errorf("%s: counts %v undefined %d of %d, want %v and %d of 3", got[j].Point, got[j].Counts, got[j].Undefined, got[j].B, w.counts, w.undefined)
		}
	}
}

// TestStability_Independent: over 300 seeded resamples of a 5-λ, 6-repeat
// study, the report's recomputed λ_best and λ_1se match, resample by
// resample, an independent computation from the definitions. Paired
// resampling matters here: the repeats differ in level (repeat 5 is
// better at every λ), so drawing other repeats at other λ changes the
// choices.
func TestStability_Independent(t *testing.T) {
	lambdas := []float64{0, 0.01, 0.1, 1, 10}
	acc := [][]float64{
		{0.80, 0.71, 0.83, 0.77, 0.79, 0.90},
		{0.82, 0.70, 0.84, 0.78, 0.80, 0.91},
		{0.81, 0.73, 0.82, 0.79, 0.81, 0.92},
		{0.79, 0.72, 0.80, 0.76, 0.78, 0.89},
		{0.60, 0.55, 0.62, 0.58, 0.61, 0.70},
	}
	a := stabilityFixture(t, lambdas, acc)
	rs, err := newResampler(a)
	if err != nil {
		t.Fatal(err)
	}
	draws := Draws(7, streamStability, 300, 6, 6)
	for _, d := range draws {
		got := rs.stabilityOf([][]int{d})[0]
		best, oneSE := independentChoice(acc, d)
		if got[0].Counts[best] != 1 || got[1].Counts[oneSE] != 1 {
			t.Fatalf("draw %v: report chose best %v 1se %v, independent best λ=%g 1se λ=%g", d, got[0].Counts, got[1].Counts, lambdas[best], lambdas[oneSE])
		}
	}
	// The same, counted over all the draws at once.
	all := rs.stabilityOf(draws)[0]
	wantBest, want1SE := make([]int, len(lambdas)), make([]int, len(lambdas))
	for _, d := range draws {
		b, o := independentChoice(acc, d)
		wantBest[b]++
		want1SE[o]++
	}
	if !slices.Equal(all[0].Counts, wantBest) || !slices.Equal(all[1].Counts, want1SE) {
		t.Errorf("counts best %v 1se %v, want %v %v", all[0].Counts, all[1].Counts, wantBest, want1SE)
	}
	checkWithNumpy(t, acc, draws, wantBest, want1SE)
}

// checkWithNumpy recomputes the counts with numpy (scripts/stability_check.py)
// when python3 has numpy.
func checkWithNumpy(t *testing.T, acc [][]float64, draws [][]int, best, oneSE []int) {
	t.Helper()
	py := ""
	for _, c := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(c); err == nil && exec.Command(p, "-c", "import numpy").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Log("python3 with numpy not available: the numpy check is skipped")
		return
	}
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "..", "scripts", "stability_check.py")
	in, _ := json.Marshal(map[string]any{"acc": acc, "draws": draws})
	cmd := exec.Command(py, script)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	var got struct{ Best, OneSE []int }
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v: %s", script, err, out)
	}
	if !slices.Equal(got.Best, best) || !slices.Equal(got.OneSE, oneSE) {
		t.Errorf("numpy counts best %v 1se %v, Go %v %v", got.Best, got.OneSE, best, oneSE)
	}
}

// TestRun90 checks the shortest run holding 90% of the choices.
func TestRun90(t *testing.T) {
	for _, c := range []struct {
		counts []int
		lo, hi int
	}{
		{[]int{0, 5, 90, 5, 0}, 2, 2},
		{[]int{30, 30, 30, 10}, 0, 2},
		{[]int{10, 80, 10}, 0, 1}, // 80% alone is not enough; the first of two equal runs
		{[]int{5, 5, 90}, 2, 2},   // exactly 90%
		{[]int{1, 0, 0, 9}, 3, 3},
		{[]int{2, 0, 0, 8}, 0, 3},
		{[]int{0, 0}, -1, -1},
	} {
		if lo, hi := run90(c.counts); lo != c.lo || hi != c.hi {
			t.Errorf("run90(%v) = %d, %d, want %d, %d", c.counts, lo, hi, c.lo, c.hi)
		}
	}
}

// TestStability_CSV: every point's shares sum to 1 (the undefined
// resamples in an empty-λ row), lo90/hi90 are grid λ, and the bytes are
// the same when computed again.
func TestStability_CSV(t *testing.T) {
	// Two λ: no knee, so every resample has it undefined.
	a := stabilityFixture(t, []float64{0, 1}, [][]float64{{0.80, 0.71, 0.83}, {0.81, 0.70, 0.84}})
	path := filepath.Join(t.TempDir(), StabilityFile)
	if err := a.WriteStability(path); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(path)
	if err := a.WriteStability(path); err != nil {
		t.Fatal(err)
	}
	if b2, _ := os.ReadFile(path); !bytes.Equal(b1, b2) {
		t.Error("stability.csv differs when computed again")
	}
	rows, err := csv.NewReader(bytes.NewReader(b1)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], StabilityHeader) {
		t.Fatalf("header %v", rows[0])
	}
	sums := map[string]float64{}
	undefined := false
	for _, r := range rows[1:] {
		v, _ := strconv.ParseFloat(r[3], 64)
		sums[r[1]] += v
		undefined = undefined || r[2] == ""
		for _, l := range r[4:6] {
			if l != "" && !slices.Contains([]string{"0", "1"}, l) {
				t.Errorf("row %v: %s is not a grid λ", r, l)
			}
		}
	}
	if len(sums) != 3 || !undefined {
		t.Errorf("points %v, an undefined row %v: want the three points and an undefined row", sums, undefined)
	}
	for p, s := range sums {
		if math.Abs(s-1) > 1e-9 {
			t.Errorf("%s: shares sum to %g", p, s)
		}
	}
	lines := a.Terms[0].StabilityLines()
	if len(lines) != 3 || !strings.Contains(lines[0], "% of resamples") {
		t.Errorf("lines %q", lines)
	}
}

// TestDetectableDiff: δ = (t(0.975, n−1) + t(0.8, n−1))·sd/√n against
// scipy.stats.t.ppf (values and the exact power from the noncentral t
// printed by scripts/stability_check.py --power).
func TestDetectableDiff(t *testing.T) {
	for _, c := range []struct {
		n    int
		sd   float64
		want float64
	}{
		{2, 1, 9.957892521758538},       // exact power 0.7308
		{5, 1, 1.6624761500103715},      // exact power 0.7913
		{5, 0.013, 0.02161218995013483}, // exact power 0.7913
		{10, 0.02, 0.01989427469983153}, // exact power 0.7990
		{30, 0.5, 0.26467977138707155},  // exact power 0.8002
	} {
		// gonum's quantile and scipy's agree to about 1e-12 relative.
		if got := DetectableDiff(c.n, c.sd); math.Abs(got-c.want) > 1e-9*c.want {
			t.Errorf("DetectableDiff(%d, %g) = %.17g, want %.17g", c.n, c.sd, got, c.want)
		}
	}
	if !math.IsNaN(DetectableDiff(1, 1)) {
		t.Error("one pair: want NaN")
	}
}

// TestStabilityLine is the sentence of the answer and report.html.
func TestStabilityLine(t *testing.T) {
	l, lo, hi := 0.1, 0.03, 0.3
	if got, want := StabilityLine(Balance1SE, &l, 0.78, &lo, &hi), "λ_1se = 0.1, chosen in 78% of resamples; 90% within 0.03–0.3"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := StabilityLine(BalanceKnee, nil, 0.6, nil, nil), "knee undefined, as in 60% of resamples"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestAnswer_Stability: the printed answer reads stability.csv back and
// says each point's share in one line, the same line report.html has.
func TestAnswer_Stability(t *testing.T) {
	a := stabilityFixture(t, []float64{0, 1}, [][]float64{{0.5, 0.7, 0.9}, {0.6, 0.6, 0.6}})
	dir := t.TempDir()
	if err := a.WriteStability(filepath.Join(dir, StabilityFile)); err != nil {
		t.Fatal(err)
	}
	if err := WriteBalance(filepath.Join(dir, BalanceFile), a); err != nil {
		t.Fatal(err)
	}
	ans, err := ReadAnswer(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range ans.Terms[0].Stability {
		got = append(got, st.Line)
	}
	if want := a.Terms[0].StabilityLines(); !slices.Equal(got, want) || len(want) != 3 {
		t.Errorf("answer lines %q, report.html's %q", got, want)
	}
	var buf bytes.Buffer
	if err := ans.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "l2: knee undefined, as in 100% of resamples") {
		t.Errorf("answer:\n%s", buf.String())
	}
}

// TestStability_CVWholeRepeats: under cross-validation a resample draws
// whole repeats (the folds pooled per repeat, PoolFolds), and the
// identity draw rebuilds summary.csv's statistics bit for bit, the folds'
// pooled SE included (exact comparison on purpose: the same arithmetic).
func TestStability_CVWholeRepeats(t *testing.T) {
	runs := &Runs{Terms: []string{"l2"}, Metrics: []string{"validation.accuracy"}, Folds: true}
	for i, l := range []float64{0, 0.1, 1} {
		for r := range 3 {
			for f := range 4 {
				v := 0.8 - 0.05*float64(i*i) + 0.01*float64(r) + 0.003*float64(f*(r+1))
				runs.Runs = append(runs.Runs, Run{RunID: strconv.Itoa(len(runs.Runs)), Repeat: r, Fold: f, Status: experiments.StatusOK,
					Lambdas: []float64{l}, Metrics: []float64{v}})
			}
		}
	}
	pooled := PoolFolds(runs)
	s := Summarize(pooled)
	a, err := Analyze(t.TempDir(), pooled, s)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := newResampler(a)
	if err != nil {
		t.Fatal(err)
	}
	for pi, byRep := range rs.byPoint {
		for pos, rr := range byRep {
			if len(rr) != 1 || rr[0].ses == nil {
				t.Fatalf("point %d repeat %d: %d runs (ses %v), want the repeat's folds pooled in one", pi, pos, len(rr), rr[0].ses)
			}
		}
	}
	got := rs.summary([]int{0, 1, 2})
	for pi := range s.Points {
		g, w := got.Points[pi].Stats[a.Task.Index], s.Points[pi].Stats[a.Task.Index]
		if g != w || !w.Pooled {
			t.Errorf("point %d: resampled %+v, summary %+v", pi, g, w)
		}
	}
}

// TestPower_Pooled: the detectable difference pools the paired
// differences' SD over the slice's λ > 0 as √(mean s_d²), and λ_best's
// repeats are 0 (enough already) for a clear winner, -1 for a tie no
// number of repeats settles.
func TestPower_Pooled(t *testing.T) {
	acc := [][]float64{{0.5, 0.6, 0.7}, {0.9, 0.9, 0.95}, {0.6, 0.7, 0.9}}
	a := stabilityFixture(t, []float64{0, 1, 2}, acc)
	if err := a.computeStability(); err != nil {
		t.Fatal(err)
	}
	st := a.Terms[0].Stability
	// d(λ=1) = 0.4, 0.3, 0.25: sd 0.0763763; d(λ=2) = 0.1, 0.1, 0.2: sd 0.0577350.
	sd := math.Sqrt((0.0763762615825973*0.0763762615825973 + 0.0577350269189626*0.0577350269189626) / 2)
	if st.Power.N != 3 || math.Abs(st.Power.SD-sd) > 1e-9 || math.Abs(st.Power.Delta-DetectableDiff(3, sd)) > 1e-12 {
		t.Errorf("power %+v, want n 3, sd %g", st.Power, sd)
	}
	if st.NeedRepeats != 0 {
		t.Errorf("clear winner: need %d repeats, want 0", st.NeedRepeats)
	}
	tie := stabilityFixture(t, []float64{0, 1}, [][]float64{{0.5, 0.9, 0.7}, {0.9, 0.5, 0.7}})
	if err := tie.computeStability(); err != nil {
		t.Fatal(err)
	}
	if got := tie.Terms[0].Stability.NeedRepeats; got != -1 {
		t.Errorf("exchangeable tie: need %d repeats, want -1", got)
	}
	if lines := tie.PowerLines(&tie.Terms[0]); len(lines) != 2 || !strings.Contains(lines[1], "Even 48 repeats") {
		t.Errorf("lines %q", lines)
	}
}
