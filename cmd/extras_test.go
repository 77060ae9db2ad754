package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shellTrainerSpec is a spec whose training command is a shell script
// reporting loss.total alone on its epoch lines, no gradients, and
// final-line metrics beyond trainer.metrics (zeta.score, alpha.count, a
// name runs.csv cannot take, lambda.l2).
const shellTrainerSpec = `name: shell
repeats: 2
trainer:
  command: [sh, train.sh]
  inputs: [train.sh]
  metrics: {test.accuracy: higher, test.penalty: lower}
loss:
  terms:
    - {kind: external, name: l2, weight: [0, 0.1, 1], metric: test.penalty}
report:
  select_on: test
  metrics: [test.accuracy, test.penalty]
`

const shellTrainer = `m=$LOSSEXP_RUN_DIR/metrics.jsonl
echo '{"epoch": 1, "loss.total": 2}' > $m
echo '{"epoch": 2, "loss.total": 1.5}' >> $m
echo '{"epoch": 3, "loss.total": 1}' >> $m
echo "{\"final\": true, \"test.accuracy\": 0.9$LOSSEXP_REPEAT, \"test.penalty\": 0.5, \"zeta.score\": 7, \"alpha.count\": 1$LOSSEXP_REPEAT, \"lambda.l2\": 9}" >> $m
`

// TestTrainer_KeepsWhatItSaid (issue 23, item 7): every final-line metric
// of a training command is kept: runs.csv lists the spec's metrics, then
// the others in name order (a name that would read as another column
// left out); epoch lines with loss.total alone give training figures; the
// cost section times every run from its seconds and epochs_run; a
// section without data says the trainer did not report it.
func TestTrainer_KeepsWhatItSaid(t *testing.T) {
	spec := writeSpec(t, shellTrainerSpec)
	if err := os.WriteFile(filepath.Join(filepath.Dir(spec), "train.sh"), []byte(shellTrainer), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q", "--workers", "2"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	read := func(name string) string { return readOut(t, out, name) }
	runs := strings.Split(read("runs.csv"), "\n")
	if want := ",epochs_run,alpha.count,zeta.score,reason"; !strings.HasSuffix(runs[0], want) || !strings.Contains(runs[0], "test.accuracy,test.penalty,") {
		t.Errorf("runs.csv header %s: want the listed metrics, then %s", runs[0], want)
	}
	if !strings.HasSuffix(runs[1], ",3,10,7,") || !strings.HasSuffix(runs[2], ",3,11,7,") {
		t.Errorf("runs.csv rows lack the extra metrics:\n%s", strings.Join(runs, "\n"))
	}
	if sum := read("summary.csv"); !strings.Contains(sum, "zeta.score.mean") {
		t.Errorf("summary.csv lacks the extra metric:\n%s", sum)
	}
	// The store keeps all of them, lambda.l2 included.
	_, _, recs := segmentLines(t, out)
	if !strings.Contains(string(recs[0]), `"extra_names":["alpha.count","lambda.l2","zeta.score"]`) {
		t.Errorf("record lacks the extra metrics: %s", recs[0])
	}
	if _, err := os.Stat(filepath.Join(out, "training_l2_1.png")); err != nil {
		t.Errorf("no training figure from loss.total: %v", err)
	}
	html := read("report.html")
	for _, want := range []string{"not reported by the trainer", "have no value: no gradient diagnostics", " (2 runs)</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	for _, bad := range []string{"older version", "(0 runs)"} {
		if strings.Contains(html, bad) {
			t.Errorf("report.html says %q", bad)
		}
	}
	// A second sweep reuses every run and writes the same runs.csv.
	before := read("runs.csv")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "--workers", "2"); code != 0 || !strings.Contains(stderr, "0 to train") {
		t.Fatalf("resume: exit %d\n%s", code, stderr)
	}
	if after := read("runs.csv"); after != before {
		t.Errorf("runs.csv after resume:\n%s\nwant\n%s", after, before)
	}
}
