package datasets

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// files holds the shipped data files, by library path.
//
//go:embed sklearn/*.csv basicmotions/*.csv
var files embed.FS

// ShippedFile is one data file embedded in lossexp.
type ShippedFile struct {
	Path    string // library path, as a spec names it (sklearn/digits.csv)
	SHA256  string // of the file's bytes
	Summary string // rows × columns, target
	Source  string // where the bytes came from
	Licence string // the terms that allow shipping it
}

const (
	sklearnSource  = "scikit-learn 1.2.1, sklearn/datasets/data/ (as packaged by Debian, python3-sklearn 1.2.1+dfsg-1); header added, rows unchanged"
	sklearnLicence = "BSD-3-Clause (scikit-learn)"
	bmSource       = "github.com/sktime/sktime @7bd7d1620c0656f3210eeb850bb1c0034159ee47, sktime/datasets/data/BasicMotions/BasicMotions_%s.ts, converted to long format (one row per time step), values copied as text"
	bmLicence      = "BSD-3-Clause (sktime); from the UEA/UCR time-series classification archive"
)

// Shipped lists the embedded files in library-path order.
var Shipped = []ShippedFile{
	{"basicmotions/basicmotions_test.csv", "0eaf2e50007361c69e3a1a03b054b5d8470f96da87de1da2b9564843fd52080a",
		"4000 × 9: 40 series × 100 steps (case_id, t, dim_0…dim_5, target: Standing/Walking/Running/Badminton)", fmt.Sprintf(bmSource, "TEST"), bmLicence},
	{"basicmotions/basicmotions_train.csv", "1492575bf8c00c70b1ebdfa49c844fcaeeae267c73c381606beadb4df36e7cc7",
		"4000 × 9: 40 series × 100 steps (case_id, t, dim_0…dim_5, target: Standing/Walking/Running/Badminton)", fmt.Sprintf(bmSource, "TRAIN"), bmLicence},
	{"sklearn/breast_cancer.csv", "432ff316e7bfb60b70a275064b4401315cc39f09c9099d031013a23647e98687",
		"569 × 31: 30 cell-nucleus measurements, target 0 = malignant, 1 = benign", sklearnSource, sklearnLicence},
	{"sklearn/digits.csv", "476b2063320dcd6210830dc9d907e17a1c9a4c9ceb28bafd598affcde46f70b7",
		"1797 × 65: 8×8 images p0…p63 (row-major, 0–16), target the digit 0–9", sklearnSource, sklearnLicence},
	{"sklearn/iris.csv", "4ee430a62e58386cb7db10bc5b725c93b664dd2fe1a036284b8e9ea3f7ed1a93",
		"150 × 5: 4 measurements in cm, target 0–2", sklearnSource, sklearnLicence},
	{"sklearn/wine.csv", "47946bdb6b5017961c6e2b5daa8a74b0d98779c1c66f21645d1d737eded7e8cb",
		"178 × 14: 13 chemical measurements, target 0–2", sklearnSource, sklearnLicence},
}

// Open returns the shipped file at library path p ("sklearn/digits.csv");
// ok is false when no shipped file has that path. The caller closes it.
func Open(p string) (rc io.ReadCloser, ok bool) {
	p, valid := clean(p)
	if !valid {
		return nil, false
	}
	f, err := files.Open(p)
	if err != nil {
		return nil, false
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, false
	}
	return f, true
}

// ReadShipped returns the bytes of the shipped file at library path p.
func ReadShipped(p string) ([]byte, error) {
	q, valid := clean(p)
	if !valid {
		return nil, fmt.Errorf("datasets: %q is not a library path", p)
	}
	return fs.ReadFile(files, q)
}

// clean turns a spec's path into a library path: slashes, no leading
// "./", no "..". A path written with the datasets/ folder in front
// (datasets/sklearn/digits.csv) is the same file.
func clean(p string) (string, bool) {
	p = strings.ReplaceAll(p, "\\", "/")
	p = path.Clean(p)
	p = strings.TrimPrefix(p, "datasets/")
	if !fs.ValidPath(p) || p == "." {
		return "", false
	}
	return p, true
}
