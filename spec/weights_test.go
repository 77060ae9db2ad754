package spec

import (
	"math"
	"reflect"
	"testing"
)

// TestWeight_Logspace checks that logspace values are the exact float64
// literals where the exponent is an integer (== is the point here: specs
// must be reproducible to the bit).
func TestWeight_Logspace(t *testing.T) {
	w, err := ParseWeightString("{logspace: {from: 1e-5, to: 1e-1, num: 5}, zero: false}")
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1e-5, 1e-4, 1e-3, 1e-2, 1e-1}
	if !reflect.DeepEqual(w.Values, want) || !w.Swept {
		t.Errorf("got %v (swept %v), want %v", w.Values, w.Swept, want)
	}

	w, err = ParseWeightString("{logspace: {from: 1e-5, to: 1e-1, num: 9}}")
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Values) != 10 || w.Values[0] != 0 {
		t.Fatalf("got %v, want 0 then 9 values", w.Values)
	}
	for i, exact := range map[int]float64{1: 1e-5, 3: 1e-4, 5: 1e-3, 7: 1e-2, 9: 1e-1} {
		if w.Values[i] != exact {
			t.Errorf("value %d = %v, want exactly %v", i, w.Values[i], exact)
		}
	}
	for i, e := range map[int]float64{2: -4.5, 4: -3.5, 6: -2.5, 8: -1.5} {
		// Half-decade points come from math.Pow: equal within rounding.
		if want := math.Pow(10, e); math.Abs(w.Values[i]-want) > 1e-15*want {
			t.Errorf("value %d = %v, want %v", i, w.Values[i], want)
		}
	}

	// Ends are the given values even when they are not powers of ten.
	w, err = ParseWeightString("{logspace: {from: 3e-4, to: 0.7, num: 4}, zero: false}")
	if err != nil {
		t.Fatal(err)
	}
	if w.Values[0] != 3e-4 || w.Values[3] != 0.7 {
		t.Errorf("ends = %v, %v; want 3e-4, 0.7", w.Values[0], w.Values[3])
	}
}

func TestWeight_Grammar(t *testing.T) {
	tests := []struct {
		in    string
		want  []float64
		swept bool
	}{
		{"0.01", []float64{0.01}, false},
		{"0", []float64{0}, false},
		{"3", []float64{3}, false},
		{"[0.1, 0.01, 1]", []float64{0, 0.01, 0.1, 1}, true}, // sorted, 0 first
		{"[0.1, 0]", []float64{0, 0.1}, true},                // 0 already present
		{"[0]", []float64{0}, true},
		{"{values: [1, 0.5], zero: false}", []float64{0.5, 1}, true},
		{"{values: [1, 0.5], zero: true}", []float64{0, 0.5, 1}, true},
		{"{linspace: {from: 0, to: 1, num: 5}}", []float64{0, 0.25, 0.5, 0.75, 1}, true},
		{"{linspace: {from: 0.5, to: 1, num: 2}}", []float64{0, 0.5, 1}, true},
		{"{linspace: {from: 0.5, to: 1, num: 2}, zero: false}", []float64{0.5, 1}, true},
		{"{logspace: {from: 0.01, to: 0.01, num: 1}}", []float64{0, 0.01}, true},
		{"{logspace: {from: 1, to: 100, num: 3}, zero: false}", []float64{1, 10, 100}, true},
	}
	for _, tt := range tests {
		w, err := ParseWeightString(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(w.Values, tt.want) || w.Swept != tt.swept {
			t.Errorf("%s: got %v swept=%v, want %v swept=%v", tt.in, w.Values, w.Swept, tt.want, tt.swept)
		}
	}
}

func TestWeight_Errors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"-1", "weight: λ must be ≥ 0, got -1"},
		{".inf", "weight: λ must be finite, got +Inf"},
		{"abc", `weight: expected a number, a list of numbers, or {logspace|linspace: {from, to, num}}, got "abc"`},
		{"", `weight: expected a number, a list of numbers, or {logspace|linspace: {from, to, num}}, got ""`},
		{"true", "weight: expected a number, a list of numbers, or {logspace|linspace: {from, to, num}}, got true"},
		{"[]", "weight: empty list: give at least one λ"},
		{"[1, 1]", "weight: λ = 1 appears twice"},
		{"[1, x]", `weight[1]: expected a number, got "x"`},
		{"{logspace: {from: 0.1, to: 0.01, num: 3}}", "weight.logspace.from: from (0.1) is greater than to (0.01)"},
		{"{logspace: {from: -1, to: 1, num: 3}}", "weight.logspace.from: logspace needs a value > 0, got -1 (λ = 0 is added automatically)"},
		{"{linspace: {from: -1, to: 1, num: 3}}", "weight.linspace.from: λ must be ≥ 0, got -1"},
		{"{linspace: {from: 0, to: 1, num: 0}}", "weight.linspace.num: must be between 1 and 10000, got 0"},
		{"{linspace: {from: 0, to: 1, num: 1e9}}", "weight.linspace.num: expected an integer, got 1e9"},
		{"{linspace: {from: 0, to: 1}}", "weight.linspace: missing num (need from, to and num)"},
		{"{linspace: {from: 1, to: 1, num: 3}}", "weight.linspace.to: from and to are both 1; use num: 1 or a fixed weight"},
		{"{logspace: {from: 1, to: 2, num: 3, step: 1}}", "weight.logspace.step: unknown key (valid: from, to, num)"},
		{"{zero: false}", "weight: expected logspace, linspace or values beside zero"},
		{"{logspcae: {from: 1, to: 2, num: 2}}", `weight.logspcae: unknown key, did you mean "logspace"? (valid: logspace, linspace, values, zero)`},
	}
	for _, tt := range tests {
		_, err := ParseWeightString(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseWeightString(%q):\ngot  %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

// checkWeight asserts the invariants every parsed weight satisfies.
func checkWeight(t *testing.T, w Weight) {
	t.Helper()
	if len(w.Values) == 0 || (!w.Swept && len(w.Values) != 1) {
		t.Fatalf("bad shape %+v", w)
	}
	for i, v := range w.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Fatalf("bad value %v in %v", v, w.Values)
		}
		if i > 0 && !(v > w.Values[i-1]) {
			t.Fatalf("not strictly ascending: %v", w.Values)
		}
	}
}

// TestWeight_LogspaceSubnormal: logspace from a subnormal number stays in
// [from, to], ascends and spaces its values evenly in log10 (math.Log10
// alone took 1e-320 for 1.1e-308 and returned values above to).
func TestWeight_LogspaceSubnormal(t *testing.T) {
	for _, tt := range []struct {
		from, to float64
		num      int
	}{{1e-320, 1e-310, 7}, {1e-320, 1, 5}, {4e-324, 1e-300, 50}, {1e-323, 2e-323, 3}} {
		v := logspace(tt.from, tt.to, tt.num)
		for i, x := range v {
			if x < tt.from || x > tt.to || (i > 0 && !(x > v[i-1])) {
				t.Fatalf("logspace(%g, %g, %d) = %v: value %d out of [from, to] or not ascending", tt.from, tt.to, tt.num, v, i)
			}
		}
	}
	v := logspace(1e-320, 1e-310, 6) // a decade in two steps: 1e-320, 1e-318, …
	for i, want := range []float64{1e-320, 1e-318, 1e-316, 1e-314, 1e-312, 1e-310} {
		if math.Abs(math.Log10(v[i]*1e300)-math.Log10(want*1e300)) > 1e-3 {
			t.Errorf("value %d = %g, want about %g", i, v[i], want)
		}
	}
}
