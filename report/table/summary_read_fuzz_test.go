package table

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// FuzzParseSummary feeds arbitrary bytes to the summary.csv reader that
// `lossexp check` and `lossexp baseline` use: it must return a summary or
// an error, never panic, and a summary it returns must be consistent
// (every point has a λ per term and a Stat per metric) and survive
// WriteSummary → parseSummary unchanged. Seed corpus: testdata/fuzz/FuzzParseSummary.
func FuzzParseSummary(f *testing.F) {
	f.Add([]byte("lambda.l2,n,diverged,test.accuracy.mean,test.accuracy.std,test.accuracy.ci_low,test.accuracy.ci_high\n0,5,0,0.848,0.036,0.80,0.89\n0.001,5,1,0.85,,,\n"))
	f.Add([]byte("n\n3\n"))
	f.Add([]byte("lambda.a,lambda.b,n,m.mean\n0,0,1,+Inf\n1,0,1,-Inf\n"))
	f.Add([]byte("lambda.,n\n"))
	f.Add([]byte("\xef\xbb\xbflambda.l2,n,m.mean\r\n0,1,\"1\"\r\n"))
	f.Add([]byte("lambda.l2,n,diverged,cv.accuracy.mean,cv.accuracy.std,cv.accuracy.ci_low,cv.accuracy.ci_high,cv.accuracy.se\n0,2,0,0.83,0,0.83,0.83,0.034\n0.1,2,0,0.82,0.01,0.7,0.9,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseSummary(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		for i, p := range s.Points {
			if len(p.Lambdas) != len(s.Terms) || len(p.Stats) != len(s.Metrics) {
				t.Fatalf("point %d: %d λ for %d terms, %d stats for %d metrics", i, len(p.Lambdas), len(s.Terms), len(p.Stats), len(s.Metrics))
			}
		}
		var buf bytes.Buffer
		if err := WriteSummaryTo(&buf, s); err != nil {
			t.Fatalf("write back: %v", err)
		}
		s2, err := parseSummary(bytes.NewReader(buf.Bytes()), "again.csv")
		if err != nil {
			t.Fatalf("read back what WriteSummary wrote: %v\n%s", err, buf.String())
		}
		if len(s2.Points) != len(s.Points) || len(s2.Metrics) != len(s.Metrics) {
			t.Fatalf("round trip changed the shape")
		}
		for i := range s.Points {
			for m, st := range s.Points[i].Stats {
				st2 := s2.Points[i].Stats[m]
				if st.Pooled != st2.Pooled || (st.Pooled && !sameStat(st.PooledSE, st2.PooledSE)) {
					t.Fatalf("point %d, %s: pooled SE %v %v became %v %v", i, s.Metrics[m], st.Pooled, st.PooledSE, st2.Pooled, st2.PooledSE)
				}
			}
			for j, l := range s.Points[i].Lambdas {
				if math.Float64bits(l) != math.Float64bits(s2.Points[i].Lambdas[j]) && !(l == 0 && s2.Points[i].Lambdas[j] == 0) {
					t.Fatalf("λ %v became %v", l, s2.Points[i].Lambdas[j])
				}
			}
		}
	})
}

// sameStat reports whether two statistics agree as summary.csv writes
// them (10 significant digits; NaN as an empty cell).
func sameStat(a, b float64) bool { return formatStat(a) == formatStat(b) }
