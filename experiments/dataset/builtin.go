package dataset

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// ParamInfo describes one parameter of a built-in generator.
type ParamInfo struct {
	Name    string
	Default float64
	Meaning string

	// Integer says the value must be a whole number; Min is the smallest
	// allowed value. Generators check further limits themselves (for
	// example informative ≤ features).
	Integer bool
	Min     float64
}

// GeneratorInfo describes a built-in generator for listings such as
// `lossexp datasets`.
type GeneratorInfo struct {
	Name    string
	Task    Task
	Summary string
	Params  []ParamInfo

	// Groups says the generator provides a sensitive attribute (fairness
	// terms); Aux that it provides auxiliary targets (the aux term);
	// Factors that it provides its generating factors (decorrelation's
	// gap score); Sequences that its rows are frames of sequences (the
	// temporal term); Images that its targets are clean images with a
	// class label per row (Table.Label: the perceptual term).
	Groups, Aux, Factors, Sequences, Images bool
}

// genParams holds a generator's resolved parameters (defaults overridden
// by the caller's values).
type genParams map[string]float64

func (p genParams) int(name string) int { return int(p[name]) }

// generator is one entry of the built-in table.
type generator struct {
	info GeneratorInfo
	// check validates limits that involve more than one parameter or an
	// open bound; it returns nil when the parameters are usable.
	check func(p genParams) error
	// gen fills t.N, t.NumX, t.Y (and t.Classes for classification; the
	// group, auxiliary and factor columns when it has them).
	gen func(t *Table, p genParams, rng *rand.Rand)
}

// pcgStream is the second PCG word for built-in generators, so that their
// streams differ from other uses of the same seed.
const pcgStream = 0x6c6f73736578702d // "lossexp-"

// generators is the constant table of built-in generators, in listing
// order.
var generators = []generator{
	{
		info: GeneratorInfo{
			Name:    "moons",
			Task:    Classification,
			Summary: "two interleaving half circles in 2-D (scikit-learn's make_moons), 2 classes",
			Params: []ParamInfo{
				{Name: "samples", Default: 600, Meaning: "number of rows", Integer: true, Min: 10},
				{Name: "noise", Default: 0.3, Meaning: "standard deviation of the Gaussian noise added to each coordinate", Min: 0},
			},
		},
		gen: genMoons,
	},
	{
		info: GeneratorInfo{
			Name:    "circles",
			Task:    Classification,
			Summary: "a small circle inside a large one in 2-D (scikit-learn's make_circles), 2 classes",
			Params: []ParamInfo{
				{Name: "samples", Default: 600, Meaning: "number of rows", Integer: true, Min: 10},
				{Name: "noise", Default: 0.1, Meaning: "standard deviation of the Gaussian noise added to each coordinate", Min: 0},
				{Name: "factor", Default: 0.5, Meaning: "radius of the inner circle relative to the outer one, in (0, 1)", Min: 0},
			},
		},
		check: func(p genParams) error {
			if f := p["factor"]; f <= 0 || f >= 1 {
				return fmt.Errorf("parameter factor must be between 0 and 1 (exclusive), got %v", f)
			}
			return nil
		},
		gen: genCircles,
	},
	{
		info: GeneratorInfo{
			Name:    "blobs",
			Task:    Classification,
			Summary: "isotropic Gaussian blobs around centers drawn from the seed, K classes",
			Params: []ParamInfo{
				{Name: "samples", Default: 600, Meaning: "number of rows", Integer: true, Min: 10},
				{Name: "classes", Default: 3, Meaning: "number of blobs (classes)", Integer: true, Min: 2},
				{Name: "features", Default: 2, Meaning: "number of dimensions", Integer: true, Min: 1},
				{Name: "spread", Default: 1.0, Meaning: "standard deviation of each blob (centers lie in [-10, 10] per axis)", Min: 0},
			},
		},
		check: func(p genParams) error {
			if p["spread"] <= 0 {
				return fmt.Errorf("parameter spread must be positive, got %v", p["spread"])
			}
			if p["samples"] < p["classes"] {
				return fmt.Errorf("parameter samples (%v) must be at least classes (%v)", p["samples"], p["classes"])
			}
			return nil
		},
		gen: genBlobs,
	},
	{
		info: GeneratorInfo{
			Name:    "spirals",
			Task:    Classification,
			Summary: "K interleaved spiral arms in 2-D, one class per arm",
			Params: []ParamInfo{
				{Name: "samples", Default: 600, Meaning: "number of rows", Integer: true, Min: 10},
				{Name: "classes", Default: 3, Meaning: "number of arms (classes)", Integer: true, Min: 2},
				{Name: "noise", Default: 0.2, Meaning: "standard deviation of the Gaussian jitter of each point's angle, in radians", Min: 0},
				{Name: "turns", Default: 1.0, Meaning: "number of full turns each arm makes", Min: 0},
			},
		},
		check: func(p genParams) error {
			if p["turns"] <= 0 {
				return fmt.Errorf("parameter turns must be positive, got %v", p["turns"])
			}
			if p["samples"] < p["classes"] {
				return fmt.Errorf("parameter samples (%v) must be at least classes (%v)", p["samples"], p["classes"])
			}
			return nil
		},
		gen: genSpirals,
	},
	{
		info: GeneratorInfo{
			Name:    "regression",
			Task:    Regression,
			Summary: "standard normal features and a noisy linear (degree 1) or polynomial target",
			Params: []ParamInfo{
				{Name: "samples", Default: 400, Meaning: "number of rows", Integer: true, Min: 10},
				{Name: "features", Default: 5, Meaning: "number of features", Integer: true, Min: 1},
				{Name: "informative", Default: 0, Meaning: "features x0… that enter the target (0 = all)", Integer: true, Min: 0},
				{Name: "degree", Default: 1, Meaning: "polynomial degree of the target (1 = linear, at most 5)", Integer: true, Min: 1},
				{Name: "noise", Default: 0.5, Meaning: "standard deviation of the Gaussian noise added to the target", Min: 0},
			},
		},
		check: func(p genParams) error {
			if p["informative"] > p["features"] {
				return fmt.Errorf("parameter informative (%v) must not exceed features (%v)", p["informative"], p["features"])
			}
			if p["degree"] > 5 {
				return fmt.Errorf("parameter degree must be at most 5, got %v", p["degree"])
			}
			return nil
		},
		gen: genRegression,
	},
	{
		info: GeneratorInfo{
			Name:    "sparse",
			Task:    Classification,
			Summary: "few samples, many standard normal features, only x0… informative: a binary task where L1 pays off",
			Params: []ParamInfo{
				{Name: "samples", Default: 300, Meaning: "number of rows", Integer: true, Min: 10},
				{Name: "features", Default: 100, Meaning: "number of features", Integer: true, Min: 1},
				{Name: "informative", Default: 5, Meaning: "features x0… that carry the signal (the rest are pure noise)", Integer: true, Min: 1},
				{Name: "redundant", Default: 0, Meaning: "features after the informative ones that are noisy copies of them", Integer: true, Min: 0},
				{Name: "noise", Default: 0.25, Meaning: "standard deviation of the Gaussian noise added to the class score (the score's own standard deviation is sqrt(informative))", Min: 0},
				{Name: "flip", Default: 0.05, Meaning: "fraction of labels flipped at random", Min: 0},
			},
		},
		check: func(p genParams) error {
			if p["informative"]+p["redundant"] > p["features"] {
				return fmt.Errorf("parameters informative (%v) plus redundant (%v) must not exceed features (%v)", p["informative"], p["redundant"], p["features"])
			}
			if p["flip"] > 0.5 {
				return fmt.Errorf("parameter flip must be at most 0.5, got %v", p["flip"])
			}
			return nil
		},
		gen: genSparse,
	},
	{
		info: GeneratorInfo{
			Name:    "fair",
			Task:    Classification,
			Summary: "a binary label that depends on a latent score and on a sensitive group, which also leaks through a proxy feature (x0); groups g0… (fairness terms)",
			Params: []ParamInfo{
				{Name: "samples", Default: 1000, Meaning: "number of rows", Integer: true, Min: 10},
				{Name: "groups", Default: 2, Meaning: "number of groups g0… (group sizes fall off as 1, 1/2, 1/3, …)", Integer: true, Min: 2},
				{Name: "features", Default: 6, Meaning: "number of features: x0 is the proxy, the rest noisy views of the latent score", Integer: true, Min: 2},
				{Name: "bias", Default: 1.5, Meaning: "shift of the label score between the first and the last group, in standard deviations of the latent score", Min: 0},
				{Name: "proxy_noise", Default: 0.3, Meaning: "standard deviation of the noise on the proxy feature (smaller leaks the group more)", Min: 0},
				{Name: "noise", Default: 1.0, Meaning: "standard deviation of the noise on each view of the latent score", Min: 0},
			},
			Groups: true,
		},
		gen: genFair,
	},
	{
		info: GeneratorInfo{
			Name:    "factors",
			Task:    Regression,
			Summary: "a few independent factors f0… ~ U(−1, 1) mixed nonlinearly into many features; the target is a sum of one nonlinear function per factor (decorrelation's gap score)",
			Params: []ParamInfo{
				{Name: "samples", Default: 800, Meaning: "number of rows", Integer: true, Min: 10},
				{Name: "factors", Default: 3, Meaning: "number of independent generating factors", Integer: true, Min: 1},
				{Name: "features", Default: 20, Meaning: "number of features, each tanh of a random mix of the factors", Integer: true, Min: 1},
				{Name: "noise", Default: 0.05, Meaning: "standard deviation of the Gaussian noise on each feature and on the target", Min: 0},
			},
			Factors: true,
		},
		gen: genFactors,
	},
	sequencesBuiltin(),
	{
		info: GeneratorInfo{
			Name:    "edges",
			Task:    Segmentation,
			Summary: "1-D signals whose target is a per-position mask (1–segments intervals raised above a drifting baseline, plus noise) and whose auxiliary targets are the mask's edge map (aux term; segmentation)",
			Params: []ParamInfo{
				{Name: "samples", Default: 200, Meaning: "number of signals (rows); small, so that data scarcity shows", Integer: true, Min: 10},
				{Name: "length", Default: 16, Meaning: "positions per signal: the features x0… and the mask and edge targets", Integer: true, Min: 8},
				{Name: "segments", Default: 3, Meaning: "at most this many foreground intervals per signal (at least 1)", Integer: true, Min: 1},
				{Name: "min_width", Default: 3, Meaning: "fewest positions of one interval", Integer: true, Min: 1},
				{Name: "max_width", Default: 4, Meaning: "most positions of one interval (at most length)", Integer: true, Min: 1},
				{Name: "contrast", Default: 1.0, Meaning: "height of a foreground interval above the baseline", Min: 0},
				{Name: "drift", Default: 3.0, Meaning: "standard deviation of the random offset and of the random slope of each signal's baseline (larger hides the mask from a fixed threshold)", Min: 0},
				{Name: "noise", Default: 0.3, Meaning: "standard deviation of the Gaussian noise on each position", Min: 0},
				{Name: "labeled", Default: 1, Meaning: "fraction of the signals whose mask is known (semi-supervised data); the others have their mask missing (NaN) but their auxiliary targets present, train only (test and validation rows are all labeled) and are skipped by the task loss and the split's mask metrics", Min: 0},
				{Name: "aux", Default: EdgesAuxEdges, Meaning: "the auxiliary targets: 0 = the mask's edge map edge0… (binary; aux loss bce), 1 = the clean signal clean0…, the input without its noise (aux loss mse), 2 = the baseline base0…, the drifting offset and slope alone (aux loss mse)", Integer: true, Min: 0},
			},
			Aux: true,
		},
		check: func(p genParams) error {
			if p["min_width"] > p["max_width"] || p["max_width"] > p["length"] {
				return fmt.Errorf("parameters must satisfy min_width (%v) ≤ max_width (%v) ≤ length (%v)", p["min_width"], p["max_width"], p["length"])
			}
			if p["labeled"] <= 0 || p["labeled"] > 1 {
				return fmt.Errorf("parameter labeled must be in (0, 1], got %v", p["labeled"])
			}
			if p["aux"] > EdgesAuxBaseline {
				return fmt.Errorf("parameter aux must be 0 (edges), 1 (clean) or 2 (baseline), got %v", p["aux"])
			}
			return nil
		},
		gen: genEdges,
	},
	multimodalGenerator,
	glyphsGenerator,
}

// maxBuiltinCells bounds samples × features so that a typo cannot ask for
// terabytes.
const maxBuiltinCells = 1 << 28

// Builtins lists the built-in generators in a fixed order. The result is a
// copy the caller may modify.
func Builtins() []GeneratorInfo {
	out := make([]GeneratorInfo, len(generators))
	for i, g := range generators {
		out[i] = g.info
		out[i].Params = slices.Clone(g.info.Params)
	}
	return out
}

func builtinNames() string {
	names := make([]string, len(generators))
	for i, g := range generators {
		names[i] = g.info.Name
	}
	return strings.Join(names, ", ")
}

// Builtin generates the named built-in dataset. params overrides the
// generator's defaults (nil means all defaults); the output is a pure
// function of (name, params, seed). Unknown names and parameters, and
// values out of range, are errors that name the offender.
func Builtin(name string, params map[string]float64, seed uint64) (*Table, error) {
	var g *generator
	for i := range generators {
		if generators[i].info.Name == name {
			g = &generators[i]
			break
		}
	}
	if g == nil {
		return nil, fmt.Errorf("unknown builtin %q (valid: %s)", name, builtinNames())
	}
	p, err := resolveParams(g, params)
	if err != nil {
		return nil, err
	}
	t := &Table{Name: name, Task: g.info.Task, Checksum: builtinChecksum(name, p, seed)}
	g.gen(t, p, rand.New(rand.NewPCG(seed, pcgStream)))
	if d := len(t.NumX) / t.N; len(t.NumNames) != d {
		// x0, x1, … unless the generator named its features itself.
		t.NumNames = make([]string, d)
		for j := range d {
			t.NumNames[j] = "x" + strconv.Itoa(j)
		}
	}
	return t, nil
}

// resolveParams merges the caller's values over the defaults and checks
// them.
func resolveParams(g *generator, params map[string]float64) (genParams, error) {
	p := make(genParams, len(g.info.Params))
	valid := make([]string, len(g.info.Params))
	for i, pi := range g.info.Params {
		p[pi.Name] = pi.Default
		valid[i] = pi.Name
	}
	// Report unknown names in sorted order so the message is stable.
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, ok := p[k]; !ok {
			return nil, fmt.Errorf("unknown parameter %q for builtin %s (valid: %s)", k, g.info.Name, strings.Join(valid, ", "))
		}
		p[k] = params[k]
	}
	for _, pi := range g.info.Params {
		v := p[pi.Name]
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return nil, fmt.Errorf("builtin %s: parameter %s must be a finite number, got %v", g.info.Name, pi.Name, v)
		case pi.Integer && v != math.Trunc(v):
			return nil, fmt.Errorf("builtin %s: parameter %s must be an integer, got %v", g.info.Name, pi.Name, v)
		case v < pi.Min:
			return nil, fmt.Errorf("builtin %s: parameter %s must be at least %v, got %v", g.info.Name, pi.Name, pi.Min, v)
		}
	}
	if g.check != nil {
		if err := g.check(p); err != nil {
			return nil, fmt.Errorf("builtin %s: %w", g.info.Name, err)
		}
	}
	cells := p["samples"] * math.Max(1, math.Max(p["features"], p["length"]))
	if cells > maxBuiltinCells {
		return nil, fmt.Errorf("builtin %s: samples × features = %v exceeds the limit of %d cells", g.info.Name, cells, maxBuiltinCells)
	}
	return p, nil
}

// builtinChecksum hashes the generator name, the resolved parameters in
// sorted order and the seed.
func builtinChecksum(name string, p genParams, seed uint64) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	fmt.Fprintf(h, "builtin %s\n", name)
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%s\n", k, strconv.FormatFloat(p[k], 'g', -1, 64))
	}
	fmt.Fprintf(h, "seed=%d\n", seed)
	return hex.EncodeToString(h.Sum(nil))
}

// classLabels returns "0", "1", … "k-1".
func classLabels(k int) []string {
	out := make([]string, k)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}

// shuffleRows permutes the rows of x (n × d) and y together.
func shuffleRows(x, y []float64, d int, rng *rand.Rand) {
	n := len(y)
	for i := n - 1; i > 0; i-- {
		j := rng.IntN(i + 1)
		y[i], y[j] = y[j], y[i]
		for c := range d {
			x[i*d+c], x[j*d+c] = x[j*d+c], x[i*d+c]
		}
	}
}

// linspace returns the i-th of n evenly spaced points from a to b
// (inclusive both ends when n > 1).
func linspace(a, b float64, i, n int) float64 {
	if n <= 1 {
		return a
	}
	return a + (b-a)*float64(i)/float64(n-1)
}

func genMoons(t *Table, p genParams, rng *rand.Rand) {
	n := p.int("samples")
	noise := p["noise"]
	nOut := n / 2
	nIn := n - nOut
	x := make([]float64, 2*n)
	y := make([]float64, n)
	for i := range nOut {
		a := linspace(0, math.Pi, i, nOut)
		x[2*i], x[2*i+1] = math.Cos(a), math.Sin(a)
	}
	for i := range nIn {
		a := linspace(0, math.Pi, i, nIn)
		r := nOut + i
		x[2*r], x[2*r+1] = 1-math.Cos(a), 0.5-math.Sin(a)
		y[r] = 1
	}
	for i := range x {
		x[i] += noise * rng.NormFloat64()
	}
	shuffleRows(x, y, 2, rng)
	t.N, t.NumX, t.Y, t.Classes = n, x, y, classLabels(2)
}

func genCircles(t *Table, p genParams, rng *rand.Rand) {
	n := p.int("samples")
	noise, factor := p["noise"], p["factor"]
	nOut := n / 2
	nIn := n - nOut
	x := make([]float64, 2*n)
	y := make([]float64, n)
	for i := range nOut {
		a := 2 * math.Pi * float64(i) / float64(nOut)
		x[2*i], x[2*i+1] = math.Cos(a), math.Sin(a)
	}
	for i := range nIn {
		a := 2 * math.Pi * float64(i) / float64(nIn)
		r := nOut + i
		x[2*r], x[2*r+1] = factor*math.Cos(a), factor*math.Sin(a)
		y[r] = 1
	}
	for i := range x {
		x[i] += noise * rng.NormFloat64()
	}
	shuffleRows(x, y, 2, rng)
	t.N, t.NumX, t.Y, t.Classes = n, x, y, classLabels(2)
}

// perClass returns how many of n rows class c of k gets: n/k each, the
// remainder going to the first classes.
func perClass(n, k, c int) int {
	m := n / k
	if c < n%k {
		m++
	}
	return m
}

func genBlobs(t *Table, p genParams, rng *rand.Rand) {
	n, k, d := p.int("samples"), p.int("classes"), p.int("features")
	spread := p["spread"]
	centers := make([]float64, k*d)
	for i := range centers {
		centers[i] = -10 + 20*rng.Float64()
	}
	x := make([]float64, 0, n*d)
	y := make([]float64, 0, n)
	for c := range k {
		for range perClass(n, k, c) {
			for j := range d {
				x = append(x, centers[c*d+j]+spread*rng.NormFloat64())
			}
			y = append(y, float64(c))
		}
	}
	shuffleRows(x, y, d, rng)
	t.N, t.NumX, t.Y, t.Classes = n, x, y, classLabels(k)
}

func genSpirals(t *Table, p genParams, rng *rand.Rand) {
	n, k := p.int("samples"), p.int("classes")
	noise, turns := p["noise"], p["turns"]
	x := make([]float64, 0, 2*n)
	y := make([]float64, 0, n)
	for c := range k {
		m := perClass(n, k, c)
		for i := range m {
			// Radius grows from near 0 to 1 along the arm; arms are
			// rotated by 2π/K from one another.
			r := (float64(i) + 0.5) / float64(m)
			a := 2*math.Pi*turns*r + 2*math.Pi*float64(c)/float64(k) + noise*rng.NormFloat64()
			x = append(x, r*math.Cos(a), r*math.Sin(a))
			y = append(y, float64(c))
		}
	}
	shuffleRows(x, y, 2, rng)
	t.N, t.NumX, t.Y, t.Classes = n, x, y, classLabels(k)
}

// signedUniform draws a magnitude in [lo, hi) with a random sign.
func signedUniform(rng *rand.Rand, lo, hi float64) float64 {
	v := lo + (hi-lo)*rng.Float64()
	if rng.IntN(2) == 0 {
		return -v
	}
	return v
}

func genRegression(t *Table, p genParams, rng *rand.Rand) {
	n, d, deg := p.int("samples"), p.int("features"), p.int("degree")
	inf := p.int("informative")
	if inf == 0 {
		inf = d
	}
	noise := p["noise"]
	// coef[j*deg+q] multiplies x_j^(q+1); higher powers are damped by
	// 1/(q+1)! so that the target keeps a moderate scale.
	coef := make([]float64, inf*deg)
	fact := 1.0
	for q := range deg {
		fact *= float64(q + 1)
		for j := range inf {
			coef[j*deg+q] = signedUniform(rng, 0.5, 1.5) / fact
		}
	}
	// Degree ≥ 2 adds one interaction between the first two informative
	// features so that the target is not purely additive.
	inter := 0.0
	if deg >= 2 && inf >= 2 {
		inter = signedUniform(rng, 0.5, 1.0)
	}
	x := make([]float64, n*d)
	y := make([]float64, n)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for j := range row {
			row[j] = rng.NormFloat64()
		}
		s := 0.0
		for j := range inf {
			pw := 1.0
			for q := range deg {
				pw *= row[j]
				s += coef[j*deg+q] * pw
			}
		}
		if inter != 0 {
			s += inter * row[0] * row[1]
		}
		y[i] = s + noise*rng.NormFloat64()
	}
	t.N, t.NumX, t.Y = n, x, y
}

func genSparse(t *Table, p genParams, rng *rand.Rand) {
	n, d := p.int("samples"), p.int("features")
	inf, red := p.int("informative"), p.int("redundant")
	noise, flip := p["noise"], p["flip"]
	// Informative weights are ±1, so the clean score has variance
	// `informative`; the signs come from the seed.
	w := make([]float64, inf)
	for j := range w {
		w[j] = 1
		if rng.IntN(2) == 0 {
			w[j] = -1
		}
	}
	// Each redundant feature copies one informative feature plus noise.
	src := make([]int, red)
	for j := range src {
		src[j] = rng.IntN(inf)
	}
	x := make([]float64, n*d)
	y := make([]float64, n)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for j := range row {
			row[j] = rng.NormFloat64()
		}
		for j, s := range src {
			row[inf+j] = row[s] + 0.5*row[inf+j]
		}
		s := 0.0
		for j, wj := range w {
			s += wj * row[j]
		}
		s += noise * rng.NormFloat64()
		if s > 0 {
			y[i] = 1
		}
		if rng.Float64() < flip {
			y[i] = 1 - y[i]
		}
	}
	t.N, t.NumX, t.Y, t.Classes = n, x, y, classLabels(2)
}

// groupLabels returns "g0", "g1", … "g(k-1)".
func groupLabels(k int) []string {
	out := make([]string, k)
	for i := range out {
		out[i] = "g" + strconv.Itoa(i)
	}
	return out
}

// genFair draws a sensitive group a (sizes ∝ 1, 1/2, 1/3, …), a latent
// score u ~ N(0, 1) independent of it, and the label y = [u + s_a + e > 0]
// with s_a = bias·(a/(G−1) − ½) and e ~ N(0, 0.5²): the base rate differs
// between groups. x0 = a/(G−1) + proxy_noise·N(0, 1) leaks the group; x1…
// are views u + noise·N(0, 1) of the score. A classifier that uses x0
// predicts better and with a larger gap between groups.
func genFair(t *Table, p genParams, rng *rand.Rand) {
	n, G, d := p.int("samples"), p.int("groups"), p.int("features")
	bias, pn, noise := p["bias"], p["proxy_noise"], p["noise"]
	cum := make([]float64, G)
	total := 0.0
	for g := range G {
		total += 1 / float64(g+1)
		cum[g] = total
	}
	x := make([]float64, n*d)
	y := make([]float64, n)
	grp := make([]int, n)
	for i := range n {
		r := rng.Float64() * total
		a := 0
		for a < G-1 && r >= cum[a] {
			a++
		}
		pos := float64(a) / float64(G-1)
		u := rng.NormFloat64()
		row := x[i*d : (i+1)*d]
		row[0] = pos + pn*rng.NormFloat64()
		for j := 1; j < d; j++ {
			row[j] = u + noise*rng.NormFloat64()
		}
		if u+bias*(pos-0.5)+0.5*rng.NormFloat64() > 0 {
			y[i] = 1
		}
		grp[i] = a
	}
	t.N, t.NumX, t.Y, t.Classes = n, x, y, classLabels(2)
	t.Group, t.GroupNames = grp, groupLabels(G)
}

// genFactors draws F independent factors s ~ U(−1, 1)^F, a mixing matrix
// A (features × F, entries N(0, 1)) and offsets c ~ U(−0.5, 0.5), and
// sets x_j = tanh(A_j·s + c_j) + noise·N(0, 1) and y = Σ_f g_f(s_f) +
// noise·N(0, 1), with g_f cycling through s, 2s² − 2/3 and sin(πs): each
// factor enters the target through its own nonlinearity, so a model must
// carry every factor, not only their sum. The factors are kept as the table's Factors.
func genFactors(t *Table, p genParams, rng *rand.Rand) {
	n, F, d := p.int("samples"), p.int("factors"), p.int("features")
	noise := p["noise"]
	a := make([]float64, d*F)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	c := make([]float64, d)
	for j := range c {
		c[j] = rng.Float64() - 0.5
	}
	x := make([]float64, n*d)
	y := make([]float64, n)
	f := make([]float64, n*F)
	for i := range n {
		s := f[i*F : (i+1)*F]
		for k := range s {
			s[k] = 2*rng.Float64() - 1
			switch k % 3 {
			case 0:
				y[i] += s[k]
			case 1:
				y[i] += 2*s[k]*s[k] - 2.0/3
			default:
				y[i] += math.Sin(math.Pi * s[k])
			}
		}
		y[i] += noise * rng.NormFloat64()
		for j := range d {
			v := c[j]
			for k, sk := range s {
				v += a[j*F+k] * sk
			}
			x[i*d+j] = math.Tanh(v) + noise*rng.NormFloat64()
		}
	}
	t.N, t.NumX, t.Y = n, x, y
	t.Factors = f
	t.FactorNames = make([]string, F)
	for k := range F {
		t.FactorNames[k] = "f" + strconv.Itoa(k)
	}
}

// Auxiliary targets of the edges generator (its parameter aux).
const (
	EdgesAuxEdges    = 0 // the mask's edge map
	EdgesAuxClean    = 1 // the noise-free signal
	EdgesAuxBaseline = 2 // the baseline alone (offset and slope, no mask, no noise)
)

// genEdges draws, per signal of L positions, a mask: the union of 1 to
// segments intervals, each of min_width to max_width positions at a
// uniform place; the signal x_j = contrast·m_j + a + b·(j/(L−1) − ½) +
// noise·N(0, 1), with a baseline offset a and slope b both
// drift·N(0, 1). The mask is the target (T = L); with labeled < 1 only
// the first round(labeled·samples) signals (at least one) keep it, the
// others' is missing (NaN) while their auxiliary targets stay. The auxiliary targets
// (L per row) are, by aux:
//
//	0 (edges):    e_j = 1 where m_j differs from a neighbour m_{j−1} or m_{j+1}
//	1 (clean):    c_j = contrast·m_j + a + b·(j/(L−1) − ½), the signal without its noise
//	2 (baseline): β_j = a + b·(j/(L−1) − ½), what a position is compared with
//
// Because the baseline drifts, no fixed threshold finds the mask: a model
// must compare a position with its neighbours, which is what the edge map
// supervises; the clean signal and the baseline are latent quantities the
// noisy input hides, whose regression carries, per row, the offset and
// slope the mask needs. The draws are the same for every aux, so the
// inputs and masks do not depend on it.
func genEdges(t *Table, p genParams, rng *rand.Rand) {
	n, L, segs := p.int("samples"), p.int("length"), p.int("segments")
	contrast, drift, noise := p["contrast"], p["drift"], p["noise"]
	mode := p.int("aux")
	x := make([]float64, n*L)
	y := make([]float64, n*L)
	e := make([]float64, n*L)
	lo, hi := p.int("min_width"), p.int("max_width")
	for i := range n {
		m := y[i*L : (i+1)*L]
		k := 1 + rng.IntN(segs)
		for range k {
			w := lo + rng.IntN(hi-lo+1)
			s := rng.IntN(L - w + 1)
			for j := s; j < s+w; j++ {
				m[j] = 1
			}
		}
		a, b := drift*rng.NormFloat64(), drift*rng.NormFloat64()
		row, er := x[i*L:(i+1)*L], e[i*L:(i+1)*L]
		for j := range L {
			// Summed in this order so that aux 0 keeps its earlier values bit for bit.
			clean := contrast*m[j] + a + b*(float64(j)/float64(L-1)-0.5)
			row[j] = clean + noise*rng.NormFloat64()
			switch mode {
			case EdgesAuxClean:
				er[j] = clean
			case EdgesAuxBaseline:
				er[j] = a + b*(float64(j)/float64(L-1)-0.5)
			default:
				if (j > 0 && m[j] != m[j-1]) || (j < L-1 && m[j] != m[j+1]) { // exact: mask values are 0 or 1
					er[j] = 1
				}
			}
		}
	}
	// Semi-supervised: the masks of the signals past the first
	// round(labeled·n) are missing (NaN). The signals are independent
	// draws, so which are labeled needs no randomness (the split shuffles
	// them), and labeled = 1 leaves the table as it was.
	if nl := int(math.Round(p["labeled"] * float64(n))); nl < n {
		for i := range y[max(nl, 1)*L:] {
			y[max(nl, 1)*L+i] = math.NaN()
		}
	}
	t.N, t.NumX, t.Y, t.T, t.Aux = n, x, y, L, e
	prefix := [...]string{EdgesAuxEdges: "edge", EdgesAuxClean: "clean", EdgesAuxBaseline: "base"}[mode]
	t.AuxNames = make([]string, L)
	for j := range L {
		t.AuxNames[j] = prefix + strconv.Itoa(j)
	}
}

// sequencesBuiltin is the sequences generator (gen_sequences.go) with its
// sequence columns kept in the table.
func sequencesBuiltin() generator {
	g := sequencesGenerator
	g.info.Params = slices.Clone(g.info.Params)
	g.info.Sequences = true
	g.gen = func(t *Table, p genParams, rng *rand.Rand) {
		s := sequencesData(t, p, rng)
		t.SeqID, t.Order = s.SeqID, s.Order
	}
	return g
}
