package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallQuickstart is configs/quickstart.yaml made fast (fewer λ, repeats
// and epochs) with the model hidden: the other study of the end-to-end
// comparison has another model size.
func smallQuickstart(t *testing.T, hidden string) string {
	t.Helper()
	b, err := os.ReadFile("../configs/quickstart.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, r := range [][2]string{
		{"hidden: [64, 64]", "hidden: " + hidden},
		{"epochs: 150", "epochs: 15"},
		{"repeats: 5", "repeats: 3"},
		{"num: 9", "num: 4"},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("configs/quickstart.yaml has no %q", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return writeSpec(t, s)
}

// TestCompare_EndToEnd sweeps the quickstart and a variant with another
// model size and compares them: every file is written, the rows pair by
// seed and repeat, --json prints the same comparison.
func TestCompare_EndToEnd(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "quickstart"), filepath.Join(root, "quickstart-small")
	for _, s := range []struct{ dir, hidden string }{{a, "[64, 64]"}, {b, "[8]"}} {
		if code, _, errs := run(t, "sweep", smallQuickstart(t, s.hidden), "--out", s.dir, "--workers", "2", "-q"); code != 0 {
			t.Fatalf("sweep %s: exit %d: %s", s.dir, code, errs)
		}
	}
	out := filepath.Join(root, "cmp")
	code, stdout, errs := run(t, "compare", a, b, "--out", out)
	if code != 0 {
		t.Fatalf("compare: exit %d: %s", code, errs)
	}
	for _, f := range []string{"compare.csv", "compare.html", "compare_test.accuracy.png", "compare_validation.accuracy.png", "compare_tradeoff.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// the studies named by their spec's name and their folder's
	if want := "compare A = quickstart (quickstart) with B = quickstart (quickstart-small):"; !strings.HasPrefix(stdout, want) {
		t.Errorf("stdout does not start %q:\n%s", want, stdout)
	}
	if !strings.Contains(stdout, "lambda_best") || !strings.Contains(stdout, "test.accuracy") {
		t.Errorf("stdout lacks the balance points or the metrics:\n%s", stdout)
	}
	rows, col := readTable(t, filepath.Join(out, "compare.csv"))
	paired := 0
	for _, r := range rows {
		if r[col["test"]] == "paired" && r[col["pairs"]] == "3" {
			paired++
		}
	}
	if paired == 0 {
		t.Error("no row of compare.csv is paired over the 3 repeats")
	}
	html, _ := os.ReadFile(filepath.Join(out, "compare.html"))
	if !strings.Contains(string(html), "data:image/png;base64,") || strings.Contains(string(html), `src="compare_`) {
		t.Error("compare.html does not embed its figures")
	}
	if want := "<h1>quickstart (quickstart) vs quickstart (quickstart-small)</h1>"; !strings.Contains(string(html), want) {
		t.Errorf("compare.html lacks %s", want)
	}

	code, stdout, errs = run(t, "compare", a, b, "--out", out, "--json")
	if code != 0 {
		t.Fatalf("compare --json: exit %d: %s", code, errs)
	}
	var doc struct {
		Balance []struct{ Point string }
		Rows    []struct {
			Metric string
			Test   string
			P      *float64
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout)
	}
	if len(doc.Balance) != 3 || len(doc.Rows) != len(rows)-1 {
		t.Errorf("--json: %d balance points (want 3), %d rows (want %d as compare.csv)", len(doc.Balance), len(doc.Rows), len(rows)-1)
	}
}

func TestCompare_ExitCodes(t *testing.T) {
	root := t.TempDir()
	empty := filepath.Join(root, "empty")
	os.MkdirAll(empty, 0o755)
	base := filepath.Join(root, "a")
	os.MkdirAll(base, 0o755)
	runsCSV := "run_id,repeat,seed,status,lambda.l2,test.accuracy,reason\n1,0,1,ok,0,0.8,\n2,1,1,ok,0,0.9,\n3,0,1,ok,0.1,0.7,\n4,1,1,ok,0.1,0.75,\n"
	if err := os.WriteFile(filepath.Join(base, "runs.csv"), []byte(runsCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"one folder", []string{"compare", empty}, 2, "accepts 2 arg"},
		{"not a results folder", []string{"compare", empty, empty, "--out", filepath.Join(root, "o")}, 2, filepath.Join(empty, "runs.csv")},
		{"out inside A", []string{"compare", base, base, "--out", filepath.Join(base, "x")}, 2, "inside it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(t, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d saying %q", code, errs, tt.code, tt.want)
			}
			if _, err := os.Stat(filepath.Join(base, "x")); err == nil {
				t.Error("compare wrote inside a compared folder")
			}
		})
	}
}
