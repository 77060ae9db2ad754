package sweep

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadRecord writes arbitrary bytes as a stored run and loads it:
// Load must return a record or an error, never panic, and a record it
// accepts must be consistent and survive Save → Load bit for bit.
// Seed corpus: testdata/fuzz/FuzzLoadRecord.
func FuzzLoadRecord(f *testing.F) {
	f.Add([]byte(`{"format":1,"run_id":"r","run_base":"b","spec_hash":"h","point":0,"repeat":0,"terms":["l2"],"lambdas":[0.1],"status":"ok","metric_names":["a","b"],"metrics":[null,"+Inf"],"curve_names":["c"],"curves":[[1],[null]],"seconds":1,"epoch_seconds":[0.5,0.5]}`))
	f.Add([]byte(`{"format":1,"run_id":"r","terms":[],"lambdas":[],"status":"diverged","reason":"loss NaN","metric_names":[],"metrics":[],"curve_names":[],"curves":[],"epoch_seconds":[]}`))
	f.Add([]byte(`{"format":1,"run_id":"r","lambdas":[1e400]}`))
	f.Add([]byte(`{"format":1,"run_id":"r","metrics":["-Inf",-0,5e-324]}`))
	// A record as Save writes it (format 2, with its checksum): the
	// seeds above are older formats, which Load refuses.
	if st, err := OpenStore(f.TempDir()); err == nil && st.Save(testRecord("r")) == nil {
		if b, err := os.ReadFile(st.Path("r")); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		st, err := OpenStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "r.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		rec, err := st.Load("r")
		if err != nil {
			return
		}
		if len(rec.Metrics) != len(rec.MetricNames) || len(rec.Lambdas) != len(rec.Terms) {
			t.Fatalf("inconsistent record accepted: %+v", rec)
		}
		if err := st.Save(rec); err != nil {
			t.Fatalf("save an accepted record: %v", err)
		}
		again, err := st.Load("r")
		if err != nil {
			t.Fatalf("load what Save wrote: %v", err)
		}
		a, _ := json.Marshal(rec)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Fatalf("round trip changed the record:\n%s\n%s", a, b)
		}
		for i := range rec.Metrics {
			x, y := rec.Metrics[i], again.Metrics[i]
			if math.Float64bits(x) != math.Float64bits(y) && !(math.IsNaN(x) && math.IsNaN(y)) {
				t.Fatalf("metric %d: %v became %v", i, x, y)
			}
		}
	})
}
