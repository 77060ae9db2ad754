package table

import "testing"

// TestNote_PartlyFailedRoundTrip: balance.csv's note carries the point's
// own note, the left-out list and then the partly failed points; the
// answer reads the three back apart.
func TestNote_PartlyFailedRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name, own        string
		excluded, partly []string
		note             string
	}{
		{"none", "", nil, nil, ""},
		{"own only", "ties: larger λ", nil, nil, "ties: larger λ"},
		{"partly only", "", nil, []string{"λ=1: 1 of 3 runs failed"}, "λ=1: 1 of 3 runs failed"},
		{"all three", "single repeat", []string{"λ=3: all 3 runs failed"}, []string{"λ=0.1: 1 of 3 runs failed", "λ=1: 2 of 3 runs failed"},
			"single repeat; left out: λ=3 (all 3 runs failed); λ=0.1: 1 of 3 runs failed; λ=1: 2 of 3 runs failed"},
		{"left out only", "", []string{"λ=3: 2 of 3 runs failed, no test.accuracy value in the others"}, nil,
			"left out: λ=3 (2 of 3 runs failed, no test.accuracy value in the others)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			note := withPartlyFailed(withLeftOut(tt.own, tt.excluded), tt.partly)
			if note != tt.note {
				t.Fatalf("note %q, want %q", note, tt.note)
			}
			rest, partly := splitPartlyFailed(note)
			own, _ := splitLeftOut(rest)
			wantPartly := ""
			for i, p := range tt.partly {
				if i > 0 {
					wantPartly += "; "
				}
				wantPartly += p
			}
			if own != tt.own || partly != wantPartly {
				t.Errorf("read back own %q, partly %q; want %q, %q", own, partly, tt.own, wantPartly)
			}
		})
	}
}
