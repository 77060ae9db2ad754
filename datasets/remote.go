package datasets

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Remote is a dataset lossexp does not ship (its terms do not allow
// redistribution, or it is too large for the repository): `lossexp
// datasets fetch NAME` downloads its files from their canonical source,
// checks them and keeps them in the cache.
type Remote struct {
	Name    string // the fetch name (lossexp datasets fetch NAME)
	Summary string
	Source  string
	Terms   string // the licence or terms, and why the data is not shipped
	Files   []RemoteFile
}

// RemoteFile is one file of a remote dataset: downloaded from URL
// (checked against URLSHA256), converted by convert (nil: kept as
// downloaded) and kept under its library path in the cache, where its
// bytes must hash to SHA256.
type RemoteFile struct {
	Path      string // library path (compas/compas.csv)
	SHA256    string // of the file kept in the cache
	URL       string // canonical source, pinned to a version where the host allows it
	URLSHA256 string // of the downloaded bytes
	Size      int64  // bytes of the download (0: unknown)
	Convert   string // one line saying how the kept file is made from the download ("" = as downloaded)
	convert   func(w io.Writer, r io.Reader) error
}

// Remotes lists the datasets `lossexp datasets fetch` knows, by name.
var Remotes = []Remote{
	{
		Name:    "adult",
		Summary: "UCI Adult / Census Income (1994 US Census): income >50K from 14 attributes, 32561 train + 16281 test rows; groups sex, race",
		Source:  "UCI Machine Learning Repository, Kohavi & Becker (1996), archive.ics.uci.edu/ml/machine-learning-databases/adult/",
		Terms:   "CC BY 4.0 (UCI); not shipped for its size (5 MB as CSV)",
		Files: []RemoteFile{
			{Path: "adult/adult_train.csv", SHA256: "219c2bb8d99d77b01760ab15776c20498b25e5e852111d712524224eb99d7e6a",
				URL: "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/adult.data", URLSHA256: "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d", Size: 3974305,
				Convert: adultConvert, convert: convertAdult},
			{Path: "adult/adult_test.csv", SHA256: "db462479d42c0ba83c5e5bc6e825736b112467d1c12a42b7955e2760acd45361",
				URL: "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/adult.test", URLSHA256: "a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05", Size: 2003153,
				Convert: adultConvert + "; the first line (|1x3 Cross validator) and the full stop after each label dropped", convert: convertAdult},
		},
	},
	{
		Name:    "compas",
		Summary: "ProPublica's COMPAS two-year recidivism file (Broward County, 7214 people): the 11 modelling columns; groups race, sex, age_cat",
		Source:  "github.com/propublica/compas-analysis @bafff5da3f2e45eca6c2d5055faad269defd135a, compas-scores-two-years.csv",
		Terms:   "no licence is stated by the source (public-interest research data behind the 2016 \"Machine Bias\" story); not redistributed",
		Files: []RemoteFile{
			{Path: "compas/compas.csv", SHA256: "017d46df9a30276000b063b74da71024b5f1d96a8e8af1b9ad6c3926233be9f5",
				URL:       "https://raw.githubusercontent.com/propublica/compas-analysis/bafff5da3f2e45eca6c2d5055faad269defd135a/compas-scores-two-years.csv",
				URLSHA256: "c451db85908b2f7fef1d83203bedf6b71ecda0d5af468d82ae62178f91d0cc7d", Size: 2546489,
				Convert: "keep the columns " + strings.Join(compasColumns, ", ") + " (the first of two decile_score and priors_count columns), two_year_recid renamed target; no names, dates or case numbers",
				convert: convertCOMPAS},
		},
	},
}

// LookupRemote returns the remote dataset called name.
func LookupRemote(name string) (*Remote, error) {
	for i := range Remotes {
		if Remotes[i].Name == name {
			return &Remotes[i], nil
		}
	}
	names := make([]string, len(Remotes))
	for i, r := range Remotes {
		names[i] = r.Name
	}
	return nil, fmt.Errorf("unknown dataset %q (fetchable: %s)", name, strings.Join(names, ", "))
}

// remoteOf returns the remote dataset and file with library path p.
func remoteOf(p string) (*Remote, *RemoteFile) {
	for i := range Remotes {
		for j := range Remotes[i].Files {
			if Remotes[i].Files[j].Path == p {
				return &Remotes[i], &Remotes[i].Files[j]
			}
		}
	}
	return nil, nil
}

// compasColumns are the columns kept from compas-scores-two-years.csv,
// in order; the last is written as target.
var compasColumns = []string{"sex", "age", "age_cat", "race", "juv_fel_count", "juv_misd_count", "juv_other_count", "priors_count", "c_charge_degree", "decile_score", "two_year_recid"}

// convertCOMPAS keeps compasColumns (the first column of each name: the
// file has two decile_score and two priors_count columns), two_year_recid
// renamed target, values as text, LF line ends, no quoting (no kept
// field holds a comma or a quote; one that did is an error).
func convertCOMPAS(w io.Writer, r io.Reader) error {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("read header: %w", err)
	}
	idx := make([]int, len(compasColumns))
	for k, c := range compasColumns {
		idx[k] = slices.Index(header, c)
		if idx[k] < 0 {
			return fmt.Errorf("column %q not found in the download", c)
		}
	}
	bw := bufio.NewWriter(w)
	out := slices.Clone(compasColumns)
	out[len(out)-1] = "target"
	bw.WriteString(strings.Join(out, ",") + "\n")
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		for k, i := range idx {
			v := rec[i]
			if strings.ContainsAny(v, ",\"\r\n") {
				return fmt.Errorf("line %d, column %s: value %q would need quoting", line, compasColumns[k], v)
			}
			if k > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString(v)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

const adultConvert = "header added, the space after each comma removed, the label <=50K/>50K written as target 0/1, missing values kept as ?"

var adultHeader = "age,workclass,fnlwgt,education,education_num,marital_status,occupation,relationship,race,sex,capital_gain,capital_loss,hours_per_week,native_country,target"

// convertAdult turns UCI's adult.data or adult.test (", "-separated, no
// header, labels <=50K / >50K with a full stop in the test file, which
// starts with a "|1x3 Cross validator" line, blank lines at the end) into
// a CSV with a header and target 0/1.
func convertAdult(w io.Writer, r io.Reader) error {
	sc := bufio.NewScanner(r)
	bw := bufio.NewWriter(w)
	bw.WriteString(adultHeader + "\n")
	want := strings.Count(adultHeader, ",") + 1
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if s == "" || strings.HasPrefix(s, "|") {
			continue
		}
		f := strings.Split(s, ", ")
		if len(f) != want {
			return fmt.Errorf("line %d: %d fields, want %d", line, len(f), want)
		}
		switch strings.TrimSuffix(f[want-1], ".") {
		case "<=50K":
			f[want-1] = "0"
		case ">50K":
			f[want-1] = "1"
		default:
			return fmt.Errorf("line %d: unknown label %q", line, f[want-1])
		}
		bw.WriteString(strings.Join(f, ",") + "\n")
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if line == 0 {
		return errors.New("empty download")
	}
	return bw.Flush()
}
