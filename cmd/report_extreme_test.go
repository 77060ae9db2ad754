package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweep_ConstantHugeMetric (issue 21): a training command whose metric
// is 1e17 at every λ made the tick code panic (exit 2, the bad-input code),
// left .png.tmp-* files, and `lossexp report` could never render the study.
// Now the sweep and the report both draw it, exit 0, and leave no
// temporary file.
func TestSweep_ConstantHugeMetric(t *testing.T) {
	for _, v := range []string{"1e17", "-1e300", "5e-324"} {
		t.Run(v, func(t *testing.T) {
			spec := writeSpec(t, `name: huge
repeats: 2
trainer:
  command: [sh, -c, 'printf "{{\"final\": true, \"test.big\": `+v+`, \"test.acc\": %s}}\n" "$LOSSEXP_LAMBDA_T" > "$LOSSEXP_RUN_DIR/metrics.jsonl"']
  metrics: {test.big: higher, test.acc: higher}
loss:
  terms:
    - {kind: external, name: t, weight: [0.1, 1, 10]}
report:
  metrics: [test.big, test.acc]
`)
			out := filepath.Join(t.TempDir(), "out")
			for _, args := range [][]string{{"sweep", spec, "--out", out, "-q"}, {"report", out}} {
				code, _, stderr := run(t, args...)
				if code != 0 {
					t.Fatalf("%s: exit %d\n%s", args[0], code, stderr)
				}
				if _, err := os.Stat(filepath.Join(out, "test.big_vs_t.png")); err != nil {
					t.Errorf("%s: %v", args[0], err)
				}
				ents, _ := os.ReadDir(out)
				for _, e := range ents {
					if strings.Contains(e.Name(), ".tmp-") {
						t.Errorf("%s left %s", args[0], e.Name())
					}
				}
			}
		})
	}
}
