package experiments

import (
	"math"
	"strings"
	"testing"
)

// TestFusedL2_BitIdentical: training steps with the L2 penalty's gradient
// fused into Adam's or AdamW's pass (fusedL2) leave the parameters bit for
// bit where the separate AddGrad pass and Step leave them, in float64 and
// float32, with the L2 alone or after an l1 term (fused), and before one
// (not fused: the last term's gradient is added last). Bit identity is the
// point: float64 results must not change.
func TestFusedL2_BitIdentical(t *testing.T) {
	for _, tc := range []struct {
		name, opt, prec, terms string
		lambdas                []float64
		fused                  int
	}{
		{"adam-l2-f64", "adam", "float64", "[{kind: l2, weight: 0.001}]", []float64{1e-3}, 0},
		{"adamw-l2-f64", "adamw, weight_decay: 0.01", "float64", "[{kind: l2, weight: 0.001}]", []float64{1e-3}, 0},
		{"adam-l1-l2-f64", "adam", "float64", "[{kind: l1, weight: 0.001}, {kind: l2, weight: 0.001}]", []float64{1e-3, 2e-3}, 1},
		{"adam-l2-l1-f64", "adam", "float64", "[{kind: l2, weight: 0.001}, {kind: l1, weight: 0.001}]", []float64{1e-3, 2e-3}, -1},
		{"adam-l2-zero-f64", "adam", "float64", "[{kind: l2, weight: 0.001}]", []float64{0}, -1},
		{"adam-l2-f32", "adam", "float32", "[{kind: l2, weight: 0.001}]", []float64{1e-3}, 0},
		{"adamw-l2-f32", "adamw, weight_decay: 0.01", "float32", "[{kind: l2, weight: 0.001}]", []float64{1e-3}, 0},
		{"adam-l1-l2-f32", "adam", "float32", "[{kind: l1, weight: 0.001}, {kind: l2, weight: 0.001}]", []float64{1e-3, 2e-3}, 1},
		{"sgd-l2-f64", "sgd", "float64", "[{kind: l2, weight: 0.001}]", []float64{1e-3}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(digitsBench, "EPOCHS", "1", 1)
			src = strings.Replace(src, "optimizer: adam,", "optimizer: "+tc.opt+", precision: "+tc.prec+",", 1)
			src = strings.Replace(src, "terms: [{kind: l2, weight: 0.0001}]", "terms: "+tc.terms, 1)
			params := func(fuse bool) []float64 {
				defer func(old bool) { fuseL2 = old }(fuseL2)
				fuseL2 = fuse
				tr, step := stepper(t, specRun(t, src, tc.lambdas...))
				if got, _ := tr.fusedL2(); fuse && got != tc.fused {
					t.Fatalf("fusedL2 = %d, want %d", got, tc.fused)
				}
				for range 5 {
					step()
				}
				if tr.f32 != nil {
					tr.f32.sync(tr.param)
				}
				return tr.param
			}
			fused, ref := params(true), params(false)
			for i := range ref {
				if math.Float64bits(fused[i]) != math.Float64bits(ref[i]) {
					t.Fatalf("parameter %d: fused %v, AddGrad+Step %v", i, fused[i], ref[i])
				}
			}
		})
	}
}
