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

// FuzzReadCSVSequence checks that arbitrary long-format bytes (columns id
// and t) never panic ReadCSV, AppendTest or Prepare, and that a returned
// table numbers each sequence's frames 0, 1, … once each.
func FuzzReadCSVSequence(f *testing.F) {
	f.Add([]byte("id,t,x,y\n1,0,1,a\n1,1,2,b\n2,5,3,a\n2,6,4,b\n"), 0, false)
	f.Add([]byte("id,t,x,y\n1,1,1,a\n1,0,2,b\n2,0,3,a\n2,2,4,b\n"), 1, true)
	f.Add([]byte("id,t,x,y\nq,0,1,a\nq,1,2,b\nq,1,3,a\n"), 3, false)
	f.Fuzz(func(t *testing.T, data []byte, context int, withTest bool) {
		opt := CSVOptions{Target: "y", Sequence: &SequenceOptions{ID: "id", Order: "t", Context: context % 4}}
		tab, err := ReadCSV(bytes.NewReader(data), "fuzz.csv", opt)
		if err != nil {
			return
		}
		if len(tab.SeqID) != tab.N || len(tab.Order) != tab.N || len(tab.NumX) != tab.N*len(tab.NumNames) {
			t.Fatalf("inconsistent table: N %d, %d ids, %d orders, %d numeric", tab.N, len(tab.SeqID), len(tab.Order), len(tab.NumX))
		}
		seen := map[[2]int]bool{}
		length := map[int]int{}
		for i := range tab.N {
			k := [2]int{tab.SeqID[i], tab.Order[i]}
			if seen[k] {
				t.Fatalf("sequence %d has frame %d twice", k[0], k[1])
			}
			seen[k] = true
			length[tab.SeqID[i]]++
		}
		for k := range seen {
			if k[1] < 0 || k[1] >= length[k[0]] {
				t.Fatalf("sequence %d of %d frames has frame %d", k[0], length[k[0]], k[1])
			}
		}
		if withTest {
			opt.Known = tab
			te, err := ReadCSV(bytes.NewReader(data), "fuzz.csv", opt)
			if err != nil {
				t.Fatalf("the training file as its own test file: %v", err)
			}
			if tab, err = AppendTest(tab, te); err != nil {
				t.Fatal(err)
			}
		}
		Prepare(tab, PrepareOptions{Validation: 0.3}, 1)
	})
}
