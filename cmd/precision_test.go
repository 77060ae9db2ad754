package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const float32Spec = `name: f32
seed: 5
repeats: 2
dataset: {builtin: moons, params: {samples: 200}}
model: {kind: mlp, hidden: [12, 6]}
train: {precision: float32, optimizer: adam, learning_rate: 0.01, epochs: 4, batch_size: 16}
loss:
  terms:
    - {kind: l2, weight: [0, 0.001, 0.01]}
`

// TestSweep_Float32WorkersByteIdentical: a float32 sweep's runs.csv,
// summary.csv and curves.csv are the same bytes for 1 and 3 workers, and
// differ from the float64 sweep's (float32 really trains in float32):
// with adam and l2, momentum and l1 (a proximal step), adamw and l1 (a
// subgradient).
func TestSweep_Float32WorkersByteIdentical(t *testing.T) {
	for _, r := range [][2]string{
		{"adam-l2", ""},
		{"momentum-l1", "optimizer: momentum, momentum: 0.9, ;kind: l1,"},
		{"adamw-l1", "optimizer: adamw, weight_decay: 0.1, ;kind: l1,"},
	} {
		t.Run(r[0], func(t *testing.T) {
			src := float32Spec
			if o, k, ok := strings.Cut(r[1], ";"); ok {
				src = strings.NewReplacer("optimizer: adam, ", o, "kind: l2,", k).Replace(src)
			}
			float32WorkersByteIdentical(t, src)
		})
	}
}

func float32WorkersByteIdentical(t *testing.T, src string) {
	dir := t.TempDir()
	spec := writeSpec(t, src)
	spec64 := writeSpec(t, strings.Replace(src, "precision: float32, ", "", 1))
	for _, c := range []struct{ spec, w, out string }{{spec, "1", "1"}, {spec, "3", "3"}, {spec64, "3", "64"}} {
		code, _, stderr := run(t, "sweep", c.spec, "--workers", c.w, "--out", filepath.Join(dir, c.out), "-q")
		if code != 0 {
			t.Fatalf("%s, workers %s: exit %d: %s", c.out, c.w, code, stderr)
		}
	}
	read := func(d, f string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, d, f))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, f := range []string{"runs.csv", "summary.csv", "curves.csv"} {
		if !bytes.Equal(read("1", f), read("3", f)) {
			t.Errorf("%s differs between 1 and 3 workers", f)
		}
		if bytes.Equal(read("1", f), read("64", f)) {
			t.Errorf("%s of the float32 sweep is the float64 sweep's", f)
		}
	}
}

// TestValidate_Precision: validate shows a written precision, and refuses
// float32 with lbfgs with exit status 2 and file:line:column.
func TestValidate_Precision(t *testing.T) {
	code, out, stderr := run(t, "validate", writeSpec(t, float32Spec))
	if code != 0 || !strings.Contains(out, "batch 16, float32\n") {
		t.Errorf("exit %d, stdout:\n%s\nstderr: %s\nwant the train line to end with float32", code, out, stderr)
	}
	bad := strings.Replace(float32Spec, "optimizer: adam, learning_rate: 0.01,", "optimizer: lbfgs,", 1)
	code, _, stderr = run(t, "validate", writeSpec(t, bad))
	if code != 2 || !strings.Contains(stderr, ":6:20: train.precision: float32 is not available with optimizer lbfgs") {
		t.Errorf("lbfgs: exit %d, stderr: %s", code, stderr)
	}
}
