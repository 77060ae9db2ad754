package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// genSpecs are small sweeps of the two-network terms: a conditional
// generator with noise inputs and a discriminator (several updates per
// batch, its own optimizer), and a restoration model whose perceptual
// term reads a classifier trained once per repeat.
var genSpecs = map[string]string{
	"adversarial": `name: gan
seed: 3
repeats: 2
dataset: {builtin: multimodal, params: {samples: 120}}
model: {kind: mlp, hidden: [8], activation: tanh, noise: 2}
train: {optimizer: adam, learning_rate: 0.01, epochs: 4, batch_size: 16}
loss:
  task: mse
  terms:
    - {kind: adversarial, hidden: [6], optimizer: momentum, steps: 2, weight: [0.1, 1]}
`,
	"perceptual": `name: perc
seed: 3
repeats: 2
dataset: {builtin: glyphs, params: {samples: 120}}
model: {kind: mlp, hidden: [8]}
train: {optimizer: adam, epochs: 3, batch_size: 16}
loss:
  task: mse
  terms:
    - {kind: perceptual, hidden: [6], epochs: 3, weight: [0.1, 1]}
`,
}

// TestSweep_GenerativeWorkersByteIdentical: runs.csv, summary.csv and
// curves.csv of the adversarial and perceptual sweeps are the same bytes
// for 1 and 8 workers (the noise, the discriminator and the frozen
// classifier come from (seed, repeat) alone).
func TestSweep_GenerativeWorkersByteIdentical(t *testing.T) {
	for name, body := range genSpecs {
		t.Run(name, func(t *testing.T) {
			spec := writeSpec(t, body)
			dir := t.TempDir()
			for _, w := range []string{"1", "8"} {
				code, _, stderr := run(t, "sweep", spec, "--workers", w, "--out", filepath.Join(dir, w), "-q")
				if code != 0 {
					t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
				}
			}
			for _, f := range []string{"runs.csv", "summary.csv", "curves.csv"} {
				a, err := os.ReadFile(filepath.Join(dir, "1", f))
				if err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(filepath.Join(dir, "8", f))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a, b) {
					t.Errorf("%s differs between 1 and 8 workers", f)
				}
			}
		})
	}
}
