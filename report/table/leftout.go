package table

import (
	"regexp"
	"strings"
)

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

// partlyFailedItem is one item of a balance.csv note that names a point
// whose runs partly failed: "λ=1: 1 of 3 runs failed". The items come
// last in the note, after the left-out list, each after "; ".
var partlyFailedItem = regexp.MustCompile(`^λ=[^ :;]+: [0-9]+ of [0-9]+ runs failed$`)

// withPartlyFailed returns note followed by the points of partly (as
// Balance.PartlyFailed lists them).
func withPartlyFailed(note string, partly []string) string {
	items := append([]string{}, partly...)
	if note != "" {
		items = append([]string{note}, items...)
	}
	return strings.Join(items, "; ")
}

// splitPartlyFailed splits a balance.csv note into what comes before its
// partly-failed points and those points ("; "-separated, "" when none).
func splitPartlyFailed(note string) (rest, partly string) {
	parts := strings.Split(note, "; ")
	i := len(parts)
	for i > 0 && partlyFailedItem.MatchString(parts[i-1]) {
		i--
	}
	return strings.Join(parts[:i], "; "), strings.Join(parts[i:], "; ")
}
