package report

import "strings"

// leftOutPrefix starts the part of a balance.csv note that names the grid
// points of the term's slice left out of every choice (Balance.Excluded):
// "left out: λ=1 (all 3 runs failed), λ=3 (1 of 3 runs diverged)". It is
// on every row of the term, after the point's own note.
const leftOutPrefix = "left out: "

// withLeftOut returns note followed by the left-out points of excluded
// ("λ=<value>: <why>", as Balance.Excluded lists them).
func withLeftOut(note string, excluded []string) string {
	if len(excluded) == 0 {
		return note
	}
	items := make([]string, len(excluded))
	for i, e := range excluded {
		at, why, _ := strings.Cut(e, ": ")
		items[i] = at + " (" + why + ")"
	}
	lo := leftOutPrefix + strings.Join(items, ", ")
	if note == "" {
		return lo
	}
	return note + "; " + lo
}

// splitLeftOut splits a balance.csv note into the point's own note and
// the list of left-out points ("" when none).
func splitLeftOut(note string) (own, leftOut string) {
	i := strings.Index(note, leftOutPrefix)
	if i < 0 {
		return note, ""
	}
	return strings.TrimSuffix(note[:i], "; "), note[i+len(leftOutPrefix):]
}
