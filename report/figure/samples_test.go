package figure

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	"github.com/lossexp/lossexp/report/table"
)

// TestSamples_RoundTripAndFigure: the Writer keeps repeat 0's samples,
// samples.csv reads back exactly, and the figure is drawn from the file
// alone.
func TestSamples_RoundTripAndFigure(t *testing.T) {
	dir := t.TempDir()
	w, err := table.NewWriter(dir, table.Layout{Terms: []string{"adversarial"}, Metrics: []string{"test.mse"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, lam := range []float64{0, 0.1, 1} {
		s := &experiments.Samples{Kind: experiments.SamplesScatter, Columns: []string{"x", "y", "yhat"}}
		for j := range 60 {
			x := float64(j)/30 - 1
			s.Rows = append(s.Rows, []float64{x, math.Copysign(1, float64(j%2)-0.5), lam * math.Sin(float64(j))})
		}
		r := experiments.Result{Index: i, RunID: "p00" + string(rune('0'+i)) + "-r00", Lambdas: []float64{lam}, Status: "ok", Metrics: []float64{1}, Samples: s}
		if err := w.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := table.ReadSamples(filepath.Join(dir, table.SamplesFile))
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != "scatter" || !slices.Equal(s.Terms, []string{"adversarial"}) || len(s.Runs) != 3 || len(s.Runs[2].Rows) != 60 || s.Runs[2].Lambdas[0] != 1 {
		t.Fatalf("read back %+v", s)
	}
	paths, err := samplesFigures(NewWriter(dir, 1))
	if err != nil || len(paths) != 1 {
		t.Fatalf("figures %v, %v", paths, err)
	}
	if st, err := os.Stat(paths[0]); err != nil || st.Size() == 0 {
		t.Fatalf("figure: %v", err)
	}
	if os.Getenv("LOSSEXP_KEEP_SAMPLES") != "" {
		b, _ := os.ReadFile(paths[0])
		os.WriteFile(os.Getenv("LOSSEXP_KEEP_SAMPLES"), b, 0o644)
	}
}

// TestSampleKinds_FileNames: each kind of samples.csv has its figure under
// the name README.md gives it (users' scripts and the examples' pages
// link to these files).
func TestSampleKinds_FileNames(t *testing.T) {
	want := map[string]string{
		"scatter":  "samples_adversarial.png",
		"images":   "samples_perceptual.png",
		"sequence": "samples_temporal.png",
	}
	if len(sampleKinds) != len(want) {
		t.Errorf("%d sample kinds, want %d", len(sampleKinds), len(want))
	}
	for kind, file := range want {
		if got := sampleKinds[kind].file; got != file {
			t.Errorf("kind %s: figure %q, want %q", kind, got, file)
		}
	}
}
