package table

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSummarizeFile_SameBytesAsSummarize: the one-pass summary of a
// runs.csv (one grid point held at a time) writes the same summary.csv as
// Summarize over the whole table, for a table in grid order and for one
// whose points are scattered (the whole-table fallback). Bit-identity is
// the point: the means and deviations come from the same values in the
// same order.
func TestSummarizeFile_SameBytesAsSummarize(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var rows []string
	for p := range 40 {
		for r := range 7 {
			status, m := "ok", fmt.Sprint(rng.NormFloat64()*1e3+0.1)
			if rng.IntN(9) == 0 {
				status = "diverged"
			}
			if rng.IntN(7) == 0 {
				m = ""
			}
			rows = append(rows, fmt.Sprintf("r%d-%d,%d,%s,%g,%s,%g", p, r, r, status, float64(p)/3, m, rng.Float64()))
		}
	}
	header := "run_id,repeat,status,lambda.l2,test.accuracy,sparsity\n"
	for _, tt := range []struct {
		name      string
		rows      []string
		scattered bool
	}{
		{"grid order", rows, false},
		{"scattered", append(append([]string{}, rows[7:]...), rows[:7]...), false},
		{"a point split in two", append(append(append([]string{}, rows[:3]...), rows[7:]...), rows[3:7]...), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), RunsFile)
			os.WriteFile(path, []byte(header+strings.Join(tt.rows, "\n")+"\n"), 0o644)
			runs, err := ReadRuns(path)
			if err != nil {
				t.Fatal(err)
			}
			var want, got bytes.Buffer
			WriteSummaryTo(&want, Summarize(runs))
			s, n, err := SummarizeFile(path)
			if err != nil || n != len(tt.rows) {
				t.Fatalf("SummarizeFile: %v, %d runs", err, n)
			}
			WriteSummaryTo(&got, s)
			if !bytes.Equal(want.Bytes(), got.Bytes()) {
				t.Errorf("summary differs:\n%s\nwant\n%s", got.String(), want.String())
			}
			z := NewSummarizer(runs.Terms, runs.Axes, runs.Metrics)
			for i := range runs.Runs {
				z.Add(&runs.Runs[i])
			}
			if _, ok := z.Summary(); ok == tt.scattered {
				t.Errorf("Summarizer ok = %v, want %v", ok, !tt.scattered)
			}
		})
	}
}
