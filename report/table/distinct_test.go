package table

import (
	"math"
	"testing"
)

func TestDistinctFloats(t *testing.T) {
	for _, tt := range []struct {
		a, b   float64
		prec   int
		wa, wb string
	}{
		{3.7281e-4, 3.7289e-4, 4, "0.0003728", "0.0003729"},
		{3.72801e-4, 3.72809e-4, 4, "0.0003728", "0.00037281"},
		{1, 1, 4, "1", "1"},
		{0.1, math.Nextafter(0.1, 1), 4, "0.1", "0.10000000000000002"},
		{1, 2, 5, "1", "2"},
	} {
		a, b := DistinctFloats(tt.a, tt.b, tt.prec)
		if tt.a != tt.b && a == b {
			t.Errorf("DistinctFloats(%v, %v) = %s, %s: the same text for different values", tt.a, tt.b, a, b)
		}
		if tt.wa != "" && !(a == tt.wa && b == tt.wb) {
			t.Errorf("DistinctFloats(%v, %v, %d) = %s, %s; want %s, %s", tt.a, tt.b, tt.prec, a, b, tt.wa, tt.wb)
		}
	}
}

func TestDistinctHashes(t *testing.T) {
	a := "370cb5d1e2f3a4b5c6d7e8f9aa"
	b := "370cb5d1e2f3a4b5c6d7e8f9ab"
	x, y := DistinctHashes(a, b, 12)
	if x == y {
		t.Errorf("DistinctHashes = %s, %s: the same", x, y)
	}
	if x != a || y != b {
		t.Errorf("DistinctHashes = %s, %s; want the whole hashes (they differ in the last character)", x, y)
	}
	x, y = DistinctHashes("abcdef0123456789xyz", "abcdef0123456789xyz", 12)
	if x != "abcdef012345…" || x != y {
		t.Errorf("equal hashes: %s, %s", x, y)
	}
	x, y = DistinctHashes("aaaa1aaaaaaaaaaaaaaaa", "aaaa2aaaaaaaaaaaaaaaa", 12)
	if x != "aaaa1aaaaaaa…" || y != "aaaa2aaaaaaa…" {
		t.Errorf("early difference: %s, %s", x, y)
	}
	lb, lc := DistinctLabels([]string{"l2"}, []float64{3.7281e-4}, []float64{3.7289e-4})
	if lb == lc {
		t.Errorf("distinctLabels: %s, %s", lb, lc)
	}
}
