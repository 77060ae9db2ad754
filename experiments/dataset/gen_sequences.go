package dataset

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// sequencesGenerator is the `sequences` built-in (the temporal term's
// dataset). To list it, add sequencesGenerator to the generators table in
// builtin.go, and, once Table has sequence columns, set them in
// genSequences (see Sequences).
var sequencesGenerator = generator{
	info: GeneratorInfo{
		Name:    "sequences",
		Task:    Classification,
		Summary: "sequences of frames whose label is a sticky hidden state (a Markov chain that stays with probability stay) seen through noisy per-frame features: a per-frame classifier flickers (temporal term)",
		Params: []ParamInfo{
			{Name: "sequences", Default: 40, Meaning: "number of sequences", Integer: true, Min: 2},
			{Name: "length", Default: 50, Meaning: "frames per sequence", Integer: true, Min: 2},
			{Name: "states", Default: 3, Meaning: "number of hidden states (classes)", Integer: true, Min: 2},
			{Name: "stay", Default: 0.9, Meaning: "probability that the state of a frame is that of the previous frame; otherwise it moves to one of the other states, uniformly", Min: 0},
			{Name: "features", Default: 4, Meaning: "features per frame", Integer: true, Min: 1},
			{Name: "separation", Default: 1.0, Meaning: "scale of the state means: each coordinate of a mean is separation·N(0, 1)", Min: 0},
			{Name: "noise", Default: 1.0, Meaning: "standard deviation of the Gaussian noise on each feature of each frame", Min: 0},
			{Name: "context", Default: 0, Meaning: "frames of context c on each side: a row's features are the noisy observations of frames t−c … t+c of its sequence (clamped at the sequence's ends), (2c+1)·features columns, frame t−c first; column (o+c)·features + j is feature j of frame t+o (x<j>@<o> in the row's frame's terms). 0: the frame's own features only, as before", Integer: true, Min: 0},
		},
	},
	check: func(p genParams) error {
		if p["stay"] > 1 {
			return fmt.Errorf("parameter stay must be at most 1, got %v", p["stay"])
		}
		if cells := p["sequences"] * p["length"] * p["features"] * (2*p["context"] + 1); cells > maxBuiltinCells {
			return fmt.Errorf("sequences × length × features × (2·context + 1) = %v exceeds the limit of %d cells", cells, maxBuiltinCells)
		}
		// context 0 is the generator as it was before the parameter
		// existed: leave it out of the resolved parameters so that the
		// data checksum (a hash of them), and with it every run id of an
		// existing spec, stays the same. sequencesData reads a missing
		// context as 0.
		if p["context"] == 0 {
			delete(p, "context")
		}
		return nil
	},
	gen: genSequences,
}

// Sequences is the sequence structure of a table's rows, for the
// temporal term: row i is frame Order[i] (0, 1, …) of sequence SeqID[i].
// The sequences built-in lays its rows out sequence after sequence, each
// in frame order, so rows i and i+1 are consecutive frames exactly when
// SeqID[i] = SeqID[i+1].
//
// Table has no sequence columns yet. The trainer's engineer adds
//
//	SeqID []int // N sequence indices (nil when the data has none)
//	Order []int // N frame indices within the sequence
//
// to Table (and SeqID/Order to Dataset, kept through splitting: splits by
// sequence, rows sorted by (SeqID, Order)), then sets them in genSequences.
type Sequences struct {
	SeqID []int
	Order []int
}

// GenerateSequences returns the sequences built-in's table, as
// Builtin("sequences", params, seed) does once the generator is listed,
// and its sequence columns.
func GenerateSequences(params map[string]float64, seed uint64) (*Table, *Sequences, error) {
	t, p, rng, err := newGeneratorTable(&sequencesGenerator, params, seed)
	if err != nil {
		return nil, nil, err
	}
	s := sequencesData(t, p, rng)
	nameFeatures(t)
	return t, s, nil
}

// SequenceFeatureNames returns the names of the sequences built-in's
// columns for the given features per frame and context c: with c = 0,
// x0 … x<d−1> (as Builtin names them); with c > 0, x<j>@<o> for frame
// offset o = −c … +c (x0@-1, x1@-1, …, x0@0, …, x0@+1, …), in column
// order. Builtin names every column x<k> (k = (o+c)·d + j); this is the
// mapping.
func SequenceFeatureNames(d, c int) []string {
	if c == 0 {
		out := make([]string, d)
		for j := range d {
			out[j] = "x" + strconv.Itoa(j)
		}
		return out
	}
	out := make([]string, 0, (2*c+1)*d)
	for o := -c; o <= c; o++ {
		off := strconv.Itoa(o)
		if o > 0 {
			off = "+" + off
		}
		for j := range d {
			out = append(out, "x"+strconv.Itoa(j)+"@"+off)
		}
	}
	return out
}

// newGeneratorTable resolves g's parameters and returns an empty table
// and the generator's stream, as Builtin does.
func newGeneratorTable(g *generator, params map[string]float64, seed uint64) (*Table, genParams, *rand.Rand, error) {
	p, err := resolveParams(g, params)
	if err != nil {
		return nil, nil, nil, err
	}
	t := &Table{Name: g.info.Name, Task: g.info.Task, Checksum: builtinChecksum(g.info.Name, p, seed)}
	return t, p, rand.New(rand.NewPCG(seed, pcgStream)), nil
}

// nameFeatures names the numeric features x0, x1, … as Builtin does.
func nameFeatures(t *Table) {
	d := len(t.NumX) / t.N
	t.NumNames = make([]string, d)
	for j := range d {
		t.NumNames[j] = "x" + strconv.Itoa(j)
	}
}

func genSequences(t *Table, p genParams, rng *rand.Rand) {
	sequencesData(t, p, rng)
	// Once Table has sequence columns:
	// s := sequencesData(t, p, rng); t.SeqID, t.Order = s.SeqID, s.Order
}

// sequencesData fills t with S sequences of L frames and returns their
// sequence columns. The state means μ_k ∈ R^d (k < K) are drawn first,
// each coordinate separation·N(0, 1). Then, sequence by sequence, frame
// by frame: the first state is uniform over the K states; each next state
// stays with probability stay and otherwise moves to one of the K − 1
// others, uniformly; the frame's features are x = μ_state +
// noise·N(0, I_d) and its label the state. The hidden chain is sticky, so
// the true label changes at about a fraction (1 − stay) of the frame
// pairs, but frames are classified from noisy features one at a time, so
// a per-frame classifier's label changes far more often.
//
// With context c > 0 the observations are drawn exactly as above (the
// same stream, so the labels and the observations do not depend on c),
// then row t's features become the observations of frames t−c … t+c of
// its sequence, frame t−c first, an offset past either end of the
// sequence taking the end frame's observation. A model of one row then
// sees its neighbours: it can average the noise away within a run of
// one state, at the price of blurring the transitions.
func sequencesData(t *Table, p genParams, rng *rand.Rand) *Sequences {
	S, L, K, d := p.int("sequences"), p.int("length"), p.int("states"), p.int("features")
	stay, sep, noise := p["stay"], p["separation"], p["noise"]
	mu := make([]float64, K*d)
	for i := range mu {
		mu[i] = sep * rng.NormFloat64()
	}
	n := S * L
	x := make([]float64, n*d)
	y := make([]float64, n)
	s := &Sequences{SeqID: make([]int, n), Order: make([]int, n)}
	for q := range S {
		state := rng.IntN(K)
		for f := range L {
			i := q*L + f
			if f > 0 && rng.Float64() >= stay {
				// Move to one of the other K − 1 states.
				next := rng.IntN(K - 1)
				if next >= state {
					next++
				}
				state = next
			}
			row := x[i*d : (i+1)*d]
			for j := range row {
				row[j] = mu[state*d+j] + noise*rng.NormFloat64()
			}
			y[i] = float64(state)
			s.SeqID[i], s.Order[i] = q, f
		}
	}
	if c := p.int("context"); c > 0 {
		w := (2*c + 1) * d
		cx := make([]float64, n*w)
		for i := range n {
			q, f := i/L, i%L
			for o := -c; o <= c; o++ {
				g := min(max(f+o, 0), L-1)
				copy(cx[i*w+(o+c)*d:i*w+(o+c+1)*d], x[(q*L+g)*d:(q*L+g+1)*d])
			}
		}
		x = cx
	}
	t.N, t.NumX, t.Y, t.Classes = n, x, y, classLabels(K)
	if c := p.int("context"); c > 0 {
		t.NumNames = SequenceFeatureNames(d, c) // x<j>@<offset>; Builtin keeps them
	}
	return s
}
