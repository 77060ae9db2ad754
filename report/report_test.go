package report

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/report/table"
)

// closeTo compares within tol; used for statistics against hand-computed
// values given to 7–8 significant digits.
func closeTo(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol
}

func TestDescribe(t *testing.T) {
	// t(0.975, 3) = 3.182446305 and t(0.975, 1) = 12.70620474, from tables.
	const tol = 1e-6
	for _, tc := range []struct {
		name          string
		x             []float64
		n             int
		mean, std     float64
		ciLow, ciHigh float64
	}{
		{"four", []float64{1, 2, 3, 4}, 4, 2.5, 1.2909944, 2.5 - 3.182446305*1.290994449/2, 2.5 + 3.182446305*1.290994449/2},
		{"two", []float64{1, 3}, 2, 2, math.Sqrt2, 2 - 12.70620474, 2 + 12.70620474},
		{"constant", []float64{0.5, 0.5, 0.5}, 3, 0.5, 0, 0.5, 0.5},
		{"one", []float64{7}, 1, 7, nan, nan, nan},
		{"none", nil, 0, nan, nan, nan, nan},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := table.Describe(tc.x)
			if got.N != tc.n || !closeTo(got.Mean, tc.mean, tol) || !closeTo(got.Std, tc.std, tol) ||
				!closeTo(got.CILow, tc.ciLow, tol) || !closeTo(got.CIHigh, tc.ciHigh, tol) {
				t.Errorf("Describe(%v) = %+v, want n=%d mean=%g std=%g ci=[%g, %g]",
					tc.x, got, tc.n, tc.mean, tc.std, tc.ciLow, tc.ciHigh)
			}
		})
	}
	// The half width of the first case, 2.054260…, written out.
	if got := table.Describe([]float64{1, 2, 3, 4}); !closeTo(got.CIHigh-got.Mean, 2.0542603, 1e-6) {
		t.Errorf("half width = %.8f, want 2.0542603", got.CIHigh-got.Mean)
	}
}

// sampleLayout and sampleResults are a small 2-term sweep with a diverged
// run, a missing (NaN) metric and infinite values.
var sampleLayout = table.Layout{
	Terms:   []string{"l1", "l2"},
	Metrics: []string{"train.accuracy", "test.accuracy", "sparsity"},
	Curves:  []string{"loss.total", "loss.task"},
}

func sampleResults() []experiments.Result {
	var rs []experiments.Result
	i := 0
	for p, l1 := range []float64{0, 1e-5, 0.1} {
		for r := range 2 {
			res := experiments.Result{
				Index: i, RunID: fmt.Sprintf("p%03d-r%d", p, r), Point: p, Repeat: r, Seed: uint64(1e12) + uint64(r),
				Lambdas: []float64{l1, 1e-4},
				Status:  experiments.StatusOK,
				Metrics: []float64{0.9 - float64(p)/10 + float64(r)/100, 0.8 + float64(r)/3, float64(p) / 7},
				Curves:  [][]float64{{1.5, 1.25}, {0.75, 1.0 / 3}},
				Seconds: 0.5 + float64(i), EpochSeconds: []float64{0.25, 0.125},
			}
			if p == 1 && r == 1 {
				res.Metrics[1] = nan // no value
				res.Metrics[2] = math.Inf(1)
			}
			if p == 2 && r == 1 {
				res.Status = experiments.StatusDiverged
				res.Reason = `loss is NaN at epoch 2, "batch" 3`
				res.Metrics = []float64{nan, nan, math.Inf(-1)}
				res.Curves = [][]float64{{1.5, 1.25}, {nan, math.Inf(1)}}
			}
			rs = append(rs, res)
			i++
		}
	}
	return rs
}

func writeSample(t *testing.T, dir string) {
	t.Helper()
	w, err := table.NewWriter(dir, sampleLayout)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sampleResults() {
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestWriter_RoundTrip(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir)
	runs, err := table.ReadRuns(filepath.Join(dir, table.RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(runs.Terms, ",") != "l1,l2" || strings.Join(runs.Metrics, ",") != strings.Join(sampleLayout.Metrics, ",") {
		t.Fatalf("layout = %v %v", runs.Terms, runs.Metrics)
	}
	want := sampleResults()
	if len(runs.Runs) != len(want) {
		t.Fatalf("%d runs, want %d", len(runs.Runs), len(want))
	}
	for i, got := range runs.Runs {
		w := want[i]
		if got.RunID != w.RunID || got.Repeat != w.Repeat || got.Status != w.Status || got.Reason != w.Reason {
			t.Errorf("run %d = %+v, want %+v", i, got, w)
		}
		for j := range w.Lambdas {
			if !sameFloat(got.Lambdas[j], w.Lambdas[j]) {
				t.Errorf("run %d λ%d = %v, want %v", i, j, got.Lambdas[j], w.Lambdas[j])
			}
		}
		for j := range w.Metrics {
			if !sameFloat(got.Metrics[j], w.Metrics[j]) {
				t.Errorf("run %d metric %s = %v, want %v", i, runs.Metrics[j], got.Metrics[j], w.Metrics[j])
			}
		}
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestWriter_Deterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeSample(t, a)
	writeSample(t, b)
	for _, name := range []string{table.RunsFile, table.CurvesFile, table.TimingsFile} {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two writes of the same results", name)
		}
	}
}

func TestSummarize(t *testing.T) {
	// Points appear in the order of first appearance, not sorted.
	runs := &table.Runs{
		Terms:   []string{"l1"},
		Metrics: []string{"test.accuracy", "test.f1"},
		Runs: []table.Run{
			{RunID: "a", Status: "ok", Lambdas: []float64{0.1}, Metrics: []float64{1, nan}},
			{RunID: "b", Status: "ok", Lambdas: []float64{0}, Metrics: []float64{2, nan}},
			{RunID: "c", Status: "ok", Lambdas: []float64{0.1}, Metrics: []float64{3, nan}},
			{RunID: "d", Status: "diverged", Lambdas: []float64{0.1}, Metrics: []float64{100, nan}},
			{RunID: "e", Status: "ok", Lambdas: []float64{0.1}, Metrics: []float64{nan, 0.5}},
			{RunID: "f", Status: "ok", Lambdas: []float64{1e-3}, Metrics: []float64{4, nan}},
			{RunID: "g", Status: "failed", Lambdas: []float64{0.1}, Metrics: []float64{nan, nan}},
		},
	}
	s := table.Summarize(runs)
	var order []float64
	for _, p := range s.Points {
		order = append(order, p.Lambdas[0])
	}
	if fmt.Sprint(order) != "[0.1 0 0.001]" {
		t.Fatalf("point order = %v, want [0.1 0 0.001]", order)
	}
	p := s.Points[0]
	if p.N != 5 || p.Diverged != 1 || p.Failed != 1 {
		t.Errorf("n, diverged, failed = %d, %d, %d, want 5, 1, 1", p.N, p.Diverged, p.Failed)
	}
	// The diverged and failed runs and the NaN value are left out: values 1 and 3.
	if st := p.Stats[0]; st.N != 2 || !closeTo(st.Mean, 2, 1e-12) || !closeTo(st.Std, math.Sqrt2, 1e-12) {
		t.Errorf("test.accuracy = %+v, want n=2 mean=2 std=√2", st)
	}
	if st := p.Stats[1]; st.N != 1 || st.Mean != 0.5 || !math.IsNaN(st.Std) || !math.IsNaN(st.CILow) {
		t.Errorf("test.f1 = %+v, want n=1 mean=0.5 and no std or CI", st)
	}
	if st := s.Points[1].Stats[1]; st.N != 0 || !math.IsNaN(st.Mean) {
		t.Errorf("all-NaN metric = %+v, want n=0 and NaN mean", st)
	}

	var buf bytes.Buffer
	if err := table.WriteSummaryTo(&buf, s); err != nil {
		t.Fatal(err)
	}
	want := "lambda.l1,n,diverged,failed,test.accuracy.mean,test.accuracy.std,test.accuracy.ci_low,test.accuracy.ci_high,test.f1.mean,test.f1.std,test.f1.ci_low,test.f1.ci_high\n" +
		"0.1,5,1,1,2,1.414213562,-10.70620474,14.70620474,0.5,,,\n" +
		"0,1,0,0,2,,,,,,,\n" +
		"0.001,1,0,0,4,,,,,,,\n"
	if buf.String() != want {
		t.Errorf("summary.csv =\n%s\nwant\n%s", buf.String(), want)
	}
	// The streaming Summarizer (runs of a point contiguous) counts the same.
	z := table.NewSummarizer(runs.Terms, nil, runs.Metrics)
	for _, i := range []int{0, 2, 3, 4, 6, 1, 5} {
		z.Add(&runs.Runs[i])
	}
	if zs, ok := z.Summary(); !ok || zs.Points[0].N != 5 || zs.Points[0].Diverged != 1 || zs.Points[0].Failed != 1 {
		t.Errorf("Summarizer: %v, %+v; want n, diverged, failed = 5, 1, 1", ok, zs)
	}
	// check reads the column back, and tables without it.
	back, err := table.ParseSummary(strings.NewReader(buf.String()), "summary.csv")
	if err != nil {
		t.Fatal(err)
	}
	if b := back.Points[0]; b.N != 5 || b.Diverged != 1 || b.Failed != 1 || b.Stats[0].N != 3 {
		t.Errorf("read back n, diverged, failed, ok = %d, %d, %d, %d; want 5, 1, 1, 3", b.N, b.Diverged, b.Failed, b.Stats[0].N)
	}
	old := strings.ReplaceAll(strings.Replace(buf.String(), "diverged,failed,", "diverged,", 1), ",1,1,2,", ",1,2,")
	old = strings.ReplaceAll(strings.ReplaceAll(old, "0,1,0,0,", "0,1,0,"), "0.001,1,0,0,", "0.001,1,0,")
	if back, err = table.ParseSummary(strings.NewReader(old), "summary.csv"); err != nil || back.Points[0].Failed != 0 || back.Points[0].Stats[0].N != 4 {
		t.Errorf("summary.csv without failed: %v, %+v", err, back)
	}
}

func TestReadRuns(t *testing.T) {
	for _, tc := range []struct {
		name, csv, err string
	}{
		{"extra column after reason", "run_id,repeat,status,lambda.l1,test.accuracy,reason,seed\na,0,ok,0.1,0.5,,17\n", ""},
		{"no reason column", "run_id,repeat,status,lambda.l1,test.accuracy\na,0,ok,0.1,0.5\n", ""},
		{"seed column, not a metric", "run_id,repeat,seed,status,lambda.l1,test.accuracy,reason\na,0,1234567,ok,0.1,0.5,\n", ""},
		{"bad number", "run_id,repeat,status,lambda.l1,test.accuracy,reason\na,0,ok,0.1,0.5,\nb,1,ok,0.1,zero,\n", `runs.csv: line 3, column "test.accuracy": invalid number "zero"`},
		{"bad repeat", "run_id,repeat,status,lambda.l1,reason\na,x,ok,0.1,\n", `runs.csv: line 2, column "repeat": invalid repeat "x"`},
		{"empty lambda", "run_id,repeat,status,lambda.l1,reason\na,0,ok,,\n", `runs.csv: line 2, column "lambda.l1": empty λ`},
		{"missing status", "run_id,repeat,lambda.l1\na,0,0.1\n", `runs.csv: line 1: missing column "status"`},
		{"ragged row", "run_id,repeat,status,lambda.l1\na,0,ok\n", "runs.csv: line 2, column 1: wrong number of fields"},
		{"empty", "", "runs.csv: empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "runs.csv")
			if err := os.WriteFile(path, []byte(tc.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			runs, err := table.ReadRuns(path)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(runs.Runs) != 1 || strings.Join(runs.Metrics, ",") != "test.accuracy" || runs.Runs[0].Metrics[0] != 0.5 {
					t.Errorf("got %+v", runs)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error = %v, want it to contain %q", err, tc.err)
			}
		})
	}
}

func TestNewWriter_Unwritable(t *testing.T) {
	t.Run("parent is a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "results")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(file, "x")
		_, err := table.NewWriter(dir, sampleLayout)
		want := "create output folder " + dir + ": "
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "not a directory") {
			t.Errorf("error = %v, want %q", err, want)
		}
	})
	t.Run("read-only folder", func(t *testing.T) {
		// Root ignores permissions on an ordinary filesystem; sysfs
		// refuses it too.
		dir := filepath.Join(t.TempDir(), "x")
		want := "create output folder " + dir + ": permission denied"
		if os.Geteuid() == 0 {
			dir = "/sys/lossexp-unwritable"
			if err := os.Mkdir(dir, 0o755); err == nil {
				os.Remove(dir)
				t.Skip("sysfs is writable here")
			}
			want = "create output folder " + dir + ": "
		} else if err := os.Mkdir(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		_, err := table.NewWriter(dir, sampleLayout)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error = %v, want %q", err, want)
		}
	})
}

func TestWriter_AbortAndMismatch(t *testing.T) {
	dir := t.TempDir()
	w, err := table.NewWriter(dir, sampleLayout)
	if err != nil {
		t.Fatal(err)
	}
	bad := sampleResults()[0]
	bad.Lambdas = bad.Lambdas[:1]
	if err := w.Add(bad); err == nil || !strings.Contains(err.Error(), "add run p000-r0: 1 lambdas for 2 terms") {
		t.Errorf("Add with a short λ slice: error = %v", err)
	}
	w.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Abort left %d files", len(entries))
	}
	if err := w.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}
}

func TestFormatLambda(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 1e-4: "1e-4", 1e-5: "1e-5", 3e-3: "3e-3", 0.01: "0.01", 0.3: "0.3", 2.5e-4: "2.5e-4", 1e5: "1e5"} {
		if got := table.FormatLambda(v); got != want {
			t.Errorf("formatLambda(%g) = %q, want %q", v, got, want)
		}
	}
}

func ExampleWriter() {
	dir, _ := os.MkdirTemp("", "lossexp-example")
	defer os.RemoveAll(dir)

	w, err := table.NewWriter(dir, table.Layout{Terms: []string{"l1"}, Metrics: []string{"test.accuracy"}, Curves: []string{"loss.total"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, l1 := range []float64{0, 1e-3} {
		w.Add(experiments.Result{
			Index: i, RunID: fmt.Sprintf("p%03d-r0", i), Point: i,
			Lambdas: []float64{l1}, Status: experiments.StatusOK,
			Metrics: []float64{0.9 - l1}, Curves: [][]float64{{0.5}},
			Seconds: 0.2, EpochSeconds: []float64{0.2},
		})
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}
	runs, _ := os.ReadFile(filepath.Join(dir, table.RunsFile))
	fmt.Print(string(runs))
	// Output:
	// run_id,repeat,seed,status,lambda.l1,test.accuracy,reason
	// p000-r0,0,0,ok,0,0.9,
	// p001-r0,0,0,ok,0.001,0.899,
}

var nan = math.NaN()

// sameFloat reports whether a and b are the same value, NaN equal to NaN.
// Bit-level equality is the point here: the tables must round-trip exactly.
func sameFloat(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}
