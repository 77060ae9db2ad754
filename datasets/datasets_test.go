package datasets

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShipped_Checksums: every embedded file is listed in Shipped with the
// SHA-256 of its bytes, every listed file is embedded, and README.md
// names each with its checksum.
func TestShipped_Checksums(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, f := range Shipped {
		listed[f.Path] = true
		b, err := ReadShipped(f.Path)
		if err != nil {
			t.Errorf("%s: %v", f.Path, err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
			t.Errorf("%s: SHA-256 %s, Shipped says %s", f.Path, got, f.SHA256)
		}
		if !strings.Contains(string(readme), f.SHA256) || !strings.Contains(string(readme), f.Path) {
			t.Errorf("README.md does not list %s with its SHA-256 %s", f.Path, f.SHA256)
		}
	}
	err = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !listed[p] {
			t.Errorf("embedded file %s is not in Shipped", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Remotes {
		for _, f := range r.Files {
			if !strings.Contains(string(readme), f.SHA256) || !strings.Contains(string(readme), f.URLSHA256) {
				t.Errorf("README.md does not give the checksums of remote file %s", f.Path)
			}
		}
	}
}

// TestFind: the lookup of a library path through the shipped files and
// the cache, and the error for a remote file not fetched yet.
func TestFind(t *testing.T) {
	cache := t.TempDir()
	for _, tt := range []struct {
		in, want string
		shipped  bool
		err      string
	}{
		{"sklearn/digits.csv", "datasets/sklearn/digits.csv", true, ""},
		{"datasets/sklearn/digits.csv", "datasets/sklearn/digits.csv", true, ""},
		{"./sklearn/../sklearn/iris.csv", "datasets/sklearn/iris.csv", true, ""},
		{"sklearn", "", false, ""},
		{"../sklearn/iris.csv", "", false, ""},
		{"nope.csv", "", false, ""},
		{"compas/compas.csv", "", false, "`lossexp datasets fetch compas`"},
		{"adult/adult_test.csv", "", false, "`lossexp datasets fetch adult`"},
	} {
		got, shipped, err := Find(tt.in, cache)
		if got != tt.want || shipped != tt.shipped || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Find(%q) = %q, %v, %v; want %q, %v, error with %q", tt.in, got, shipped, err, tt.want, tt.shipped, tt.err)
		}
	}
	c := CachePath(cache, "compas/compas.csv")
	os.MkdirAll(filepath.Dir(c), 0o755)
	os.WriteFile(c, []byte("a,b\n"), 0o644)
	if got, shipped, err := Find("compas/compas.csv", cache); got != c || shipped || err != nil {
		t.Errorf("after fetching: Find = %q, %v, %v; want %q", got, shipped, err, c)
	}
}

// TestDefaultCacheDir: the user's cache folder; LOSSEXP_CACHE_DIR is the
// command's to read (cmd resolves the setting and passes it down), so it
// changes nothing here.
func TestDefaultCacheDir(t *testing.T) {
	t.Setenv(CacheEnv, "/x/y")
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	if d, err := DefaultCacheDir(); err != nil || (filepath.Separator == '/' && os.Getenv("HOME") != "" && d != "/xdg/lossexp" && !strings.HasSuffix(d, "lossexp")) {
		t.Errorf("DefaultCacheDir = %q, %v", d, err)
	}
}

// TestConvertCOMPAS: the conversion keeps the first of duplicate columns,
// renames the label and refuses a value that would need quoting.
func TestConvertCOMPAS(t *testing.T) {
	in := "id,name,sex,age,age_cat,race,juv_fel_count,decile_score,juv_misd_count,juv_other_count,priors_count,c_charge_degree,decile_score,priors_count,two_year_recid\n" +
		`1,"doe, jane",Female,30,25 - 45,Other,0,3,1,2,4,M,9,8,1` + "\n"
	var b strings.Builder
	if err := convertCOMPAS(&b, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	want := "sex,age,age_cat,race,juv_fel_count,juv_misd_count,juv_other_count,priors_count,c_charge_degree,decile_score,target\n" +
		"Female,30,25 - 45,Other,0,1,2,4,M,3,1\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	bad := strings.Replace(in, "25 - 45", `"25, 45"`, 1)
	if err := convertCOMPAS(io.Discard, strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "age_cat") {
		t.Errorf("a value with a comma: err = %v, want one naming age_cat", err)
	}
}

// TestConvertAdult: header, separators, the test file's first line and
// label full stops, and an unknown label.
func TestConvertAdult(t *testing.T) {
	row := "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, ?, "
	in := "|1x3 Cross validator\n" + row + "<=50K.\n" + row + ">50K\n\n"
	var b strings.Builder
	if err := convertAdult(&b, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	r := "39,State-gov,77516,Bachelors,13,Never-married,Adm-clerical,Not-in-family,White,Male,2174,0,40,?,"
	if want := adultHeader + "\n" + r + "0\n" + r + "1\n"; b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if err := convertAdult(io.Discard, strings.NewReader(row+"maybe\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("unknown label: err = %v", err)
	}
}

// TestConvert_SharedRaw: applied to the original downloads kept in the
// shared reference folder, each conversion reproduces the pinned file
// byte for byte (skipped without LOSSEXP_SHARED_DATASETS).
func TestConvert_SharedRaw(t *testing.T) {
	// The reference folder is named by LOSSEXP_SHARED_DATASETS (.ci/run
	// sets it where the folder exists); a clone alone has no such folder.
	dir := os.Getenv("LOSSEXP_SHARED_DATASETS")
	if dir == "" {
		t.Skip("LOSSEXP_SHARED_DATASETS is not set: no reference downloads to convert")
	}
	if _, err := os.Stat(filepath.Join(dir, "adult", "raw")); err != nil {
		t.Skip("no reference downloads at " + filepath.Join(dir, "adult", "raw"))
	}
	a, _ := LookupRemote("adult")
	for i, name := range []string{"adult.data.gz", "adult.test.gz"} {
		f, err := os.Open(filepath.Join(dir, "adult", "raw", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		rf := a.Files[i]
		if got := sum(raw); got != rf.URLSHA256 || int64(len(raw)) != rf.Size {
			t.Errorf("%s: raw SHA-256 %s (%d bytes), pinned %s (%d)", name, got, len(raw), rf.URLSHA256, rf.Size)
		}
		h := sha256.New()
		if err := rf.convert(h, strings.NewReader(string(raw))); err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != rf.SHA256 {
			t.Errorf("%s: converted SHA-256 %s, want %s", rf.Path, got, rf.SHA256)
		}
	}
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
