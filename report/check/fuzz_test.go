package check

import (
	"bytes"
	"github.com/lossexp/lossexp/report/table"
	"math"
	"testing"
)

// FuzzCheck compares a fuzzed summary with itself and with a shifted copy:
// Check must not panic, a summary never regresses against itself, and
// Hypervolumes stays within [0, 1].
func FuzzCheck(f *testing.F) {
	f.Add([]byte("lambda.l2,n,diverged,test.accuracy.mean,test.accuracy.std,weight_l2.mean,weight_l2.std\n0,5,0,0.8,0.03,500,50\n0.01,5,0,0.85,0.02,200,20\n1,5,0,0.5,0,1,0.1\n"), 0.05)
	f.Add([]byte("lambda.l1,lambda.l2,n,diverged,test.loss.mean\n0,0,2,0,1\n0,1,2,1,\n1,0,2,0,2\n1,1,2,0,NaN\n"), -1.0)
	// A range wider than float64 (hi − lo overflowed to +Inf and the
	// hypervolume came out NaN, or a rounding put it above 1).
	f.Add([]byte("lambda.l2,n,a.mean,b.mean\n0,1,-1e308,1e308\n1,1,1e308,-1e308\n2,1,0,0\n"), 1e292)
	f.Fuzz(func(t *testing.T, data []byte, shift float64) {
		s, err := table.ParseSummary(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			return
		}
		rep, err := Check(s, s, CheckOptions{})
		if err != nil {
			t.Fatalf("a summary is not comparable with itself: %v", err)
		}
		if n := rep.Regressions(); n > 0 {
			for _, p := range rep.Points {
				if p.Regressed {
					t.Logf("%s at %s: %s", p.Metric, p.Label, p.Note)
				}
			}
			t.Fatalf("a summary regresses against itself (%d checks)", n)
		}
		moved := *s
		moved.Points = make([]table.Point, len(s.Points))
		for i, p := range s.Points {
			q := p
			q.Stats = append([]table.Stat(nil), p.Stats...)
			for j := range q.Stats {
				q.Stats[j].Mean += shift
			}
			moved.Points[i] = q
		}
		rep, err = Check(s, &moved, CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, fr := range rep.Fronts {
			if fr.Base < 0 || fr.Base > 1 || fr.New < 0 || fr.New > 1 || math.IsNaN(fr.Base) || math.IsNaN(fr.New) {
				t.Fatalf("hypervolume out of [0, 1]: %v, %v", fr.Base, fr.New)
			}
		}
	})
}
