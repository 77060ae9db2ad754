package lossterms

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/internal/gradcheck"
)

func TestWeightPenalty_Gradients(t *testing.T) {
	// L1 is checked away from 0 (|w| ≥ 0.1 ≫ gradcheck.Step), where it is
	// differentiable.
	w1 := []float64{0.3, -1.2, 2.5, -0.1, 0.7, -3}
	cases := []struct {
		name string
		p    WeightPenalty
		w    []float64
	}{
		{"l1", L1{}, w1},
		{"l2", L2{}, gradcheck.Random(9, 8, -3, 3)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			grad := func(dst, x []float64) {
				for i := range dst {
					dst[i] = 0
				}
				c.p.AddGrad(dst, x, 1)
			}
			gradcheck.Check(t, c.p.Value, grad, c.w, gradcheck.Tol)
		})
	}
}

func TestWeightPenalty_HandValues(t *testing.T) {
	w := []float64{1, -2, 0, 0.5}
	if got := (L1{}).Value(w); got != 3.5 { // exact: small dyadic sums
		t.Errorf("L1 = %v, want 3.5", got)
	}
	if got := (L2{}).Value(w); got != 5.25 { // exact: small dyadic sums
		t.Errorf("L2 = %v, want 5.25", got)
	}
	// AddGrad adds scale·∇ to what is there.
	dst := []float64{10, 10, 10, 10}
	L1{}.AddGrad(dst, w, 0.5)
	for i, want := range []float64{10.5, 9.5, 10, 10.5} {
		if !near(dst[i], want, 1e-15) {
			t.Errorf("L1 AddGrad[%d] = %v, want %v", i, dst[i], want)
		}
	}
	dst = []float64{1, 1, 1, 1}
	L2{}.AddGrad(dst, w, 0.25)
	for i, want := range []float64{1.5, 0, 1, 1.25} {
		if !near(dst[i], want, 1e-15) {
			t.Errorf("L2 AddGrad[%d] = %v, want %v", i, dst[i], want)
		}
	}
}

func TestL1_Prox(t *testing.T) {
	w := []float64{3, -3, 0.5, -0.5, 0, 1, -1.25}
	L1{}.Prox(w, 1)
	for i, want := range []float64{2, -2, 0, 0, 0, 0, -0.25} {
		if !near(w[i], want, 1e-15) {
			t.Errorf("prox[%d] = %v, want %v", i, w[i], want)
		}
	}
	// The prox is the argmin of φ(z) = ½(z−w)² + t|z|, coordinate by
	// coordinate: φ at the prox is no larger than at nearby points.
	const tt = 0.3
	orig := gradcheck.Random(10, 40, -1, 1)
	z := append([]float64(nil), orig...)
	L1{}.Prox(z, tt)
	phi := func(z, w float64) float64 { return 0.5*(z-w)*(z-w) + tt*math.Abs(z) }
	for i := range z {
		best := phi(z[i], orig[i])
		for _, d := range []float64{1e-6, 1e-3, 0.1, -1e-6, -1e-3, -0.1} {
			if other := phi(z[i]+d, orig[i]); other < best-1e-15 {
				t.Errorf("w=%v: φ(prox=%v) = %v > φ(%v) = %v", orig[i], z[i], best, z[i]+d, other)
			}
		}
	}
	if a := testing.AllocsPerRun(20, func() { L1{}.Prox(z, 0.01) }); a != 0 {
		t.Errorf("Prox: %v allocs per run", a)
	}
}

func TestL1_UsesProx(t *testing.T) {
	cases := []struct {
		method, opt string
		want        bool
	}{
		{"auto", "sgd", true}, {"auto", "momentum", true}, {"auto", "adam", false},
		{"", "sgd", true}, {"auto", "lbfgs", false},
		{"proximal", "adam", true}, {"subgradient", "sgd", false},
	}
	for _, c := range cases {
		if got := (L1{Method: c.method}).UsesProx(c.opt); got != c.want {
			t.Errorf("L1{%q}.UsesProx(%q) = %v, want %v", c.method, c.opt, got, c.want)
		}
	}
}

func TestRegistry_Lookup(t *testing.T) {
	for _, kind := range []string{"l1", "l2"} {
		info, err := Lookup(kind)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", kind, err)
		}
		if info.Family != "regularization" || info.Summary == "" {
			t.Errorf("%s: family %q summary %q", kind, info.Family, info.Summary)
		}
		term, err := info.New(nil)
		if err != nil {
			t.Fatalf("%s.New(nil): %v", kind, err)
		}
		if term.Kind() != kind {
			t.Errorf("%s.New().Kind() = %q", kind, term.Kind())
		}
		if _, ok := term.(WeightPenalty); !ok {
			t.Errorf("%s is not a WeightPenalty", kind)
		}
	}
	_, err := Lookup("l3")
	if err == nil || !strings.Contains(err.Error(), `"l3"`) || !strings.Contains(err.Error(), strings.Join(Kinds(), ", ")) {
		t.Errorf("Lookup(l3) error = %v, want the kind and the valid kinds", err)
	}
	l1, _ := Lookup("l1")
	if got := strings.Join(patterns(l1.Metrics), ","); got != "weight_l1,sparsity,near_zero" {
		t.Errorf("l1 metrics = %s", got)
	}
	l2, _ := Lookup("l2")
	if got := strings.Join(patterns(l2.Metrics), ","); got != "weight_l2" {
		t.Errorf("l2 metrics = %s", got)
	}
}

func TestRegistry_Params(t *testing.T) {
	cases := []struct {
		name      string
		kind      string
		params    map[string]any
		wantParam string // "" = no error
		wantIn    string // substring of the error
		wantMeth  string
	}{
		{"l1 default", "l1", nil, "", "", "auto"},
		{"l1 proximal", "l1", map[string]any{"method": "proximal"}, "", "", "proximal"},
		{"l1 subgradient", "l1", map[string]any{"method": "subgradient"}, "", "", "subgradient"},
		{"l1 unknown param", "l1", map[string]any{"metod": "auto"}, "metod", "valid: method", ""},
		{"l1 bad value", "l1", map[string]any{"method": "fast"}, "method", "auto, proximal, subgradient", ""},
		{"l1 bad type", "l1", map[string]any{"method": 3.0}, "method", "must be a string", ""},
		{"l2 any param", "l2", map[string]any{"scale": 2.0}, "scale", "no parameters", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info, err := Lookup(c.kind)
			if err != nil {
				t.Fatal(err)
			}
			term, err := info.New(c.params)
			if c.wantParam == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if l1, ok := term.(*L1); ok && l1.Method != c.wantMeth {
					t.Errorf("method = %q, want %q", l1.Method, c.wantMeth)
				}
				return
			}
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParamError", err, err)
			}
			if pe.Param != c.wantParam || !strings.Contains(err.Error(), c.wantIn) {
				t.Errorf("error = %q (param %q), want param %q and %q", err, pe.Param, c.wantParam, c.wantIn)
			}
		})
	}
}

func TestRegistry_Catalogue(t *testing.T) {
	cat := Catalogue()
	if len(cat) != len(Kinds()) {
		t.Fatalf("catalogue has %d entries, kinds %d", len(cat), len(Kinds()))
	}
	for _, info := range cat {
		if info.New == nil || info.Family == "" || info.Summary == "" {
			t.Errorf("%s: incomplete entry %+v", info.Kind, info)
		}
	}
}

// TestCatalogue_NeedsSayWhy: a term that needs sequences, images or a
// conditional generator says what it does with them (InfoNeeds.Why),
// which completes the refusal "term <name> …: set <field>"; one that
// needs none of them leaves Why empty.
func TestCatalogue_NeedsSayWhy(t *testing.T) {
	for _, info := range Catalogue() {
		nd := info.Needs
		if special := nd.Sequences || nd.Images || nd.Generator; special != (nd.Why != "") {
			t.Errorf("term %s: needs sequences %v, images %v, generator %v, but Why is %q", info.Kind, nd.Sequences, nd.Images, nd.Generator, nd.Why)
		}
	}
}
