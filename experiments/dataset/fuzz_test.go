package dataset

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzReadCSV checks that arbitrary bytes never panic ReadCSV or Prepare,
// and that a returned table is internally consistent.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("a,b,y\n1,u,0\n2,v,1\n3,u,0\n4,w,1\n"), "y", "b", false, false)
	f.Add([]byte("a,y,,\n1,0\n2,1,,\n"), "y", "", true, false)
	f.Add([]byte("x,y\n1,0.5\n?,2\n3,1e9\n"), "y", "", true, true)
	f.Fuzz(func(t *testing.T, data []byte, target, categorical string, drop, regression bool) {
		opt := CSVOptions{Target: target}
		if categorical != "" {
			opt.Categorical = []string{categorical}
		}
		if drop {
			opt.Missing = "drop"
		}
		if regression {
			opt.Task = "regression"
		}
		tab, err := ReadCSV(bytes.NewReader(data), "fuzz.csv", opt)
		if err != nil {
			var ce *CSVError
			if errors.As(err, &ce) && ce.Row < 1 {
				t.Fatalf("CSVError with row %d: %v", ce.Row, err)
			}
			return
		}
		if len(tab.NumX) != tab.N*len(tab.NumNames) || len(tab.CatX) != tab.N*len(tab.CatNames) || len(tab.Y) != tab.N {
			t.Fatalf("inconsistent table: N %d, %d numeric, %d categorical, %d targets", tab.N, len(tab.NumX), len(tab.CatX), len(tab.Y))
		}
		// Prepare must not panic; an error (for example a class missing
		// from training) is fine.
		if s, err := Prepare(tab, PrepareOptions{Test: 0.25, Stratify: true, Standardize: true}, 1); err == nil && s.Train.N == 0 {
			t.Fatal("empty training split without an error")
		}
	})
}
