package cmd

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"
)

// TestRun_PrintsSeed: `lossexp run` says the run's seed, in its table and
// in --json, and it is the seed runs.csv gives the same run of a sweep.
func TestRun_PrintsSeed(t *testing.T) {
	spec := fakeSpec(t, "echo:"+t.TempDir(), 2)
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	rows, col := readTable(t, filepath.Join(out, "runs.csv"))
	want := ""
	for _, r := range rows {
		if r[col["repeat"]] == "1" && r[col["lambda.l2"]] == "0.1" {
			want = r[col["seed"]]
		}
	}
	if want == "" || want == "0" {
		t.Fatalf("runs.csv has no seed for l2=0.1, repeat 1: %q", want)
	}
	code, stdout, stderr := run(t, "run", spec, "--set", "l2=0.1", "--repeat", "1", "--json")
	if code != 0 {
		t.Fatalf("run --json: exit %d\n%s", code, stderr)
	}
	var doc struct {
		Seed *json.Number `json:"seed"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Seed == nil || doc.Seed.String() != want {
		t.Errorf("run --json seed %v, runs.csv %s\n%s", doc.Seed, want, stdout)
	}
	code, stdout, stderr = run(t, "run", spec, "--set", "l2=0.1", "--repeat", "1")
	if code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	if !regexp.MustCompile(`(?m)^seed +` + want + `$`).MatchString(stdout) {
		t.Errorf("run's table has no line seed %s:\n%s", want, stdout)
	}
}
