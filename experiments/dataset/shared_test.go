package dataset

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// sharedDatasets returns the folder of the shared real datasets:
// $LOSSEXP_SHARED_DATASETS. It skips the test when that is not set or
// does not exist (and fails under LOSSEXP_REQUIRE_DATASETS=1).
func sharedDatasets(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("LOSSEXP_SHARED_DATASETS") // .ci/run sets it where the folder exists
	if dir == "" {
		if os.Getenv("LOSSEXP_REQUIRE_DATASETS") == "1" {
			tb.Fatal("LOSSEXP_REQUIRE_DATASETS=1 but LOSSEXP_SHARED_DATASETS is not set")
		}
		tb.Skip("LOSSEXP_SHARED_DATASETS is not set: the reference datasets are not at hand")
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("LOSSEXP_REQUIRE_DATASETS") == "1" { // CI: missing is a failure
			tb.Fatalf("shared datasets not found (%v); set LOSSEXP_SHARED_DATASETS", err)
		}
		tb.Skipf("shared datasets not found (%v); set LOSSEXP_SHARED_DATASETS", err)
	}
	return dir
}

var adultCategorical = []string{"workclass", "education", "marital_status", "occupation", "relationship", "race", "sex", "native_country"}

func TestLoadCSV_Shared(t *testing.T) {
	dir := sharedDatasets(t)
	tests := []struct {
		file    string
		opt     CSVOptions
		n, num  int
		cat     int
		dropped int
		counts  []int // rows per class
		classes []string
		groups  []string
	}{
		{"sklearn/iris.csv", CSVOptions{Target: "target"}, 150, 4, 0, 0, []int{50, 50, 50}, []string{"0", "1", "2"}, nil},
		{"sklearn/breast_cancer.csv", CSVOptions{Target: "target"}, 569, 30, 0, 0, []int{212, 357}, []string{"0", "1"}, nil},
		{"sklearn/wine.csv", CSVOptions{Target: "target"}, 178, 13, 0, 0, []int{59, 71, 48}, []string{"0", "1", "2"}, nil},
		{"sklearn/digits.csv", CSVOptions{Target: "target"}, 1797, 64, 0, 0, nil, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, nil},
		{"adult/adult_train.csv", CSVOptions{Target: "target", Categorical: adultCategorical, Missing: "drop", Group: "sex"},
			30162, 6, 8, 2399, nil, []string{"0", "1"}, []string{"Female", "Male"}},
		{"adult/adult_test.csv", CSVOptions{Target: "target", Categorical: adultCategorical, Missing: "drop"},
			16281 - 1221, 6, 8, 1221, nil, []string{"0", "1"}, nil},
		{"compas/compas.csv", CSVOptions{Target: "target", Features: []string{"sex", "age", "race", "juv_fel_count", "juv_misd_count", "juv_other_count", "priors_count", "c_charge_degree"},
			Categorical: []string{"sex", "race", "c_charge_degree"}, Group: "race"},
			7214, 5, 3, 0, []int{7214 - 3251, 3251}, []string{"0", "1"},
			[]string{"African-American", "Asian", "Caucasian", "Hispanic", "Native American", "Other"}},
		{"basicmotions/basicmotions_train.csv", CSVOptions{Target: "target"}, 4000, 8, 0, 0, []int{1000, 1000, 1000, 1000},
			[]string{"Badminton", "Running", "Standing", "Walking"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			tab, err := LoadCSV(t.Context(), filepath.Join(dir, tc.file), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if tab.N != tc.n || len(tab.NumNames) != tc.num || len(tab.CatNames) != tc.cat || tab.Dropped != tc.dropped {
				t.Errorf("N %d, numeric %d, categorical %d, dropped %d; want %d, %d, %d, %d",
					tab.N, len(tab.NumNames), len(tab.CatNames), tab.Dropped, tc.n, tc.num, tc.cat, tc.dropped)
			}
			if !slices.Equal(tab.Classes, tc.classes) {
				t.Errorf("classes %v, want %v", tab.Classes, tc.classes)
			}
			if got := classCounts(&Dataset{Y: tab.Y}, len(tab.Classes)); tc.counts != nil && !slices.Equal(got, tc.counts) {
				t.Errorf("class counts %v, want %v", got, tc.counts)
			}
			if !slices.Equal(tab.GroupNames, tc.groups) {
				t.Errorf("groups %v, want %v", tab.GroupNames, tc.groups)
			}
			if len(tab.Checksum) != 64 {
				t.Errorf("checksum %q", tab.Checksum)
			}
			s, err := Prepare(tab, PrepareOptions{Test: 0.25, Validation: 0.1, Stratify: true, Standardize: true}, 1)
			if err != nil {
				t.Fatal(err)
			}
			if s.Train.N+s.Validation.N+s.Test.N != tab.N {
				t.Errorf("splits hold %d rows, want %d", s.Train.N+s.Validation.N+s.Test.N, tab.N)
			}
		})
	}
}

func TestLoadCSV_AdultMissingIsAnError(t *testing.T) {
	dir := sharedDatasets(t)
	path := filepath.Join(dir, "adult", "adult_train.csv")
	_, err := LoadCSV(t.Context(), path, CSVOptions{Target: "target", Categorical: adultCategorical})
	// Line 16 of the file is the first with "?" (in native_country).
	want := path + `: row 16, column "native_country": missing value "?" (use missing: drop to skip rows with missing values)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	// Without the categorical list, text columns are reported as numbers.
	_, err = LoadCSV(t.Context(), path, CSVOptions{Target: "target", Missing: "drop"})
	want = path + `: row 2, column "workclass": value "State-gov" is not a number: column "workclass" holds text; list it under dataset.categorical to one-hot encode it, or leave it out of dataset.features`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestLoadCSV_NotFound(t *testing.T) {
	_, err := LoadCSV(t.Context(), filepath.Join(t.TempDir(), "nope.csv"), CSVOptions{Target: "y"})
	if !os.IsNotExist(err) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}

func BenchmarkLoadCSV_Adult(b *testing.B) {
	path := filepath.Join(sharedDatasets(b), "adult", "adult_train.csv")
	opt := CSVOptions{Target: "target", Categorical: adultCategorical, Missing: "drop", Group: "sex"}
	for b.Loop() {
		if _, err := LoadCSV(b.Context(), path, opt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPrepare_Adult(b *testing.B) {
	path := filepath.Join(sharedDatasets(b), "adult", "adult_train.csv")
	tab, err := LoadCSV(b.Context(), path, CSVOptions{Target: "target", Categorical: adultCategorical, Missing: "drop", Group: "sex"})
	if err != nil {
		b.Fatal(err)
	}
	opt := PrepareOptions{Test: 0.25, Stratify: true, Standardize: true}
	for b.Loop() {
		if _, err := Prepare(tab, opt, 1); err != nil {
			b.Fatal(err)
		}
	}
}
