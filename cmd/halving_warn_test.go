package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHalving_WarnsWithoutContinuation: a halving study whose runs cannot
// continue between rungs is warned about, on stderr, by validate and once
// by sweep, before training: the reason and what a point kept to the end
// costs (the sum of its rungs, 3 + 9 + 27 = 39) against the full budget
// (27); a study whose runs continue (batch terms, noise inputs and
// float32 do) is not.
func TestHalving_WarnsWithoutContinuation(t *testing.T) {
	const cost = "; a point kept to the end costs 39 epochs instead of 27 (its rungs 3 + 9 + 27), so halving can train more epochs than the full grid\n"
	l2 := "    - kind: l2\n"
	cmdSpec := func(ckpt bool) string {
		raw, err := os.ReadFile(halvingCommandSpec(t, false, 0))
		if err != nil {
			t.Fatal(err)
		}
		b := string(raw)
		if !ckpt {
			b = strings.Replace(b, `, "--ckpt={checkpoint_dir}"`, "", 1)
		}
		return b
	}
	for _, tc := range []struct{ name, spec, want string }{
		{"continues", halvingKillSpec, ""},
		{"batch term", strings.Replace(halvingKillSpec, l2, "    - kind: decorrelation\n      layer: 0\n", 1), ""},
		{"adaptive balancing", strings.Replace(halvingKillSpec, "  terms:\n"+l2, "  balance: {method: dwa}\n  terms:\n    - {kind: decorrelation, layer: 0, weight: 1}\n"+l2, 1),
			"runs with an adaptive balancing method (loss.balance: dwa) retrain every rung from scratch"},
		{"float32", strings.NewReplacer("batch_size: 8}", "batch_size: 8, precision: float32}", "activation: tanh", "activation: relu").Replace(halvingKillSpec), ""},
		{"noise", strings.Replace(halvingKillSpec, "activation: tanh}", "activation: tanh, noise: 2}", 1), ""},
		{"lbfgs", strings.Replace(halvingKillSpec, "optimizer: adam, learning_rate: 0.02, epochs: 27, batch_size: 8", "optimizer: lbfgs, epochs: 27", 1),
			"lbfgs runs retrain every rung from scratch"},
		{"folds", strings.Replace(halvingKillSpec, "noise: 0.25}}", "noise: 0.25}, split: {cv: 3}}", 1),
			"runs with cross-validation folds (3) retrain every rung from scratch"},
		{"command with {checkpoint_dir}", cmdSpec(true), ""},
		{"command without", cmdSpec(false),
			"trainer.command never names {checkpoint_dir}: unless the command reads LOSSEXP_CHECKPOINT_DIR, its runs retrain every rung from scratch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, "validate", writeSpec(t, tc.spec))
			if code != 0 {
				t.Fatalf("validate: exit %d\n%s%s", code, stdout, stderr)
			}
			want := ""
			if tc.want != "" {
				want = "lossexp: warning: sweep.halving: " + tc.want + cost // the command's rungs are 3, 9, 27 too
			}
			if got := halvingWarning(stderr); got != want {
				t.Errorf("validate's warning:\n got %q\nwant %q", got, want)
			}
		})
	}
	t.Run("sweep warns once", func(t *testing.T) {
		small := strings.NewReplacer("samples: 2000", "samples: 200", "repeats: 3", "repeats: 1", "noise: 0.25}}", "noise: 0.25}, split: {cv: 3}}").Replace(halvingKillSpec)
		code, _, stderr := run(t, "sweep", writeSpec(t, small), "--out", filepath.Join(t.TempDir(), "o"), "-q", "--workers", "2")
		if code != 0 {
			t.Fatalf("sweep: exit %d\n%s", code, stderr)
		}
		if n := strings.Count(stderr, "sweep.halving: runs with cross-validation folds"); n != 1 || !strings.HasPrefix(stderr, "lossexp: warning: sweep.halving: ") {
			t.Errorf("the sweep's stderr has the warning %d times (want once, first):\n%s", n, stderr)
		}
	})
}

// halvingWarning returns the sweep.halving warning line of stderr, "" when
// none.
func halvingWarning(stderr string) string {
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if strings.Contains(l, "sweep.halving:") {
			return l
		}
	}
	return ""
}
