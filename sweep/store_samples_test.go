package sweep

import (
	"math"
	"reflect"
	"testing"

	"github.com/lossexp/lossexp/experiments"
)

// TestRecord_SamplesRoundTrip: a run's figure samples survive the run
// store, so a resumed or merged sweep draws the same figures.
func TestRecord_SamplesRoundTrip(t *testing.T) {
	st, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	res := &experiments.Result{RunID: "0123456789abcdef", Lambdas: []float64{0.1}, Status: experiments.StatusOK,
		Metrics: []float64{0.5, math.NaN()}, Curves: [][]float64{{1, 2}},
		Samples: &experiments.Samples{Kind: "scatter", Columns: []string{"x", "y", "yhat"}, Rows: [][]float64{{0.5, -1, 0.25}, {1, 2, math.Inf(1)}}}}
	if err := st.Save(NewRecord(res, []string{"l2"}, []string{"a", "b"}, []string{"c", "d"}, "base", "hash", "test")); err != nil {
		t.Fatal(err)
	}
	rec, err := st.Load(res.RunID)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Result(Plan{Lambdas: []float64{0.1}})
	if got.Samples == nil || got.Samples.Kind != "scatter" || !reflect.DeepEqual(got.Samples.Columns, res.Samples.Columns) {
		t.Fatalf("samples lost: %+v", got.Samples)
	}
	for i, row := range res.Samples.Rows {
		for j, v := range row {
			if math.Float64bits(got.Samples.Rows[i][j]) != math.Float64bits(v) { // exact round trip is the point
				t.Errorf("row %d col %d: %v, want %v", i, j, got.Samples.Rows[i][j], v)
			}
		}
	}
}
