package spec

import (
	"strings"
	"testing"

	"github.com/lossexp/lossexp/experiments/model"
)

const precBase = "name: q\ndataset: {builtin: moons}\n"

// TestPrecision_Refused: a bad precision, and float32 with what it does
// not support, are refused naming file:line:column and the field.
func TestPrecision_Refused(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown", precBase + "train: {precision: float16}\n",
			`t.yaml:3:20: train.precision: unknown precision "float16", did you mean "float32"? (valid: float32, float64)`},
		{"lbfgs", precBase + "train: {optimizer: lbfgs, precision: float32}\n",
			"t.yaml:3:38: train.precision: float32 is not available with optimizer lbfgs, which stays float64"},
		{"tanh", precBase + "model: {activation: tanh}\ntrain: {precision: float32}\n",
			"train.precision: float32 supports activation relu so far, not tanh"},
		{"batch term", precBase + "train: {precision: float32}\nloss: {terms: [{kind: decorrelation, weight: 0.1}]}\n",
			"train.precision: float32 supports the loss terms l1, l2 so far, not term decorrelation (kind decorrelation): use precision float64"},
		{"noise", precBase + "model: {noise: 4}\ntrain: {precision: float32}\n",
			"train.precision: float32 does not support model.noise yet"},
		{"not a string", precBase + "train: {precision: [1]}\n", "t.yaml:3:20: train.precision"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.src), "t.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to contain %s", err, tc.want)
			}
		})
	}
	for _, ok := range []string{
		precBase + "train: {precision: float32}\nloss: {terms: [{kind: l2, weight: [0, 0.1]}]}\n",
		precBase + "train: {precision: float32, optimizer: sgd}\n",
		precBase + "train: {precision: float32, optimizer: momentum}\nloss: {terms: [{kind: l1, weight: 0.1}]}\n",
		precBase + "train: {precision: float32, optimizer: adamw, weight_decay: 0.01}\nloss: {terms: [{kind: l1, weight: 0.1, method: subgradient}]}\n",
		precBase + "train: {precision: float64, optimizer: lbfgs}\n",
		precBase + "model: {kind: linear, activation: tanh}\ntrain: {precision: float32}\n",
	} {
		if _, err := Parse(strings.NewReader(ok), "t.yaml"); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
}

// TestPrecision_RunIDs: train.precision enters the run base and the result
// hash only for the runs it changes: float64 written out keeps the ids of a
// spec without it (and those ids are the ones of before the key existed:
// the run base below is TestSelect_RunIDs's), float32 changes them.
func TestPrecision_RunIDs(t *testing.T) {
	const own = "name: q\ndataset: {builtin: moons, split: {validation: 0.2}}\nloss: {terms: [{kind: l2, weight: [0, 0.1]}]}\n"
	none := mustParse(t, own)
	f64 := mustParse(t, own+"train: {precision: float64}\n")
	f32 := mustParse(t, own+"train: {precision: float32}\n")
	if model.BLASBackend() != "openblas" {
		const wantBase = "095647f855eb4f60fb7052e9ba0c59f2e6f8ccdf9f2ef4bf1c4222d2e5b833a8"
		if b := f64.RunBase("c"); b != wantBase {
			t.Errorf("run base with precision float64 written: %s, want %s (as without the key)", b, wantBase)
		}
	}
	if none.RunBase("c") != f64.RunBase("c") || none.ResultHash() != f64.ResultHash() {
		t.Error("writing the default precision float64 changes the run base or the result hash")
	}
	if f32.RunBase("c") == none.RunBase("c") || f32.ResultHash() == none.ResultHash() {
		t.Error("precision float32 does not change the run base and the result hash")
	}
	if !f32.Train.Float32() || f64.Train.Float32() || none.Train.Float32() {
		t.Error("Float32 reports the wrong precision")
	}
}
