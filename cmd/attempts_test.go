package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTrainer_AttemptsContinue: the attempts of a run are numbered on
// across sweeps and every attempt's logs are kept. A run that failed its
// 3 attempts (retries: 2) in the first sweep has attempts 4 to 6 in the
// resumed sweep, and attempt 7, the one that succeeds, in the third; each
// attempt keeps its cmd.json (argv, folder, LOSSEXP_ATTEMPT = its number)
// and its stderr, the first sweep's traceback included.
func TestTrainer_AttemptsContinue(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "fixed")
	spec := fakeSpec(t, "failif:"+gate, 1)
	b, _ := os.ReadFile(spec)
	os.WriteFile(spec, []byte(strings.Replace(string(b), "  grace: 500ms\n", "  grace: 500ms\n  retries: 2\n  max_failures: 0\n", 1)), 0o644)
	out := filepath.Join(t.TempDir(), "out")
	logsOf := func() map[string][]string { // run id → its log files
		m := map[string][]string{}
		ids, _ := os.ReadDir(filepath.Join(out, "runs", "logs"))
		for _, id := range ids {
			es, _ := os.ReadDir(filepath.Join(out, "runs", "logs", id.Name()))
			for _, e := range es {
				m[id.Name()] = append(m[id.Name()], e.Name())
			}
		}
		return m
	}
	sweep := func(want int) {
		t.Helper()
		if code, _, stderr := run(t, "sweep", spec, "--out", out, "--workers", "1", "-q"); code != want {
			t.Fatalf("sweep: exit %d, want %d\n%s", code, want, stderr)
		}
	}
	attempts := func(from, to int) []string {
		var n []string
		for k := from; k <= to; k++ {
			for _, ext := range []string{"cmd.json", "stderr", "stdout"} {
				n = append(n, "attempt-"+itoaCmd(k)+"."+ext)
			}
		}
		return n
	}
	sweep(1) // λ = 1 and 3 fail (sum > 0.4)
	first := logsOf()
	var failed []string
	for id, files := range first {
		if len(files) > 4 {
			failed = append(failed, id)
		}
	}
	if len(first) != 5 || len(failed) != 2 {
		t.Fatalf("after the first sweep: %v", first)
	}
	sweep(1) // still failing: attempts 4-6
	for _, id := range failed {
		if got := logsOf()[id]; !slices.Equal(got, attempts(1, 6)) {
			t.Errorf("run %s after the second sweep: %v, want %v", id, got, attempts(1, 6))
		}
		b, _ := os.ReadFile(filepath.Join(out, "runs", "logs", id, "attempt-1.stderr"))
		if !strings.Contains(string(b), "failif: λ sum") {
			t.Errorf("attempt-1.stderr of the first sweep: %q", b)
		}
	}
	os.WriteFile(gate, nil, 0o644)
	sweep(0) // fixed: attempt 7 succeeds
	for _, id := range failed {
		want := append(attempts(1, 7), "attempt-7.metrics.jsonl")
		slices.Sort(want)
		if got := logsOf()[id]; !slices.Equal(got, want) {
			t.Errorf("run %s after the third sweep: %v, want %v", id, got, want)
		}
		var c struct {
			Attempt int               `json:"attempt"`
			Argv    []string          `json:"argv"`
			Dir     string            `json:"dir"`
			Env     map[string]string `json:"env"`
		}
		b, _ := os.ReadFile(filepath.Join(out, "runs", "logs", id, "attempt-7.cmd.json"))
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		if c.Attempt != 7 || c.Env["LOSSEXP_ATTEMPT"] != "7" || c.Env["LOSSEXP_RUN_ID"] != id || c.Dir != filepath.Dir(spec) ||
			len(c.Argv) != 4 || c.Argv[0] != os.Args[0] || c.Argv[1] != "failif:"+gate {
			t.Errorf("attempt-7.cmd.json: %s", b)
		}
	}
}
