package dataset

import (
	"slices"
	"strings"
	"testing"
)

// rowIDs returns the row ids (Group) of a split; nil for an absent split.
func rowIDs(ds *Dataset) []int {
	if ds == nil {
		return nil
	}
	return slices.Sorted(slices.Values(ds.Group))
}

// seqTable is idTable with rows grouped into sequences of length 3 (the
// last shorter), each sequence one class.
func seqTable(n int) *Table {
	t := idTable([]int{n})
	t.Classes = []string{"c0", "c1"}
	for i := range n {
		t.SeqID = append(t.SeqID, i/3)
		t.Order = append(t.Order, i%3)
		t.Y[i] = float64((i / 3) % 2)
	}
	return t
}

// TestPrepare_FoldsPartition checks that the K folds of one seed partition
// the training rows (every row outside the test split is the validation
// row of exactly one fold, and trains in the other K−1), that the test
// split is the same in every fold and the same as without folds, that
// fold sizes differ by at most one unit and that stratified folds keep
// every class spread evenly.
func TestPrepare_FoldsPartition(t *testing.T) {
	tests := []struct {
		name string
		tab  *Table
		opt  PrepareOptions
		unit int // rows per unit (sequence length) for the size check; 0 = skip
	}{
		{"stratified", idTable([]int{53, 31, 16}), PrepareOptions{Test: 0.2, Stratify: true}, 1},
		{"unstratified", idTable([]int{40, 23}), PrepareOptions{Test: 0.3}, 1},
		{"no test split", idTable([]int{20, 20}), PrepareOptions{Stratify: true}, 1},
		{"sequences", seqTable(90), PrepareOptions{Test: 0.2}, 0},
	}
	for _, tc := range tests {
		for _, k := range []int{2, 5, 7} {
			t.Run(tc.name, func(t *testing.T) {
				plain, err := Prepare(tc.tab, tc.opt, 9)
				if err != nil {
					t.Fatal(err)
				}
				seen := map[int]int{}
				var sizes []int
				for f := range k {
					opt := tc.opt
					opt.Folds, opt.Fold = k, f
					s, err := Prepare(tc.tab, opt, 9)
					if err != nil {
						t.Fatalf("fold %d: %v", f, err)
					}
					if !slices.Equal(rowIDs(s.Test), rowIDs(plain.Test)) {
						t.Errorf("fold %d: the test split differs from the one without folds", f)
					}
					train := rowIDs(s.Train)
					if got, want := len(train)+s.Validation.N, plain.Train.N; got != want {
						t.Errorf("fold %d: train %d + validation %d rows, want the %d training rows", f, len(train), s.Validation.N, want)
					}
					for _, id := range rowIDs(s.Validation) {
						seen[id]++
						if _, ok := slices.BinarySearch(train, id); ok {
							t.Errorf("fold %d: row %d both trains and validates", f, id)
						}
					}
					sizes = append(sizes, s.Validation.N)
					if tc.opt.Stratify && tc.tab.SeqID == nil {
						// Each class's share of the fold is within one row of
						// its share of the training rows.
						all, fold := classCounts(plain.Train, len(tc.tab.Classes)), classCounts(s.Validation, len(tc.tab.Classes))
						for c := range all {
							if d := float64(fold[c]) - float64(all[c])/float64(k); d > 1 || d < -1 {
								t.Errorf("fold %d: %d rows of class %d, want %d/%d ± 1", f, fold[c], c, all[c], k)
							}
						}
					}
				}
				for _, id := range rowIDs(plain.Train) {
					if seen[id] != 1 {
						t.Errorf("%d folds: training row %d validates in %d folds, want exactly 1", k, id, seen[id])
					}
				}
				if len(seen) != plain.Train.N {
					t.Errorf("%d folds: %d distinct validation rows, want the %d training rows", k, len(seen), plain.Train.N)
				}
				if tc.unit == 1 && slices.Max(sizes)-slices.Min(sizes) > 1 {
					t.Errorf("%d folds: sizes %v differ by more than one row", k, sizes)
				}
			})
		}
	}
}

// TestPrepare_FoldsKeepSequencesWhole checks that a sequence never straddles
// a fold boundary.
func TestPrepare_FoldsKeepSequencesWhole(t *testing.T) {
	tab := seqTable(60)
	for f := range 4 {
		s, err := Prepare(tab, PrepareOptions{Test: 0.25, Folds: 4, Fold: f}, 3)
		if err != nil {
			t.Fatal(err)
		}
		inVal := map[int]bool{}
		for _, q := range s.Validation.Seq {
			inVal[q] = true
		}
		for _, q := range s.Train.Seq {
			if inVal[q] {
				t.Errorf("fold %d: sequence %d is in both train and validation", f, q)
			}
		}
	}
}

// TestPrepare_Carve checks the carved validation split: the test split is
// the one without it, row for row; the carved rows come from the training
// rows, round(carve·training rows) of them, stratified; the carve is a
// function of the seed.
func TestPrepare_Carve(t *testing.T) {
	tab := idTable([]int{70, 30})
	opt := PrepareOptions{Test: 0.25, Stratify: true}
	plain, err := Prepare(tab, opt, 5)
	if err != nil {
		t.Fatal(err)
	}
	opt.Carve = 0.2
	s, err := Prepare(tab, opt, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rowIDs(s.Test), rowIDs(plain.Test)) {
		t.Error("carving changed the test split")
	}
	// Test: 25 rows, quotas 17.5 and 7.5, the tie to class 0: 18 + 7, so
	// 52 + 23 training rows. Carve: 15 rows, quotas 10.4 and 4.6, the
	// remaining row to the larger remainder (class 1): 10 + 5.
	if got := classCounts(s.Validation, 2); !slices.Equal(got, []int{10, 5}) {
		t.Errorf("carved validation has %v rows per class, want [10 5]", got)
	}
	if got := classCounts(s.Train, 2); !slices.Equal(got, []int{42, 18}) {
		t.Errorf("train has %v rows per class after the carve, want [42 18]", got)
	}
	union := append(rowIDs(s.Train), rowIDs(s.Validation)...)
	slices.Sort(union)
	if !slices.Equal(union, rowIDs(plain.Train)) {
		t.Error("train ∪ carved validation is not the training split without the carve")
	}
	again, err := Prepare(tab, opt, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rowIDs(again.Validation), rowIDs(s.Validation)) {
		t.Error("the carve differs between two calls with one seed")
	}
	other, err := Prepare(tab, opt, 6)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(rowIDs(other.Validation), rowIDs(s.Validation)) {
		t.Error("the carve is the same for two seeds")
	}
}

func TestPrepare_HoldOutErrors(t *testing.T) {
	tests := []struct {
		name string
		opt  PrepareOptions
		want string
	}{
		{"carve and validation", PrepareOptions{Validation: 0.1, Carve: 0.2}, "one or the other"},
		{"folds and validation", PrepareOptions{Validation: 0.1, Folds: 3}, "one or the other"},
		{"one fold", PrepareOptions{Folds: 1}, "folds must be 0 or ≥ 2"},
		{"fold out of range", PrepareOptions{Folds: 3, Fold: 3}, "fold 3 of 3"},
		{"more folds than rows", PrepareOptions{Test: 0.5, Folds: 4}, "cannot make 4 folds"},
		{"carve too small", PrepareOptions{Test: 0.5, Carve: 0.01}, "leaves the validation or the training split empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Prepare(idTable([]int{3, 3}), tc.opt, 1)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
