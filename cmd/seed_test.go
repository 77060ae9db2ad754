package cmd

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments"
	specpkg "github.com/lossexp/lossexp/spec"
)

// runsColumn returns run id → the value of column col of out's runs.csv,
// and checks that col comes right after repeat.
func runsColumn(t *testing.T, out, col string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows[0]) < 3 || rows[0][1] != "repeat" || rows[0][2] != col {
		t.Fatalf("runs.csv header %v: want %s right after repeat", rows[0], col)
	}
	m := map[string]string{}
	for _, r := range rows[1:] {
		m[r[0]] = r[2]
	}
	return m
}

// TestSeed_TrainerCommand: runs.csv's seed column (after repeat) and the
// store record hold the seed the training command got ({seed},
// LOSSEXP_SEED); a store written before seeds were kept (records without
// one) still resumes to zero runs, and its runs.csv is the same, seeds
// included (issue 23, item 5).
func TestSeed_TrainerCommand(t *testing.T) {
	echo := t.TempDir()
	spec := fakeSpec(t, "echo:"+echo, 2)
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q", "--workers", "2"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	seeds := runsColumn(t, out, "seed")
	if len(seeds) != 10 {
		t.Fatalf("%d runs, want 10", len(seeds))
	}
	for id, seed := range seeds {
		b, err := os.ReadFile(filepath.Join(echo, "echo-"+id+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Env map[string]string `json:"env"`
		}
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatal(err)
		}
		if e.Env["LOSSEXP_SEED"] != seed || seed == "" || seed == "0" {
			t.Errorf("run %s: runs.csv seed %q, the command got LOSSEXP_SEED=%q", id, seed, e.Env["LOSSEXP_SEED"])
		}
	}
	runs, _ := os.ReadFile(filepath.Join(out, "runs.csv"))

	// The store records hold the seed; strip it (a store of an earlier
	// version) and resume.
	path, header, recs := segmentLines(t, out)
	seedField := regexp.MustCompile(`,"seed":([0-9]+)`)
	for i, line := range recs {
		m := seedField.FindSubmatch(line)
		if m == nil || seeds[lineID(line)] != string(m[1]) {
			t.Fatalf("record %s: seed %q, runs.csv %s", lineID(line), m, seeds[lineID(line)])
		}
		body := bytes.TrimSuffix(line, []byte("\n"))
		body = seedField.ReplaceAll(body[:bytes.LastIndex(body, []byte(`,"checksum":"`))], nil)
		sum := sha256.Sum256(body)
		recs[i] = append(body, `,"checksum":"sha256:`+hex.EncodeToString(sum[:])+"\"}\n"...)
	}
	writeSegment(t, path, header, recs)
	os.Remove(filepath.Join(out, "runs.csv"))
	code, _, stderr := run(t, "sweep", spec, "--out", out, "--workers", "2")
	if code != 0 || !strings.Contains(stderr, "0 to train") || strings.Contains(stderr, "damaged") {
		t.Fatalf("resume of a store without seeds: exit %d, want every run reused:\n%s", code, stderr)
	}
	if again, _ := os.ReadFile(filepath.Join(out, "runs.csv")); !bytes.Equal(again, runs) {
		t.Errorf("runs.csv from a store without seeds differs:\n%s\nwant\n%s", again, runs)
	}
}

// TestSeed_Builtin: the built-in trainer's runs.csv seed is the spec's
// seed (the repeat's streams derive from it and the repeat), and the
// store keeps it.
func TestSeed_Builtin(t *testing.T) {
	spec := writeSpec(t, strings.Replace(tinySpec, "seed: 2\n", "seed: 4000000001\n", 1))
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for id, seed := range runsColumn(t, out, "seed") {
		if seed != "4000000001" {
			t.Errorf("run %s: seed %q, want the spec's 4000000001", id, seed)
		}
	}
	_, _, recs := segmentLines(t, out)
	for _, line := range recs {
		if !bytes.Contains(line, []byte(`,"seed":4000000001,`)) {
			t.Errorf("record without the seed: %.200s", line)
		}
	}
	if got := experiments.RunSeed(&specpkg.Spec{Seed: 5, Trainer: &specpkg.TrainerSpec{}}, 1); got != experiments.CommandSeed(5, 1) {
		t.Errorf("trainer RunSeed = %d, want CommandSeed", got)
	}
}
