package table

import "strings"

// ExtraColumn reports whether a metric a training command reported
// beyond the spec's can be a runs.csv column of its own: not a fixed
// column's name (run_id, seed, status, reason…) nor one the tables read
// another way (lambda.<term>, axis.<field>, lambda_eff.<term>, the
// cv.<metric> of cross-validation).
func ExtraColumn(name string) bool {
	switch name {
	case "", ColRunID, ColRepeat, ColSeed, ColFold, ColStatus, ColReason, ColMethod, ColEpoch, ColSeconds, ColN, ColDiverged, ColFailed:
		return false
	}
	for _, p := range []string{LambdaPrefix, AxisPrefix, LambdaEffPrefix, CVPrefix} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	return true
}
