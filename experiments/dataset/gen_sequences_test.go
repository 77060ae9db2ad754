package dataset

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
	"testing"
)

// bitsHash hashes the exact bits of a table's features and labels.
func bitsHash(t *Table) string {
	h := sha256.New()
	var b [8]byte
	for _, v := range slices.Concat(t.NumX, t.Y) {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestSequencesContextZeroUnchanged: context 0 (the default, or given) is
// the generator as it was before the parameter existed: the same bits of
// features and labels and the same checksum (so the same run ids). The
// hashes were taken from the generator before context was added.
func TestSequencesContextZeroUnchanged(t *testing.T) {
	small := map[string]float64{"sequences": 7, "length": 9, "states": 3, "features": 2, "noise": 0.5}
	withZero := map[string]float64{"sequences": 7, "length": 9, "states": 3, "features": 2, "noise": 0.5, "context": 0}
	for _, tc := range []struct {
		name         string
		params       map[string]float64
		bits, digest string
	}{
		{"defaults", nil, "cfcc1d0fa12ac758f55a1bbf1fc4a26ef72b5f0da22a8fa6f75686270b29699c", "581efed39bc7559d0ca1444990a141bbb75845f0ef1aba3e909ecffa60fad639"},
		{"small", small, "36f6d261fddfa234647873c4bcc740d817e651f4afa269d5f0275af64bfba9c2", "c3d74e9645165b77168d49e7ddb4756cea1331b2c6d244079db31ff623f77805"},
		{"small, context 0", withZero, "36f6d261fddfa234647873c4bcc740d817e651f4afa269d5f0275af64bfba9c2", "c3d74e9645165b77168d49e7ddb4756cea1331b2c6d244079db31ff623f77805"},
	} {
		tab, err := Builtin("sequences", tc.params, 11)
		if err != nil {
			t.Fatal(err)
		}
		if got := bitsHash(tab); got != tc.bits {
			t.Errorf("%s: feature and label bits hash %s, want %s (as before context)", tc.name, got, tc.bits)
		}
		if tab.Checksum != tc.digest {
			t.Errorf("%s: checksum %s, want %s (as before context)", tc.name, tab.Checksum, tc.digest)
		}
	}
}

// TestSequencesContext checks the context features by hand on a tiny
// table: row (q, f) holds frames f−c … f+c of sequence q, clamped at the
// ends, each the same observation as in the context-0 table (the labels
// and observations do not depend on c).
func TestSequencesContext(t *testing.T) {
	const S, L, d, c = 2, 4, 2, 1
	base := map[string]float64{"sequences": S, "length": L, "states": 2, "features": d, "noise": 1}
	ctx := map[string]float64{"sequences": S, "length": L, "states": 2, "features": d, "noise": 1, "context": c}
	t0, s0, err := GenerateSequences(base, 4)
	if err != nil {
		t.Fatal(err)
	}
	t1, s1, err := GenerateSequences(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	if t1.N != S*L || len(t1.NumX) != S*L*(2*c+1)*d || !slices.Equal(t0.Y, t1.Y) || !slices.Equal(s0.SeqID, s1.SeqID) || !slices.Equal(s0.Order, s1.Order) {
		t.Fatalf("context 1: N %d, %d features, labels or sequence columns differ from context 0", t1.N, len(t1.NumX))
	}
	if t0.Checksum == t1.Checksum {
		t.Error("context 1 has the checksum of context 0")
	}
	obs := func(q, f int) []float64 { return t0.NumX[(q*L+f)*d : (q*L+f+1)*d] }
	row := func(q, f int) []float64 { w := (2*c + 1) * d; return t1.NumX[(q*L+f)*w : (q*L+f+1)*w] }
	// Written out frame by frame: [t−1, t, t+1], clamped.
	want := map[[2]int][]float64{
		{0, 0}: slices.Concat(obs(0, 0), obs(0, 0), obs(0, 1)),
		{0, 1}: slices.Concat(obs(0, 0), obs(0, 1), obs(0, 2)),
		{0, 2}: slices.Concat(obs(0, 1), obs(0, 2), obs(0, 3)),
		{0, 3}: slices.Concat(obs(0, 2), obs(0, 3), obs(0, 3)),
		{1, 0}: slices.Concat(obs(1, 0), obs(1, 0), obs(1, 1)),
		{1, 1}: slices.Concat(obs(1, 0), obs(1, 1), obs(1, 2)),
		{1, 2}: slices.Concat(obs(1, 1), obs(1, 2), obs(1, 3)),
		{1, 3}: slices.Concat(obs(1, 2), obs(1, 3), obs(1, 3)),
	}
	for k, w := range want {
		if got := row(k[0], k[1]); !slices.Equal(got, w) {
			t.Errorf("sequence %d frame %d: features %v, want %v", k[0], k[1], got, w)
		}
	}
	// A context wider than the sequence clamps on both sides.
	wide := map[string]float64{"sequences": S, "length": L, "states": 2, "features": d, "noise": 1, "context": 5}
	tw, _, err := GenerateSequences(wide, 4)
	if err != nil {
		t.Fatal(err)
	}
	w := 11 * d
	for o := -5; o <= 5; o++ {
		g := min(max(1+o, 0), L-1)
		if got := tw.NumX[(L+1)*w+(o+5)*d : (L+1)*w+(o+6)*d]; !slices.Equal(got, obs(1, g)) {
			t.Errorf("context 5, sequence 1 frame 1, offset %d: %v, want frame %d's %v", o, got, g, obs(1, g))
		}
	}
	// Deterministic, and the same through Builtin and GenerateSequences.
	again, _, _ := GenerateSequences(ctx, 4)
	b, err := Builtin("sequences", ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.NumX, t1.NumX) || !slices.Equal(b.NumX, t1.NumX) || b.Checksum != t1.Checksum || len(b.NumNames) != (2*c+1)*d {
		t.Error("context 1: not deterministic, or Builtin differs from GenerateSequences")
	}
	// Names of the columns.
	if got, want := SequenceFeatureNames(2, 1), []string{"x0@-1", "x1@-1", "x0@0", "x1@0", "x0@+1", "x1@+1"}; !slices.Equal(got, want) {
		t.Errorf("SequenceFeatureNames(2, 1) = %v, want %v", got, want)
	}
	if got, want := SequenceFeatureNames(3, 0), []string{"x0", "x1", "x2"}; !slices.Equal(got, want) {
		t.Errorf("SequenceFeatureNames(3, 0) = %v, want %v", got, want)
	}
	// Bad values are refused.
	for _, p := range []map[string]float64{{"context": -1}, {"context": 1.5}} {
		if _, err := Builtin("sequences", p, 1); err == nil {
			t.Errorf("context %v accepted", p["context"])
		}
	}
}

// TestBuiltin_SequenceContextNames: with context the table's features are
// named by frame offset; without it they stay x0, x1, ….
func TestBuiltin_SequenceContextNames(t *testing.T) {
	tab, err := Builtin("sequences", map[string]float64{"sequences": 2, "length": 4, "features": 2, "context": 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"x0@-1", "x1@-1", "x0@+0", "x1@+0", "x0@+1", "x1@+1"}
	if got := tab.NumNames; len(got) != len(want) {
		t.Fatalf("names %v, want %v", got, want)
	}
	if got := SequenceFeatureNames(2, 1); len(got) != 6 || got[0] != tab.NumNames[0] || got[5] != tab.NumNames[5] {
		t.Errorf("names %v vs SequenceFeatureNames %v", tab.NumNames, got)
	}
	plain, err := Builtin("sequences", map[string]float64{"sequences": 2, "length": 4, "features": 2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if plain.NumNames[0] != "x0" || plain.NumNames[1] != "x1" {
		t.Errorf("names without context %v, want x0, x1", plain.NumNames)
	}
}
