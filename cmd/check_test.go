package cmd

import (
	"encoding/csv"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// perturbSummary rewrites dir/summary.csv, passing every cell of column
// metric.mean (and its CI bounds) at the rows where pick(row) holds
// through f.
func perturbSummary(t *testing.T, dir, metric string, pick func(row int) bool, f func(float64) float64) {
	t.Helper()
	path := filepath.Join(dir, "summary.csv")
	recs, cols := readTable(t, path)
	for r := 1; r < len(recs); r++ {
		if !pick(r - 1) {
			continue
		}
		for _, suf := range []string{".mean", ".ci_low", ".ci_high"} {
			c, ok := cols[metric+suf]
			if !ok {
				t.Fatalf("no column %s%s", metric, suf)
			}
			v, err := strconv.ParseFloat(recs[r][c], 64)
			if err != nil {
				t.Fatalf("row %d %s%s: %v", r, metric, suf, err)
			}
			recs[r][c] = strconv.FormatFloat(f(v), 'g', 10, 64)
		}
	}
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	w.WriteAll(recs)
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"summary.csv", "spec.yaml", "manifest.json", "baseline.json"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			continue
		}
		os.WriteFile(filepath.Join(dst, f), b, 0o644)
	}
}

// TestCheck_CommittedBaselines re-runs the studies whose baselines are
// committed under results/baselines and checks them, as .ci/run does.
// Then it bends each curve on purpose and shows that the check fails,
// names the regressed points and writes JUnit failures; and that noise
// of the size BLAS backends differ by (relative 1e-12) passes.
func TestCheck_CommittedBaselines(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two studies (about 4 s)")
	}
	studies := []struct {
		spec, baseline string
		metric         string
		bendFrom       int     // first grid point of the bend
		bend           float64 // added to the metric's mean there
	}{
		{"../configs/quickstart.yaml", "../results/baselines/quickstart", "test.accuracy", 5, -0.08},
		{"../configs/ci/l1-sparsity.yaml", "../results/baselines/l1-sparsity-ci", "sparsity", 3, -0.15},
	}
	for _, st := range studies {
		t.Run(filepath.Base(st.baseline), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r")
			if code, _, stderr := run(t, "sweep", st.spec, "--out", out, "-q", "--workers", "2"); code != 0 {
				t.Fatalf("sweep: exit %d: %s", code, stderr)
			}
			// Unperturbed: passes.
			code, stdout, stderr := run(t, "check", out, "--baseline", st.baseline)
			if code != 0 {
				t.Fatalf("unperturbed: exit %d\n%s%s", code, stdout, stderr)
			}
			// Last-bit noise everywhere: passes.
			noisy := filepath.Join(t.TempDir(), "noisy")
			copyDir(t, out, noisy)
			perturbSummary(t, noisy, st.metric, func(int) bool { return true }, func(v float64) float64 { return v * (1 + 1e-12) })
			if code, stdout, stderr := run(t, "check", noisy, "--baseline", st.baseline, "--plots", "-"); code != 0 {
				t.Fatalf("noise of 1e-12: exit %d\n%s%s", code, stdout, stderr)
			}
			// A bend: the curve drops from grid point bendFrom on.
			bent := filepath.Join(t.TempDir(), "bent")
			copyDir(t, out, bent)
			perturbSummary(t, bent, st.metric, func(r int) bool { return r >= st.bendFrom }, func(v float64) float64 { return v + st.bend })
			junit := filepath.Join(t.TempDir(), "junit.xml")
			code, stdout, stderr = run(t, "check", bent, "--baseline", st.baseline, "--junit", junit)
			if code != ExitFailure {
				t.Fatalf("bent curve: exit %d, want %d\n%s%s", code, ExitFailure, stdout, stderr)
			}
			if !strings.Contains(stdout, "REGRESSED") || !strings.Contains(stdout, st.metric) || !strings.Contains(stderr, "check failed") {
				t.Errorf("bent curve: output does not name the regression:\n%s%s", stdout, stderr)
			}
			var suites struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
			}
			b, err := os.ReadFile(junit)
			if err != nil {
				t.Fatal(err)
			}
			if err := xml.Unmarshal(b, &suites); err != nil {
				t.Fatalf("junit: %v", err)
			}
			if suites.Failures == 0 || suites.Tests < 10 {
				t.Errorf("junit: %d tests, %d failures; want failures", suites.Tests, suites.Failures)
			}
			png := filepath.Join(bent, "check", "check_"+st.metric+".png")
			if fi, err := os.Stat(png); err != nil || fi.Size() < 1000 {
				t.Errorf("overlay %s missing: %v", png, err)
			}
		})
	}
}

func TestCheck_UnusableInput(t *testing.T) {
	base := t.TempDir()
	res := t.TempDir()
	sum := "lambda.l2,n,diverged,test.accuracy.mean,test.accuracy.std,test.accuracy.ci_low,test.accuracy.ci_high\n" +
		"0,3,0,0.8,0.01,0.77,0.83\n0.1,3,0,0.82,0.01,0.79,0.85\n1,3,0,0.6,0.02,0.55,0.65\n"
	os.WriteFile(filepath.Join(base, "summary.csv"), []byte(sum), 0o644)
	os.WriteFile(filepath.Join(base, "baseline.json"), []byte(baselineJSON(t, noMetricsSpec)), 0o644)
	os.WriteFile(filepath.Join(base, "spec.yaml"), []byte(noMetricsSpec), 0o644)
	// Baselines that cannot support a comparison, each broken one way.
	broken := func(edit func(string) string, spec string) string {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, "summary.csv"), []byte(edit(sum)), 0o644)
		os.WriteFile(filepath.Join(d, "baseline.json"), []byte(baselineJSON(t, noMetricsSpec)), 0o644)
		if spec != "" {
			os.WriteFile(filepath.Join(d, "spec.yaml"), []byte(spec), 0o644)
		}
		return d
	}
	same := func(s string) string { return s }
	infStd := broken(func(s string) string { return strings.Replace(s, "0.82,0.01,", "0.82,+Inf,", 1) }, noMetricsSpec)
	nZero := broken(func(s string) string { return strings.Replace(s, "1,3,0,0.6", "1,0,0,0.6", 1) }, noMetricsSpec)
	emptyMean := broken(func(s string) string {
		return strings.NewReplacer("0.8,0.01,0.77,0.83", ",,,", "0.82,0.01,0.79,0.85", ",,,", "0.6,0.02,0.55,0.65", ",,,").Replace(s)
	}, noMetricsSpec)
	allDiverged := broken(func(s string) string {
		return strings.NewReplacer("0,3,0,0.8,0.01,0.77,0.83", "0,3,3,,,,", "0.1,3,0,0.82,0.01,0.79,0.85", "0.1,3,3,,,,", "1,3,0,0.6,0.02,0.55,0.65", "1,3,3,,,,").Replace(s)
	}, noMetricsSpec)
	noSpec := broken(same, "")
	garbageSpec := broken(same, "name: [oops\n")
	os.WriteFile(filepath.Join(res, "summary.csv"), []byte(sum), 0o644)
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "summary.csv"), []byte(strings.Replace(sum, "0.1,3", "0.2,3", 1)), 0o644)
	fewer := t.TempDir()
	os.WriteFile(filepath.Join(fewer, "summary.csv"), []byte(strings.SplitAfterN(sum, "\n", 3)[0]+strings.SplitAfterN(sum, "\n", 3)[1]), 0o644)
	noBaseline := t.TempDir()
	os.WriteFile(filepath.Join(noBaseline, "summary.csv"), []byte(sum), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"same", []string{"check", res, "--baseline", base, "--plots", "-"}, ExitOK, ""},
		{"different λ", []string{"check", other, "--baseline", base}, ExitInput, "grid point 2 is l2=0.1 in the baseline but l2=0.2 in the results"},
		{"fewer points", []string{"check", fewer, "--baseline", base}, ExitInput, "the baseline has 3 grid points, the results 1"},
		{"not a baseline", []string{"check", res, "--baseline", noBaseline}, ExitInput, "is not a baseline: it has no baseline.json"},
		{"missing results", []string{"check", filepath.Join(res, "nope"), "--baseline", base}, ExitInput, "does not exist"},
		{"unknown metric", []string{"check", res, "--baseline", base, "--metric", "test.r2"}, ExitInput, "metric test.r2 is not in the baseline's summary.csv"},
		{"no baseline flag", []string{"check", res}, ExitInput, "--baseline BASELINE is required"},
		{"baseline std +Inf", []string{"check", res, "--baseline", infStd}, ExitInput, "line 3 (grid point 2, l2=0.1): test.accuracy.std is +Inf"},
		{"baseline n = 0", []string{"check", res, "--baseline", nZero}, ExitInput, "line 4 (grid point 3, l2=1): n = 0: no runs to compare"},
		{"baseline empty mean column", []string{"check", res, "--baseline", emptyMean}, ExitInput, "column test.accuracy.mean is empty at every grid point"},
		{"baseline all diverged", []string{"check", res, "--baseline", allDiverged}, ExitInput, "every run of every grid point diverged"},
		{"baseline without spec", []string{"check", res, "--baseline", noSpec}, ExitInput, "has no spec.yaml: it cannot say what it measured"},
		{"baseline garbage spec", []string{"check", res, "--baseline", garbageSpec}, ExitInput, "spec.yaml:1"},
		{"results std +Inf", []string{"check", infStd, "--baseline", base}, ExitInput, "unusable results: " + filepath.Join(infStd, "summary.csv") + ": line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			if tt.msg == "" && !strings.Contains(stdout, "check passed") {
				t.Errorf("stdout %q does not say the check passed", stdout)
			}
			if !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr %q lacks %q", stderr, tt.msg)
			}
		})
	}
}

// TestCheck_SpecChanged: check says when the spec changed since the
// baseline, and where; a changed name or report section is no change.
func TestCheck_SpecChanged(t *testing.T) {
	const base = "../results/baselines/quickstart"
	spec, err := os.ReadFile(filepath.Join(base, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, from, to string
		warn           bool
	}{
		{"renamed", "name: quickstart", "name: quickstart2", false},
		{"epochs", "epochs: 150", "epochs: 151", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := filepath.Join(t.TempDir(), "r")
			copyDir(t, base, res)
			os.Remove(filepath.Join(res, "baseline.json"))
			os.WriteFile(filepath.Join(res, "spec.yaml"), []byte(strings.Replace(string(spec), tt.from, tt.to, 1)), 0o644)
			code, stdout, stderr := run(t, "check", res, "--baseline", base, "--plots", "-")
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			warned := strings.Contains(stderr, "the spec changed since the baseline") && strings.Contains(stderr, "(differs in train)")
			if warned != tt.warn {
				t.Errorf("warned = %v, want %v; stderr:\n%s", warned, tt.warn, stderr)
			}
		})
	}
}

// TestCheck_SummaryMustMatchRuns: check and baseline verify that
// summary.csv is what runs.csv gives; a runs.csv edited after its summary
// (or the reverse) is refused naming the line and column, and lossexp
// baseline refuses to store such a folder or one that cannot support a
// check.
func TestCheck_SummaryMustMatchRuns(t *testing.T) {
	dir := t.TempDir()
	out, base := filepath.Join(dir, "r"), filepath.Join(dir, "b")
	if code, _, stderr := run(t, "sweep", writeSpec(t, tinySpec), "--out", out, "-q", "--workers", "2"); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "baseline", out, "--to", base); code != 0 {
		t.Fatalf("baseline: exit %d: %s", code, stderr)
	}
	if code, stdout, stderr := run(t, "check", out, "--baseline", base, "--plots", "-"); code != 0 {
		t.Fatalf("check: exit %d: %s%s", code, stdout, stderr)
	}
	runsPath := filepath.Join(out, "runs.csv")
	orig, _ := os.ReadFile(runsPath)
	recs, err := csv.NewReader(strings.NewReader(string(orig))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range recs[0] {
		if h == "test.accuracy" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no test.accuracy in %v", recs[0])
	}
	recs[3][col] = "0.0123"
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	w.WriteAll(recs)
	os.WriteFile(runsPath, []byte(sb.String()), 0o644)
	code, _, stderr := run(t, "check", out, "--baseline", base, "--plots", "-")
	if code != ExitInput || !strings.Contains(stderr, "summary.csv does not match") || !strings.Contains(stderr, "column test.accuracy.mean") {
		t.Errorf("edited runs.csv: exit %d, stderr %s", code, stderr)
	}
	code, _, stderr = run(t, "baseline", out, "--to", filepath.Join(dir, "b2"))
	if code != ExitInput || !strings.Contains(stderr, "summary.csv does not match") {
		t.Errorf("baseline of an edited runs.csv: exit %d, stderr %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "b2", "summary.csv")); err == nil {
		t.Error("baseline stored a folder it refused")
	}
	// Put runs.csv back, break the summary's spread at one point: the
	// summary no longer matches, and were it rebuilt it would.
	os.WriteFile(runsPath, orig, 0o644)
	perturbSummary(t, out, "test.accuracy", func(r int) bool { return r == 1 }, func(v float64) float64 { return v + 0.5 })
	if code, _, stderr := run(t, "check", out, "--baseline", base, "--plots", "-"); code != ExitInput || !strings.Contains(stderr, "line 3") {
		t.Errorf("edited summary.csv: exit %d, stderr %s", code, stderr)
	}
}
