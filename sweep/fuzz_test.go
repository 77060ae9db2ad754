package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadRecord reads arbitrary bytes as a stored run, both as a record
// of the one-file-per-run layout and as a line of a segment (sealed with
// a valid checksum, so the decoding itself is what is fuzzed): Load must
// return a record or an error, never panic, and a record it accepts must
// be consistent and survive Save → Load bit for bit.
// Seed corpus: testdata/fuzz/FuzzLoadRecord.
func FuzzLoadRecord(f *testing.F) {
	f.Add([]byte(`{"format":1,"run_id":"r","run_base":"b","spec_hash":"h","point":0,"repeat":0,"terms":["l2"],"lambdas":[0.1],"status":"ok","metric_names":["a","b"],"metrics":[null,"+Inf"],"curve_names":["c"],"curves":[[1],[null]],"seconds":1,"epoch_seconds":[0.5,0.5]}`))
	f.Add([]byte(`{"format":1,"run_id":"r","terms":[],"lambdas":[],"status":"diverged","reason":"loss NaN","metric_names":[],"metrics":[],"curve_names":[],"curves":[],"epoch_seconds":[]}`))
	f.Add([]byte(`{"format":1,"run_id":"r","lambdas":[1e400]}`))
	f.Add([]byte(`{"format":1,"run_id":"r","metrics":["-Inf",-0,5e-324]}`))
	f.Add([]byte(`{"run_id":"r","run_base":"b","spec_hash":"h","point":0,"repeat":0,"lambdas":[0.1],"status":"ok","metrics":[null,"+Inf"],"curves":[[1],[null]],"seconds":1,"epoch_seconds":[0.5,0.5]}`))
	f.Add([]byte(`{"run_id":"r","run_base":"b","lambdas":[0.1],"status":"diverged","reason":"x","metrics":[1,2],"curves":[],"epoch_seconds":[]}`))
	const id = "0123456789abcdef"
	hdr := SegmentHeader{Segment: SegmentFormat, Terms: []string{"l2"}, MetricNames: []string{"a", "b"}, CurveNames: []string{"c"}}
	hb, _ := json.Marshal(&hdr)
	header := sealLine(hb)
	f.Fuzz(func(t *testing.T, data []byte) {
		data = bytes.ReplaceAll(data, []byte(`"run_id":"r"`), []byte(`"run_id":"`+id+`"`))
		check := func(st *Store) {
			rec, err := st.Load(id)
			if err != nil {
				return
			}
			if len(rec.Metrics) != len(rec.MetricNames) || len(rec.Lambdas) != len(rec.Terms) {
				t.Fatalf("inconsistent record accepted: %+v", rec)
			}
			w, err := OpenStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Save(rec); err != nil {
				t.Fatalf("save an accepted record: %v", err)
			}
			again, err := w.Load(id)
			if err != nil {
				t.Fatalf("load what Save wrote: %v", err)
			}
			a, _ := json.Marshal(rec)
			b, _ := json.Marshal(again)
			var ma, mb map[string]any
			json.Unmarshal(a, &ma)
			json.Unmarshal(b, &mb)
			for _, m := range []map[string]any{ma, mb} {
				delete(m, "format") // the layout it came from
				delete(m, "checksum")
			}
			if ja, jb := mustJSON(ma), mustJSON(mb); ja != jb {
				t.Fatalf("round trip changed the record:\n%s\n%s", ja, jb)
			}
			for i := range rec.Metrics {
				x, y := rec.Metrics[i], again.Metrics[i]
				if math.Float64bits(x) != math.Float64bits(y) && !(math.IsNaN(x) && math.IsNaN(y)) {
					t.Fatalf("metric %d: %v became %v", i, x, y)
				}
			}
		}
		// One file per run.
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, id+".json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := ReadStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		check(st)
		// A segment line, sealed.
		if len(data) > 0 && data[len(data)-1] == '}' && !bytes.ContainsAny(data, "\n") {
			body := data[:len(data)-1]
			h := sha256.Sum256(body)
			line := append(append(append([]byte{}, body...), sumKey...), hex.EncodeToString(h[:])...)
			line = append(line, '"', '}', '\n')
			dir := t.TempDir()
			seg := filepath.Join(dir, "seg-0000000000000001-00000000.jsonl")
			if err := os.WriteFile(seg, append(append([]byte{}, header...), line...), 0o644); err != nil {
				t.Fatal(err)
			}
			st, err := ReadStore(dir)
			if err != nil {
				t.Fatal(err)
			}
			check(st)
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
